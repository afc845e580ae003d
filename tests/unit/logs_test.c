/* logs_test: the log scanner and both formats on files shaped like
 * Exchange's (both HttpProxy column sets, repeated and reordered headers,
 * quoted fields spanning lines, a partial last line) and on bad input. */
#include "test_util.h"

#include <fcntl.h>
#include <unistd.h>

#include "err.h"
#include "logfmt.h"
#include "logread.h"

struct scan {
	struct bs_arena a;
	Bindscope__V1__LogSample *ls;
	uint64_t offset;
	uint64_t long_records;
};

static void
scan_file_redact(
    struct scan *s, const char *path, enum bs_logfmt_kind kind, uint64_t limit, int redact)
{
	struct bs_logfmt_cfg cfg;
	struct bs_logfmt *f = NULL;
	struct bs_logread r;
	const char *rec;
	size_t len;

	memset(&cfg, 0, sizeof(cfg));
	cfg.redact = redact;
	memset(cfg.key, 7, sizeof(cfg.key));
	bs_arena_init(&s->a, 0);
	s->ls = BS_NEW(&s->a, log_sample);
	assert_int_equal(bs_logfmt_create(kind, &s->a, s->ls, &cfg, &f), 0);
	assert_int_equal(bs_logread_open(&r, path, 0, limit, kind == BS_LOGFMT_HTTPPROXY), 0);
	while (bs_logread_next(&r, &rec, &len) == 1)
		bs_logfmt_record(f, rec, len);
	s->offset = bs_logread_offset(&r);
	s->long_records = r.long_records;
	bs_logread_close(&r);
	assert_int_equal(bs_logfmt_finish(f), 0);
	bs_logfmt_destroy(f);
}

static void
scan_file(struct scan *s, const char *path, enum bs_logfmt_kind kind, uint64_t limit)
{
	scan_file_redact(s, path, kind, limit, 1);
}

static void
scan_fixture_redact(struct scan *s, const char *fixture, enum bs_logfmt_kind kind, int redact)
{
	char path[BS_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", BS_FIXTURES, fixture);
	scan_file_redact(s, path, kind, UINT64_MAX, redact);
}

static void
scan_fixture(struct scan *s, const char *fixture, enum bs_logfmt_kind kind)
{
	scan_fixture_redact(s, fixture, kind, 1);
}

/* 1 when some example line contains needle. */
static int
in_examples(const struct scan *s, const char *needle)
{
	for (size_t i = 0; i < s->ls->n_examples; i++)
		if (strstr(s->ls->examples[i], needle) != NULL)
			return 1;
	return 0;
}

static const Bindscope__V1__StatusCount *
status(const struct scan *s, uint32_t http, uint32_t backend, const char *err)
{
	for (size_t i = 0; i < s->ls->n_statuses; i++) {
		const Bindscope__V1__StatusCount *c = s->ls->statuses[i];
		uint32_t b =
		    c->backend_status != NULL ? c->backend_status->value : BS_BACKEND_ABSENT;

		if (c->http_status == http && b == backend && strcmp(c->error_code, err) == 0)
			return c;
	}
	return NULL;
}

static const Bindscope__V1__TargetStat *
target(const struct scan *s, const char *name)
{
	for (size_t i = 0; i < s->ls->n_targets; i++)
		if (strcmp(s->ls->targets[i]->target_server, name) == 0)
			return s->ls->targets[i];
	return NULL;
}

static void
test_httpproxy_2019(void **state)
{
	struct scan s;
	const Bindscope__V1__TargetStat *t;
	size_t len;
	char *raw = test_fixture("logs/httpproxy_2019.LOG", &len);

	(void)state;
	scan_fixture(&s, "logs/httpproxy_2019.LOG", BS_LOGFMT_HTTPPROXY);
	assert_int_equal(s.ls->lines_read, 6);
	assert_int_equal(s.ls->lines_skipped, 0);
	assert_int_equal(s.ls->n_statuses, 5);
	/* Sorted by count: the TrustFailure pair first. */
	assert_int_equal(s.ls->statuses[0]->http_status, 503);
	assert_null(s.ls->statuses[0]->backend_status); /* empty, not 0 */
	assert_string_equal(s.ls->statuses[0]->error_code, "TrustFailure");
	assert_int_equal(s.ls->statuses[0]->count, 2);
	assert_non_null(status(&s, 200, 500, ""));
	assert_non_null(status(&s, 200, 200, "ClientDisconnect"));
	assert_non_null(status(&s, 401, BS_BACKEND_ABSENT, ""));
	assert_int_equal(s.ls->client_ok_backend_5xx, 1);
	/* Columns found by name after the reordered header. */
	t = target(&s, "mbx03.corp.example");
	assert_non_null(t);
	assert_int_equal(t->requests, 3);
	assert_int_equal(t->backend_failures, 3);
	assert_string_equal(t->top_web_exception, "TrustFailure");
	t = target(&s, "mbx02.corp.example"); /* MBX02 and mbx02 are one server */
	assert_int_equal(t->requests, 3);
	assert_int_equal(t->backend_failures, 0); /* ClientDisconnect is no back-end failure */
	assert_null(target(&s, "mbx04.corp.example")); /* the partial last line waits */
	assert_int_equal(s.offset, (uint64_t)(strrchr(raw, '\n') - raw + 1));
	assert_int_equal(s.ls->window_start_ms, 1673290801130LL);
	assert_int_equal(s.ls->window_end_ms, 1673290806130LL);
	/* Examples of the failures, personal data pseudonymised. */
	assert_int_equal(s.ls->n_examples, 3);
	for (size_t i = 0; i < s.ls->n_examples; i++) {
		assert_null(strstr(s.ls->examples[i], "alice"));
		assert_null(strstr(s.ls->examples[i], "10.1.2.3"));
		assert_null(strstr(s.ls->examples[i], "4b4f0c5a"));
		assert_non_null(strstr(s.ls->examples[i], "h:"));
	}
	free(raw);
	bs_arena_fini(&s.a);
}

static void
test_httpproxy_2013(void **state)
{
	struct scan s;

	(void)state;
	scan_fixture(&s, "logs/httpproxy_2013.LOG", BS_LOGFMT_HTTPPROXY);
	assert_int_equal(s.ls->lines_read, 3);
	assert_int_equal(s.ls->lines_skipped, 0);
	assert_int_equal(status(&s, 500, 500, "")->count, 1);
	assert_int_equal(status(&s, 503, BS_BACKEND_ABSENT, "ConnectFailure")->count, 1);
	assert_int_equal(target(&s, "mbx01.corp.example")->backend_failures, 1);
	assert_int_equal(target(&s, "mbx02.corp.example")->backend_failures, 1);
	bs_arena_fini(&s.a);
}

static void
test_httpproxy_bad_input(void **state)
{
	static const char *const reasons[] = {
	    "data line before a usable #Fields header",
	    "fewer fields than the #Fields header names",
	    "status is not a number",
	    "timestamp is not a date and time",
	    "BackEndStatus is not a number",
	};
	struct scan s;

	(void)state;
	scan_fixture(&s, "logs/httpproxy_bad.LOG", BS_LOGFMT_HTTPPROXY);
	assert_int_equal(s.ls->lines_read, 8);
	assert_int_equal(s.ls->lines_skipped, 8); /* 7 data lines and the unusable header */
	assert_int_equal(s.ls->n_statuses, 1);
	assert_non_null(target(&s, "good.corp.example"));
	assert_int_equal(s.ls->n_skip_reasons, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(s.ls->skip_reasons[i], reasons[i]);
	bs_arena_fini(&s.a);
}

static void
test_w3c_restart_and_redaction(void **state)
{
	struct scan s;
	const Bindscope__V1__StatusCount *c;

	(void)state;
	scan_fixture(&s, "logs/w3c_backend.log", BS_LOGFMT_W3C);
	assert_int_equal(s.ls->lines_read, 6);
	assert_int_equal(s.ls->lines_skipped, 1);
	assert_int_equal(s.ls->n_statuses, 3);
	c = s.ls->statuses[0]; /* 200 and 500 both twice: 200 sorts first */
	assert_int_equal(c->http_status, 200);
	assert_int_equal(c->count, 2);
	assert_int_equal(c->port, 444);
	c = s.ls->statuses[1];
	assert_int_equal(c->http_status, 500);
	assert_int_equal(c->win32_status, 64);
	assert_int_equal(c->count, 2);
	assert_int_equal(s.ls->statuses[2]->sub_status, 1);
	assert_int_equal(s.ls->n_examples, 2);
	assert_null(strstr(s.ls->examples[1], "bob"));
	assert_null(strstr(s.ls->examples[1], "10.0.0.10"));
	assert_non_null(strstr(s.ls->examples[0], " - h:")); /* '-' is kept */
	bs_arena_fini(&s.a);
}

/* Exchange's log writer opens the file with a UTF-8 BOM before its
 * header, and after a restart appends a new header block that starts
 * with a BOM too: no header line may count as data. */
static void
test_httpproxy_bom_and_reopen(void **state)
{
	struct scan s;

	(void)state;
	scan_fixture(&s, "logs/httpproxy_bom.LOG", BS_LOGFMT_HTTPPROXY);
	assert_int_equal(s.ls->lines_read, 5);
	assert_int_equal(s.ls->lines_skipped, 0);
	assert_int_equal(s.ls->n_skip_reasons, 0);
	assert_int_equal(status(&s, 200, 200, "")->count, 2);
	assert_int_equal(status(&s, 503, BS_BACKEND_ABSENT, "TrustFailure")->count, 1);
	/* The records after the reopened header are read with its columns. */
	assert_int_equal(status(&s, 200, 500, "")->count, 1);
	assert_int_equal(status(&s, 401, BS_BACKEND_ABSENT, "")->count, 1);
	assert_int_equal(target(&s, "mbx03.corp.example")->backend_failures, 2);
	assert_int_equal(s.ls->window_start_ms, 1673290801100LL);
	assert_int_equal(s.ls->window_end_ms, 1673292602100LL);
	bs_arena_fini(&s.a);
}

static void
test_w3c_bom_and_reopen(void **state)
{
	struct scan s;
	uint64_t total = 0;

	(void)state;
	scan_fixture(&s, "logs/w3c_bom_query.log", BS_LOGFMT_W3C);
	assert_int_equal(s.ls->lines_read, 8);
	assert_int_equal(s.ls->lines_skipped, 0);
	assert_int_equal(s.ls->n_skip_reasons, 0);
	for (size_t i = 0; i < s.ls->n_statuses; i++)
		total += s.ls->statuses[i]->count;
	assert_int_equal(total, 8);
	assert_int_equal(s.ls->statuses[0]->http_status, 200);
	assert_int_equal(s.ls->statuses[0]->count, 2);
	bs_arena_fini(&s.a);
}

/* What Exchange puts in query strings and URLs names mailboxes: the
 * mailbox GUID and SMTP address (MAPI, ActiveSync, Autodiscover), the
 * server and database of the mailbox (mbx=, MDB=), the request id that
 * ties the line to the user in other logs, the OWA canary. */
static const char *const mailbox_identities[] = {
    "5c3d1f0a-7e2b-4c55-9a1e-2f0b6c9d4e11", /* mailboxId= */
    "dave", /* user, SMTP address, URL path */
    "%40corp", /* User=dave%40corp.example */
    "@corp.example", /* any SMTP address */
    "MBX01.corp.example", /* mbx= */
    "4f8e2a1b-6c3d-4e5f-8a9b-0c1d2e3f4a5b", /* MDB= */
    "3f6c1d2e-8a9b-4c0d-9e1f-2a3b4c5d6e7f", /* cafeReqId= */
    "dGhpcy1pcy1hLWNhbmFyeS10b2tlbg", /* X-OWA-CANARY= */
    "ApplDNPX12345", /* DeviceId= */
    "mbx01.corp.example:6001", /* RPC over HTTP's mailbox endpoint */
    "10.0.0.11", /* c-ip */
};

static void
test_w3c_query_redaction(void **state)
{
	struct scan s;

	(void)state;
	scan_fixture(&s, "logs/w3c_bom_query.log", BS_LOGFMT_W3C);
	assert_int_equal(s.ls->n_examples, 6);
	for (size_t i = 0; i < sizeof(mailbox_identities) / sizeof(mailbox_identities[0]); i++)
		if (in_examples(&s, mailbox_identities[i]))
			fail_msg("'%s' left in a log example", mailbox_identities[i]);
	/* What tells the admin which request failed stays readable: the
	 * stem, the parameter names, the operation. */
	assert_true(in_examples(&s, " /mapi/emsmdb/ mailboxId=h:"));
	assert_true(in_examples(&s, "&cafeReqId=h:"));
	assert_true(in_examples(&s, "action=FindItem&app=Mail&n=12&mbx=h:"));
	assert_true(in_examples(&s, "&MDB=h:"));
	assert_true(in_examples(&s, "CorrelationID=<empty>;"));
	assert_true(in_examples(&s, "Cmd=Sync&User=h:"));
	assert_true(in_examples(&s, "&DeviceType=iPhone&"));
	assert_true(in_examples(&s, " /autodiscover/autodiscover.json/v1.0/h:"));
	assert_true(in_examples(&s, " Protocol=ActiveSync&RedirectCount=1&"));
	assert_true(in_examples(&s, "https://mail.corp.example/owa/h:"));
	assert_true(in_examples(&s, " 502 0 0 31"));
	bs_arena_fini(&s.a);

	/* redact_personal_data = false: the lines as written. */
	scan_fixture_redact(&s, "logs/w3c_bom_query.log", BS_LOGFMT_W3C, 0);
	assert_true(
	    in_examples(&s, "&mbx=MBX01.corp.example&MDB=4f8e2a1b-6c3d-4e5f-8a9b-0c1d2e3f4a5b&"));
	assert_true(in_examples(&s, "/v1.0/dave@corp.example "));
	assert_false(in_examples(&s, "h:"));
	bs_arena_fini(&s.a);
}

/* HttpProxy's UrlQuery carries the same identities. */
static void
test_httpproxy_query_redaction(void **state)
{
	struct scan s;

	(void)state;
	scan_fixture(&s, "logs/httpproxy_bom.LOG", BS_LOGFMT_HTTPPROXY);
	assert_int_equal(s.ls->n_examples, 2);
	assert_false(in_examples(&s, "carol"));
	assert_false(in_examples(&s, "10.4.5.6"));
	assert_false(in_examples(&s, "7d1e2f3a"));
	assert_true(in_examples(&s, ",?MailboxId=h:"));
	assert_true(in_examples(&s, ",/EWS/Exchange.asmx,"));
	bs_arena_fini(&s.a);
}

static void
test_budget_and_long_line(void **state)
{
	char dir[64], path[128];
	struct scan s;
	FILE *f;
	char *big = malloc(10 * 1024 * 1024);
	const char *hdr = "#Fields: date time s-port sc-status\n";
	const char *good = "2023-01-09 19:00:01 444 200\n";

	(void)state;
	snprintf(path, sizeof(path), "%s/u_ex.log", test_tmpdir(dir, sizeof(dir)));
	f = fopen(path, "w");
	fputs(hdr, f);
	fputs(good, f);
	memset(big, 'x', 10 * 1024 * 1024);
	fwrite(big, 1, 10 * 1024 * 1024, f);
	fputs("\n", f);
	fputs(good, f);
	fclose(f);
	free(big);
	/* A 10 MiB line is skipped whole; the lines around it count. */
	scan_file(&s, path, BS_LOGFMT_W3C, UINT64_MAX);
	assert_int_equal(s.long_records, 1);
	assert_int_equal(s.ls->statuses[0]->count, 2);
	bs_arena_fini(&s.a);
	/* A budget that ends mid-file stops before the next record. */
	scan_file(&s, path, BS_LOGFMT_W3C, strlen(hdr) + strlen(good) + 10);
	assert_int_equal(s.ls->statuses[0]->count, 1);
	assert_int_equal(s.offset, strlen(hdr) + strlen(good));
	bs_arena_fini(&s.a);
}

static void
test_times_and_numbers(void **state)
{
	int64_t ms;
	uint32_t v;

	(void)state;
	assert_int_equal(bs_log_time_iso("2023-01-09T19:00:00.130Z", 24, &ms), 0);
	assert_int_equal(ms, 1673290800130LL);
	assert_int_equal(bs_log_time_iso("1970-01-01T00:00:00Z", 20, &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_not_equal(bs_log_time_iso("2023-13-09T19:00:00Z", 20, &ms), 0);
	assert_int_not_equal(bs_log_time_iso("2023-01-09 19:00:00", 19, &ms), 0);
	assert_int_equal(bs_log_time_w3c("2024-02-29", 10, "23:59:59", 8, &ms), 0);
	assert_int_equal(ms, 1709251199000LL);
	assert_int_not_equal(bs_log_uint("4294967296", 10, &v), 0);
	assert_int_not_equal(bs_log_uint("", 0, &v), 0);
	assert_int_equal(bs_log_uint("503", 3, &v), 0);
	assert_int_equal(v, 503);
}

static void
test_pseudonym_is_keyed_and_stable(void **state)
{
	uint8_t k1[32], k2[32];
	char a[15], b[15], c[15];

	(void)state;
	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	bs_logfmt_pseudonym(k1, "CORP\\alice", 10, a);
	bs_logfmt_pseudonym(k1, "CORP\\alice", 10, b);
	bs_logfmt_pseudonym(k2, "CORP\\alice", 10, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 14);
	assert_memory_equal(a, "h:", 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_httpproxy_2019),
	    cmocka_unit_test(test_httpproxy_2013),
	    cmocka_unit_test(test_httpproxy_bad_input),
	    cmocka_unit_test(test_w3c_restart_and_redaction),
	    cmocka_unit_test(test_httpproxy_bom_and_reopen),
	    cmocka_unit_test(test_w3c_bom_and_reopen),
	    cmocka_unit_test(test_w3c_query_redaction),
	    cmocka_unit_test(test_httpproxy_query_redaction),
	    cmocka_unit_test(test_budget_and_long_line),
	    cmocka_unit_test(test_times_and_numbers),
	    cmocka_unit_test(test_pseudonym_is_keyed_and_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
