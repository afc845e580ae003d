/* logagg: turns log records into a LogSample's compact evidence: counts
 * per status tuple and per back-end target, the time window, skip reasons
 * and a few redacted examples. Tables are bounded (a hostile or strange
 * log cannot grow memory): past the bound, counts go to an "(other)" row. */
#ifndef BS_LOGAGG_H
#define BS_LOGAGG_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "wire.h"

#define BS_LOGAGG_MAX_STATUSES 512
#define BS_LOGAGG_MAX_TARGETS 1024
#define BS_LOGAGG_MAX_REASONS 5
#define BS_LOGAGG_MAX_EXAMPLES 8 /* per sample */
#define BS_LOGAGG_CLASS_EXAMPLES 2 /* per failure class */
#define BS_BACKEND_ABSENT UINT32_MAX

struct bs_logagg;

/* ls receives the results at bs_logagg_finish; strings go to a. Caller
 * owns *out (bs_logagg_destroy). */
int bs_logagg_create(struct bs_arena *a, Bindscope__V1__LogSample *ls, struct bs_logagg **out);
void bs_logagg_destroy(struct bs_logagg *g);

/* One request. backend is BS_BACKEND_ABSENT when the field was empty. */
void bs_logagg_status(struct bs_logagg *g, uint32_t http, uint32_t backend, const char *err,
    size_t errlen, uint32_t sub, uint32_t win32, uint32_t port);
/* One proxied request to target; failed says whether the back end failed. */
void bs_logagg_target(struct bs_logagg *g, const char *target, size_t len, int failed,
    const char *webexc, size_t welen);
void bs_logagg_time(struct bs_logagg *g, int64_t ms);
/* A record that was not counted; the first few reasons are kept. */
void bs_logagg_skip(struct bs_logagg *g, const char *reason);
/* 1 while more examples of this failure class ("TrustFailure",
 * "BackEndStatus 500") are wanted. */
int bs_logagg_want_example(const struct bs_logagg *g, const char *cls);
void bs_logagg_example(struct bs_logagg *g, const char *cls, const char *line, size_t len);

/* Writes the tables into the LogSample, sorted by count (then key) so
 * equal logs give equal reports. Returns 0 or BS_ENOMEM. */
int bs_logagg_finish(struct bs_logagg *g);

/* "2023-01-09T19:00:00.130Z" (HttpProxy) or date "2023-01-09" + time
 * "19:00:00" (W3C) to Unix milliseconds; 0 on success. */
int bs_log_time_iso(const char *s, size_t n, int64_t *ms);
int bs_log_time_w3c(const char *date, size_t dn, const char *time, size_t tn, int64_t *ms);
/* A decimal status of at most 10 digits; 0 on success. */
int bs_log_uint(const char *s, size_t n, uint32_t *out);

#endif
