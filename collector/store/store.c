/* store: the connection, the schema and its migrations, the reports
 * table, transactions and the online backup. */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "store/store_int.h"

/* Migrations: entry i moves the schema from user_version i to i + 1.
 * Never edit a released entry; append a new one. */
static const char *const store_migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE servers ("
    "  id INTEGER PRIMARY KEY,"
    "  fqdn TEXT NOT NULL UNIQUE,"
    "  first_seen_ms INTEGER NOT NULL,"
    "  latest_report_id INTEGER,"
    "  latest_received_ms INTEGER"
    ");"
    "CREATE TABLE reports ("
    "  id INTEGER PRIMARY KEY,"
    "  server_id INTEGER NOT NULL REFERENCES servers(id),"
    "  agent_id TEXT NOT NULL,"
    "  boot_id TEXT NOT NULL,"
    "  sequence INTEGER NOT NULL,"
    "  collected_ms INTEGER NOT NULL,"
    "  received_ms INTEGER NOT NULL,"
    "  provenance TEXT NOT NULL,"
    "  raw BLOB NOT NULL,"
    "  UNIQUE (agent_id, boot_id, sequence)"
    ");"
    "CREATE INDEX reports_server ON reports(server_id, received_ms);",
    /* 1 -> 2: findings per report, their first/last seen, the change log,
     * mutes and the audit log of operator actions. */
    "ALTER TABLE reports ADD COLUMN analyzed INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX reports_unanalyzed ON reports(id) WHERE analyzed = 0;"
    "CREATE TABLE report_findings ("
    "  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
    "  rule_id TEXT NOT NULL,"
    "  fkey TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  PRIMARY KEY (report_id, rule_id, fkey)"
    ") WITHOUT ROWID;"
    "CREATE TABLE finding_state ("
    "  server_id INTEGER NOT NULL REFERENCES servers(id),"
    "  rule_id TEXT NOT NULL,"
    "  fkey TEXT NOT NULL,"
    "  first_seen_ms INTEGER NOT NULL,"
    "  last_seen_ms INTEGER NOT NULL,"
    "  resolved_ms INTEGER,"
    "  last_report_id INTEGER NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  PRIMARY KEY (server_id, rule_id, fkey)"
    ") WITHOUT ROWID;"
    "CREATE TABLE changes ("
    "  id INTEGER PRIMARY KEY,"
    "  server_id INTEGER NOT NULL REFERENCES servers(id),"
    "  report_id INTEGER NOT NULL,"
    "  at_ms INTEGER NOT NULL,"
    "  prev_at_ms INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  object TEXT NOT NULL,"
    "  before TEXT NOT NULL,"
    "  after TEXT NOT NULL"
    ");"
    "CREATE INDEX changes_at ON changes(at_ms);"
    "CREATE INDEX changes_server ON changes(server_id, at_ms);"
    "CREATE TABLE mutes ("
    "  id INTEGER PRIMARY KEY,"
    "  server TEXT NOT NULL,"
    "  rule_id TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  expires_ms INTEGER NOT NULL,"
    "  removed_by TEXT,"
    "  removed_ms INTEGER"
    ");"
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at_ms INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  detail TEXT NOT NULL"
    ");",
    /* 2 -> 3: the signature and signer certificate beside the report
     * bytes, so an auditor can verify any stored report again. */
    "ALTER TABLE reports ADD COLUMN signature BLOB;"
    "ALTER TABLE reports ADD COLUMN signature_alg TEXT;"
    "ALTER TABLE reports ADD COLUMN signer_cert BLOB;",
    /* 3 -> 4: a server's reports in arrival order, for the history pass's
     * "previous report" and retention. */
    "CREATE INDEX reports_server_id ON reports(server_id, id);",
    /* 4 -> 5: duplicates are keyed on who verifiably sent a report (the
     * signing certificate's FQDN, "offline import" for import), not on
     * the agent_id it claims: one server's certificate could otherwise
     * claim another's coming sequence numbers. SQLite cannot drop a
     * table constraint, so the table is rebuilt (foreign keys are off
     * during migrations). Old rows take the identity they were stored
     * under: their server for agent reports, whose FQDN a signed one's
     * certificate matched. Old rows that now collide keep a unique
     * "legacy:" identity rather than being lost. */
    "CREATE TABLE reports_v5 ("
    "  id INTEGER PRIMARY KEY,"
    "  server_id INTEGER NOT NULL REFERENCES servers(id),"
    "  identity TEXT NOT NULL,"
    "  agent_id TEXT NOT NULL,"
    "  boot_id TEXT NOT NULL,"
    "  sequence INTEGER NOT NULL,"
    "  collected_ms INTEGER NOT NULL,"
    "  received_ms INTEGER NOT NULL,"
    "  provenance TEXT NOT NULL,"
    "  raw BLOB NOT NULL,"
    "  analyzed INTEGER NOT NULL DEFAULT 0,"
    "  signature BLOB,"
    "  signature_alg TEXT,"
    "  signer_cert BLOB,"
    "  UNIQUE (identity, boot_id, sequence)"
    ");"
    "WITH k AS (SELECT r.*, CASE WHEN r.provenance = '" BS_PROV_OFFLINE "'"
    "  THEN '" BS_IDENTITY_OFFLINE "' ELSE s.fqdn END AS ident"
    "  FROM reports r JOIN servers s ON s.id = r.server_id),"
    " n AS (SELECT k.*, row_number() OVER"
    "  (PARTITION BY ident, boot_id, sequence ORDER BY id) AS rn FROM k)"
    "INSERT INTO reports_v5 (id, server_id, identity, agent_id, boot_id, sequence,"
    " collected_ms, received_ms, provenance, raw, analyzed, signature, signature_alg,"
    " signer_cert)"
    " SELECT id, server_id, CASE WHEN rn = 1 THEN ident ELSE 'legacy:' || id END,"
    " agent_id, boot_id, sequence, collected_ms, received_ms, provenance, raw, analyzed,"
    " signature, signature_alg, signer_cert FROM n;"
    "DROP TABLE reports;"
    "ALTER TABLE reports_v5 RENAME TO reports;"
    "CREATE INDEX reports_server ON reports(server_id, received_ms);"
    "CREATE INDEX reports_unanalyzed ON reports(id) WHERE analyzed = 0;"
    "CREATE INDEX reports_server_id ON reports(server_id, id);",
    /* 5 -> 6: every period a finding was open, not only the current one:
     * finding_state reopens a resolved row when the finding comes back,
     * so the per-day trend lost the earlier periods of a flapping
     * finding. At most one open span (closed_ms NULL) per finding. The
     * history so far is one span per finding_state row. */
    "CREATE TABLE finding_spans ("
    "  id INTEGER PRIMARY KEY,"
    "  server_id INTEGER NOT NULL REFERENCES servers(id),"
    "  rule_id TEXT NOT NULL,"
    "  fkey TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  opened_ms INTEGER NOT NULL,"
    "  closed_ms INTEGER"
    ");"
    "CREATE UNIQUE INDEX finding_spans_open ON finding_spans(server_id, rule_id, fkey)"
    "  WHERE closed_ms IS NULL;"
    "CREATE INDEX finding_spans_server ON finding_spans(server_id, closed_ms);"
    "CREATE INDEX finding_spans_closed ON finding_spans(closed_ms)"
    "  WHERE closed_ms IS NOT NULL;"
    "INSERT INTO finding_spans (server_id, rule_id, fkey, severity, opened_ms, closed_ms)"
    " SELECT server_id, rule_id, fkey, severity, first_seen_ms, resolved_ms"
    " FROM finding_state ORDER BY server_id, first_seen_ms;",
};

int
store_exec(struct bs_store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		bs_log(BS_LOG_ERROR, "db_error", "sql=\"%.60s\" error=\"%s\"", sql,
		    msg != NULL ? msg : "?");
		sqlite3_free(msg);
		return BS_EDB;
	}
	return 0;
}

int
store_prepare(struct bs_store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		bs_log(BS_LOG_ERROR, "db_prepare", "error=\"%s\"", sqlite3_errmsg(s->db));
		return BS_EDB;
	}
	return 0;
}

int
store_step_done(struct bs_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		bs_log(BS_LOG_ERROR, "db_write", "error=\"%s\"", sqlite3_errmsg(s->db));
		return BS_EDB;
	}
	return 0;
}

int
store_walk(sqlite3_stmt *st, store_row_fn row, void *arg)
{
	int rc, rv = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rv = row(st, arg)) != 0)
			break;
	if (rv == 0 && rc != SQLITE_DONE)
		rv = BS_EDB;
	sqlite3_finalize(st);
	return rv;
}

int
store_query(struct bs_store *s, const char *sql, store_row_fn row, void *arg)
{
	sqlite3_stmt *st = NULL;
	int rv;

	if ((rv = store_prepare(s, sql, &st)) != 0)
		return rv;
	return store_walk(st, row, arg);
}

/* The first column of the one row sql yields (a count, a pragma). */
static int
store_scalar(struct bs_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rv = BS_EDB;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return BS_EDB;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rv = 0;
	}
	sqlite3_finalize(st);
	return rv;
}

static int
store_migrate(struct bs_store *s)
{
	int64_t version = 0;
	int rv = 0;
	const int latest = (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));

	if (store_scalar(s, "PRAGMA user_version", &version) != 0)
		return BS_EDB;
	if (version > latest) {
		bs_log(BS_LOG_ERROR, "db_too_new",
		    "schema_version=%d supported=%d: a newer collector wrote "
		    "this database",
		    (int)version, latest);
		return BS_EDB;
	}
	for (int v = (int)version; v < latest && rv == 0; v++) {
		char pragma[64];

		snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d;", v + 1);
		if ((rv = store_exec(s, "BEGIN IMMEDIATE")) != 0)
			break;
		if ((rv = store_exec(s, store_migrations[v])) == 0)
			rv = store_exec(s, pragma);
		if (rv == 0)
			rv = store_exec(s, "COMMIT");
		else
			store_exec(s, "ROLLBACK");
		if (rv == 0)
			bs_log(BS_LOG_INFO, "db_migrated", "schema_version=%d", v + 1);
	}
	return rv;
}

int
bs_store_open(const char *path, int readonly, struct bs_store **out)
{
	struct bs_store *s = calloc(1, sizeof(*s));
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rv = BS_EDB;

	*out = NULL;
	if (s == NULL)
		return BS_ENOMEM;
	if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		bs_log(BS_LOG_ERROR, "db_open", "path=\"%s\" error=\"%s\"", path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
		rv = readonly ? BS_ENOENT : BS_EDB;
		goto out;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (!readonly) {
		/* WAL: readers (the dashboard) never block the writer, and a
		 * crash loses nothing committed. synchronous=FULL makes the
		 * commit durable before we acknowledge. */
		if ((rv = store_exec(s,
		         "PRAGMA journal_mode=WAL;"
		         "PRAGMA synchronous=FULL;")) != 0 ||
		    (rv = store_migrate(s)) != 0 ||
		    (rv = store_exec(s, "PRAGMA foreign_keys=ON;")) != 0)
			goto out;
		rv = BS_EDB;
		if (sqlite3_prepare_v2(s->db,
		        "INSERT INTO reports (server_id, agent_id, boot_id, sequence,"
		        " collected_ms, received_ms, provenance, raw, signature, signature_alg,"
		        " signer_cert, identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		        " ON CONFLICT (identity, boot_id, sequence) DO NOTHING",
		        -1, &s->ins_report, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(s->db,
		        "INSERT INTO servers (fqdn, first_seen_ms) VALUES (?, ?)"
		        " ON CONFLICT (fqdn) DO UPDATE SET fqdn = excluded.fqdn"
		        " RETURNING id",
		        -1, &s->upsert_server, NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(s->db,
		        "UPDATE servers SET latest_report_id = ?, latest_received_ms = ?"
		        " WHERE id = ?",
		        -1, &s->set_latest, NULL) != SQLITE_OK) {
			bs_log(BS_LOG_ERROR, "db_prepare", "error=\"%s\"", sqlite3_errmsg(s->db));
			goto out;
		}
	}
	{
		int64_t version = 0;

		store_scalar(s, "PRAGMA user_version", &version);
		s->version = (int)version;
		if (version < 1) {
			bs_log(BS_LOG_ERROR, "db_open",
			    "path=\"%s\" error=\"not a bindscope database (or empty)\"", path);
			rv = BS_EDB;
			goto out;
		}
	}
	*out = s;
	return 0;
out:
	bs_store_close(s);
	return rv;
}

void
bs_store_close(struct bs_store *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->ins_report);
	sqlite3_finalize(s->upsert_server);
	sqlite3_finalize(s->set_latest);
	sqlite3_finalize(s->prev_report);
	if (s->db != NULL)
		sqlite3_close(s->db);
	free(s);
}

int
bs_store_put_report(struct bs_store *s, const char *fqdn, const char *identity,
    const char *provenance, const uint8_t *raw, size_t len, const bs_report *r,
    const struct bs_store_sig *sig, int64_t received_at_ms, int *duplicate)
{
	const Bindscope__V1__AgentInfo *ai = r->agent;
	sqlite3_int64 server_id, report_id;
	int rv = BS_EDB;

	*duplicate = 0;
	if (ai == NULL || s->ins_report == NULL)
		return BS_EINVAL;
	if (!s->in_tx && store_exec(s, "BEGIN IMMEDIATE") != 0)
		return BS_EDB;
	sqlite3_bind_text(s->upsert_server, 1, fqdn, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->upsert_server, 2, received_at_ms);
	if (sqlite3_step(s->upsert_server) != SQLITE_ROW)
		goto out;
	server_id = sqlite3_column_int64(s->upsert_server, 0);
	sqlite3_reset(s->upsert_server);
	sqlite3_bind_int64(s->ins_report, 1, server_id);
	sqlite3_bind_text(s->ins_report, 2, ai->agent_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->ins_report, 3, ai->boot_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->ins_report, 4, (sqlite3_int64)ai->sequence);
	sqlite3_bind_int64(s->ins_report, 5, ai->collected_at_ms);
	sqlite3_bind_int64(s->ins_report, 6, received_at_ms);
	sqlite3_bind_text(s->ins_report, 7, provenance, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s->ins_report, 8, raw, (int)len, SQLITE_STATIC);
	if (sig != NULL) {
		sqlite3_bind_blob(
		    s->ins_report, 9, sig->signature, (int)sig->signature_len, SQLITE_STATIC);
		sqlite3_bind_text(s->ins_report, 10, sig->alg, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s->ins_report, 11, sig->cert, (int)sig->cert_len, SQLITE_STATIC);
	}
	sqlite3_bind_text(s->ins_report, 12, identity, -1, SQLITE_STATIC);
	if (sqlite3_step(s->ins_report) != SQLITE_DONE)
		goto out;
	if (sqlite3_changes(s->db) == 0) {
		*duplicate = 1;
	} else {
		report_id = sqlite3_last_insert_rowid(s->db);
		sqlite3_bind_int64(s->set_latest, 1, report_id);
		sqlite3_bind_int64(s->set_latest, 2, received_at_ms);
		sqlite3_bind_int64(s->set_latest, 3, server_id);
		if (sqlite3_step(s->set_latest) != SQLITE_DONE)
			goto out;
	}
	rv = s->in_tx ? 0 : store_exec(s, "COMMIT");
out:
	if (rv != 0) {
		bs_log(BS_LOG_ERROR, "db_write", "error=\"%s\"", sqlite3_errmsg(s->db));
		if (!s->in_tx)
			store_exec(s, "ROLLBACK"); /* else the batch's owner rolls back */
	}
	sqlite3_reset(s->upsert_server);
	sqlite3_reset(s->ins_report);
	sqlite3_reset(s->set_latest);
	sqlite3_clear_bindings(s->ins_report);
	return rv;
}

struct store_latest {
	bs_store_latest_fn fn;
	void *arg;
};

static int
store_latest_row(sqlite3_stmt *st, void *arg)
{
	struct store_latest *w = arg;

	return w->fn(w->arg, (const char *)sqlite3_column_text(st, 0),
	    (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2),
	    sqlite3_column_blob(st, 3), (size_t)sqlite3_column_bytes(st, 3));
}

int
bs_store_each_latest(struct bs_store *s, bs_store_latest_fn fn, void *arg)
{
	struct store_latest w = {fn, arg};

	return store_query(s,
	    "SELECT s.fqdn, r.provenance, r.received_ms, r.raw"
	    " FROM servers s JOIN reports r ON r.id = s.latest_report_id ORDER BY s.fqdn",
	    store_latest_row, &w);
}

int
bs_store_each_report_since(struct bs_store *s, const char *fqdn, int64_t since_ms, size_t limit,
    bs_store_latest_fn fn, void *arg)
{
	struct store_latest w = {fn, arg};
	sqlite3_stmt *st = NULL;
	int rv;

	if ((rv = store_prepare(s,
	         "SELECT s.fqdn, r.provenance, r.received_ms, r.raw"
	         " FROM servers s JOIN reports r ON r.server_id = s.id"
	         " WHERE s.fqdn = ?1 COLLATE NOCASE AND r.received_ms >= ?2"
	         " ORDER BY r.received_ms DESC LIMIT ?3",
	         &st)) != 0)
		return rv;
	sqlite3_bind_text(st, 1, fqdn, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since_ms);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	return store_walk(st, store_latest_row, &w);
}

int
bs_store_count_reports(struct bs_store *s, int64_t *out)
{
	return store_scalar(s, "SELECT count(*) FROM reports", out);
}

int
bs_store_version(const struct bs_store *s)
{
	return s->version;
}

int
bs_store_data_version(struct bs_store *s, int64_t *out)
{
	return store_scalar(s, "PRAGMA data_version", out);
}

int
bs_store_begin(struct bs_store *s)
{
	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		return BS_EDB;
	s->in_tx = 1;
	return 0;
}

int
bs_store_commit(struct bs_store *s)
{
	int rv = store_exec(s, "COMMIT");

	if (rv != 0)
		store_exec(s, "ROLLBACK");
	s->in_tx = 0;
	return rv;
}

void
bs_store_rollback(struct bs_store *s)
{
	store_exec(s, "ROLLBACK");
	s->in_tx = 0;
}

int
bs_store_backup(const char *path, const char *out)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b = NULL;
	char tmp[4096];
	int rc = SQLITE_ERROR, rv = BS_EDB;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.part", out) >= sizeof(tmp))
		return BS_EINVAL;
	remove(tmp);
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	        SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(src, 10000);
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
		goto out;
	/* In steps, sleeping between them, so the writer is never held up
	 * for long; a page changed meanwhile makes SQLite copy it again. */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE ||
	    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rv = 0;
out:
	if (rv != 0)
		bs_log(BS_LOG_ERROR, "backup_failed", "path=\"%s\" error=\"%s\"", path,
		    dst != NULL ? sqlite3_errmsg(dst) : "cannot open");
	sqlite3_close(src);
	sqlite3_close(dst);
	if (rv == 0 && rename(tmp, out) != 0)
		rv = BS_EIO;
	if (rv != 0)
		remove(tmp);
	return rv;
}

int
bs_store_check(const char *path, int full, char *why, size_t whysz)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t used = 0;
	int rc, n, rv = BS_EDB, rows = 0;

	why[0] = '\0';
	/* Read-write without create: a WAL database needs its -shm, and a
	 * missing file is not a corrupt one. */
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_CANTOPEN) {
		snprintf(why, whysz, "no database");
		rv = BS_ENOENT;
		goto out;
	}
	if (rc != SQLITE_OK) {
		snprintf(why, whysz, "%s", db != NULL ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_prepare_v2(db, full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)",
	        -1, &st, NULL) != SQLITE_OK) {
		snprintf(why, whysz, "%s", sqlite3_errmsg(db));
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);

		if (msg == NULL)
			continue;
		if (rows++ == 0 && strcmp(msg, "ok") == 0) {
			rv = 0;
			continue;
		}
		rv = BS_EDB;
		/* A row may hold several findings, one per line; the banner
		 * naming the schema says nothing the caller does not know. */
		for (const char *p = msg; *p != '\0' && used + 1 < whysz;) {
			size_t len = strcspn(p, "\n");

			if (len > 0 && strncmp(p, "*** in database", 15) != 0) {
				n = snprintf(why + used, whysz - used, "%s%.*s",
				    used > 0 ? "; " : "", (int)len, p);
				used = n < 0                    ? used
				    : (size_t)n >= whysz - used ? whysz - 1
				                                : used + (size_t)n;
			}
			p += len + (p[len] == '\n');
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		/* A header or root page too damaged to walk. */
		rv = BS_EDB;
		if (used == 0)
			snprintf(why, whysz, "%s", sqlite3_errmsg(db));
	} else if (rv != 0 && used == 0) {
		snprintf(why, whysz, "the check gave no answer");
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rv;
}
