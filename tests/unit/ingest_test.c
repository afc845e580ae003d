/* ingest_test: what the collector accepts, refuses and de-duplicates, and
 * that a stored report is there after the store is reopened. */
#include "test_util.h"

#include "err.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "wire.h"

static uint8_t *
make_report(const char *fqdn, const char *boot, uint64_t seq, size_t *len)
{
	struct bs_arena a;
	bs_report *r;
	uint8_t *out;

	bs_arena_init(&a, 0);
	r = BS_NEW(&a, report);
	r->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	r->agent = BS_NEW(&a, agent_info);
	r->agent->agent_id = (char *)fqdn;
	r->agent->boot_id = (char *)boot;
	r->agent->sequence = seq;
	r->host = BS_NEW(&a, host);
	r->host->fqdn = (char *)fqdn;
	assert_int_equal(bs_wire_pack(&r->base, &out, len), 0);
	bs_arena_fini(&a);
	return out;
}

/* A report from fqdn wrapped in an Envelope, as an agent sends it. */
static uint8_t *
make_env(const char *fqdn, const char *boot, uint64_t seq, size_t *envlen)
{
	size_t len;
	uint8_t *rep = make_report(fqdn, boot, seq, &len);
	uint8_t *env;

	assert_int_equal(bs_wire_envelope(rep, len, &env, envlen), 0);
	free(rep);
	return env;
}

static int
count_latest(
    void *arg, const char *fqdn, const char *prov, int64_t at, const uint8_t *raw, size_t len)
{
	(void)fqdn;
	(void)at;
	(void)raw;
	(void)len;
	assert_string_equal(prov, BS_PROV_AGENT_UNSIGNED);
	(*(int *)arg)++;
	return 0;
}

static void
test_store_dedupe_and_reopen(void **state)
{
	char dir[64], db[128];
	struct bs_store *st = NULL;
	struct bs_ingest_result res;
	size_t elen;
	uint8_t *env = make_env("mbx01.corp.example", "b1", 1, &elen);
	int64_t n;
	int servers = 0;

	(void)state;
	snprintf(db, sizeof(db), "%s/bs.db", test_tmpdir(dir, sizeof(dir)));
	assert_int_equal(bs_store_open(db, 0, &st), 0);
	bs_ingest_envelope(st, NULL, env, elen, &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_STORED);
	assert_string_equal(res.fqdn, "mbx01.corp.example");
	/* The same (agent, boot, sequence) again: acknowledged, stored once. */
	bs_ingest_envelope(st, NULL, env, elen, &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE);
	free(env);
	env = make_env("mbx01.corp.example", "b1", 2, &elen);
	bs_ingest_envelope(st, NULL, env, elen, &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_STORED);
	free(env);
	bs_store_close(st);

	/* Committed means there after a reopen (read-only, as report does). */
	assert_int_equal(bs_store_open(db, 1, &st), 0);
	assert_int_equal(bs_store_count_reports(st, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(bs_store_each_latest(st, count_latest, &servers), 0);
	assert_int_equal(servers, 1);
	bs_store_close(st);
}

static void
test_refusals(void **state)
{
	char dir[64], db[128];
	struct bs_store *st = NULL;
	struct bs_ingest_result res;
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34};
	size_t elen;
	uint8_t *env;

	(void)state;
	snprintf(db, sizeof(db), "%s/bs.db", test_tmpdir(dir, sizeof(dir)));
	assert_int_equal(bs_store_open(db, 0, &st), 0);

	bs_ingest_envelope(st, NULL, garbage, sizeof(garbage), &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED);
	assert_non_null(strstr(res.reason, "envelope"));

	env = make_env("MBX01.corp.example", "b", 1, &elen);
	bs_ingest_envelope(st, NULL, env, elen, &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED);
	assert_non_null(strstr(res.reason, "host.fqdn"));
	free(env);

	env = make_env("<script>.example", "b", 1, &elen);
	bs_ingest_envelope(st, NULL, env, elen, &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED);
	free(env);

	env = make_env("", "b", 1, &elen);
	bs_ingest_envelope(st, NULL, env, elen, &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED);
	free(env);

	env = make_env("mbx01.corp.example", "", 1, &elen);
	bs_ingest_envelope(st, NULL, env, elen, &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED);
	assert_non_null(strstr(res.reason, "boot_id"));
	free(env);
	bs_store_close(st);
}

static void
test_invalid_utf8_refused_naming_field(void **state)
{
	struct bs_arena a;
	bs_report *r;
	char why[256];

	(void)state;
	bs_arena_init(&a, 0);
	r = BS_NEW(&a, report);
	r->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	r->agent = BS_NEW(&a, agent_info);
	r->agent->boot_id = "b";
	r->agent->sequence = 1;
	r->host = BS_NEW(&a, host);
	r->host->fqdn = "mbx01.corp.example";
	assert_int_equal(bs_ingest_validate(r, why, sizeof(why)), 0);
	r->certificates = bs_arena_alloc(&a, sizeof(void *));
	r->certificates[0] = BS_NEW(&a, certificate);
	r->n_certificates = 1;
	r->certificates[0]->subject = "CN=\xc3\x28 bad";
	assert_int_not_equal(bs_ingest_validate(r, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "subject"));
	bs_arena_fini(&a);
}

static void
test_import_bare_report_is_offline(void **state)
{
	char dir[64], db[128];
	struct bs_store *st = NULL;
	struct bs_ingest_result res;
	size_t len;
	uint8_t *rep = make_report("mbx09.corp.example", "x", 1, &len);

	(void)state;
	snprintf(db, sizeof(db), "%s/bs.db", test_tmpdir(dir, sizeof(dir)));
	assert_int_equal(bs_store_open(db, 0, &st), 0);
	bs_ingest_file(st, NULL, rep, len, &res);
	assert_int_equal(res.status, BINDSCOPE__V1__ACK_STATUS__ACK_STORED);
	free(rep);
	bs_store_close(st);
}

static void
test_budgeted_unpack(void **state)
{
	struct bs_arena a;
	bs_report *r;
	/* A repeated-field length prefix that promises 2 GiB. */
	static const uint8_t lie[] = {0x22, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00};
	uint8_t *big;

	(void)state;
	bs_arena_init(&a, 1024 * 1024);
	assert_int_not_equal(bs_wire_unpack_report(&a, lie, sizeof(lie), &r), 0);
	bs_arena_fini(&a);
	big = calloc(1, BS_WIRE_MAX_MSG + 1);
	bs_arena_init(&a, 0);
	assert_int_equal(bs_wire_unpack_report(&a, big, BS_WIRE_MAX_MSG + 1, &r), BS_ETOOBIG);
	bs_arena_fini(&a);
	free(big);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_store_dedupe_and_reopen),
    cmocka_unit_test(test_refusals), cmocka_unit_test(test_invalid_utf8_refused_naming_field),
    cmocka_unit_test(test_import_bare_report_is_offline), cmocka_unit_test(test_budgeted_unpack))
