/* escape_test: agent strings as CSV fields (quoted, formulas
 * neutralised) and as HTML text. */
#include "test_util.h"

#include "output/escape.h"

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

TEST_MAIN(
    NULL, NULL, cmocka_unit_test(test_csv_quoting_and_formulas), cmocka_unit_test(test_html_escape))
