/* wire_test: what crosses between agent and collector: a report survives
 * packing and unpacking field for field (a real one from the fixtures
 * too), garbage and oversized input are refused, the unpack budget holds,
 * envelopes keep signature and certificate, and the spool frame catches a
 * torn or altered file. */
#include "test_util.h"

#include "err.h"
#include "wire.h"

static bs_report *
sample(struct bs_arena *a)
{
	bs_report *r = BS_NEW(a, report);
	Bindscope__V1__Certificate *c = BS_NEW(a, certificate);

	r->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	r->agent = BS_NEW(a, agent_info);
	r->agent->boot_id = "b1";
	r->agent->sequence = 42;
	r->agent->collected_at_ms = 1800000000000LL;
	r->host = BS_NEW(a, host);
	r->host->fqdn = "mbx01.corp.example";
	r->host->exchange_build = "15.2.1544.4";
	c->thumbprint = "7B20885217EC20797B3640F7F00908ED2D383534";
	c->subject = "CN=MBX\xc3\x89";
	c->self_signed = BINDSCOPE__V1__TRI__TRI_YES;
	bs_arena_push(a, (void ***)&r->certificates, &r->n_certificates, c);
	return r;
}

static void
test_report_round_trip(void **state)
{
	struct bs_arena a, b;
	bs_report *r;
	uint8_t *raw;
	size_t len;

	(void)state;
	bs_arena_init(&a, 0);
	bs_arena_init(&b, BS_WIRE_UNPACK_BUDGET);
	assert_int_equal(bs_wire_pack(&sample(&a)->base, &raw, &len), 0);
	assert_int_equal(bs_wire_unpack_report(&b, raw, len, &r), 0);
	assert_int_equal(r->schema_version, BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT);
	assert_string_equal(r->agent->boot_id, "b1");
	assert_int_equal(r->agent->sequence, 42);
	assert_int_equal(r->agent->collected_at_ms, 1800000000000LL);
	assert_string_equal(r->host->fqdn, "mbx01.corp.example");
	assert_int_equal(r->n_certificates, 1);
	assert_string_equal(r->certificates[0]->subject, "CN=MBX\xc3\x89");
	assert_int_equal(r->certificates[0]->self_signed, BINDSCOPE__V1__TRI__TRI_YES);
	free(raw);
	bs_arena_fini(&b);
	bs_arena_fini(&a);
}

static void
test_fixture_report_decodes(void **state)
{
	struct bs_arena a;
	bs_report *r;
	size_t len;
	char *data = test_fixture("reports/mbx03.pb", &len);

	(void)state;
	bs_arena_init(&a, BS_WIRE_UNPACK_BUDGET);
	assert_int_equal(bs_wire_unpack_report(&a, (const uint8_t *)data, len, &r), 0);
	assert_string_equal(r->host->fqdn, "mbx03.corp.example");
	assert_true(r->n_sites > 0 && r->n_certificates > 0);
	bs_arena_fini(&a);
	free(data);
}

static void
test_bad_input_refused(void **state)
{
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f};
	struct bs_arena a;
	bs_report dummy, *r = &dummy;
	uint8_t *big = calloc(1, BS_WIRE_MAX_MSG + 1);

	(void)state;
	assert_non_null(big);
	bs_arena_init(&a, BS_WIRE_UNPACK_BUDGET);
	assert_int_equal(bs_wire_unpack_report(&a, garbage, sizeof(garbage), &r), BS_EPARSE);
	assert_null(r);
	/* Over the largest message: refused before anything is read. */
	assert_int_equal(bs_wire_unpack_report(&a, big, BS_WIRE_MAX_MSG + 1, &r), BS_ETOOBIG);
	bs_arena_fini(&a);
	free(big);
}

/* A report of many small certificates unpacks to far more than its wire
 * size; a small budget stops it as out of memory, not as a parse error. */
static void
test_unpack_budget(void **state)
{
	struct bs_arena a, small;
	bs_report *r;
	uint8_t *raw;
	size_t len;

	(void)state;
	bs_arena_init(&a, 0);
	r = BS_NEW(&a, report);
	for (int i = 0; i < 20000; i++)
		bs_arena_push(
		    &a, (void ***)&r->certificates, &r->n_certificates, BS_NEW(&a, certificate));
	assert_int_equal(bs_wire_pack(&r->base, &raw, &len), 0);
	bs_arena_init(&small, 256 * 1024);
	assert_int_equal(bs_wire_unpack_report(&small, raw, len, &r), BS_ENOMEM);
	assert_true(small.used <= small.limit);
	bs_arena_fini(&small);
	bs_arena_fini(&a);
	free(raw);
}

static void
test_envelopes_and_acks(void **state)
{
	static const uint8_t rep[] = {1, 2, 3}, sig[] = {9, 8}, cert[] = {7};
	Bindscope__V1__Envelope *env;
	Bindscope__V1__Ack *ack;
	struct bs_arena a;
	uint8_t *out;
	size_t len;

	(void)state;
	bs_arena_init(&a, BS_WIRE_UNPACK_BUDGET);
	assert_int_equal(bs_wire_envelope(rep, sizeof(rep), &out, &len), 0);
	assert_int_equal(bs_wire_unpack_envelope(&a, out, len, &env), 0);
	assert_memory_equal(env->report.data, rep, sizeof(rep));
	assert_int_equal(env->signature.len, 0);
	assert_int_equal(env->certificate.len, 0);
	free(out);
	assert_int_equal(bs_wire_envelope_signed(rep, sizeof(rep), sig, sizeof(sig), cert,
	                     sizeof(cert), "ecdsa-sha256", &out, &len),
	    0);
	assert_int_equal(bs_wire_unpack_envelope(&a, out, len, &env), 0);
	assert_int_equal(env->report.len, sizeof(rep));
	assert_memory_equal(env->signature.data, sig, sizeof(sig));
	assert_memory_equal(env->certificate.data, cert, sizeof(cert));
	assert_string_equal(env->signature_alg, "ecdsa-sha256");
	free(out);
	assert_int_equal(
	    bs_wire_ack(BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED, "bad signature", &out, &len), 0);
	assert_int_equal(bs_wire_unpack_ack(&a, out, len, &ack), 0);
	assert_int_equal(ack->status, BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED);
	assert_string_equal(ack->reason, "bad signature");
	free(out);
	bs_arena_fini(&a);
}

static void
test_spool_frame(void **state)
{
	static const uint8_t data[] = "an envelope";
	const uint8_t *inner;
	uint8_t *f;
	size_t flen, ilen;

	(void)state;
	assert_int_equal(bs_wire_frame(data, sizeof(data), &f, &flen), 0);
	assert_int_equal(flen, BS_WIRE_FRAME_HDR + sizeof(data));
	assert_true(bs_wire_is_framed(f, flen));
	assert_int_equal(bs_wire_unframe(f, flen, &inner, &ilen), 0);
	assert_int_equal(ilen, sizeof(data));
	assert_memory_equal(inner, data, sizeof(data));
	/* Torn: the length no longer matches. */
	assert_int_equal(bs_wire_unframe(f, flen - 1, &inner, &ilen), BS_EPARSE);
	assert_int_equal(bs_wire_unframe(f, BS_WIRE_FRAME_HDR - 1, &inner, &ilen), BS_EPARSE);
	/* Altered: the digest no longer matches. */
	f[flen - 2] ^= 1;
	assert_int_equal(bs_wire_unframe(f, flen, &inner, &ilen), BS_EPARSE);
	f[flen - 2] ^= 1;
	f[8] ^= 1; /* the length field */
	assert_int_equal(bs_wire_unframe(f, flen, &inner, &ilen), BS_EPARSE);
	/* Not a frame at all: a bare report, as `collect --out` writes. */
	assert_false(bs_wire_is_framed(data, sizeof(data)));
	assert_int_equal(bs_wire_unframe(data, sizeof(data), &inner, &ilen), BS_EPARSE);
	free(f);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_report_round_trip),
    cmocka_unit_test(test_fixture_report_decodes), cmocka_unit_test(test_bad_input_refused),
    cmocka_unit_test(test_unpack_budget), cmocka_unit_test(test_envelopes_and_acks),
    cmocka_unit_test(test_spool_frame))
