/* history: the findings history, the change log and the mutes as the
 * analysis reads them. The SQL over those tables lives here (the schema is
 * in store.c). */
#include "history.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "changes.h"
#include "err.h"
#include "log.h"
#include "rules/rules.h"
#include "report_json.h"

/* Reports per write transaction: short enough that ingest never waits
 * long for the write lock. */
#define HISTORY_BATCH 256

struct history_change {
	const char *kind, *object, *before, *after;
};

struct history_finding {
	const char *rule, *key, *severity, *title;
};

/* One stored report, and what the pass made of it (in the batch arena):
 * computed without the write lock, written in one short transaction. */
struct history_row {
	int64_t id, server_id, received_ms, collected_ms;
	char *fqdn, *provenance;
	uint8_t *raw;
	size_t len;
	int64_t prev_collected_ms;
	struct history_change **changes;
	size_t n_changes;
	struct history_finding **findings;
	size_t n_findings;
	int unreadable;
};

struct history_pass {
	struct bs_store *st;
	sqlite3 *db;
	struct bs_analysis *a;
	sqlite3_stmt *prev, *ins_change, *ins_finding, *upsert_state, *resolve, *mark;
	/* the report being analysed, and the arena its results go to */
	struct history_row *row;
	struct bs_server *srv;
	struct bs_arena *batch;
};

static int
history_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		bs_log(BS_LOG_ERROR, "db_prepare", "error=\"%s\"", sqlite3_errmsg(db));
		return BS_EDB;
	}
	return 0;
}

static int
history_step_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		bs_log(BS_LOG_ERROR, "db_write", "error=\"%s\"", sqlite3_errmsg(db));
		return BS_EDB;
	}
	return 0;
}

static int
history_on_change(
    void *arg, const char *kind, const char *object, const char *before, const char *after)
{
	struct history_pass *p = arg;
	struct history_change *c = bs_arena_alloc(p->batch, sizeof(*c));

	if (c == NULL || (c->kind = bs_arena_strdup(p->batch, kind)) == NULL ||
	    (c->object = bs_arena_strdup(p->batch, object)) == NULL ||
	    (c->before = bs_arena_strdup(p->batch, before)) == NULL ||
	    (c->after = bs_arena_strdup(p->batch, after)) == NULL ||
	    bs_arena_push(p->batch, (void ***)&p->row->changes, &p->row->n_changes, c) != 0)
		return BS_ENOMEM;
	/* CONFIG_CHANGED of this report sees its own changes. */
	return bs_analysis_add_change(p->a, p->srv, kind, object, before, after,
	    p->row->collected_ms, p->row->prev_collected_ms);
}

/* The server's report before this one, unpacked into the pass arena, or
 * NULL (first report, or unreadable). */
static bs_report *
history_previous(struct history_pass *p)
{
	sqlite3_stmt *s = p->prev;
	bs_report *r = NULL;

	sqlite3_bind_int64(s, 1, p->row->server_id);
	sqlite3_bind_int64(s, 2, p->row->id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(s, 0);
		uint8_t *copy = bs_arena_alloc(&p->a->arena, len > 0 ? len : 1);

		if (copy != NULL) {
			if (len > 0) /* a zero-length blob reads as NULL */
				memcpy(copy, sqlite3_column_blob(s, 0), len);
			if (bs_wire_unpack_report(&p->a->arena, copy, len, &r) != 0)
				r = NULL;
		}
		p->row->prev_collected_ms = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return r;
}

/* Analyses one report (no writes): its changes against the previous
 * report and its findings, kept in the row. */
static int
history_compute(struct history_pass *p, struct history_row *row)
{
	struct bs_analysis *a = p->a;
	struct bs_arena saved = a->arena;
	struct bs_server srv;
	bs_report *r = NULL, *prev;
	uint8_t *copy;
	int rv = 0;

	/* Everything of this report lives in a scratch arena, so a pass over
	 * a bulk import stays small; the fleet context stays in the saved
	 * one, the results in the batch arena. */
	bs_arena_init(&a->arena, 0);
	memset(&srv, 0, sizeof(srv));
	p->row = row;
	p->srv = &srv;
	copy = bs_arena_alloc(&a->arena, row->len > 0 ? row->len : 1);
	if (copy == NULL) {
		rv = BS_ENOMEM;
		goto out;
	}
	memcpy(copy, row->raw, row->len);
	if (bs_wire_unpack_report(&a->arena, copy, row->len, &r) != 0 || r->host == NULL) {
		bs_log(BS_LOG_WARN, "stored_report_unreadable", "report_id=%lld fqdn=%s",
		    (long long)row->id, row->fqdn);
		row->unreadable = 1;
		goto out;
	}
	srv.fqdn = row->fqdn;
	srv.provenance = row->provenance;
	srv.received_at_ms = row->received_ms;
	srv.report = r;
	if ((prev = history_previous(p)) != NULL &&
	    (rv = bs_changes_diff(prev, r, history_on_change, p)) != 0)
		goto out;
	if ((rv = bs_analysis_evaluate_one(a, &srv)) != 0)
		goto out;
	for (size_t i = 0; i < srv.n_findings; i++) {
		const struct bs_finding *f = srv.findings[i];
		struct history_finding *hf;

		/* Staleness is about reports that did not come: not a fact of
		 * this one. */
		if (strcmp(f->rule->id, "AGENT_STALE") == 0)
			continue;
		hf = bs_arena_alloc(p->batch, sizeof(*hf));
		if (hf == NULL || (hf->key = bs_arena_strdup(p->batch, f->key)) == NULL ||
		    (hf->title = bs_arena_strdup(p->batch, f->title)) == NULL ||
		    bs_arena_push(p->batch, (void ***)&row->findings, &row->n_findings, hf) != 0) {
			rv = BS_ENOMEM;
			goto out;
		}
		hf->rule = f->rule->id; /* static: the rule table */
		hf->severity = bs_severity_name(f->severity);
	}
out:
	for (size_t i = 0; i < srv.n_findings; i++)
		json_decref(srv.findings[i]->evidence);
	bs_arena_fini(&a->arena);
	a->arena = saved;
	p->row = NULL;
	p->srv = NULL;
	return rv;
}

/* Writes what history_compute found (inside the batch's transaction). */
static int
history_write(struct history_pass *p, const struct history_row *row)
{
	int rv;

	if (row->unreadable)
		goto mark;
	for (size_t i = 0; i < row->n_changes; i++) {
		const struct history_change *c = row->changes[i];
		sqlite3_stmt *s = p->ins_change;

		sqlite3_bind_int64(s, 1, row->server_id);
		sqlite3_bind_int64(s, 2, row->id);
		sqlite3_bind_int64(s, 3, row->collected_ms);
		sqlite3_bind_int64(s, 4, row->prev_collected_ms);
		sqlite3_bind_text(s, 5, c->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, c->object, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, c->before, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, c->after, -1, SQLITE_STATIC);
		if ((rv = history_step_done(p->db, s)) != 0)
			return rv;
	}
	for (size_t i = 0; i < row->n_findings; i++) {
		const struct history_finding *f = row->findings[i];

		sqlite3_bind_int64(p->ins_finding, 1, row->id);
		sqlite3_bind_text(p->ins_finding, 2, f->rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->ins_finding, 3, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->ins_finding, 4, f->severity, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->ins_finding, 5, f->title, -1, SQLITE_STATIC);
		if ((rv = history_step_done(p->db, p->ins_finding)) != 0)
			return rv;
		sqlite3_bind_int64(p->upsert_state, 1, row->server_id);
		sqlite3_bind_text(p->upsert_state, 2, f->rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->upsert_state, 3, f->key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->upsert_state, 4, row->received_ms);
		sqlite3_bind_int64(p->upsert_state, 5, row->id);
		sqlite3_bind_text(p->upsert_state, 6, f->severity, -1, SQLITE_STATIC);
		if ((rv = history_step_done(p->db, p->upsert_state)) != 0)
			return rv;
	}
	/* What this report no longer shows is resolved as of this report. */
	sqlite3_bind_int64(p->resolve, 1, row->received_ms);
	sqlite3_bind_int64(p->resolve, 2, row->server_id);
	sqlite3_bind_int64(p->resolve, 3, row->id);
	if ((rv = history_step_done(p->db, p->resolve)) != 0)
		return rv;
mark:
	sqlite3_bind_int64(p->mark, 1, row->id);
	return history_step_done(p->db, p->mark);
}

/* Up to HISTORY_BATCH rows not analysed yet, copied (the reads finish
 * before the writes start). */
static int
history_pending(struct history_pass *p, struct bs_arena *ar, struct history_row **rows, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int rc, rv;

	*n = 0;
	if ((rv = history_prepare(p->db,
	         "SELECT r.id, r.server_id, s.fqdn, r.received_ms, r.collected_ms, r.provenance,"
	         " r.raw FROM reports r JOIN servers s ON s.id = r.server_id"
	         " WHERE r.analyzed = 0 ORDER BY r.id LIMIT ?",
	         &s)) != 0)
		return rv;
	*rows = bs_arena_alloc(ar, HISTORY_BATCH * sizeof(**rows));
	if (*rows == NULL) {
		sqlite3_finalize(s);
		return BS_ENOMEM;
	}
	sqlite3_bind_int(s, 1, HISTORY_BATCH);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct history_row *row = &(*rows)[*n];

		row->id = sqlite3_column_int64(s, 0);
		row->server_id = sqlite3_column_int64(s, 1);
		row->fqdn = bs_arena_strdup(ar, (const char *)sqlite3_column_text(s, 2));
		row->received_ms = sqlite3_column_int64(s, 3);
		row->collected_ms = sqlite3_column_int64(s, 4);
		row->provenance = bs_arena_strdup(ar, (const char *)sqlite3_column_text(s, 5));
		row->len = (size_t)sqlite3_column_bytes(s, 6);
		row->raw = bs_arena_alloc(ar, row->len > 0 ? row->len : 1);
		if (row->fqdn == NULL || row->provenance == NULL || row->raw == NULL) {
			sqlite3_finalize(s);
			return BS_ENOMEM;
		}
		if (row->len > 0) /* a zero-length blob reads as NULL */
			memcpy(row->raw, sqlite3_column_blob(s, 6), row->len);
		(*n)++;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : BS_EDB;
}

int
bs_history_update(
    struct bs_store *st, const struct bs_analysis_options *opt, size_t max, size_t *done)
{
	struct history_pass p;
	int rv;

	*done = 0;
	memset(&p, 0, sizeof(p));
	p.st = st;
	p.db = bs_store_db(st);
	if (bs_store_version(st) < 2)
		return BS_EDB;
	if ((rv = bs_analysis_create(opt, &p.a)) != 0)
		return rv;
	if ((rv = history_prepare(p.db,
	         "SELECT raw, collected_ms FROM reports WHERE server_id = ? AND id < ?"
	         " ORDER BY id DESC LIMIT 1",
	         &p.prev)) != 0 ||
	    (rv = history_prepare(p.db,
	         "INSERT INTO changes (server_id, report_id, at_ms, prev_at_ms, kind, object,"
	         " before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	         &p.ins_change)) != 0 ||
	    (rv = history_prepare(p.db,
	         "INSERT OR IGNORE INTO report_findings (report_id, rule_id, fkey, severity,"
	         " title) VALUES (?, ?, ?, ?, ?)",
	         &p.ins_finding)) != 0 ||
	    (rv = history_prepare(p.db,
	         "INSERT INTO finding_state (server_id, rule_id, fkey, first_seen_ms,"
	         " last_seen_ms, resolved_ms, last_report_id, severity)"
	         " VALUES (?1, ?2, ?3, ?4, ?4, NULL, ?5, ?6)"
	         " ON CONFLICT (server_id, rule_id, fkey) DO UPDATE SET"
	         " first_seen_ms = CASE WHEN resolved_ms IS NULL THEN first_seen_ms"
	         "   ELSE excluded.first_seen_ms END,"
	         " last_seen_ms = excluded.last_seen_ms, resolved_ms = NULL,"
	         " last_report_id = excluded.last_report_id, severity = excluded.severity",
	         &p.upsert_state)) != 0 ||
	    (rv = history_prepare(p.db,
	         "UPDATE finding_state SET resolved_ms = ?1 WHERE server_id = ?2"
	         " AND resolved_ms IS NULL AND last_report_id < ?3",
	         &p.resolve)) != 0 ||
	    (rv = history_prepare(p.db, "UPDATE reports SET analyzed = 1 WHERE id = ?", &p.mark)) !=
	        0)
		goto out;
	{
		struct bs_analysis *fleet = NULL;
		sqlite3_stmt *any = NULL;
		int pending = 0;

		/* Nothing new (the usual case between sweeps): no fleet load. */
		if ((rv = history_prepare(
		         p.db, "SELECT 1 FROM reports WHERE analyzed = 0 LIMIT 1", &any)) != 0)
			goto out;
		pending = sqlite3_step(any) == SQLITE_ROW;
		sqlite3_finalize(any);
		if (!pending)
			goto out;
		/* The fleet context: every server's newest report. */
		if ((rv = bs_analysis_run(st, opt, &fleet)) != 0)
			goto out;
		bs_analysis_destroy(p.a);
		p.a = fleet;
	}
	while (*done < max) {
		struct bs_arena ar;
		struct history_row *rows = NULL;
		size_t n = 0;

		bs_arena_init(&ar, 0);
		p.batch = &ar;
		rv = history_pending(&p, &ar, &rows, &n);
		/* The work outside the write lock; then one short transaction. */
		for (size_t i = 0; rv == 0 && i < n; i++)
			rv = history_compute(&p, &rows[i]);
		if (rv == 0 && n > 0 && (rv = bs_store_begin(st)) == 0) {
			for (size_t i = 0; i < n && rv == 0; i++)
				rv = history_write(&p, &rows[i]);
			if (rv == 0)
				rv = bs_store_commit(st);
			else
				bs_store_rollback(st);
		}
		bs_arena_fini(&ar);
		if (rv != 0 || n == 0)
			break;
		*done += n;
	}
out:
	sqlite3_finalize(p.prev);
	sqlite3_finalize(p.ins_change);
	sqlite3_finalize(p.ins_finding);
	sqlite3_finalize(p.upsert_state);
	sqlite3_finalize(p.resolve);
	sqlite3_finalize(p.mark);
	bs_analysis_destroy(p.a);
	return rv;
}

int
bs_history_load_inputs(struct bs_store *st, struct bs_analysis *a)
{
	sqlite3 *db = bs_store_db(st);
	sqlite3_stmt *s = NULL;
	int rv;

	if (bs_store_version(st) < 2)
		return 0; /* an older database, opened read-only: no history yet */
	if ((rv = history_prepare(db,
	         "SELECT id, server, rule_id, reason, created_by, created_ms, expires_ms"
	         " FROM mutes WHERE removed_ms IS NULL AND expires_ms > ? ORDER BY id",
	         &s)) != 0)
		return rv;
	sqlite3_bind_int64(s, 1, a->opt.now_ms);
	while (rv == 0 && sqlite3_step(s) == SQLITE_ROW)
		rv = bs_analysis_add_mute(a, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    (const char *)sqlite3_column_text(s, 3),
		    (const char *)sqlite3_column_text(s, 4), sqlite3_column_int64(s, 5),
		    sqlite3_column_int64(s, 6));
	sqlite3_finalize(s);
	if (rv != 0)
		return rv;
	if ((rv = history_prepare(db,
	         "SELECT s.fqdn, c.kind, c.object, c.before, c.after, c.at_ms, c.prev_at_ms"
	         " FROM changes c JOIN servers s ON s.id = c.server_id"
	         " WHERE c.at_ms >= ? ORDER BY c.id",
	         &s)) != 0)
		return rv;
	sqlite3_bind_int64(s, 1, a->opt.now_ms - (int64_t)a->opt.rules.changes_window * 1000);
	while (rv == 0 && sqlite3_step(s) == SQLITE_ROW) {
		struct bs_server *srv =
		    bs_analysis_find(a, (const char *)sqlite3_column_text(s, 0));

		if (srv != NULL)
			rv = bs_analysis_add_change(a, srv, (const char *)sqlite3_column_text(s, 1),
			    (const char *)sqlite3_column_text(s, 2),
			    (const char *)sqlite3_column_text(s, 3),
			    (const char *)sqlite3_column_text(s, 4), sqlite3_column_int64(s, 5),
			    sqlite3_column_int64(s, 6));
	}
	sqlite3_finalize(s);
	return rv;
}

int
bs_history_load_seen(struct bs_store *st, struct bs_analysis *a)
{
	sqlite3 *db = bs_store_db(st);
	sqlite3_stmt *s = NULL;
	int rc, rv;

	if (bs_store_version(st) < 2)
		return 0;
	if ((rv = history_prepare(db,
	         "SELECT s.fqdn, f.rule_id, f.fkey, f.first_seen_ms, f.last_seen_ms"
	         " FROM finding_state f JOIN servers s ON s.id = f.server_id"
	         " WHERE f.resolved_ms IS NULL",
	         &s)) != 0)
		return rv;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct bs_server *srv =
		    bs_analysis_find(a, (const char *)sqlite3_column_text(s, 0));
		const char *rule = (const char *)sqlite3_column_text(s, 1);
		const char *key = (const char *)sqlite3_column_text(s, 2);

		for (size_t i = 0; srv != NULL && i < srv->n_findings; i++) {
			struct bs_finding *f = srv->findings[i];

			if (strcmp(f->rule->id, rule) == 0 && strcmp(f->key, key) == 0) {
				f->first_seen_ms = sqlite3_column_int64(s, 3);
				if (sqlite3_column_int64(s, 4) > f->last_seen_ms)
					f->last_seen_ms = sqlite3_column_int64(s, 4);
			}
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : BS_EDB;
}

int
bs_history_changes_json(struct bs_store *st, const char *fqdn, size_t limit, json_t **out)
{
	sqlite3 *db = bs_store_db(st);
	sqlite3_stmt *s = NULL;
	json_t *arr = json_array();
	int rc, rv;

	*out = NULL;
	if (arr == NULL)
		return BS_ENOMEM;
	if (bs_store_version(st) < 2) {
		*out = arr;
		return 0;
	}
	if ((rv = history_prepare(db,
	         "SELECT s.fqdn, c.kind, c.object, c.before, c.after, c.at_ms, c.prev_at_ms"
	         " FROM changes c JOIN servers s ON s.id = c.server_id"
	         " WHERE ?1 IS NULL OR s.fqdn = ?1 COLLATE NOCASE"
	         " ORDER BY c.at_ms DESC, c.id DESC LIMIT ?2",
	         &s)) != 0) {
		json_decref(arr);
		return rv;
	}
	if (fqdn != NULL)
		sqlite3_bind_text(s, 1, fqdn, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char at[32], prev[32];

		bs_report_time(sqlite3_column_int64(s, 5), at, sizeof(at));
		bs_report_time(sqlite3_column_int64(s, 6), prev, sizeof(prev));
		json_array_append_new(arr,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "server",
		        (const char *)sqlite3_column_text(s, 0), "kind",
		        (const char *)sqlite3_column_text(s, 1), "object",
		        (const char *)sqlite3_column_text(s, 2), "before",
		        (const char *)sqlite3_column_text(s, 3), "after",
		        (const char *)sqlite3_column_text(s, 4), "seen_at", at,
		        "previous_report_at", prev));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return BS_EDB;
	}
	*out = arr;
	return 0;
}
