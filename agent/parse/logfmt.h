/* logfmt: the two log formats the agent samples, each a record parser
 * feeding a logagg. HttpProxy: CSV with a "#Fields:" header (columns by
 * name, never by position: 2013 writes 67, 2016/2019 72). IIS W3C:
 * space-separated with its own "#Fields:" line. Both headers may repeat
 * mid-file; the latest one applies. */
#ifndef BS_LOGFMT_H
#define BS_LOGFMT_H

#include <stddef.h>
#include <stdint.h>

#include "logagg.h"

struct bs_logfmt_cfg {
	int64_t window_start_ms; /* records older than this are not counted; 0 = all */
	int redact; /* replace personal data in examples by a keyed hash */
	uint8_t key[32]; /* the agent's redaction key */
};

enum bs_logfmt_kind { BS_LOGFMT_HTTPPROXY, BS_LOGFMT_W3C };

struct bs_logfmt;

/* Results go to ls (through its own logagg) at bs_logfmt_finish. */
int bs_logfmt_create(enum bs_logfmt_kind kind, struct bs_arena *a, Bindscope__V1__LogSample *ls,
    const struct bs_logfmt_cfg *cfg, struct bs_logfmt **out);
void bs_logfmt_destroy(struct bs_logfmt *f);
/* A new file starts: a header seen in the previous file no longer applies. */
void bs_logfmt_new_file(struct bs_logfmt *f);
/* Records older than ms are counted as before the window (0 = none). */
void bs_logfmt_set_window(struct bs_logfmt *f, int64_t ms);
/* One record (a line, or a CSV record spanning lines), without its end;
 * a UTF-8 BOM before it is skipped. Returns 1 when it was a column header
 * (the line a sweep resuming mid-file must replay), else 0. */
int bs_logfmt_record(struct bs_logfmt *f, const char *rec, size_t len);
int bs_logfmt_finish(struct bs_logfmt *f);

/* The keyed hash that stands for personal data: "h:" and 12 hex digits
 * of HMAC-SHA256(key, value). out must hold 15 bytes. */
void bs_logfmt_pseudonym(const uint8_t key[32], const char *v, size_t n, char out[15]);

#endif
