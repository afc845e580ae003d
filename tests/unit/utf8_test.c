/* utf8_test: text from outside is accepted as UTF-8 only when it is
 * well-formed (overlongs, surrogates, truncated sequences and code points
 * past U+10FFFF refused), and the files Windows tools write (UTF-16LE with
 * a BOM, UTF-8 with or without one, ANSI) come out as UTF-8. */
#include "test_util.h"

#include "utf8.h"

static int
valid(const char *s)
{
	return bs_utf8_valid(s, strlen(s));
}

static void
test_valid_utf8(void **state)
{
	(void)state;
	assert_true(valid(""));
	assert_true(valid("mbx01.corp.example"));
	assert_true(valid("Gr\xc3\xbc\xc3\x9f"
	                  "e")); /* Grüße: two bytes */
	assert_true(valid("\xe2\x82\xac 12")); /* €: three */
	assert_true(valid("\xf0\x9f\x98\x80")); /* U+1F600: four */
	assert_true(valid("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last code point */
	assert_true(bs_utf8_valid("a\0b", 3)); /* NUL is for the caller to judge */
}

static void
test_malformed_utf8_refused(void **state)
{
	static const char *const bad[] = {
	    "\xc0\x80", /* overlong NUL */
	    "\xc1\xbf", /* overlong ASCII */
	    "\xe0\x80\xaf", /* overlong '/' */
	    "\xf0\x80\x80\xaf", /* overlong, four bytes */
	    "\xed\xa0\x80", /* U+D800: a surrogate */
	    "\xed\xbf\xbf", /* U+DFFF */
	    "\xf4\x90\x80\x80", /* U+110000: past the last */
	    "\xf5\x80\x80\x80", /* a lead byte that never occurs */
	    "\xff", "\x80", /* a continuation byte alone */
	    "ok\xc3", /* cut short at the end */
	    "\xe2\x82", /* cut short */
	    "\xe2\x28\xa1", /* a continuation that is not */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (valid(bad[i]))
			fail_msg("case %zu accepted", i);
}

static void
test_utf16le_to_utf8(void **state)
{
	/* "Aé€" U+1F600, then a NUL (registry data ends there) and more. */
	static const uint8_t in[] = {
	    'A', 0, 0xe9, 0, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde, 0, 0, 'x', 0};
	static const uint8_t lone[] = {0x3d, 0xd8, 'a', 0, 0x00, 0xde};
	char out[64];

	(void)state;
	assert_int_equal(bs_utf16le_to_utf8(in, sizeof(in), out, sizeof(out)), 10);
	assert_string_equal(out, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* Unpaired surrogates: U+FFFD each, the text around them kept. */
	bs_utf16le_to_utf8(lone, sizeof(lone), out, sizeof(out));
	assert_string_equal(out,
	    "\xef\xbf\xbd"
	    "a\xef\xbf\xbd");
	/* A buffer too small: whole characters only, always terminated. */
	assert_int_equal(bs_utf16le_to_utf8(in, sizeof(in), out, 5), 3);
	assert_string_equal(out, "A\xc3\xa9");
	assert_int_equal(bs_utf16le_to_utf8(in, sizeof(in), out, 1), 0);
	assert_string_equal(out, "");
	/* An odd trailing byte is not half a character. */
	assert_int_equal(bs_utf16le_to_utf8((const uint8_t *)"A\0B", 3, out, sizeof(out)), 1);
	assert_int_equal(bs_utf16le_to_utf8(in, sizeof(in), out, 0), 0);
}

static void
test_text_decode_windows_files(void **state)
{
	size_t len, n;
	char *data, *text;

	(void)state;
	/* reg.exe export: UTF-16LE with a BOM, CRLF. */
	data = test_fixture("reg/http_utf16.reg", &len);
	text = bs_text_decode(data, len, &n);
	assert_non_null(text);
	assert_int_equal(strlen(text), n);
	assert_true(bs_utf8_valid(text, n));
	assert_true(strncmp(text, "Windows Registry Editor Version 5.00\r\n", 38) == 0);
	free(text);
	free(data);
	/* regedit4: ANSI, read as Latin-1 (0xE9 is é). */
	data = test_fixture("reg/regedit4_ansi.reg", &len);
	text = bs_text_decode(data, len, &n);
	assert_non_null(strstr(text, "\"Hostname\"=\"MBX\xc3\xa9\""));
	assert_true(bs_utf8_valid(text, n));
	free(text);
	free(data);
	/* UTF-8 with a BOM: the BOM goes, a NUL becomes visible. */
	text = bs_text_decode("\xef\xbb\xbfok\0yes", 9, &n);
	assert_int_equal(n, 6);
	assert_string_equal(text, "ok?yes");
	free(text);
	/* UTF-16LE: a NUL in file text is U+FFFD, not the end. */
	text = bs_text_decode("\xff\xfe"
	                      "a\0\0\0b\0",
	    8, &n);
	assert_string_equal(text,
	    "a\xef\xbf\xbd"
	    "b");
	free(text);
	text = bs_text_decode("", 0, &n);
	assert_int_equal(n, 0);
	assert_string_equal(text, "");
	free(text);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_valid_utf8),
    cmocka_unit_test(test_malformed_utf8_refused), cmocka_unit_test(test_utf16le_to_utf8),
    cmocka_unit_test(test_text_decode_windows_files))
