/* http_test: the dashboard serves its allow-listed files and the API and
 * nothing else, whatever the path or method. */
#include "test_util.h"

#include "http/http.h"

static struct bs_http *h;

static int
start(void **state)
{
	struct bs_http_options o = {"127.0.0.1", 0, BS_WEB_ROOT, "/nonexistent/bs.db"};

	(void)state;
	bs_analysis_options_defaults(&o.analysis);
	return bs_http_start(&o, &h);
}

static int
stop(void **state)
{
	(void)state;
	bs_http_stop(h);
	return 0;
}

static unsigned
get(const char *method, const char *url, const char **ctype)
{
	unsigned status = 0;
	char *body = NULL;
	size_t len;

	assert_int_equal(bs_http_route(h, method, url, &status, ctype, &body, &len), 0);
	free(body);
	return status;
}

static void
test_allow_list(void **state)
{
	const char *ct;

	(void)state;
	assert_int_equal(get("GET", "/", &ct), 200);
	assert_string_equal(ct, "text/html; charset=utf-8");
	assert_int_equal(get("GET", "/app.js", &ct), 200);
	assert_string_equal(ct, "text/javascript; charset=utf-8");
	assert_int_equal(get("HEAD", "/style.css", &ct), 200);
	assert_int_equal(get("GET", "/favicon.ico", &ct), 204);
	/* Anything else, traversal included, is not found. */
	assert_int_equal(get("GET", "/../CMakeLists.txt", &ct), 404);
	assert_int_equal(get("GET", "/app.js/../index.html", &ct), 404);
	assert_int_equal(get("GET", "/web-static/index.html", &ct), 404);
	assert_int_equal(get("GET", "", &ct), 404);
	assert_int_equal(get("POST", "/", &ct), 405);
	assert_int_equal(get("DELETE", "/api/summary", &ct), 405);
}

static void
test_api_without_store(void **state)
{
	const char *ct;

	(void)state;
	/* No database yet: a clear 503, not a crash or an empty 200. */
	assert_int_equal(get("GET", "/api/summary", &ct), 503);
	assert_int_equal(get("GET", "/api/servers/<script>", &ct), 503);
}

TEST_MAIN(start, stop, cmocka_unit_test(test_allow_list), cmocka_unit_test(test_api_without_store))
