/* handshake_test: the front door's reading of a connection's first bytes
 * (collector/ingest/handshake.h): a TLS 1.2 client's records up to its
 * first application data, in any split; what is not TLS (an HTTP request,
 * SSLv2, a bad version, length or type, application data first, endless
 * handshake records); the 8-byte SP header of plain tcp://. */
#include "test_util.h"

#include "ingest/handshake.h"

/* A record header of type t with a body of len bytes. */
static size_t
rec(uint8_t *out, unsigned t, size_t len)
{
	out[0] = (uint8_t)t;
	out[1] = 3;
	out[2] = 1;
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
	memset(out + 5, 0xAB, len);
	return 5 + len;
}

/* What an mbedTLS/NNG client sends: ClientHello; Certificate,
 * ClientKeyExchange, CertificateVerify; ChangeCipherSpec; Finished;
 * then the SP header as application data. */
static size_t
client_flight(uint8_t *b)
{
	size_t n = 0;

	n += rec(b + n, 22, 300);
	n += rec(b + n, 22, 1200);
	n += rec(b + n, 20, 1);
	n += rec(b + n, 22, 40);
	n += rec(b + n, 23, 32);
	return n;
}

static void
test_tls_any_split(void **state)
{
	uint8_t b[4096];
	size_t n = client_flight(b), done_at = n - 37 + 5; /* end of the app-data header */

	(void)state;
	for (size_t step = 1; step <= 7; step++) {
		struct bs_handshake h;
		size_t at = 0;
		enum bs_handshake_state st = BS_HANDSHAKE_MORE;

		bs_handshake_init(&h, BS_HANDSHAKE_TLS);
		while (at < n && st == BS_HANDSHAKE_MORE) {
			size_t k = n - at < step ? n - at : step;

			st = bs_handshake_feed(&h, b + at, k);
			at += k;
		}
		assert_int_equal(st, BS_HANDSHAKE_DONE);
		assert_true(at >= done_at && at < done_at + step);
		assert_int_equal(h.records, 4);
		/* Final: more bytes change nothing. */
		assert_int_equal(
		    bs_handshake_feed(&h, (const uint8_t *)"\x00", 1), BS_HANDSHAKE_DONE);
	}
}

static void
test_tls_incomplete_is_more(void **state)
{
	uint8_t b[4096];
	struct bs_handshake h;
	size_t n = client_flight(b);

	(void)state;
	bs_handshake_init(&h, BS_HANDSHAKE_TLS);
	assert_int_equal(bs_handshake_feed(&h, b, 0), BS_HANDSHAKE_MORE);
	assert_int_equal(bs_handshake_feed(&h, b, n - 37), BS_HANDSHAKE_MORE); /* up to Finished */
}

static enum bs_handshake_state
feed_once(enum bs_handshake_kind k, const void *p, size_t n, const char **why)
{
	struct bs_handshake h;
	enum bs_handshake_state st;

	bs_handshake_init(&h, k);
	st = bs_handshake_feed(&h, p, n);
	*why = h.why;
	return st;
}

static void
test_not_tls(void **state)
{
	uint8_t b[64];
	const char *why = NULL;

	(void)state;
	assert_int_equal(
	    feed_once(BS_HANDSHAKE_TLS, "GET / HTTP/1.1\r\n", 16, &why), BS_HANDSHAKE_BAD);
	assert_non_null(why);
	/* SSLv2-style hello. */
	assert_int_equal(
	    feed_once(BS_HANDSHAKE_TLS, "\x80\x2e\x01\x03\x01", 5, &why), BS_HANDSHAKE_BAD);
	/* Application data before any handshake. */
	rec(b, 23, 10);
	assert_int_equal(feed_once(BS_HANDSHAKE_TLS, b, 15, &why), BS_HANDSHAKE_BAD);
	assert_string_equal(why, "the first record is not a TLS handshake");
	/* Version major 2; heartbeat type; zero and oversized lengths. */
	rec(b, 22, 10);
	b[1] = 2;
	assert_int_equal(feed_once(BS_HANDSHAKE_TLS, b, 15, &why), BS_HANDSHAKE_BAD);
	memcpy(b, "\x16\x03\x01\x00\x00", 5);
	assert_int_equal(feed_once(BS_HANDSHAKE_TLS, b, 5, &why), BS_HANDSHAKE_BAD);
	memcpy(b, "\x16\x03\x01\x48\x01", 5); /* 18433: one over 2^14 + 2048 */
	assert_int_equal(feed_once(BS_HANDSHAKE_TLS, b, 5, &why), BS_HANDSHAKE_BAD);
	memcpy(b, "\x16\x03\x01\x48\x00", 5); /* 18432: the most allowed */
	assert_int_equal(feed_once(BS_HANDSHAKE_TLS, b, 5, &why), BS_HANDSHAKE_MORE);
	{
		uint8_t two[32];
		size_t n = rec(two, 22, 1);

		n += rec(two + n, 24, 1);
		assert_int_equal(feed_once(BS_HANDSHAKE_TLS, two, n, &why), BS_HANDSHAKE_BAD);
	}
}

static void
test_endless_handshake(void **state)
{
	struct bs_handshake h;
	uint8_t r[8];
	size_t n = rec(r, 22, 1);
	enum bs_handshake_state st = BS_HANDSHAKE_MORE;
	int i;

	(void)state;
	bs_handshake_init(&h, BS_HANDSHAKE_TLS);
	for (i = 0; i < 100 && st == BS_HANDSHAKE_MORE; i++)
		st = bs_handshake_feed(&h, r, n);
	assert_int_equal(st, BS_HANDSHAKE_BAD);
	assert_int_equal(i, 33);
}

static void
test_sp_header(void **state)
{
	static const uint8_t sp[8] = {0, 'S', 'P', 0, 0x31, 0, 0, 0};
	struct bs_handshake h;
	const char *why = NULL;

	(void)state;
	bs_handshake_init(&h, BS_HANDSHAKE_SP);
	assert_int_equal(bs_handshake_feed(&h, sp, 3), BS_HANDSHAKE_MORE);
	assert_int_equal(bs_handshake_feed(&h, sp + 3, 4), BS_HANDSHAKE_MORE);
	assert_int_equal(bs_handshake_feed(&h, sp + 7, 1), BS_HANDSHAKE_DONE);
	assert_int_equal(feed_once(BS_HANDSHAKE_SP, "\x16\x03\x01", 3, &why), BS_HANDSHAKE_BAD);
	assert_string_equal(why, "not an SP protocol header");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls_any_split),
	    cmocka_unit_test(test_tls_incomplete_is_more),
	    cmocka_unit_test(test_not_tls),
	    cmocka_unit_test(test_endless_handshake),
	    cmocka_unit_test(test_sp_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
