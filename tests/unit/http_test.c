/* http_test: the dashboard serves its allow-listed files and the API and
 * nothing else, whatever the path or method. */
#include "test_util.h"

#include "http/http.h"
#include "http/routes.h"
#include "output/page.h"

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

/* Every 200 carries its ETag; asked again with it, the answer is a 304
 * with nothing in it; gzip when the client takes it. */
static void
test_etag_and_gzip(void **state)
{
	struct bs_routes_options o = {BS_WEB_ROOT, "/nonexistent/bs.db"};
	struct bs_routes *r = NULL;
	struct bs_request req = {"GET", "/app.js", NULL, 0, NULL, NULL};
	struct bs_response a, b;
	char etag[BS_ETAG_MAX];
	size_t plain;

	(void)state;
	bs_analysis_options_defaults(&o.analysis);
	assert_int_equal(bs_routes_create(&o, &r), 0);
	assert_int_equal(bs_routes_handle(r, &req, &a), 0);
	assert_int_equal(a.status, 200);
	assert_int_equal(strlen(a.etag), 34);
	assert_false(a.gzip);
	plain = a.len;
	snprintf(etag, sizeof(etag), "%s", a.etag);
	free(a.body);
	req.if_none_match = etag;
	assert_int_equal(bs_routes_handle(r, &req, &b), 0);
	assert_int_equal(b.status, 304);
	assert_int_equal(b.len, 0);
	assert_null(b.body);
	req.if_none_match = "\"someone-elses\"";
	req.accept_encoding = "gzip, deflate";
	assert_int_equal(bs_routes_handle(r, &req, &b), 0);
	assert_int_equal(b.status, 200);
	assert_true(b.gzip);
	assert_true(b.len < plain);
	assert_int_equal((unsigned char)b.body[0], 0x1f);
	/* Each representation its own tag; either one revalidates. */
	assert_int_equal(strncmp(b.etag, etag, 33), 0);
	assert_string_equal(b.etag + 33, "-gz\"");
	snprintf(etag, sizeof(etag), "%s", b.etag);
	free(b.body);
	req.if_none_match = etag;
	assert_int_equal(bs_routes_handle(r, &req, &b), 0);
	assert_int_equal(b.status, 304);
	assert_string_equal(b.etag, etag);
	/* A 404 has no tag to revalidate. */
	req.url = "/nope";
	assert_int_equal(bs_routes_handle(r, &req, &b), 0);
	assert_int_equal(b.status, 404);
	assert_string_equal(b.etag, "");
	free(b.body);
	/* Too many query parameters: refused, not truncated. */
	req.url = "/app.js";
	req.n_args = BS_REQUEST_ARGS_MAX + 1;
	assert_int_equal(bs_routes_handle(r, &req, &b), 0);
	assert_int_equal(b.status, 400);
	free(b.body);
	bs_routes_destroy(r);
}

/* The page (fleet data inside) is never stored by the browser; it names
 * app.js and style.css by version, which are then kept for a year, and
 * revalidated when asked without it or by another version. Without a
 * snapshot the page's boot block stays empty (app.js fetches). */
static void
test_page_and_versions(void **state)
{
	struct bs_routes_options o = {BS_WEB_ROOT, "/nonexistent/bs.db"};
	struct bs_routes *r = NULL;
	struct bs_kv v[1];
	struct bs_request req = {"GET", "/", v, 0, NULL, NULL};
	struct bs_response a;
	char version[64], *page;
	const char *at;

	(void)state;
	bs_analysis_options_defaults(&o.analysis);
	assert_int_equal(bs_routes_create(&o, &r), 0);
	assert_int_equal(bs_routes_handle(r, &req, &a), 0);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.cache, "no-store");
	/* A body is len bytes, not a C string. */
	page = strndup(a.body, a.len);
	assert_non_null(page);
	free(a.body);
	assert_non_null(strstr(page, BS_PAGE_BOOT_OPEN "</script>"));
	at = strstr(page, "src=\"/app.js?v=");
	assert_non_null(at);
	snprintf(version, sizeof(version), "%s", at + strlen("src=\"/app.js?v="));
	assert_int_equal(strspn(version, "0123456789abcdef"), 32);
	assert_int_equal(version[32], '"');
	version[32] = '\0';
	assert_non_null(strstr(page, "href=\"/style.css?v="));
	free(page);
	req.url = "/app.js";
	req.n_args = 1;
	v[0] = (struct bs_kv){"v", version};
	assert_int_equal(bs_routes_handle(r, &req, &a), 0);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.cache, "private, max-age=31536000, immutable");
	free(a.body);
	v[0] = (struct bs_kv){"v", "0123456789abcdef0123456789abcdef"};
	assert_int_equal(bs_routes_handle(r, &req, &a), 0);
	assert_string_equal(a.cache, "no-cache");
	free(a.body);
	req.n_args = 0;
	assert_int_equal(bs_routes_handle(r, &req, &a), 0);
	assert_string_equal(a.cache, "no-cache");
	free(a.body);
	/* The API sets no policy of its own: http.c's no-store. */
	req.url = "/api/summary";
	assert_int_equal(bs_routes_handle(r, &req, &a), 0);
	assert_null(a.cache);
	free(a.body);
	bs_routes_destroy(r);
}

/* A web root without index.html: the script is still named by its own
 * digest, and an empty or absent version is never kept. */
static void
test_versions_without_page(void **state)
{
	char path[128], dir[128];
	struct bs_routes_options o = {dir, "/nonexistent/bs.db"};
	struct bs_routes *r = NULL;
	struct bs_kv v[1] = {{"v", ""}};
	struct bs_request req = {"GET", "/app.js", v, 1, NULL, NULL};
	struct bs_response a;

	(void)state;
	test_write_file("app.js", "'use strict';\n", path, sizeof(path));
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(path, '/') - path), path);
	bs_analysis_options_defaults(&o.analysis);
	assert_int_equal(bs_routes_create(&o, &r), 0);
	assert_int_equal(bs_routes_handle(r, &req, &a), 0);
	assert_int_equal(a.status, 200);
	assert_string_equal(a.cache, "no-cache");
	free(a.body);
	req.url = "/";
	req.n_args = 0;
	assert_int_equal(bs_routes_handle(r, &req, &a), 0);
	assert_int_equal(a.status, 404);
	free(a.body);
	bs_routes_destroy(r);
}

TEST_MAIN(start, stop, cmocka_unit_test(test_allow_list), cmocka_unit_test(test_api_without_store),
    cmocka_unit_test(test_etag_and_gzip), cmocka_unit_test(test_page_and_versions),
    cmocka_unit_test(test_versions_without_page))
