/* report_text_test: escaping in the CSV and HTML outputs, where agent
 * strings meet spreadsheets and browsers. */
#include "test_util.h"

#include "output/report_svg.h"
#include "output/report_text.h"

static void
test_csv_quoting_and_formulas(void **state)
{
	struct bs_buf b;

	(void)state;
	bs_buf_init(&b, 0);
	assert_int_equal(bs_csv_field(&b, "plain"), 0);
	assert_int_equal(bs_csv_field(&b, "a \"quoted\", comma\r\nline"), 0);
	assert_int_equal(bs_csv_field(&b, "=HYPERLINK(\"http://x\")"), 0);
	assert_int_equal(bs_csv_field(&b, "+1"), 0);
	assert_int_equal(bs_csv_field(&b, "-2"), 0);
	assert_int_equal(bs_csv_field(&b, "@SUM(A1)"), 0);
	assert_string_equal(b.data,
	    "\"plain\"\"a \"\"quoted\"\", comma\r\nline\"\"'=HYPERLINK(\"\"http://x\"\")\""
	    "\"'+1\"\"'-2\"\"'@SUM(A1)\"");
	bs_buf_fini(&b);
}

static void
test_html_escape(void **state)
{
	struct bs_buf b;

	(void)state;
	bs_buf_init(&b, 0);
	assert_int_equal(bs_html_escape(&b, "CN=<script>alert('x')</script>&\"y\""), 0);
	assert_string_equal(
	    b.data, "CN=&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;y&quot;");
	bs_buf_fini(&b);
}

static void
test_buf_bound(void **state)
{
	struct bs_buf b;

	(void)state;
	bs_buf_init(&b, 8);
	assert_int_equal(bs_buf_puts(&b, "12345678"), 0);
	assert_int_not_equal(bs_buf_putc(&b, '9'), 0);
	assert_string_equal(b.data, "12345678");
	bs_buf_fini(&b);
}

/* The HTML file's pictures escape what agents sent (a certificate's
 * name, a server, a group's label) in titles, text and attributes. */
static void
test_svg_escapes(void **state)
{
	const char *hostile = "<script>alert(1)</script>\"'&";
	json_t *ex =
	    json_pack("{s:i, s:i, s:[{s:s, s:s, s:s, s:i, s:i, s:[{s:i, s:i, s:[{s:s, s:s, "
	              "s:s, s:i, s:[s]}], s:i}]}]}",
	        "from_day", -60, "to_day", 400, "series", "name", hostile, "label", hostile, "role",
	        "auth", "later", 0, "none", 0, "buckets", "day", -3, "servers", 1, "certs",
	        "thumbprint", "AB", "name", hostile, "role", "auth", "count", 1, "servers", hostile,
	        "more_certs", 0);
	json_t *cons = json_pack("[{s:s, s:s, s:i, s:[{s:s, s:s, s:i, s:b, s:[]}], s:i}]", "name",
	    hostile, "label", hostile, "servers", 1, "groups", "value", hostile, "label", hostile,
	    "count", 1, "odd", 0, "servers", "more_groups", 0);
	struct bs_buf b;

	(void)state;
	assert_non_null(ex);
	assert_non_null(cons);
	bs_buf_init(&b, 0);
	assert_int_equal(bs_svg_expiry(&b, ex, 1800000000LL * 1000), 0);
	assert_int_equal(bs_svg_consistency(&b, cons), 0);
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "\"'&"));
	assert_non_null(strstr(b.data, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
	/* An expired certificate whose role is auth: marked both ways. */
	assert_non_null(strstr(b.data, "class=\"mark expired auth\""));
	assert_non_null(strstr(b.data, "expired 3 days ago"));
	bs_buf_fini(&b);
	json_decref(ex);
	json_decref(cons);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_csv_quoting_and_formulas),
    cmocka_unit_test(test_svg_escapes), cmocka_unit_test(test_html_escape),
    cmocka_unit_test(test_buf_bound))
