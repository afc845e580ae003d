/* upkeep: the collector's background thread. It runs the history pass
 * over newly stored reports, prunes by the retention policy, and keeps a
 * current analysis snapshot that the dashboard's requests share, so a
 * request never re-reads 10,000 reports. Its own SQLite connection; short
 * write transactions, so ingest never waits long. */
#ifndef BS_UPKEEP_UPKEEP_H
#define BS_UPKEEP_UPKEEP_H

#include <stddef.h>

#include "analysis/model.h"
#include "output/encode.h"
#include "store/retention.h"

struct bs_upkeep;

struct bs_upkeep_options {
	const char *db_path;
	struct bs_analysis_options analysis; /* now_ms is taken per run */
	struct bs_retention retention;
	unsigned period_ms; /* how often it looks for new reports; 1000 */
	unsigned refresh_s; /* rebuild the snapshot at least this often; 30 */
	int snapshots; /* keep snapshots (someone serves them); 0: history and retention only */
};

/* Starts the thread. Caller owns *out (bs_upkeep_stop). */
int bs_upkeep_start(const struct bs_upkeep_options *o, struct bs_upkeep **out);
/* Stops and joins the thread; accepts NULL. */
void bs_upkeep_stop(struct bs_upkeep *u);

/* The newest analysis, held by the caller until bs_upkeep_release of the
 * returned handle (a newer snapshot replaces it for later callers
 * meanwhile). NULL, and *a NULL, before the first one is ready. */
struct bs_upkeep_snap;
struct bs_upkeep_snap *bs_upkeep_acquire(struct bs_upkeep *u, const struct bs_analysis **a);
/* The same, waiting up to wait_ms for the first snapshot (a collector
 * just started makes one before it answers from its own analysis). */
struct bs_upkeep_snap *bs_upkeep_acquire_wait(
    struct bs_upkeep *u, unsigned wait_ms, const struct bs_analysis **a);
/* Accepts NULL. */
void bs_upkeep_release(struct bs_upkeep *u, struct bs_upkeep_snap *s);

/* The whole report as compact JSON (what /api/report serves) and the
 * dashboard's summary (/api/summary, output/summary.h), each with its ETag
 * and gzip form, made once with the snapshot off the request path; NULL
 * if that failed. Valid while s is held. */
const struct bs_body *bs_upkeep_snap_report(const struct bs_upkeep_snap *s);
const struct bs_body *bs_upkeep_snap_summary(const struct bs_upkeep_snap *s);
/* The server table's rows (output/table.h), made with the snapshot; NULL
 * if that failed. Valid while s is held. */
struct bs_table_index;
const struct bs_table_index *bs_upkeep_snap_table(const struct bs_upkeep_snap *s);

/* Days of findings history the dashboard shows: the retention window in
 * which every report is kept (output/summary.h's default when unset). */
unsigned bs_upkeep_history_days(const struct bs_upkeep *u);

/* Wakes the thread now (after an ingest commit, or in tests). */
void bs_upkeep_kick(struct bs_upkeep *u);

#endif
