/* history: the SQL over the findings history and the change log. */
#include "store/history.h"

#include <string.h>

#include "err.h"
#include "log.h"
#include "store/store_int.h"

static const char *
history_text(sqlite3_stmt *s, int col)
{
	const char *t = (const char *)sqlite3_column_text(s, col);

	return t != NULL ? t : "";
}

/* A copy of a blob column in ar (a zero-length blob reads as NULL). */
static uint8_t *
history_blob(sqlite3_stmt *s, int col, struct bs_arena *ar, size_t *len)
{
	uint8_t *copy;

	*len = (size_t)sqlite3_column_bytes(s, col);
	copy = bs_arena_alloc(ar, *len > 0 ? *len : 1);
	if (copy != NULL && *len > 0)
		memcpy(copy, sqlite3_column_blob(s, col), *len);
	return copy;
}

int
bs_store_any_pending(struct bs_store *s, int *any)
{
	sqlite3_stmt *st = NULL;
	int rv;

	*any = 0;
	if (s->version < 2)
		return BS_EDB;
	if ((rv = store_prepare(s, "SELECT 1 FROM reports WHERE analyzed = 0 LIMIT 1", &st)) != 0)
		return rv;
	*any = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

struct history_pending {
	struct bs_arena *ar;
	struct bs_stored_report *rows;
	size_t n;
};

static int
history_pending_row(sqlite3_stmt *st, void *arg)
{
	struct history_pending *p = arg;
	struct bs_stored_report *row = &p->rows[p->n];

	row->id = sqlite3_column_int64(st, 0);
	row->server_id = sqlite3_column_int64(st, 1);
	row->fqdn = bs_arena_strdup(p->ar, history_text(st, 2));
	row->received_ms = sqlite3_column_int64(st, 3);
	row->collected_ms = sqlite3_column_int64(st, 4);
	row->provenance = bs_arena_strdup(p->ar, history_text(st, 5));
	row->raw = history_blob(st, 6, p->ar, &row->len);
	if (row->fqdn == NULL || row->provenance == NULL || row->raw == NULL)
		return BS_ENOMEM;
	p->n++;
	return 0;
}

int
bs_store_pending(
    struct bs_store *s, struct bs_arena *ar, size_t max, struct bs_stored_report **rows, size_t *n)
{
	struct history_pending p = {ar, NULL, 0};
	sqlite3_stmt *st = NULL;
	int rv;

	*n = 0;
	if ((p.rows = bs_arena_alloc(ar, (max > 0 ? max : 1) * sizeof(*p.rows))) == NULL)
		return BS_ENOMEM;
	if ((rv = store_prepare(s,
	         "SELECT r.id, r.server_id, s.fqdn, r.received_ms, r.collected_ms, r.provenance,"
	         " r.raw FROM reports r JOIN servers s ON s.id = r.server_id"
	         " WHERE r.analyzed = 0 ORDER BY r.id LIMIT ?",
	         &st)) != 0)
		return rv;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	rv = store_walk(st, history_pending_row, &p);
	*rows = p.rows;
	*n = p.n;
	return rv;
}

int
bs_store_previous(struct bs_store *s, const struct bs_stored_report *r, struct bs_arena *ar,
    const uint8_t **raw, size_t *len, int64_t *collected_ms)
{
	int rv = 0;

	*raw = NULL;
	*len = 0;
	*collected_ms = 0;
	/* Once per report of the pass: kept prepared. */
	if (s->prev_report == NULL &&
	    (rv = store_prepare(s,
	         "SELECT raw, collected_ms FROM reports WHERE server_id = ? AND id < ?"
	         " ORDER BY id DESC LIMIT 1",
	         &s->prev_report)) != 0)
		return rv;
	sqlite3_bind_int64(s->prev_report, 1, r->server_id);
	sqlite3_bind_int64(s->prev_report, 2, r->id);
	if (sqlite3_step(s->prev_report) == SQLITE_ROW) {
		*raw = history_blob(s->prev_report, 0, ar, len);
		*collected_ms = sqlite3_column_int64(s->prev_report, 1);
		if (*raw == NULL)
			rv = BS_ENOMEM;
	}
	sqlite3_reset(s->prev_report);
	return rv;
}

struct history_stmts {
	sqlite3_stmt *ins_change, *ins_finding, *upsert_state, *upsert_span, *close_spans, *resolve,
	    *mark;
};

static int
history_write_one(struct bs_store *s, struct history_stmts *h, const struct bs_pass_result *res)
{
	const struct bs_stored_report *row = res->report;
	int rv;

	if (res->unreadable)
		goto mark;
	for (size_t i = 0; i < res->n_changes; i++) {
		const struct bs_stored_change *c = res->changes[i];
		sqlite3_stmt *st = h->ins_change;

		sqlite3_bind_int64(st, 1, row->server_id);
		sqlite3_bind_int64(st, 2, row->id);
		sqlite3_bind_int64(st, 3, row->collected_ms);
		sqlite3_bind_int64(st, 4, res->prev_collected_ms);
		sqlite3_bind_text(st, 5, c->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, c->object, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, c->before, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, c->after, -1, SQLITE_STATIC);
		if ((rv = store_step_done(s, st)) != 0)
			return rv;
	}
	for (size_t i = 0; i < res->n_findings; i++) {
		const struct bs_stored_finding *f = res->findings[i];

		sqlite3_bind_int64(h->ins_finding, 1, row->id);
		sqlite3_bind_text(h->ins_finding, 2, f->rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(h->ins_finding, 3, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(h->ins_finding, 4, f->severity, -1, SQLITE_STATIC);
		sqlite3_bind_text(h->ins_finding, 5, f->title, -1, SQLITE_STATIC);
		if ((rv = store_step_done(s, h->ins_finding)) != 0)
			return rv;
		sqlite3_bind_int64(h->upsert_state, 1, row->server_id);
		sqlite3_bind_text(h->upsert_state, 2, f->rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(h->upsert_state, 3, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(h->upsert_state, 4, row->received_ms);
		sqlite3_bind_int64(h->upsert_state, 5, row->id);
		sqlite3_bind_text(h->upsert_state, 6, f->severity, -1, SQLITE_STATIC);
		if ((rv = store_step_done(s, h->upsert_state)) != 0)
			return rv;
		sqlite3_bind_int64(h->upsert_span, 1, row->server_id);
		sqlite3_bind_text(h->upsert_span, 2, f->rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(h->upsert_span, 3, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(h->upsert_span, 4, f->severity, -1, SQLITE_STATIC);
		sqlite3_bind_int64(h->upsert_span, 5, row->received_ms);
		if ((rv = store_step_done(s, h->upsert_span)) != 0)
			return rv;
	}
	/* What this report no longer shows is resolved as of this report:
	 * its span closes first, while finding_state still says it is open. */
	sqlite3_bind_int64(h->close_spans, 1, row->received_ms);
	sqlite3_bind_int64(h->close_spans, 2, row->server_id);
	sqlite3_bind_int64(h->close_spans, 3, row->id);
	if ((rv = store_step_done(s, h->close_spans)) != 0)
		return rv;
	sqlite3_bind_int64(h->resolve, 1, row->received_ms);
	sqlite3_bind_int64(h->resolve, 2, row->server_id);
	sqlite3_bind_int64(h->resolve, 3, row->id);
	if ((rv = store_step_done(s, h->resolve)) != 0)
		return rv;
mark:
	sqlite3_bind_int64(h->mark, 1, row->id);
	return store_step_done(s, h->mark);
}

int
bs_store_history_write(struct bs_store *s, const struct bs_pass_result *res, size_t n)
{
	struct history_stmts h;
	int rv;

	memset(&h, 0, sizeof(h));
	if (n == 0)
		return 0;
	if ((rv = store_prepare(s,
	         "INSERT INTO changes (server_id, report_id, at_ms, prev_at_ms, kind, object,"
	         " before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	         &h.ins_change)) != 0 ||
	    (rv = store_prepare(s,
	         "INSERT OR IGNORE INTO report_findings (report_id, rule_id, fkey, severity,"
	         " title) VALUES (?, ?, ?, ?, ?)",
	         &h.ins_finding)) != 0 ||
	    (rv = store_prepare(s,
	         "INSERT INTO finding_state (server_id, rule_id, fkey, first_seen_ms,"
	         " last_seen_ms, resolved_ms, last_report_id, severity)"
	         " VALUES (?1, ?2, ?3, ?4, ?4, NULL, ?5, ?6)"
	         " ON CONFLICT (server_id, rule_id, fkey) DO UPDATE SET"
	         " first_seen_ms = CASE WHEN resolved_ms IS NULL THEN first_seen_ms"
	         "   ELSE excluded.first_seen_ms END,"
	         " last_seen_ms = excluded.last_seen_ms, resolved_ms = NULL,"
	         " last_report_id = excluded.last_report_id, severity = excluded.severity",
	         &h.upsert_state)) != 0 ||
	    (rv = store_prepare(s,
	         "INSERT INTO finding_spans (server_id, rule_id, fkey, severity, opened_ms,"
	         " closed_ms) VALUES (?1, ?2, ?3, ?4, ?5, NULL)"
	         " ON CONFLICT (server_id, rule_id, fkey) WHERE closed_ms IS NULL"
	         " DO UPDATE SET severity = excluded.severity",
	         &h.upsert_span)) != 0 ||
	    (rv = store_prepare(s,
	         "UPDATE finding_spans SET closed_ms = ?1 WHERE server_id = ?2"
	         " AND closed_ms IS NULL AND EXISTS (SELECT 1 FROM finding_state f"
	         "  WHERE f.server_id = ?2 AND f.rule_id = finding_spans.rule_id"
	         "  AND f.fkey = finding_spans.fkey AND f.resolved_ms IS NULL"
	         "  AND f.last_report_id < ?3)",
	         &h.close_spans)) != 0 ||
	    (rv = store_prepare(s,
	         "UPDATE finding_state SET resolved_ms = ?1 WHERE server_id = ?2"
	         " AND resolved_ms IS NULL AND last_report_id < ?3",
	         &h.resolve)) != 0 ||
	    (rv = store_prepare(s, "UPDATE reports SET analyzed = 1 WHERE id = ?", &h.mark)) != 0)
		goto out;
	/* One short transaction: ingest never waits long for the lock. */
	if ((rv = bs_store_begin(s)) != 0)
		goto out;
	for (size_t i = 0; i < n && rv == 0; i++)
		rv = history_write_one(s, &h, &res[i]);
	if (rv == 0)
		rv = bs_store_commit(s);
	else
		bs_store_rollback(s);
out:
	sqlite3_finalize(h.ins_change);
	sqlite3_finalize(h.ins_finding);
	sqlite3_finalize(h.upsert_state);
	sqlite3_finalize(h.upsert_span);
	sqlite3_finalize(h.close_spans);
	sqlite3_finalize(h.resolve);
	sqlite3_finalize(h.mark);
	return rv;
}

struct history_changes {
	bs_store_change_fn fn;
	void *arg;
};

struct history_seen {
	bs_store_seen_fn fn;
	void *arg;
};

/* A change query's row (server, kind, object, before, after, at, prev). */
static int
history_change_row(sqlite3_stmt *st, void *arg)
{
	const struct history_changes *w = arg;
	struct bs_store_change c = {history_text(st, 0), history_text(st, 1), history_text(st, 2),
	    history_text(st, 3), history_text(st, 4), sqlite3_column_int64(st, 5),
	    sqlite3_column_int64(st, 6)};

	return w->fn(w->arg, &c);
}

static int
history_seen_row(sqlite3_stmt *st, void *arg)
{
	const struct history_seen *w = arg;
	struct bs_store_seen f = {history_text(st, 0), history_text(st, 1), history_text(st, 2),
	    sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4)};

	return w->fn(w->arg, &f);
}

int
bs_store_changes_since(struct bs_store *s, int64_t since_ms, bs_store_change_fn fn, void *arg)
{
	struct history_changes w = {fn, arg};
	sqlite3_stmt *st = NULL;
	int rv;

	if (s->version < 2)
		return 0; /* an older database, opened read-only: no history yet */
	if ((rv = store_prepare(s,
	         "SELECT s.fqdn, c.kind, c.object, c.before, c.after, c.at_ms, c.prev_at_ms"
	         " FROM changes c JOIN servers s ON s.id = c.server_id"
	         " WHERE c.at_ms >= ? ORDER BY c.id",
	         &st)) != 0)
		return rv;
	sqlite3_bind_int64(st, 1, since_ms);
	return store_walk(st, history_change_row, &w);
}

int
bs_store_changes_newest(
    struct bs_store *s, const char *fqdn, size_t limit, bs_store_change_fn fn, void *arg)
{
	struct history_changes w = {fn, arg};
	sqlite3_stmt *st = NULL;
	int rv;

	if (s->version < 2)
		return 0;
	if ((rv = store_prepare(s,
	         "SELECT s.fqdn, c.kind, c.object, c.before, c.after, c.at_ms, c.prev_at_ms"
	         " FROM changes c JOIN servers s ON s.id = c.server_id"
	         " WHERE ?1 IS NULL OR s.fqdn = ?1 COLLATE NOCASE"
	         " ORDER BY c.at_ms DESC, c.id DESC LIMIT ?2",
	         &st)) != 0)
		return rv;
	if (fqdn != NULL)
		sqlite3_bind_text(st, 1, fqdn, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	return store_walk(st, history_change_row, &w);
}

int
bs_store_each_open_finding(struct bs_store *s, bs_store_seen_fn fn, void *arg)
{
	struct history_seen w = {fn, arg};

	if (s->version < 2)
		return 0;
	return store_query(s,
	    "SELECT s.fqdn, f.rule_id, f.fkey, f.first_seen_ms, f.last_seen_ms"
	    " FROM finding_state f JOIN servers s ON s.id = f.server_id"
	    " WHERE f.resolved_ms IS NULL",
	    history_seen_row, &w);
}

struct history_spans {
	bs_store_span_fn fn;
	void *arg;
};

static int
history_span_row(sqlite3_stmt *st, void *arg)
{
	const struct history_spans *w = arg;
	struct bs_store_span f = {history_text(st, 0), history_text(st, 1),
	    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};

	return w->fn(w->arg, &f);
}

/* By schema version: an older database opened read-only has only each
 * finding's current span. */
static const struct {
	int since_version;
	const char *sql;
} history_span_queries[] = {
    {6,
        "SELECT s.fqdn, f.severity, f.opened_ms, coalesce(f.closed_ms, 0)"
        " FROM finding_spans f JOIN servers s ON s.id = f.server_id"
        " WHERE (f.closed_ms IS NULL OR f.closed_ms >= ?1)"
        " AND (?2 IS NULL OR s.fqdn = ?2 COLLATE NOCASE)"},
    {2,
        "SELECT s.fqdn, f.severity, f.first_seen_ms, coalesce(f.resolved_ms, 0)"
        " FROM finding_state f JOIN servers s ON s.id = f.server_id"
        " WHERE (f.resolved_ms IS NULL OR f.resolved_ms >= ?1)"
        " AND (?2 IS NULL OR s.fqdn = ?2 COLLATE NOCASE)"},
};

int
bs_store_finding_spans(
    struct bs_store *s, const char *fqdn, int64_t since_ms, bs_store_span_fn fn, void *arg)
{
	struct history_spans w = {fn, arg};
	sqlite3_stmt *st = NULL;
	size_t q = 0;
	int rv;

	while (q < sizeof(history_span_queries) / sizeof(history_span_queries[0]) &&
	    s->version < history_span_queries[q].since_version)
		q++;
	if (q == sizeof(history_span_queries) / sizeof(history_span_queries[0]))
		return 0; /* no history yet */
	if ((rv = store_prepare(s, history_span_queries[q].sql, &st)) != 0)
		return rv;
	sqlite3_bind_int64(st, 1, since_ms);
	if (fqdn != NULL)
		sqlite3_bind_text(st, 2, fqdn, -1, SQLITE_STATIC);
	return store_walk(st, history_span_row, &w);
}
