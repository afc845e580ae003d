/* history: what the store remembers between reports: each report's
 * findings, every finding's first and last seen and each period it was
 * open, and the change log of
 * sites, bindings and certificates (the schema is in store.c). The history
 * pass (upkeep/history_pass.h) reads the reports not analysed yet and
 * writes back what the analysis made of them; analyses read the open
 * findings and the recent changes back. */
#ifndef BS_STORE_HISTORY_H
#define BS_STORE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "store/rows.h"
#include "store/store.h"

/* *any is 1 when some report awaits the history pass. Cheap: the usual
 * answer between sweeps is no. */
int bs_store_any_pending(struct bs_store *s, int *any);
/* Up to max reports not analysed yet, oldest first, copied into ar with
 * their bytes (the reads finish before any write starts). */
int bs_store_pending(
    struct bs_store *s, struct bs_arena *ar, size_t max, struct bs_stored_report **rows, size_t *n);
/* The server's report stored before r: its bytes copied into ar and its
 * collection time; *raw is NULL when r is the server's first. */
int bs_store_previous(struct bs_store *s, const struct bs_stored_report *r, struct bs_arena *ar,
    const uint8_t **raw, size_t *len, int64_t *collected_ms);
/* Writes what the pass made of n reports in one transaction: changes,
 * findings, first and last seen, each finding's open span, what each no
 * longer shows resolved (its span closed) as of it; each is marked
 * analysed. */
int bs_store_history_write(struct bs_store *s, const struct bs_pass_result *res, size_t n);

/* One entry of the change log. */
struct bs_store_change {
	const char *server, *kind, *object, *before, *after;
	int64_t at_ms; /* collected_at of the report that first showed it */
	int64_t prev_at_ms; /* ... and of the one before: it happened between */
};
/* A non-zero return stops a walk and is returned. Rows are valid during
 * the call only. */
typedef int (*bs_store_change_fn)(void *arg, const struct bs_store_change *c);
/* Changes seen at or after since_ms, oldest first. */
int bs_store_changes_since(struct bs_store *s, int64_t since_ms, bs_store_change_fn fn, void *arg);
/* The change log newest first: one server's (fqdn, any case) or
 * everyone's (NULL), at most limit entries. */
int bs_store_changes_newest(
    struct bs_store *s, const char *fqdn, size_t limit, bs_store_change_fn fn, void *arg);

/* A finding still open, as the history knows it. */
struct bs_store_seen {
	const char *fqdn, *rule, *key;
	int64_t first_seen_ms, last_seen_ms;
};
typedef int (*bs_store_seen_fn)(void *arg, const struct bs_store_seen *f);
int bs_store_each_open_finding(struct bs_store *s, bs_store_seen_fn fn, void *arg);

/* One period a finding was open in the history: from opened_ms until
 * closed_ms (0: still open), at its newest severity in that period. A
 * finding that resolves and comes back gets a new span; the earlier ones
 * stay (until retention prunes them). */
struct bs_store_span {
	const char *fqdn, *severity;
	int64_t opened_ms, closed_ms;
};
typedef int (*bs_store_span_fn)(void *arg, const struct bs_store_span *f);
/* Spans open at some moment at or after since_ms: one server's (fqdn,
 * any case) or everyone's (NULL). A database older than schema 6 opened
 * read-only gives each finding's current span only. */
int bs_store_finding_spans(
    struct bs_store *s, const char *fqdn, int64_t since_ms, bs_store_span_fn fn, void *arg);

#endif
