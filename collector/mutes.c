/* mutes: the mutes table and the audit log it writes. */
#include "mutes.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "report_json.h"
#include "rules/rules.h"

static int
mutes_audit(sqlite3 *db, int64_t now_ms, const char *by, const char *action, const char *detail)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(db,
	        "INSERT INTO audit_log (at_ms, actor, action, detail) VALUES (?, ?, ?, ?)", -1, &s,
	        NULL) != SQLITE_OK)
		return BS_EDB;
	sqlite3_bind_int64(s, 1, now_ms);
	sqlite3_bind_text(s, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : BS_EDB;
}

static int
mutes_known_rule(const char *rule)
{
	for (size_t k = 0; k < bs_rules_count; k++)
		if (strcmp(bs_rules[k].id, rule) == 0)
			return 1;
	return 0;
}

int
bs_mutes_add(struct bs_store *st, const char *server, const char *rule, const char *reason,
    const char *by, int64_t now_ms, int64_t expires_ms, int64_t *id)
{
	sqlite3 *db = bs_store_db(st);
	sqlite3_stmt *s = NULL;
	char detail[1024], until[32];
	int rv = BS_EDB;

	if (!mutes_known_rule(rule) || reason[0] == '\0' || server[0] == '\0' ||
	    expires_ms <= now_ms || expires_ms - now_ms > BS_MUTE_MAX_MS)
		return BS_EINVAL;
	if (bs_store_begin(st) != 0)
		return BS_EDB;
	if (sqlite3_prepare_v2(db,
	        "INSERT INTO mutes (server, rule_id, reason, created_by, created_ms, expires_ms)"
	        " VALUES (?, ?, ?, ?, ?, ?)",
	        -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, server, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now_ms);
	sqlite3_bind_int64(s, 6, expires_ms);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	*id = sqlite3_last_insert_rowid(db);
	bs_report_time(expires_ms, until, sizeof(until));
	snprintf(detail, sizeof(detail), "mute %lld: %s on %s until %s: %s", (long long)*id, rule,
	    server, until, reason);
	rv = mutes_audit(db, now_ms, by, "mute", detail);
out:
	sqlite3_finalize(s);
	if (rv == 0)
		return bs_store_commit(st);
	bs_store_rollback(st);
	return rv;
}

int
bs_mutes_remove(struct bs_store *st, int64_t id, const char *by, int64_t now_ms)
{
	sqlite3 *db = bs_store_db(st);
	sqlite3_stmt *s = NULL;
	char detail[128];
	int rv = BS_EDB;

	if (bs_store_begin(st) != 0)
		return BS_EDB;
	if (sqlite3_prepare_v2(db,
	        "UPDATE mutes SET removed_by = ?, removed_ms = ?"
	        " WHERE id = ? AND removed_ms IS NULL AND expires_ms > ?",
	        -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now_ms);
	sqlite3_bind_int64(s, 3, id);
	sqlite3_bind_int64(s, 4, now_ms);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	if (sqlite3_changes(db) == 0) {
		rv = BS_ENOENT;
		goto out;
	}
	snprintf(detail, sizeof(detail), "unmute %lld", (long long)id);
	rv = mutes_audit(db, now_ms, by, "unmute", detail);
out:
	sqlite3_finalize(s);
	if (rv == 0)
		return bs_store_commit(st);
	bs_store_rollback(st);
	return rv;
}

static json_t *
mutes_time(sqlite3_stmt *s, int col)
{
	char buf[32];

	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return json_null();
	bs_report_time(sqlite3_column_int64(s, col), buf, sizeof(buf));
	return json_string(buf);
}

int
bs_mutes_json(struct bs_store *st, int64_t now_ms, int all, json_t **out)
{
	sqlite3_stmt *s = NULL;
	json_t *arr = json_array();
	int rc;

	*out = NULL;
	if (arr == NULL)
		return BS_ENOMEM;
	if (sqlite3_prepare_v2(bs_store_db(st),
	        "SELECT id, server, rule_id, reason, created_by, created_ms, expires_ms,"
	        " removed_by, removed_ms FROM mutes"
	        " WHERE ?1 OR (removed_ms IS NULL AND expires_ms > ?2) ORDER BY id",
	        -1, &s, NULL) != SQLITE_OK) {
		json_decref(arr);
		return BS_EDB;
	}
	sqlite3_bind_int(s, 1, all);
	sqlite3_bind_int64(s, 2, now_ms);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int active =
		    sqlite3_column_type(s, 8) == SQLITE_NULL && sqlite3_column_int64(s, 6) > now_ms;

		json_array_append_new(arr,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "id",
		        (json_int_t)sqlite3_column_int64(s, 0), "server",
		        (const char *)sqlite3_column_text(s, 1), "rule",
		        (const char *)sqlite3_column_text(s, 2), "reason",
		        (const char *)sqlite3_column_text(s, 3), "by",
		        (const char *)sqlite3_column_text(s, 4), "since", mutes_time(s, 5), "until",
		        mutes_time(s, 6), "removed_by",
		        sqlite3_column_type(s, 7) == SQLITE_NULL
		            ? json_null()
		            : json_string((const char *)sqlite3_column_text(s, 7)),
		        "removed_at", mutes_time(s, 8), "active", active));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return BS_EDB;
	}
	*out = arr;
	return 0;
}

int
bs_audit_json(struct bs_store *st, json_t **out)
{
	sqlite3_stmt *s = NULL;
	json_t *arr = json_array();
	int rc;

	*out = NULL;
	if (arr == NULL)
		return BS_ENOMEM;
	if (sqlite3_prepare_v2(bs_store_db(st),
	        "SELECT at_ms, actor, action, detail FROM audit_log ORDER BY id", -1, &s,
	        NULL) != SQLITE_OK) {
		json_decref(arr);
		return BS_EDB;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(arr,
		    json_pack("{s:o, s:s, s:s, s:s}", "at", mutes_time(s, 0), "actor",
		        (const char *)sqlite3_column_text(s, 1), "action",
		        (const char *)sqlite3_column_text(s, 2), "detail",
		        (const char *)sqlite3_column_text(s, 3)));
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return BS_EDB;
	}
	*out = arr;
	return 0;
}
