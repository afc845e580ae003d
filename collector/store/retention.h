/* retention: how long reports are kept. Every report for keep_all days,
 * then the last one of each day for keep_daily days more (0: forever). A
 * server's newest report, and reports the history pass has not read yet,
 * are never pruned. A finding's spans (the per-day trend) go with the
 * reports of their time: one closed before the oldest day any report is
 * kept for is pruned; one still open never is. The change log and each
 * finding's first and last seen are kept. */
#ifndef BS_STORE_RETENTION_H
#define BS_STORE_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct bs_retention {
	unsigned keep_all_days; /* 90 */
	unsigned keep_daily_days; /* 0: forever */
};

/* Deletes up to max_rows rows (reports, then finding spans) in one short
 * transaction; *deleted says how many, so a caller loops (yielding to
 * ingest) until it is 0. */
int bs_retention_prune(struct bs_store *st, const struct bs_retention *r, int64_t now_ms,
    size_t max_rows, size_t *deleted);

#endif
