/* remedy_test: the value guards of the fix blocks (what may go between
 * single quotes in PowerShell), a block that cannot be written whole, and
 * the placeholders a finding lists. */
#include "test_util.h"

#include "analysis/model.h"
#include "analysis/rules/remedy.h"

static void
test_guards_take_only_the_shape(void **state)
{
	static const char *const bad_names[] = {"mbx03.corp.example'; Remove-Item C:\\ -Recurse #",
	    "mbx03\xe2\x80\x98.corp.example", /* U+2018: PowerShell ends '...' there too */
	    "mbx03\xe2\x80\x99.corp.example", "mbx03\xe2\x80\x9a.corp.example",
	    "mbx03\xe2\x80\x9b.corp.example", "mbx03.corp.example\n", "$(calc)", "", "mbx03`.corp",
	    "mbx03\".corp"};

	(void)state;
	assert_string_equal(bs_fix_fqdn("mbx03.corp.example"), "mbx03.corp.example");
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		assert_string_equal(bs_fix_fqdn(bad_names[i]), "<FQDN>");
		assert_string_equal(bs_fix_host(bad_names[i]), "<hostname>");
		assert_string_equal(bs_fix_site(bad_names[i]), "<site name>");
		assert_string_equal(bs_fix_binding(bad_names[i]), "<IP:port:host>");
		assert_string_equal(bs_fix_endpoint(bad_names[i]), "<IP:port>");
	}
	assert_string_equal(bs_fix_host("mbx03"), "mbx03");
	assert_string_equal(bs_fix_host("mbx03.corp"), "<hostname>");
	assert_string_equal(bs_fix_thumb("0123456789ABCDEFabcdef0123456789ABCDEF01"),
	    "0123456789ABCDEFabcdef0123456789ABCDEF01");
	assert_string_equal(
	    bs_fix_thumb("0123456789ABCDEF0123456789ABCDEF0123456"), "<thumbprint>");
	assert_string_equal(
	    bs_fix_thumb("0123456789ABCDEF0123456789ABCDEF0123456\n"), "<thumbprint>");
	assert_string_equal(
	    bs_fix_thumb("0123456789ABCDEF0123456789ABCDEF012345G7"), "<thumbprint>");
	assert_string_equal(bs_fix_site("Exchange Back End"), "Exchange Back End");
	assert_string_equal(bs_fix_binding("10.0.0.5:444:"), "10.0.0.5:444:");
	assert_string_equal(bs_fix_binding("*:444:"), "*:444:");
	assert_string_equal(bs_fix_endpoint("[::]:444"), "[::]:444");
	assert_string_equal(bs_fix_build("15.2.1544.4"), "15.2.1544.4");
	assert_string_equal(bs_fix_build("15.2'"), "<build>");
	assert_string_equal(
	    bs_fix_comment("CN=Corp Issuing CA 1, O=Corp", "x"), "CN=Corp Issuing CA 1, O=Corp");
	assert_string_equal(bs_fix_comment("CN=<b>", "x"), "x");
	assert_string_equal(bs_fix_comment(bad_names[0], "x"), "x");
	assert_string_equal(bs_fix_comment(bad_names[1], "x"), "x");
	assert_string_equal(bs_fix_comment(bad_names[5], "x"), "x");
}

/* A block missing one line (the "add" after the "delete") is worse than
 * none: a line that does not fit, or that holds a control or non-ASCII
 * byte, drops the whole block. */
static void
test_block_is_whole_or_nothing(void **state)
{
	struct bs_fix f;
	char big[BS_FIX_MAX];

	(void)state;
	bs_fix_init(&f);
	bs_fix_line(&f, "netsh http delete sslcert ipport=0.0.0.0:444");
	bs_fix_line(&f, "$thumb = '%s'", "ABC");
	assert_false(f.spoiled);
	assert_string_equal(
	    f.buf, "netsh http delete sslcert ipport=0.0.0.0:444\n$thumb = 'ABC'\n");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bs_fix_line(&f, "%s", big);
	assert_true(f.spoiled);
	bs_fix_line(&f, "iisreset /noforce"); /* fits, but the block is already spoiled */
	assert_null(strstr(f.buf, "iisreset"));

	bs_fix_init(&f);
	bs_fix_line(&f, "$thumb = '%s'", "AB\nRemove-Item C:\\");
	assert_true(f.spoiled);
	assert_null(strstr(f.buf, "Remove-Item"));
	bs_fix_init(&f);
	bs_fix_line(&f, "# %s", "caf\xc3\xa9");
	assert_true(f.spoiled);
}

static void
test_rule_fix_leaves_spoiled_block_out(void **state)
{
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;
	struct bs_server srv;
	struct bs_finding fnd;
	struct bs_rule_ctx ctx;
	struct bs_fix f;

	(void)state;
	bs_analysis_options_defaults(&o);
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	memset(&srv, 0, sizeof(srv));
	memset(&fnd, 0, sizeof(fnd));
	memset(&ctx, 0, sizeof(ctx));
	ctx.a = a;
	ctx.server = &srv;
	ctx.last = &fnd;
	bs_fix_init(&f);
	bs_fix_line(&f, "iisreset /noforce");
	assert_int_equal(bs_rule_fix(&ctx, &f), 0);
	assert_string_equal(fnd.fix, "iisreset /noforce\n");
	f.spoiled = 1;
	assert_int_equal(bs_rule_fix(&ctx, &f), 0);
	assert_string_equal(fnd.fix, "");
	bs_analysis_destroy(a);
}

static void
test_placeholders_listed_once(void **state)
{
	struct bs_finding f;
	json_t *ph;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.fix = "# On <FQDN>: if $n -le 2 <= keep\n"
	        "Enable-ExchangeCertificate -Server '<FQDN>' -Thumbprint '<thumbprint>'\n"
	        "Get-Item 2>&1 > $null\n";
	ph = bs_finding_placeholders(&f);
	assert_int_equal(json_array_size(ph), 2);
	assert_string_equal(json_string_value(json_array_get(ph, 0)), "<FQDN>");
	assert_string_equal(json_string_value(json_array_get(ph, 1)), "<thumbprint>");
	json_decref(ph);
	f.fix = "";
	ph = bs_finding_placeholders(&f);
	assert_int_equal(json_array_size(ph), 0);
	json_decref(ph);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_guards_take_only_the_shape),
    cmocka_unit_test(test_block_is_whole_or_nothing),
    cmocka_unit_test(test_rule_fix_leaves_spoiled_block_out),
    cmocka_unit_test(test_placeholders_listed_once))
