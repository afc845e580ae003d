/* page_test: the dashboard's page carries the first paint's answers so
 * that nothing in them can end the block or run, and names its files by
 * version. */
#include "test_util.h"

#include <jansson.h>

#include "err.h"
#include "output/page.h"

static const char tmpl[] =
    "<html><head>\n"
    "<link rel=\"stylesheet\" href=\"/style.css\">\n"
    "<script src=\"/app.js\" defer></script>\n"
    "<script type=\"application/json\" id=\"bs-boot\">stale</script>\n"
    "</head><body><p>/app.js is named in text, not as a reference</p></body></html>\n";

/* The text between the boot block's opening tag and the next "</script". */
static char *
boot_of(const char *page)
{
	const char *open = strstr(page, BS_PAGE_BOOT_OPEN);
	const char *body, *close;

	assert_non_null(open);
	body = open + strlen(BS_PAGE_BOOT_OPEN);
	close = strstr(body, "</script");
	assert_non_null(close);
	return strndup(body, (size_t)(close - body));
}

/* Agent strings that would end the block, open a comment or a new
 * script: inside the page they are escaped, and the block reads back as
 * the very same JSON. */
static void
test_boot_hostile(void **state)
{
	const char *sum =
	    "{\"site\":\"</script><script>alert(1)</script>\",\"c\":\"<!--\",\"n\":2}";
	const char *tab = "{\"rows\":[{\"ad_site\":\"</SCRIPT >\\u2028\"}],\"matched\":1}";
	struct bs_page_answer s = {"/api/summary", sum, strlen(sum), "\"0123\""};
	struct bs_page_answer t = {"/api/table?sort=status", tab, strlen(tab), "\"4567\""};
	char *page = NULL, *boot;
	size_t len = 0;
	json_t *j, *want;
	json_error_t e;

	(void)state;
	assert_int_equal(bs_page_boot(tmpl, strlen(tmpl), &s, &t, &page, &len), 0);
	assert_int_equal(strlen(page), len);
	/* One "</script" after the block's opening, the block's own; no
	 * comment opened; what the template held there is gone. */
	boot = boot_of(page);
	assert_null(strchr(boot, '<'));
	assert_null(strstr(page, "stale"));
	assert_null(strstr(page, "<!--"));
	assert_non_null(strstr(page, "</script>\n</head>"));
	j = json_loads(boot, 0, &e);
	assert_non_null(j);
	want = json_loads(sum, 0, &e);
	assert_true(json_equal(json_object_get(j, "summary"), want));
	json_decref(want);
	want = json_loads(tab, 0, &e);
	assert_true(json_equal(json_object_get(j, "table"), want));
	json_decref(want);
	assert_string_equal(json_string_value(json_object_get(j, "summary_etag")), "\"0123\"");
	assert_string_equal(json_string_value(json_object_get(j, "table_etag")), "\"4567\"");
	assert_string_equal(
	    json_string_value(json_object_get(j, "table_url")), "/api/table?sort=status");
	json_decref(j);
	free(boot);
	free(page);
}

/* A template without the block (or with an unclosed one) is refused: the
 * caller serves it as it is and the page fetches its answers. */
static void
test_boot_needs_block(void **state)
{
	static const char *bad[] = {
	    "<html><head><script src=\"/app.js\"></script></head></html>",
	    "<html><head><script type=\"application/json\" id=\"bs-boot\">",
	    "",
	};
	struct bs_page_answer a = {"/api/summary", "{}", 2, "\"1\""};
	char *page = (char *)"untouched";
	size_t len = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(bs_page_has_boot(bad[i], strlen(bad[i])));
		assert_int_equal(
		    bs_page_boot(bad[i], strlen(bad[i]), &a, &a, &page, &len), BS_EPARSE);
		assert_null(page);
		assert_int_equal(len, 0);
	}
	assert_true(bs_page_has_boot(tmpl, strlen(tmpl)));
}

/* Only the quoted references are named by version: text that mentions a
 * file, and other files, are left as they are. */
static void
test_version(void **state)
{
	const char *v = "0123456789abcdef0123456789abcdef";
	char *page = NULL, *twice = NULL;
	size_t len = 0, found = 0;

	(void)state;
	assert_int_equal(bs_page_version(tmpl, strlen(tmpl), "/app.js", v, &page, &len, &found), 0);
	assert_int_equal(found, 1);
	assert_non_null(strstr(page, "src=\"/app.js?v=0123456789abcdef0123456789abcdef\" defer"));
	assert_non_null(strstr(page, "<p>/app.js is named in text"));
	assert_non_null(strstr(page, "href=\"/style.css\""));
	assert_int_equal(len, strlen(tmpl) + strlen("?v=") + strlen(v));
	assert_int_equal(bs_page_version(page, len, "/style.css", v, &twice, &len, &found), 0);
	assert_int_equal(found, 1);
	assert_non_null(strstr(twice, "href=\"/style.css?v=0123"));
	free(twice);
	free(page);
	/* Nothing to name: the same text back. */
	assert_int_equal(bs_page_version("abc", 3, "/app.js", v, &page, &len, &found), 0);
	assert_int_equal(found, 0);
	assert_string_equal(page, "abc");
	free(page);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_boot_hostile), cmocka_unit_test(test_boot_needs_block),
    cmocka_unit_test(test_version))
