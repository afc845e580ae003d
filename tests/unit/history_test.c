/* history_test: the collector's memory between reports, over a real
 * SQLite store: a certificate swap on 444 enters the change log with its
 * time, the finding it causes gets a first seen that later reports keep,
 * it resolves when the swap is undone, and a finding that comes back keeps
 * its earlier open periods for the per-day chart; mutes hide a finding
 * from status until they expire; retention keeps a report a day and the
 * newest. */
#include "test_util.h"

#include <sqlite3.h>

#include "analysis/analyze.h"
#include "analysis/changes.h"
#include "err.h"
#include "output/load.h"
#include "upkeep/history_pass.h"
#include "output/log_json.h"
#include "output/trend.h"
#include "analysis/rules/rules.h"
#include "store/history.h"
#include "store/mutes.h"
#include "store/retention.h"
#include "store/store.h"
#include "wire.h"

#define T0 (1800000000LL * 1000)
#define MIN (60LL * 1000)
#define DAY (86400LL * 1000)
#define SELF "7B20885217EC20797B3640F7F00908ED2D383534"
#define NAMESPACE "CF5AF5D0B4CB663E9A8722803AD60C7280F3CFA1"
#define FQDN "mbx01.corp.example"

static Bindscope__V1__Certificate *
cert(struct bs_arena *a, bs_report *r, const char *thumb, const char *cn, int self, int covers)
{
	Bindscope__V1__Certificate *c = BS_NEW(a, certificate);

	c->thumbprint = (char *)thumb;
	c->store = "My";
	c->common_name = (char *)cn;
	c->subject = bs_arena_printf(a, "CN=%s", cn);
	c->issuer = self ? c->subject : "CN=Corp CA";
	c->self_signed = self ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
	c->covers_fqdn = covers ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
	c->not_after = T0 / 1000 + 400 * 86400;
	bs_arena_push(a, (void ***)&r->certificates, &r->n_certificates, c);
	return c;
}

/* Server mbx01 with the Back End's 444 binding serving thumb444. */
static uint8_t *
report(const char *boot, uint64_t seq, const char *thumb444, size_t *len)
{
	struct bs_arena a;
	bs_report *r;
	Bindscope__V1__Site *site;
	Bindscope__V1__Binding *b;
	Bindscope__V1__SslBinding *sb;
	Bindscope__V1__Certificate *c;
	uint8_t *out;

	bs_arena_init(&a, 0);
	r = BS_NEW(&a, report);
	r->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	r->agent = BS_NEW(&a, agent_info);
	r->agent->agent_id = FQDN;
	r->agent->boot_id = (char *)boot;
	r->agent->sequence = seq;
	r->agent->collected_at_ms = T0 + (int64_t)seq * 5 * MIN;
	r->host = BS_NEW(&a, host);
	r->host->fqdn = FQDN;
	r->host->hostname = "mbx01";
	r->host->exchange_build = "15.2.1544.4";
	cert(&a, r, SELF, "MBX01", 1, 1);
	c = cert(&a, r, NAMESPACE, "mail.corp.example", 0, 0);
	site = BS_NEW(&a, site);
	site->name = "Exchange Back End";
	site->id = 2;
	b = BS_NEW(&a, binding);
	b->protocol = "https";
	b->binding_information = "*:444:";
	b->ip = "*";
	b->port = 444;
	b->ssl_endpoint = "0.0.0.0:444";
	b->cert_thumbprint = (char *)thumb444;
	b->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_OK;
	bs_arena_push(&a, (void ***)&site->bindings, &site->n_bindings, b);
	bs_arena_push(&a, (void ***)&r->sites, &r->n_sites, site);
	sb = BS_NEW(&a, ssl_binding);
	sb->kind = BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP;
	sb->endpoint = "0.0.0.0:444";
	sb->cert_hash = (char *)thumb444;
	sb->store_name = "MY";
	bs_arena_push(&a, (void ***)&r->ssl_bindings, &r->n_ssl_bindings, sb);
	(void)c;
	assert_int_equal(bs_wire_pack(&r->base, &out, len), 0);
	bs_arena_fini(&a);
	return out;
}

static void
put(struct bs_store *st, const char *boot, uint64_t seq, const char *thumb, int64_t at)
{
	struct bs_arena a;
	size_t len;
	uint8_t *raw = report(boot, seq, thumb, &len);
	bs_report *r;
	int dup;

	bs_arena_init(&a, 0);
	assert_int_equal(bs_wire_unpack_report(&a, raw, len, &r), 0);
	assert_int_equal(
	    bs_store_put_report(st, FQDN, FQDN, BS_PROV_AGENT_SIGNED, raw, len, r, NULL, at, &dup),
	    0);
	assert_int_equal(dup, 0);
	bs_arena_fini(&a);
	free(raw);
}

static size_t
pass(struct bs_store *st, int64_t now)
{
	struct bs_analysis_options o;
	size_t done = 0;

	bs_analysis_options_defaults(&o);
	o.now_ms = now;
	assert_int_equal(bs_history_pass(st, &o, 1000, &done), 0);
	return done;
}

static struct bs_analysis *
analyse(struct bs_store *st, int64_t now)
{
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;

	bs_analysis_options_defaults(&o);
	o.now_ms = now;
	assert_int_equal(bs_output_load(st, &o, &a), 0);
	return a;
}

static const struct bs_finding *
finding(const struct bs_analysis *a, const char *rule)
{
	const struct bs_server *s = bs_analysis_find(a, FQDN);

	assert_non_null(s);
	for (size_t i = 0; i < s->n_findings; i++)
		if (strcmp(s->findings[i]->rule->id, rule) == 0)
			return s->findings[i];
	return NULL;
}

/* The database open_store made last: count reads it directly. */
static char db_path[128];

static struct bs_store *
open_store(void)
{
	char dir[64];
	struct bs_store *st = NULL;

	snprintf(db_path, sizeof(db_path), "%s/bs.db", test_tmpdir(dir, sizeof(dir)));
	assert_int_equal(bs_store_open(db_path, 0, &st), 0);
	return st;
}

/* The first column of the first row of sql, over a connection of the
 * test's own (the store's connection is the store's). */
static int64_t
count(struct bs_store *st, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t n = -1;

	(void)st;
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void
test_certificate_swap_first_seen_and_resolution(void **state)
{
	struct bs_store *st = open_store();
	struct bs_analysis *a;
	const struct bs_finding *f;
	json_t *log = NULL, *c;

	(void)state;
	put(st, "b1", 1, SELF, T0);
	assert_int_equal(pass(st, T0), 1);
	a = analyse(st, T0 + MIN);
	assert_int_equal(bs_analysis_find(a, FQDN)->n_findings, 0);
	bs_analysis_destroy(a);

	/* The swap: the namespace certificate on 444. */
	put(st, "b1", 2, NAMESPACE, T0 + 5 * MIN);
	put(st, "b1", 3, NAMESPACE, T0 + 10 * MIN);
	assert_int_equal(pass(st, T0 + 10 * MIN), 2);
	assert_int_equal(pass(st, T0 + 10 * MIN), 0); /* nothing left */
	a = analyse(st, T0 + 11 * MIN);
	f = finding(a, "BACKEND_CERT_NAME_MISMATCH");
	assert_non_null(f);
	assert_int_equal(f->first_seen_ms, T0 + 5 * MIN);
	assert_int_equal(f->last_seen_ms, T0 + 10 * MIN);
	f = finding(a, "CONFIG_CHANGED");
	assert_non_null(f);
	assert_non_null(strstr(f->title,
	    "certificate on 0.0.0.0:444 changed from " SELF " (CN=MBX01) to " NAMESPACE
	    " (CN=mail.corp.example)"));
	bs_analysis_destroy(a);

	/* Stored per report: the second and third raised the mismatch. */
	assert_int_equal(count(st,
	                     "SELECT count(*) FROM report_findings WHERE rule_id ="
	                     " 'BACKEND_CERT_NAME_MISMATCH'"),
	    2);

	/* Undone: resolved as of the fourth report, and a second change. */
	put(st, "b1", 4, SELF, T0 + 15 * MIN);
	assert_int_equal(pass(st, T0 + 15 * MIN), 1);
	a = analyse(st, T0 + 16 * MIN);
	assert_null(finding(a, "BACKEND_CERT_NAME_MISMATCH"));
	assert_int_equal(
	    json_array_size(json_object_get(finding(a, "CONFIG_CHANGED")->evidence, "changes")), 2);
	bs_analysis_destroy(a);
	assert_int_equal(count(st,
	                     "SELECT resolved_ms FROM finding_state WHERE rule_id ="
	                     " 'BACKEND_CERT_NAME_MISMATCH'"),
	    T0 + 15 * MIN);

	/* The change log, newest first, with the collection times. */
	assert_int_equal(bs_changes_json(st, FQDN, 10, &log), 0);
	assert_int_equal(json_array_size(log), 2);
	c = json_array_get(log, 1);
	assert_string_equal(json_string_value(json_object_get(c, "kind")), BS_CHANGE_CERT_CHANGED);
	assert_string_equal(json_string_value(json_object_get(c, "object")), "0.0.0.0:444");
	assert_string_equal(
	    json_string_value(json_object_get(c, "seen_at")), "2027-01-15T08:10:00Z");
	assert_string_equal(
	    json_string_value(json_object_get(c, "previous_report_at")), "2027-01-15T08:05:00Z");
	json_decref(log);

	/* Outside the window CONFIG_CHANGED is quiet; the log keeps it. */
	a = analyse(st, T0 + 2 * DAY);
	assert_null(finding(a, "CONFIG_CHANGED"));
	bs_analysis_destroy(a);
	bs_store_close(st);
}

static void
test_mutes_hide_from_status_until_expiry(void **state)
{
	struct bs_store *st = open_store();
	struct bs_analysis *a;
	const struct bs_finding *f;
	int64_t id = 0;
	json_t *audit = NULL;
	char why[256];

	(void)state;
	put(st, "b1", 1, NAMESPACE, T0);
	pass(st, T0);
	assert_int_equal(bs_mute_check(FQDN, "BACKEND_CERT_NAME_MISMATCH", "CHG0042 tonight", T0,
	                     T0 + DAY, why, sizeof(why)),
	    0);
	assert_int_equal(bs_store_mute_add(st, FQDN, "BACKEND_CERT_NAME_MISMATCH",
	                     "CHG0042 tonight", "alice", T0, T0 + DAY, &id),
	    0);
	assert_int_equal(
	    bs_mute_check(FQDN, "NO_SUCH_RULE", "x", T0, T0 + DAY, why, sizeof(why)), BS_EINVAL);
	assert_int_equal(
	    bs_mute_check(FQDN, "PROBE_FAILED", "", T0, T0 + DAY, why, sizeof(why)), BS_EINVAL);
	assert_int_equal(
	    bs_mute_check(FQDN, "PROBE_FAILED", "forever", T0, T0 + 400 * DAY, why, sizeof(why)),
	    BS_EINVAL);

	a = analyse(st, T0 + MIN);
	f = finding(a, "BACKEND_CERT_NAME_MISMATCH");
	assert_non_null(f);
	assert_non_null(f->mute);
	assert_string_equal(f->mute->reason, "CHG0042 tonight");
	assert_int_equal(bs_analysis_find(a, FQDN)->worst, BS_SEV_NONE);
	bs_analysis_destroy(a);

	/* Expired: the finding counts again. */
	a = analyse(st, T0 + DAY + MIN);
	f = finding(a, "BACKEND_CERT_NAME_MISMATCH");
	assert_null(f->mute);
	assert_int_equal(bs_analysis_find(a, FQDN)->worst, BS_SEV_WARNING);
	bs_analysis_destroy(a);

	assert_int_equal(bs_store_mute_remove(st, 1, "bob", T0 + 2 * MIN), 0);
	assert_int_equal(bs_store_mute_remove(st, 1, "bob", T0 + 3 * MIN), BS_ENOENT);
	assert_int_equal(bs_audit_json(st, &audit), 0);
	assert_int_equal(json_array_size(audit), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(audit, 1), "actor")), "bob");
	json_decref(audit);
	bs_store_close(st);
}

static void
test_retention_keeps_daily_and_newest(void **state)
{
	struct bs_store *st = open_store();
	struct bs_retention keep = {90, 0};
	size_t n = 0;

	(void)state;
	/* Day D-100 (three reports, 01:00 02:00 03:00 UTC) and today. */
	put(st, "b1", 1, SELF, T0 - 100 * DAY - T0 % DAY + 1 * 3600000);
	put(st, "b1", 2, SELF, T0 - 100 * DAY - T0 % DAY + 2 * 3600000);
	put(st, "b1", 3, SELF, T0 - 100 * DAY - T0 % DAY + 3 * 3600000);
	put(st, "b1", 4, SELF, T0);
	pass(st, T0);
	assert_int_equal(bs_retention_prune(st, &keep, T0, 1000, &n), 0);
	assert_int_equal(n, 2); /* the last of that day stays */
	assert_int_equal(count(st, "SELECT count(*) FROM reports"), 2);
	assert_int_equal(bs_retention_prune(st, &keep, T0, 1000, &n), 0);
	assert_int_equal(n, 0);
	keep.keep_daily_days = 5; /* daily ones only 5 days past the 90 */
	assert_int_equal(bs_retention_prune(st, &keep, T0, 1000, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(count(st, "SELECT sequence FROM reports"), 4); /* the newest stays */
	assert_int_equal(count(st,
	                     "SELECT count(*) FROM report_findings r LEFT JOIN reports p"
	                     " ON p.id = r.report_id WHERE p.id IS NULL"),
	    0);
	bs_store_close(st);
}

static void
test_unanalysed_reports_are_not_pruned(void **state)
{
	struct bs_store *st = open_store();
	struct bs_retention keep = {0, 1};
	size_t n = 9;

	(void)state;
	put(st, "b1", 1, SELF, T0 - 2 * DAY);
	put(st, "b1", 2, SELF, T0);
	assert_int_equal(bs_retention_prune(st, &keep, T0, 1000, &n), 0);
	assert_int_equal(n, 0);
	pass(st, T0);
	assert_int_equal(bs_retention_prune(st, &keep, T0, 1000, &n), 0);
	assert_int_equal(n, 1);
	bs_store_close(st);
}

struct collected {
	char lines[8][600];
	size_t n;
};

static int
collect_change(
    void *arg, const char *kind, const char *object, const char *before, const char *after)
{
	struct collected *c = arg;

	assert_true(c->n < 8);
	bs_change_describe(kind, object, before, after, c->lines[c->n], sizeof(c->lines[0]));
	c->n++;
	return 0;
}

static bs_report *
unpacked(struct bs_arena *a, const char *thumb)
{
	size_t len;
	uint8_t *raw = report("b", 1, thumb, &len);
	uint8_t *copy = bs_arena_alloc(a, len);
	bs_report *r;

	memcpy(copy, raw, len);
	free(raw);
	assert_int_equal(bs_wire_unpack_report(a, copy, len, &r), 0);
	return r;
}

static void
test_changes_diff(void **state)
{
	struct bs_arena a;
	bs_report *prev, *cur;
	struct collected c = {0};
	Bindscope__V1__Site *site;
	Bindscope__V1__CollectionError *e;

	(void)state;
	bs_arena_init(&a, 0);
	prev = unpacked(&a, SELF);
	cur = unpacked(&a, SELF);
	assert_int_equal(bs_changes_diff(prev, cur, collect_change, &c), 0);
	assert_int_equal(c.n, 0); /* identical: nothing */

	cur = unpacked(&a, NAMESPACE);
	cur->sites[0]->bindings[0]->binding_information = "10.0.0.5:444:";
	site = BS_NEW(&a, site);
	site->name = "Default Web Site";
	site->id = 1;
	bs_arena_push(&a, (void ***)&cur->sites, &cur->n_sites, site);
	assert_int_equal(bs_changes_diff(prev, cur, collect_change, &c), 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.lines[0], "binding Exchange Back End: https 10.0.0.5:444: added");
	assert_string_equal(c.lines[1], "binding Exchange Back End: https *:444: removed");
	assert_string_equal(c.lines[2], "site 'Default Web Site' added");
	assert_string_equal(c.lines[3],
	    "certificate on 0.0.0.0:444 changed from " SELF " (CN=MBX01) to " NAMESPACE
	    " (CN=mail.corp.example)");

	/* applicationHost.config unreadable this time: its sites are not
	 * "removed"; the http.sys side is still compared. */
	c.n = 0;
	cur = unpacked(&a, SELF);
	cur->n_sites = 0;
	e = BS_NEW(&a, collection_error);
	e->source = "iis_config";
	e->reason = "cannot read";
	bs_arena_push(&a, (void ***)&cur->errors, &cur->n_errors, e);
	cur->n_ssl_bindings = 0;
	assert_int_equal(bs_changes_diff(prev, cur, collect_change, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(
	    c.lines[0], "http.sys binding 0.0.0.0:444 (" SELF " (CN=MBX01)) removed");
	bs_arena_fini(&a);
}

/* A database written by the first release (schema 1) opens read-only for
 * report/check without history, and read-write migrates to the current
 * schema, after which the pass analyses the old reports. */
static void
test_older_database_opens_and_migrates(void **state)
{
	char dir[64], path[128];
	sqlite3 *db;
	struct bs_store *st = NULL;
	struct bs_analysis *a;
	size_t len;
	uint8_t *raw = report("b0", 1, NAMESPACE, &len);
	sqlite3_stmt *ins;

	(void)state;
	snprintf(path, sizeof(path), "%s/v1.db", test_tmpdir(dir, sizeof(dir)));
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
	        "CREATE TABLE servers (id INTEGER PRIMARY KEY, fqdn TEXT NOT NULL UNIQUE,"
	        " first_seen_ms INTEGER NOT NULL, latest_report_id INTEGER,"
	        " latest_received_ms INTEGER);"
	        "CREATE TABLE reports (id INTEGER PRIMARY KEY, server_id INTEGER NOT NULL"
	        " REFERENCES servers(id), agent_id TEXT NOT NULL, boot_id TEXT NOT NULL,"
	        " sequence INTEGER NOT NULL, collected_ms INTEGER NOT NULL,"
	        " received_ms INTEGER NOT NULL, provenance TEXT NOT NULL,"
	        " raw BLOB NOT NULL, UNIQUE (agent_id, boot_id, sequence));"
	        "CREATE INDEX reports_server ON reports(server_id, received_ms);"
	        "INSERT INTO servers VALUES (1, '" FQDN "', 1, 1, 1);"
	        "PRAGMA user_version = 1;",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	        "INSERT INTO reports VALUES (1, 1, 'a', 'b0', 1, 1, 1, 'agent, signed', ?)", -1,
	        &ins, NULL),
	    SQLITE_OK);
	sqlite3_bind_blob(ins, 1, raw, (int)len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
	sqlite3_finalize(ins);
	/* Another agent_id with the same boot and sequence: two rows then,
	 * one identity (the server) now; both must survive the migration. */
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	        "INSERT INTO reports VALUES (2, 1, 'b', 'b0', 1, 1, 1, 'agent, signed', ?)", -1,
	        &ins, NULL),
	    SQLITE_OK);
	sqlite3_bind_blob(ins, 1, raw, (int)len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
	sqlite3_finalize(ins);
	sqlite3_close(db);

	assert_int_equal(bs_store_open(path, 1, &st), 0);
	assert_int_equal(bs_store_version(st), 1);
	a = analyse(st, T0);
	assert_non_null(finding(a, "BACKEND_CERT_NAME_MISMATCH"));
	bs_analysis_destroy(a);
	bs_store_close(st);

	assert_int_equal(bs_store_open(path, 0, &st), 0);
	assert_true(bs_store_version(st) >= 5);
	assert_int_equal(pass(st, T0), 2);
	a = analyse(st, T0);
	assert_int_equal(finding(a, "BACKEND_CERT_NAME_MISMATCH")->first_seen_ms, 1);
	bs_analysis_destroy(a);
	{
		struct bs_arena ar;
		bs_report *r;
		int dup = -1;

		bs_arena_init(&ar, 0);
		assert_int_equal(bs_wire_unpack_report(&ar, raw, len, &r), 0);
		/* The server's own boot and sequence again: known. */
		assert_int_equal(bs_store_put_report(st, FQDN, FQDN, BS_PROV_AGENT_SIGNED, raw, len,
		                     r, NULL, T0, &dup),
		    0);
		assert_int_equal(dup, 1);
		/* Another identity claiming them is not a duplicate of it. */
		assert_int_equal(bs_store_put_report(st, FQDN, "mbx02.corp.example",
		                     BS_PROV_AGENT_SIGNED, raw, len, r, NULL, T0, &dup),
		    0);
		assert_int_equal(dup, 0);
		bs_arena_fini(&ar);
	}
	bs_store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                     "SELECT group_concat(identity, ',') FROM"
	                     " (SELECT identity FROM reports ORDER BY id)",
	                     -1, &ins, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(ins), SQLITE_ROW);
	assert_string_equal(
	    (const char *)sqlite3_column_text(ins, 0), FQDN ",legacy:2,mbx02.corp.example");
	sqlite3_finalize(ins);
	sqlite3_close(db);
	free(raw);
}

/* What the dashboard's charts read back: each finding's span (first seen,
 * resolved) and a server's reports newest first. */
struct spans {
	size_t n;
	int64_t mismatch_first, mismatch_resolved;
	char sev[16];
};

static int
span_row(void *arg, const struct bs_store_span *f)
{
	struct spans *w = arg;

	assert_string_equal(f->fqdn, FQDN);
	w->n++;
	if (f->opened_ms == T0 + 5 * MIN && f->closed_ms != 0) {
		w->mismatch_first = f->opened_ms;
		w->mismatch_resolved = f->closed_ms;
		snprintf(w->sev, sizeof(w->sev), "%s", f->severity);
	}
	return 0;
}

static int
report_row(void *arg, const char *fqdn, const char *provenance, int64_t received_at_ms,
    const uint8_t *raw, size_t len)
{
	int64_t *seen = arg;

	(void)provenance;
	assert_string_equal(fqdn, FQDN);
	assert_true(len > 0 && raw != NULL);
	seen[++seen[0]] = received_at_ms;
	return 0;
}

static void
test_spans_and_reports_for_the_charts(void **state)
{
	struct bs_store *st = open_store();
	struct spans w = {0};
	int64_t seen[8] = {0};
	json_t *t = NULL;

	(void)state;
	put(st, "b1", 1, SELF, T0);
	put(st, "b1", 2, NAMESPACE, T0 + 5 * MIN);
	put(st, "b1", 3, SELF, T0 + DAY);
	assert_int_equal(pass(st, T0 + DAY), 3);
	/* The mismatch: open from the second report, resolved by the third. */
	assert_int_equal(bs_store_finding_spans(st, "MBX01.corp.example", T0, span_row, &w), 0);
	assert_true(w.n >= 1);
	assert_int_equal(w.mismatch_first, T0 + 5 * MIN);
	assert_int_equal(w.mismatch_resolved, T0 + DAY);
	assert_string_equal(w.sev, "warning");
	/* Resolved before since: not walked; another server: nothing. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(bs_store_finding_spans(st, FQDN, T0 + 2 * DAY, span_row, &w), 0);
	assert_int_equal(w.mismatch_first, 0);
	memset(&w, 0, sizeof(w));
	assert_int_equal(bs_store_finding_spans(st, "mbx09.corp.example", 0, span_row, &w), 0);
	assert_int_equal(w.n, 0);
	/* Per day: the mismatch counted on the two days it was open. */
	assert_int_equal(bs_trend_findings(st, FQDN, T0 + DAY, 3, &t), 0);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(t, "warning"), 0)), 0);
	assert_true(json_integer_value(json_array_get(json_object_get(t, "warning"), 1)) >= 1);
	assert_true(json_integer_value(json_array_get(json_object_get(t, "warning"), 2)) >= 1);
	json_decref(t);
	/* Reports since a time, newest first, at most limit. */
	assert_int_equal(bs_store_each_report_since(st, FQDN, T0 + MIN, 10, report_row, seen), 0);
	assert_int_equal(seen[0], 2);
	assert_int_equal(seen[1], T0 + DAY);
	assert_int_equal(seen[2], T0 + 5 * MIN);
	memset(seen, 0, sizeof(seen));
	assert_int_equal(bs_store_each_report_since(st, FQDN, 0, 1, report_row, seen), 0);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], T0 + DAY);
	bs_store_close(st);
}

/* The warning series of the per-day chart: days days ending with now's. */
static void
warning_days(struct bs_store *st, int64_t now, size_t days, json_int_t *out)
{
	json_t *t = NULL, *w;

	assert_int_equal(bs_trend_findings(st, FQDN, now, (unsigned)days, &t), 0);
	w = json_object_get(t, "warning");
	assert_int_equal(json_array_size(w), days);
	for (size_t i = 0; i < days; i++)
		out[i] = json_integer_value(json_array_get(w, i));
	json_decref(t);
}

static void
put_pass(struct bs_store *st, uint64_t seq, const char *thumb, int64_t at)
{
	put(st, "b1", seq, thumb, at);
	assert_int_equal(pass(st, at), 1);
}

/* The 444 mismatch (a warning, the only one these reports raise) opens
 * on day 0, resolves on day 1, is gone on day 2, comes back on day 3 and
 * resolves on day 4: the chart counts it on days 0, 1, 3 and 4, not in
 * the gap, from two spans; first seen is the second period's. */
static void
test_flapping_finding_keeps_every_span(void **state)
{
	struct bs_store *st = open_store();
	const json_int_t want[6] = {1, 1, 0, 1, 1, 0};
	json_int_t got[6];
	struct bs_analysis *a;

	(void)state;
	put_pass(st, 1, SELF, T0);
	put_pass(st, 2, NAMESPACE, T0 + 5 * MIN);
	put_pass(st, 3, SELF, T0 + DAY);
	put_pass(st, 4, SELF, T0 + 2 * DAY);
	put_pass(st, 5, NAMESPACE, T0 + 3 * DAY);
	a = analyse(st, T0 + 3 * DAY + MIN);
	assert_int_equal(finding(a, "BACKEND_CERT_NAME_MISMATCH")->first_seen_ms, T0 + 3 * DAY);
	bs_analysis_destroy(a);
	put_pass(st, 6, SELF, T0 + 4 * DAY);
	put_pass(st, 7, SELF, T0 + 5 * DAY);

	warning_days(st, T0 + 5 * DAY, 6, got);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(got[i], want[i]);
	assert_int_equal(count(st,
	                     "SELECT count(*) FROM finding_spans WHERE rule_id ="
	                     " 'BACKEND_CERT_NAME_MISMATCH' AND closed_ms IS NOT NULL"),
	    2);
	assert_int_equal(count(st,
	                     "SELECT count(*) FROM finding_spans WHERE rule_id ="
	                     " 'BACKEND_CERT_NAME_MISMATCH' AND opened_ms = "
	                     "(1800000000000 + 3 * 86400000) AND closed_ms = "
	                     "(1800000000000 + 4 * 86400000)"),
	    1);
	/* While open, a span counts up to today. */
	put_pass(st, 8, NAMESPACE, T0 + 6 * DAY);
	warning_days(st, T0 + 7 * DAY, 3, got);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[2], 1);
	bs_store_close(st);
}

/* A schema-5 database (history in finding_state only) migrates to one
 * span per finding_state row and keeps its chart; a finding that comes
 * back after the migration adds a span beside the old one. Read-only,
 * the schema-5 database still charts from finding_state. */
static void
test_schema5_history_migrates_to_spans(void **state)
{
	struct bs_store *st = open_store();
	const json_int_t before[6] = {1, 1, 0, 0, 0, 0}, after[6] = {1, 1, 0, 1, 1, 0};
	json_int_t got[6];
	sqlite3 *db;

	(void)state;
	put_pass(st, 1, SELF, T0);
	put_pass(st, 2, NAMESPACE, T0 + 5 * MIN);
	put_pass(st, 3, SELF, T0 + DAY);
	bs_store_close(st);
	/* Schema 6 adds finding_spans and nothing else: without it, and at
	 * user_version 5, this is what a schema-5 collector left. */
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE finding_spans; PRAGMA user_version = 5;",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(bs_store_open(db_path, 1, &st), 0);
	assert_int_equal(bs_store_version(st), 5);
	warning_days(st, T0 + 5 * DAY, 6, got);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(got[i], before[i]);
	bs_store_close(st);

	assert_int_equal(bs_store_open(db_path, 0, &st), 0);
	assert_int_equal(bs_store_version(st), 6);
	assert_int_equal(count(st, "SELECT count(*) FROM finding_spans"),
	    count(st, "SELECT count(*) FROM finding_state"));
	assert_int_equal(count(st,
	                     "SELECT count(*) FROM finding_spans s JOIN finding_state f"
	                     " USING (server_id, rule_id, fkey) WHERE s.opened_ms ="
	                     " f.first_seen_ms AND s.closed_ms IS f.resolved_ms"
	                     " AND s.severity = f.severity"),
	    count(st, "SELECT count(*) FROM finding_state"));
	warning_days(st, T0 + 5 * DAY, 6, got);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(got[i], before[i]);
	put_pass(st, 4, NAMESPACE, T0 + 3 * DAY);
	put_pass(st, 5, SELF, T0 + 4 * DAY);
	warning_days(st, T0 + 5 * DAY, 6, got);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(got[i], after[i]);
	bs_store_close(st);
}

#define MISMATCH_SPANS                                                                             \
	"SELECT count(*) FROM finding_spans WHERE rule_id = 'BACKEND_CERT_NAME_MISMATCH'"

/* Spans go with the reports of their time: one closed before the oldest
 * day kept is pruned, in the same batches as reports; an open one stays,
 * and with daily reports kept forever every span stays. */
static void
test_retention_prunes_old_closed_spans(void **state)
{
	struct bs_store *st = open_store();
	struct bs_retention keep = {90, 0};
	size_t n = 0, total = 0;

	(void)state;
	put_pass(st, 1, NAMESPACE, T0 - 100 * DAY);
	put_pass(st, 2, SELF, T0 - 99 * DAY);
	put_pass(st, 3, NAMESPACE, T0);
	assert_int_equal(count(st, MISMATCH_SPANS), 2);
	assert_int_equal(bs_retention_prune(st, &keep, T0, 1000, &n), 0);
	assert_int_equal(n, 0); /* each the last of its day, kept forever */
	assert_int_equal(count(st, MISMATCH_SPANS), 2);

	keep.keep_daily_days = 5;
	do {
		assert_int_equal(bs_retention_prune(st, &keep, T0, 1, &n), 0);
		assert_true(n <= 1);
		total += n;
	} while (n > 0);
	assert_int_equal(total, 3); /* two reports, then the closed span */
	assert_int_equal(count(st, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(count(st, MISMATCH_SPANS), 1);
	assert_int_equal(
	    count(st, MISMATCH_SPANS " AND closed_ms IS NULL AND opened_ms = 1800000000000"), 1);
	bs_store_close(st);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_certificate_swap_first_seen_and_resolution),
    cmocka_unit_test(test_spans_and_reports_for_the_charts),
    cmocka_unit_test(test_flapping_finding_keeps_every_span),
    cmocka_unit_test(test_schema5_history_migrates_to_spans),
    cmocka_unit_test(test_retention_prunes_old_closed_spans),
    cmocka_unit_test(test_mutes_hide_from_status_until_expiry),
    cmocka_unit_test(test_retention_keeps_daily_and_newest),
    cmocka_unit_test(test_unanalysed_reports_are_not_pruned), cmocka_unit_test(test_changes_diff),
    cmocka_unit_test(test_older_database_opens_and_migrates))
