/* retention: the pruning query, in bounded batches. */
#include "store/retention.h"

#include "err.h"
#include "log.h"
#include "store/store_int.h"

#define DAY_MS (86400LL * 1000)

/* Finding spans closed before before_ms (older than any report kept),
 * up to max_rows; a span still open is never pruned. Inside the caller's
 * transaction; adds what it deleted to *deleted. */
static int
retention_prune_spans(struct bs_store *st, int64_t before_ms, size_t max_rows, size_t *deleted)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if (st->version < 6 || before_ms == INT64_MIN)
		return 0;
	if ((rv = store_prepare(st,
	         "DELETE FROM finding_spans WHERE id IN (SELECT id FROM finding_spans"
	         " WHERE closed_ms IS NOT NULL AND closed_ms < ?1 LIMIT ?2)",
	         &s)) != 0)
		return rv;
	sqlite3_bind_int64(s, 1, before_ms);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max_rows);
	if ((rv = store_step_done(st, s)) == 0)
		*deleted += (size_t)sqlite3_changes(st->db);
	sqlite3_finalize(s);
	return rv;
}

int
bs_retention_prune(struct bs_store *st, const struct bs_retention *r, int64_t now_ms,
    size_t max_rows, size_t *deleted)
{
	sqlite3 *db = st->db;
	sqlite3_stmt *s = NULL;
	int64_t all_before = now_ms - (int64_t)r->keep_all_days * DAY_MS;
	int64_t daily_before =
	    r->keep_daily_days == 0 ? INT64_MIN : all_before - (int64_t)r->keep_daily_days * DAY_MS;
	int rv = BS_EDB;

	*deleted = 0;
	if (st->version < 2)
		return BS_EDB;
	/* Older than keep_all: delete unless it is the server's newest, not
	 * yet analysed, or (within keep_daily) the last of its UTC day. */
	if (sqlite3_prepare_v2(db,
	        "DELETE FROM reports WHERE id IN ("
	        " SELECT r.id FROM reports r JOIN servers s ON s.id = r.server_id"
	        " WHERE r.received_ms < ?1 AND r.analyzed = 1 AND r.id <> s.latest_report_id"
	        " AND (r.received_ms < ?2 OR EXISTS (SELECT 1 FROM reports n"
	        "  WHERE n.server_id = r.server_id"
	        "  AND n.received_ms >= r.received_ms - r.received_ms % 86400000"
	        "  AND n.received_ms < r.received_ms - r.received_ms % 86400000 + 86400000"
	        "  AND n.id > r.id))"
	        " LIMIT ?3)",
	        -1, &s, NULL) != SQLITE_OK) {
		bs_log(BS_LOG_ERROR, "db_prepare", "error=\"%s\"", sqlite3_errmsg(db));
		return BS_EDB;
	}
	sqlite3_bind_int64(s, 1, all_before);
	sqlite3_bind_int64(s, 2, daily_before);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max_rows);
	if (bs_store_begin(st) != 0)
		goto out;
	if (sqlite3_step(s) != SQLITE_DONE) {
		bs_log(BS_LOG_ERROR, "db_write", "error=\"%s\"", sqlite3_errmsg(db));
		bs_store_rollback(st);
		goto out;
	}
	*deleted = (size_t)sqlite3_changes(db);
	if (*deleted < max_rows &&
	    (rv = retention_prune_spans(st, daily_before, max_rows - *deleted, deleted)) != 0) {
		bs_store_rollback(st);
		goto out;
	}
	rv = bs_store_commit(st);
out:
	sqlite3_finalize(s);
	return rv;
}
