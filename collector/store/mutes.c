/* mutes: the SQL over the mutes table and the audit log it writes. */
#include "store/mutes.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "log.h"
#include "store/store_int.h"

static int
mutes_audit(
    struct bs_store *st, int64_t now_ms, const char *by, const char *action, const char *detail)
{
	sqlite3_stmt *s = NULL;
	int rv;

	if ((rv = store_prepare(st,
	         "INSERT INTO audit_log (at_ms, actor, action, detail) VALUES (?, ?, ?, ?)", &s)) !=
	    0)
		return rv;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_text(s, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_STATIC);
	rv = store_step_done(st, s);
	sqlite3_finalize(s);
	return rv;
}

/* Ends the transaction bs_store_begin opened: commits on rv 0. */
static int
mutes_end(struct bs_store *st, sqlite3_stmt *s, int rv)
{
	sqlite3_finalize(s);
	if (rv == 0)
		return bs_store_commit(st);
	bs_store_rollback(st);
	return rv;
}

int
bs_store_mute_add(struct bs_store *st, const char *server, const char *rule, const char *reason,
    const char *by, int64_t now_ms, int64_t expires_ms, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	char detail[1024], until[32];
	int rv;

	if (bs_store_begin(st) != 0)
		return BS_EDB;
	if ((rv = store_prepare(st,
	         "INSERT INTO mutes (server, rule_id, reason, created_by, created_ms, expires_ms)"
	         " VALUES (?, ?, ?, ?, ?, ?)",
	         &s)) != 0)
		return mutes_end(st, s, rv);
	sqlite3_bind_text(s, 1, server, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now_ms);
	sqlite3_bind_int64(s, 6, expires_ms);
	if ((rv = store_step_done(st, s)) != 0)
		return mutes_end(st, s, rv);
	*id = sqlite3_last_insert_rowid(st->db);
	bs_time_format(expires_ms, until, sizeof(until));
	snprintf(detail, sizeof(detail), "mute %lld: %s on %s until %s: %s", (long long)*id, rule,
	    server, until, reason);
	return mutes_end(st, s, mutes_audit(st, now_ms, by, "mute", detail));
}

int
bs_store_mute_remove(struct bs_store *st, int64_t id, const char *by, int64_t now_ms)
{
	sqlite3_stmt *s = NULL;
	char detail[128];
	int rv;

	if (bs_store_begin(st) != 0)
		return BS_EDB;
	if ((rv = store_prepare(st,
	         "UPDATE mutes SET removed_by = ?, removed_ms = ?"
	         " WHERE id = ? AND removed_ms IS NULL AND expires_ms > ?",
	         &s)) != 0)
		return mutes_end(st, s, rv);
	sqlite3_bind_text(s, 1, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now_ms);
	sqlite3_bind_int64(s, 3, id);
	sqlite3_bind_int64(s, 4, now_ms);
	if ((rv = store_step_done(st, s)) != 0)
		return mutes_end(st, s, rv);
	if (sqlite3_changes(st->db) == 0)
		return mutes_end(st, s, BS_ENOENT);
	snprintf(detail, sizeof(detail), "unmute %lld", (long long)id);
	return mutes_end(st, s, mutes_audit(st, now_ms, by, "unmute", detail));
}

struct mutes_walk {
	bs_store_mute_fn fn;
	bs_store_audit_fn audit;
	void *arg;
	int64_t now_ms;
};

static int
mutes_row(sqlite3_stmt *s, void *arg)
{
	const struct mutes_walk *w = arg;
	struct bs_store_mute m = {sqlite3_column_int64(s, 0),
	    (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2),
	    (const char *)sqlite3_column_text(s, 3), (const char *)sqlite3_column_text(s, 4),
	    sqlite3_column_int64(s, 5), sqlite3_column_int64(s, 6),
	    (const char *)sqlite3_column_text(s, 7), sqlite3_column_int64(s, 8), 0};

	if (sqlite3_column_type(s, 8) == SQLITE_NULL)
		m.removed_by = NULL; /* removed_by and removed_ms are set together */
	m.active = m.removed_by == NULL && m.expires_ms > w->now_ms;
	return w->fn(w->arg, &m);
}

int
bs_store_each_mute(struct bs_store *st, int64_t now_ms, int all, bs_store_mute_fn fn, void *arg)
{
	struct mutes_walk w = {fn, NULL, arg, now_ms};
	sqlite3_stmt *s = NULL;
	int rv;

	if (st->version < 2)
		return 0; /* an older database, opened read-only: no mutes yet */
	if ((rv = store_prepare(st,
	         "SELECT id, server, rule_id, reason, created_by, created_ms, expires_ms,"
	         " removed_by, removed_ms FROM mutes"
	         " WHERE ?1 OR (removed_ms IS NULL AND expires_ms > ?2) ORDER BY id",
	         &s)) != 0)
		return rv;
	sqlite3_bind_int(s, 1, all);
	sqlite3_bind_int64(s, 2, now_ms);
	return store_walk(s, mutes_row, &w);
}

static int
mutes_audit_row(sqlite3_stmt *s, void *arg)
{
	const struct mutes_walk *w = arg;
	struct bs_store_audit e = {sqlite3_column_int64(s, 0),
	    (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2),
	    (const char *)sqlite3_column_text(s, 3)};

	return w->audit(w->arg, &e);
}

int
bs_store_each_audit(struct bs_store *st, bs_store_audit_fn fn, void *arg)
{
	struct mutes_walk w = {NULL, fn, arg, 0};

	return store_query(st, "SELECT at_ms, actor, action, detail FROM audit_log ORDER BY id",
	    mutes_audit_row, &w);
}
