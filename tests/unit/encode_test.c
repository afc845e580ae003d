/* encode_test: ETags and conditional requests (an unchanged snapshot is
 * not sent again), Accept-Encoding, and gzip that inflates back. */
#include "test_util.h"

#include <zlib.h>

#include "output/encode.h"

static void
test_etag(void **state)
{
	char a[BS_ETAG_MAX], b[BS_ETAG_MAX], c[BS_ETAG_MAX];

	(void)state;
	bs_etag("{\"servers\":4}", 13, a);
	bs_etag("{\"servers\":4}", 13, b);
	bs_etag("{\"servers\":5}", 13, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 34);
	assert_true(a[0] == '"' && a[33] == '"');
}

static void
test_etag_match(void **state)
{
	const char *e = "\"0123456789abcdef0123456789abcdef\"";

	(void)state;
	assert_true(bs_etag_match(e, e));
	assert_true(bs_etag_match("W/\"0123456789abcdef0123456789abcdef\"", e));
	assert_true(bs_etag_match("\"x\", \"0123456789abcdef0123456789abcdef\"", e));
	assert_true(bs_etag_match("  \"x\" ,W/\"0123456789abcdef0123456789abcdef\"  ", e));
	assert_true(bs_etag_match("*", e));
	assert_false(bs_etag_match(NULL, e));
	assert_false(bs_etag_match("", e));
	assert_false(bs_etag_match("\"0123456789abcdef0123456789abcdee\"", e));
	assert_false(bs_etag_match("\"0123456789abcdef\"", e));
	/* Malformed: not quoted, unterminated, junk after a tag. */
	assert_false(bs_etag_match("0123456789abcdef0123456789abcdef", e));
	assert_false(bs_etag_match("\"0123456789abcdef0123456789abcdef", e));
	assert_false(bs_etag_match("\"x\"junk, \"0123456789abcdef0123456789abcdef\"", e));
}

static void
test_etag_gzip(void **state)
{
	const char *e = "\"0123456789abcdef0123456789abcdef\"";
	char gz[BS_ETAG_MAX];

	(void)state;
	bs_etag_gzip(e, gz);
	assert_string_equal(gz, "\"0123456789abcdef0123456789abcdef-gz\"");
	assert_false(bs_etag_match(gz, e));
	assert_true(bs_etag_match_any(gz, e));
	assert_true(bs_etag_match_any(e, e));
	assert_false(bs_etag_match_any("\"other-gz\"", e));
}

static void
test_gzip_accepted(void **state)
{
	(void)state;
	assert_true(bs_gzip_accepted("gzip"));
	assert_true(bs_gzip_accepted("gzip, deflate, br"));
	assert_true(bs_gzip_accepted("deflate;q=1.0, gzip;q=0.5"));
	assert_true(bs_gzip_accepted("x-gzip"));
	assert_true(bs_gzip_accepted("*"));
	assert_true(bs_gzip_accepted("GZip"));
	assert_false(bs_gzip_accepted(NULL));
	assert_false(bs_gzip_accepted(""));
	assert_false(bs_gzip_accepted("identity"));
	assert_false(bs_gzip_accepted("deflate, br"));
	assert_false(bs_gzip_accepted("gzip;q=0"));
	assert_false(bs_gzip_accepted("gzip; q=0.000"));
	assert_false(bs_gzip_accepted("*;q=0"));
	assert_false(bs_gzip_accepted("gzip;q=0, *"));
	assert_true(bs_gzip_accepted("gzip;q=0.1"));
	assert_false(bs_gzip_accepted("gzipx"));
}

static void
test_gzip_round_trip(void **state)
{
	size_t n = 200000, zlen = 0;
	char *in = malloc(n), *z = NULL, *back = malloc(n);
	uLongf outlen = (uLongf)n;
	z_stream zs;

	(void)state;
	for (size_t i = 0; i < n; i++)
		in[i] = (char)("{\"fqdn\":\"mbx"[i % 12] + (char)(i / 7919 % 3));
	assert_int_equal(bs_gzip(in, n, &z, &zlen), 0);
	assert_true(zlen > 18 && zlen < n / 4);
	/* A gzip member: its magic, and it inflates to the input. */
	assert_int_equal((unsigned char)z[0], 0x1f);
	assert_int_equal((unsigned char)z[1], 0x8b);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)z;
	zs.avail_in = (uInt)zlen;
	zs.next_out = (Bytef *)back;
	zs.avail_out = (uInt)outlen;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, n);
	inflateEnd(&zs);
	assert_memory_equal(in, back, n);
	free(in);
	free(z);
	free(back);
}

static void
test_body_prepare(void **state)
{
	struct bs_body small, big;
	char want[BS_ETAG_MAX];
	char *s = strdup("{}");
	char *b = malloc(BS_GZIP_MIN * 4);

	(void)state;
	memset(b, 'x', BS_GZIP_MIN * 4);
	assert_int_equal(bs_body_prepare(&small, s, 2), 0);
	assert_null(small.gz); /* too small to be worth it */
	bs_etag("{}", 2, want);
	assert_string_equal(small.etag, want);
	assert_int_equal(bs_body_prepare(&big, b, BS_GZIP_MIN * 4), 0);
	assert_non_null(big.gz);
	assert_true(big.gzlen < big.len);
	bs_body_fini(&small);
	bs_body_fini(&big);
	bs_body_fini(&big); /* a zeroed body */
	assert_int_not_equal(bs_body_prepare(&small, NULL, 0), 0);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_etag), cmocka_unit_test(test_etag_match),
    cmocka_unit_test(test_etag_gzip), cmocka_unit_test(test_gzip_accepted),
    cmocka_unit_test(test_gzip_round_trip), cmocka_unit_test(test_body_prepare))
