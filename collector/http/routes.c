/* routes: the route table, the API's handlers and the static files. */
#include "http/routes.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "err.h"
#include "fsutil.h"
#include "ingest/fqdn.h"
#include "log.h"
#include "output/format.h"
#include "output/load.h"
#include "output/log_json.h"
#include "output/metrics.h"
#include "output/page.h"
#include "output/report_json.h"
#include "output/summary.h"
#include "output/table.h"
#include "output/trend.h"
#include "store/store.h"

#define ROUTES_STATIC_MAX (4u * 1024u * 1024u)
/* How long a request waits for the upkeep thread's first snapshot. */
#define ROUTES_FIRST_SNAPSHOT_MS 5000
/* Change log entries per response: the newest. */
#define ROUTES_CHANGES_MAX 500

/* The page (index.html) carries fleet data and is never stored by the
 * browser; the files it names by version (page.h) are kept for a year
 * when asked by their current version, revalidated otherwise. */
enum routes_kind { ROUTES_PAGE, ROUTES_ASSET };

static const struct {
	const char *url;
	const char *file;
	const char *ctype;
	enum routes_kind kind;
} routes_files[] = {
    {"/", "index.html", "text/html; charset=utf-8", ROUTES_PAGE},
    {"/index.html", "index.html", "text/html; charset=utf-8", ROUTES_PAGE},
    {"/app.js", "app.js", "text/javascript; charset=utf-8", ROUTES_ASSET},
    {"/style.css", "style.css", "text/css; charset=utf-8", ROUTES_ASSET},
};
#define ROUTES_NFILES (sizeof(routes_files) / sizeof(routes_files[0]))

#define ROUTES_CACHE_KEEP "private, max-age=31536000, immutable"
#define ROUTES_CACHE_REVALIDATE "no-cache"
#define ROUTES_CACHE_NEVER "no-store"

/* The table page the dashboard's page carries: what app.js asks first
 * (its PAGE rows in its default order). Its URL is built from these, so
 * the two cannot disagree; app.js fetches for itself when its own URL
 * differs. */
static const struct bs_kv routes_boot_args[] = {
    {"sort", "status"}, {"dir", "asc"}, {"offset", "0"}, {"limit", "20"}};
#define ROUTES_BOOT_NARGS (sizeof(routes_boot_args) / sizeof(routes_boot_args[0]))

struct bs_routes {
	struct bs_routes_options opt;
	char db_path[BS_PATH_MAX];
	char *file_data[ROUTES_NFILES];
	size_t file_len[ROUTES_NFILES];
	char version[ROUTES_NFILES][BS_ETAG_MAX]; /* assets: their ETag's hex digits */
	char boot_url[128]; /* /api/table?... of routes_boot_args */
	struct bs_table_query boot_q; /* the same, parsed */
	int boot_ok; /* both made: the page carries its answers */
	pthread_mutex_t lock; /* the store connection is used by one request at a time */
	struct bs_store *store;
};

static const char routes_unready[] = "the report store is not readable yet\n";

static int
routes_text(unsigned status, const char *msg, struct bs_response *resp)
{
	resp->status = status;
	resp->ctype = "text/plain; charset=utf-8";
	resp->body = strdup(msg);
	resp->len = resp->body != NULL ? strlen(resp->body) : 0;
	return resp->body != NULL ? 0 : BS_ENOMEM;
}

static int
routes_json(json_t *j, struct bs_response *resp)
{
	if (j == NULL) {
		resp->status = 500;
		return BS_ENOMEM;
	}
	resp->body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (resp->body == NULL)
		return BS_ENOMEM;
	resp->len = strlen(resp->body);
	resp->ctype = "application/json";
	resp->status = 200;
	return 0;
}

/* The body is a copy of data. */
static int
routes_copy(const char *data, size_t len, const char *ctype, struct bs_response *resp)
{
	if ((resp->body = malloc(len > 0 ? len : 1)) == NULL)
		return BS_ENOMEM;
	memcpy(resp->body, data, len);
	resp->len = len;
	resp->ctype = ctype;
	resp->status = 200;
	return 0;
}

/* The read-only store connection, opened on first use (the collector may
 * have created no database yet). Under r->lock. */
static struct bs_store *
routes_store(struct bs_routes *r)
{
	if (r->store == NULL)
		bs_store_open(r->db_path, 1, &r->store);
	return r->store;
}

/* The change log from the store: one server's or the fleet's. */
static json_t *
routes_changes(struct bs_routes *r, const char *fqdn)
{
	json_t *j = NULL;

	pthread_mutex_lock(&r->lock);
	if (routes_store(r) == NULL || bs_changes_json(r->store, fqdn, ROUTES_CHANGES_MAX, &j) != 0)
		j = NULL;
	pthread_mutex_unlock(&r->lock);
	return j;
}

/* One request to an API route over the analysis. */
struct api_call {
	struct bs_routes *r;
	const struct bs_request *req;
	const char *arg; /* what follows a prefix route's path */
	const struct bs_analysis *a;
	const struct bs_upkeep_snap *snap; /* NULL: a was made for this request */
	struct bs_response *resp;
};

/* A prepared body: 304 when the client holds it, else its gzip form
 * when taken, else as it is. */
static int
routes_body(const struct bs_body *b, const char *ctype, const struct bs_request *req,
    struct bs_response *resp)
{
	int gz = b->gz != NULL && bs_gzip_accepted(req->accept_encoding);

	if (gz)
		bs_etag_gzip(b->etag, resp->etag);
	else
		snprintf(resp->etag, sizeof(resp->etag), "%s", b->etag);
	if (bs_etag_match_any(req->if_none_match, b->etag)) {
		resp->status = 304;
		resp->ctype = ctype;
		return 0;
	}
	if (gz) {
		resp->gzip = 1;
		return routes_copy(b->gz, b->gzlen, ctype, resp);
	}
	return routes_copy(b->data, b->len, ctype, resp);
}

static unsigned
routes_history_days(const struct bs_routes *r)
{
	return bs_upkeep_history_days(r->opt.upkeep);
}

/* /api/summary: what the first paint needs (output/summary.h). */
static int
api_summary(struct api_call *c)
{
	const struct bs_body *pre = c->snap != NULL ? bs_upkeep_snap_summary(c->snap) : NULL;
	json_t *j = NULL;

	if (pre != NULL)
		return routes_body(pre, "application/json", c->req, c->resp);
	pthread_mutex_lock(&c->r->lock);
	if (bs_summary_json(c->a, routes_store(c->r), routes_history_days(c->r), &j) != 0)
		j = NULL;
	pthread_mutex_unlock(&c->r->lock);
	return routes_json(j, c->resp);
}

/* /api/table?...: one page of the server table (output/table.h). */
static int
api_table(struct api_call *c)
{
	struct bs_table_query q;
	const struct bs_table_index *pre;
	struct bs_table_index *own = NULL;
	char err[160], msg[200];
	int rv;

	if (bs_table_query_parse(c->req->args, c->req->n_args, &q, err, sizeof(err)) != 0) {
		snprintf(msg, sizeof(msg), "bad query: %s\n", err);
		return routes_text(400, msg, c->resp);
	}
	if (c->snap != NULL && (pre = bs_upkeep_snap_table(c->snap)) != NULL)
		return routes_json(bs_table_json(pre, &q), c->resp);
	if (bs_table_index_create(c->a, c->a->generated_at_ms, &own) != 0)
		return routes_text(500, "out of memory\n", c->resp);
	rv = routes_json(bs_table_json(own, &q), c->resp);
	bs_table_index_destroy(own);
	return rv;
}

static int
api_servers(struct api_call *c)
{
	json_t *j = json_array();

	for (size_t i = 0; j != NULL && i < c->a->n_servers; i++)
		json_array_append_new(j, bs_report_json_server(c->a->servers[i], 0));
	return routes_json(j, c->resp);
}

static int
api_findings(struct api_call *c)
{
	return routes_json(bs_report_json_findings(c->a), c->resp);
}

/* The report in the format table's JSON, as the snapshot rendered it
 * when there is one. */
static int
api_report(struct api_call *c)
{
	const struct bs_format *f = bs_format_find("json");
	const struct bs_body *pre = c->snap != NULL ? bs_upkeep_snap_report(c->snap) : NULL;
	struct bs_buf b;
	int rv;

	if (pre != NULL)
		return routes_body(pre, f->ctype, c->req, c->resp);
	bs_buf_init(&b, 0);
	if ((rv = f->render(c->a, NULL, 1, &b)) == 0)
		rv = routes_copy(b.data, b.len, f->ctype, c->resp);
	bs_buf_fini(&b);
	return rv;
}

/* /api/servers/FQDN: one server in detail, with its change history, its
 * findings over time and its back-end failures per sampled hour. */
static int
api_server(struct api_call *c)
{
	size_t bad;
	struct bs_server *s =
	    bs_fqdn_check(c->arg, &bad) == 0 ? bs_analysis_find(c->a, c->arg) : NULL;
	json_t *j;

	if (s == NULL)
		return routes_text(404, "no such server\n", c->resp);
	j = bs_report_json_server(s, 1);
	if (j != NULL) {
		json_t *trend = NULL, *traffic = NULL;
		int64_t now = c->a->generated_at_ms;

		json_object_set_new(j, "changes", routes_changes(c->r, s->fqdn));
		pthread_mutex_lock(&c->r->lock);
		if (routes_store(c->r) != NULL) {
			if (bs_trend_findings(
			        c->r->store, s->fqdn, now, routes_history_days(c->r), &trend) != 0)
				trend = NULL;
			if (bs_trend_traffic(c->r->store, s->fqdn, now, &traffic) != 0)
				traffic = NULL;
		}
		pthread_mutex_unlock(&c->r->lock);
		json_object_set_new(j, "findings_trend", trend != NULL ? trend : json_null());
		json_object_set_new(j, "traffic_hours", traffic != NULL ? traffic : json_null());
	}
	return routes_json(j, c->resp);
}

static const struct {
	const char *path;
	int prefix; /* path is a prefix, the rest of the URL the argument */
	int (*fn)(struct api_call *c);
} api_routes[] = {
    {"/api/summary", 0, api_summary},
    {"/api/table", 0, api_table},
    {"/api/servers", 0, api_servers},
    {"/api/findings", 0, api_findings},
    {"/api/report", 0, api_report},
    {"/api/servers/", 1, api_server},
};

/* 1 when url is path, or (prefix) starts with it. */
static int
routes_match(const char *path, int prefix, const char *url)
{
	return prefix ? strncmp(url, path, strlen(path)) == 0 : strcmp(url, path) == 0;
}

static int
route_api(struct bs_routes *r, const struct bs_request *req, struct bs_response *resp)
{
	const char *url = req->url;
	struct bs_analysis_options ao = r->opt.analysis;
	struct bs_upkeep_snap *snap = NULL;
	struct bs_analysis *own = NULL;
	struct api_call c = {r, req, NULL, NULL, NULL, resp};
	size_t i = 0;
	int rv = 0;

	while (i < sizeof(api_routes) / sizeof(api_routes[0]) &&
	    !routes_match(api_routes[i].path, api_routes[i].prefix, url))
		i++;
	/* The upkeep thread's snapshot when serving; a fresh analysis per
	 * request otherwise (tests, and before the first snapshot). Even a
	 * path that is not found waits for one: no store, no answers. */
	/* Until the first snapshot each request would load the whole fleet
	 * itself: wait a little for the upkeep thread's instead. */
	if (r->opt.upkeep != NULL)
		snap = bs_upkeep_acquire_wait(r->opt.upkeep, ROUTES_FIRST_SNAPSHOT_MS, &c.a);
	if (c.a == NULL) {
		ao.now_ms = 0;
		pthread_mutex_lock(&r->lock);
		rv = routes_store(r) != NULL ? bs_output_load(r->store, &ao, &own) : BS_EDB;
		pthread_mutex_unlock(&r->lock);
		c.a = own;
	}
	c.snap = snap;
	if (rv != 0 || c.a == NULL) {
		rv = routes_text(503, routes_unready, resp);
	} else if (i == sizeof(api_routes) / sizeof(api_routes[0])) {
		rv = routes_text(404, "not found\n", resp);
	} else {
		c.arg = url + strlen(api_routes[i].path);
		rv = api_routes[i].fn(&c);
	}
	bs_upkeep_release(r->opt.upkeep, snap);
	bs_analysis_destroy(own);
	return rv;
}

static int
route_changes(struct bs_routes *r, const struct bs_request *req, struct bs_response *resp)
{
	json_t *j = routes_changes(r, NULL);

	(void)req;
	if (j == NULL)
		return routes_text(503, routes_unready, resp);
	return routes_json(j, resp);
}

/* GET /metrics: ingest counters, the current snapshot, database size. */
static int
route_metrics(struct bs_routes *r, const struct bs_request *req, struct bs_response *resp)
{
	struct bs_server_stats st;
	struct bs_upkeep_snap *snap = NULL;
	const struct bs_analysis *a = NULL;
	struct bs_buf b;
	int rv;

	(void)req;
	if (r->opt.ingest != NULL)
		bs_server_nng_stats(r->opt.ingest, &st);
	if (r->opt.upkeep != NULL)
		snap = bs_upkeep_acquire(r->opt.upkeep, &a);
	bs_buf_init(&b, 0);
	rv = bs_metrics_render(r->opt.ingest != NULL ? &st : NULL, a, r->db_path, bs_now_ms(), &b);
	bs_upkeep_release(r->opt.upkeep, snap);
	if (rv == 0 && r->opt.http != NULL) {
		const struct bs_http_counters *c = r->opt.http;

		rv = bs_buf_printf(&b,
		    "# HELP bindscope_http_refused_total Dashboard requests and connections refused, "
		    "by reason.\n"
		    "# TYPE bindscope_http_refused_total counter\n"
		    "bindscope_http_refused_total{reason=\"connection_limit\"} %llu\n"
		    "bindscope_http_refused_total{reason=\"request_timeout\"} %llu\n"
		    "bindscope_http_refused_total{reason=\"login_failed\"} %llu\n"
		    "bindscope_http_refused_total{reason=\"login_throttled\"} %llu\n",
		    (unsigned long long)atomic_load(&c->conn_limit),
		    (unsigned long long)atomic_load(&c->request_timeout),
		    (unsigned long long)atomic_load(&c->login_failed),
		    (unsigned long long)atomic_load(&c->login_throttled));
	}
	if (rv != 0) {
		bs_buf_fini(&b);
		return rv;
	}
	resp->body = bs_buf_steal(&b, &resp->len);
	resp->status = 200;
	resp->ctype = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

/* Browsers ask for it on their own: an empty answer, not a 404. */
static int
route_favicon(struct bs_routes *r, const struct bs_request *req, struct bs_response *resp)
{
	(void)r;
	(void)req;
	resp->status = 204;
	resp->ctype = "image/x-icon";
	return 0;
}

static const struct {
	const char *path;
	int prefix;
	int (*fn)(struct bs_routes *r, const struct bs_request *req, struct bs_response *resp);
} routes_table[] = {
    {"/api/changes", 0, route_changes},
    {"/api/", 1, route_api},
    {"/metrics", 0, route_metrics},
    {"/favicon.ico", 0, route_favicon},
};

/* The value of query parameter key, or NULL. */
static const char *
routes_arg(const struct bs_request *req, const char *key)
{
	for (size_t i = 0; i < req->n_args && i < BS_REQUEST_ARGS_MAX; i++)
		if (strcmp(req->args[i].key, key) == 0)
			return req->args[i].value;
	return NULL;
}

/* app.js or style.css: kept by the browser when asked by its version. */
static int
route_asset(struct bs_routes *r, size_t i, const struct bs_request *req, struct bs_response *resp)
{
	const char *v = routes_arg(req, "v");
	int rv = routes_copy(r->file_data[i], r->file_len[i], routes_files[i].ctype, resp);

	resp->cache = v != NULL && r->version[i][0] != '\0' && strcmp(v, r->version[i]) == 0
	    ? ROUTES_CACHE_KEEP
	    : ROUTES_CACHE_REVALIDATE;
	return rv;
}

/* index.html with the snapshot's summary and the table's first page in
 * it (page.h); as it is, so app.js fetches them, before the first
 * snapshot or when its boot block is missing. */
static int
route_page(struct bs_routes *r, size_t i, struct bs_response *resp)
{
	const struct bs_analysis *a = NULL;
	struct bs_upkeep_snap *snap =
	    r->opt.upkeep != NULL ? bs_upkeep_acquire(r->opt.upkeep, &a) : NULL;
	const struct bs_body *sum = snap != NULL ? bs_upkeep_snap_summary(snap) : NULL;
	const struct bs_table_index *ix = snap != NULL ? bs_upkeep_snap_table(snap) : NULL;
	json_t *t = NULL;
	char *tj = NULL, tag[BS_ETAG_MAX];
	int rv;

	if (r->boot_ok && sum != NULL && ix != NULL &&
	    (t = bs_table_json(ix, &r->boot_q)) != NULL &&
	    (tj = json_dumps(t, JSON_COMPACT)) != NULL) {
		struct bs_page_answer s = {"/api/summary", sum->data, sum->len, sum->etag};
		struct bs_page_answer p = {r->boot_url, tj, strlen(tj), tag};

		bs_etag(tj, p.len, tag);
		if (bs_page_boot(
		        r->file_data[i], r->file_len[i], &s, &p, &resp->body, &resp->len) == 0) {
			resp->status = 200;
			resp->ctype = routes_files[i].ctype;
		}
	}
	rv = resp->body != NULL
	    ? 0
	    : routes_copy(r->file_data[i], r->file_len[i], routes_files[i].ctype, resp);
	resp->cache = ROUTES_CACHE_NEVER;
	free(tj);
	json_decref(t);
	bs_upkeep_release(r->opt.upkeep, snap);
	return rv;
}

static int
routes_dispatch(struct bs_routes *r, const struct bs_request *req, struct bs_response *resp)
{
	const char *url = req->url;

	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return routes_text(405, "only GET and HEAD\n", resp);
	if (req->n_args > BS_REQUEST_ARGS_MAX)
		return routes_text(400, "too many query parameters\n", resp);
	for (size_t i = 0; i < sizeof(routes_table) / sizeof(routes_table[0]); i++)
		if (routes_match(routes_table[i].path, routes_table[i].prefix, url))
			return routes_table[i].fn(r, req, resp);
	for (size_t i = 0; i < ROUTES_NFILES; i++) {
		if (strcmp(url, routes_files[i].url) != 0)
			continue;
		if (r->file_data[i] == NULL)
			return routes_text(404, "dashboard file not installed\n", resp);
		if (routes_files[i].kind == ROUTES_PAGE)
			return route_page(r, i, resp);
		return route_asset(r, i, req, resp);
	}
	return routes_text(404, "not found\n", resp);
}

/* Every 200 gets its ETag, is 304 when the client holds it, and is gzip
 * encoded when the client takes it and it is worth it. */
static void
routes_finish(const struct bs_request *req, struct bs_response *resp)
{
	char *gz = NULL;
	size_t gzlen = 0;

	if (resp->status != 200 || resp->body == NULL || resp->gzip)
		return;
	if (resp->etag[0] == '\0')
		bs_etag(resp->body, resp->len, resp->etag);
	if (bs_etag_match_any(req->if_none_match, resp->etag)) {
		if (bs_gzip_accepted(req->accept_encoding) && resp->len >= BS_GZIP_MIN)
			bs_etag_gzip(resp->etag, resp->etag);
		free(resp->body);
		resp->body = NULL;
		resp->len = 0;
		resp->status = 304;
		return;
	}
	if (resp->len >= BS_GZIP_MIN && bs_gzip_accepted(req->accept_encoding) &&
	    bs_gzip(resp->body, resp->len, &gz, &gzlen) == 0) {
		free(resp->body);
		resp->body = gz;
		resp->len = gzlen;
		resp->gzip = 1;
		bs_etag_gzip(resp->etag, resp->etag);
	}
}

int
bs_routes_handle(struct bs_routes *r, const struct bs_request *req, struct bs_response *resp)
{
	int rv;

	memset(resp, 0, sizeof(*resp));
	if ((rv = routes_dispatch(r, req, resp)) == 0)
		routes_finish(req, resp);
	return rv;
}

/* The table page the page carries: its URL and its query, made once. A
 * failure here is the program's own (routes_boot_args): said, and the
 * page then goes out with its block empty. */
static void
routes_boot_prepare(struct bs_routes *r)
{
	size_t n = (size_t)snprintf(r->boot_url, sizeof(r->boot_url), "/api/table");
	char err[160];

	for (size_t k = 0; k < ROUTES_BOOT_NARGS && n < sizeof(r->boot_url); k++)
		n += (size_t)snprintf(r->boot_url + n, sizeof(r->boot_url) - n, "%c%s=%s",
		    k == 0 ? '?' : '&', routes_boot_args[k].key, routes_boot_args[k].value);
	if (n >= sizeof(r->boot_url)) {
		bs_log(BS_LOG_ERROR, "web_boot_query", "detail=\"URL too long\"");
		return;
	}
	if (bs_table_query_parse(
	        routes_boot_args, ROUTES_BOOT_NARGS, &r->boot_q, err, sizeof(err)) != 0) {
		bs_log(BS_LOG_ERROR, "web_boot_query", "detail=\"%s\"", err);
		return;
	}
	r->boot_ok = 1;
}

/* Each asset's version: its ETag's digits, without the quotes. */
static void
routes_versions(struct bs_routes *r)
{
	for (size_t i = 0; i < ROUTES_NFILES; i++) {
		char tag[BS_ETAG_MAX];

		if (routes_files[i].kind != ROUTES_ASSET || r->file_data[i] == NULL)
			continue;
		bs_etag(r->file_data[i], r->file_len[i], tag);
		snprintf(
		    r->version[i], sizeof(r->version[i]), "%.*s", (int)strlen(tag) - 2, tag + 1);
	}
}

/* The page naming each asset by its version. What it lacks is said
 * (warn: for the first of the URLs that serve the file): a reference not
 * written "/app.js" stays unversioned (revalidated each time), a page
 * without a boot block fetches its first answers. */
static int
routes_page_prepare(struct bs_routes *r, size_t page, int warn)
{
	int rv = 0;

	for (size_t i = 0; rv == 0 && i < ROUTES_NFILES; i++) {
		char *html = NULL;
		size_t len = 0, found = 0;

		if (r->version[i][0] == '\0')
			continue;
		rv = bs_page_version(r->file_data[page], r->file_len[page], routes_files[i].url,
		    r->version[i], &html, &len, &found);
		if (rv != 0)
			break;
		free(r->file_data[page]);
		r->file_data[page] = html;
		r->file_len[page] = len;
		if (found == 0 && warn)
			bs_log(BS_LOG_WARN, "web_page_unversioned",
			    "file=\"%s\" url=\"%s\" detail=\"not referenced in double quotes: the "
			    "browser revalidates it on every load\"",
			    routes_files[page].file, routes_files[i].url);
	}
	if (rv == 0 && warn && !bs_page_has_boot(r->file_data[page], r->file_len[page]))
		bs_log(BS_LOG_WARN, "web_page_no_boot",
		    "file=\"%s\" detail=\"no boot block: the dashboard fetches its first answers\"",
		    routes_files[page].file);
	return rv;
}

int
bs_routes_create(const struct bs_routes_options *opt, struct bs_routes **out)
{
	struct bs_routes *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return BS_ENOMEM;
	r->opt = *opt;
	snprintf(r->db_path, sizeof(r->db_path), "%s", opt->db_path);
	pthread_mutex_init(&r->lock, NULL);
	for (size_t i = 0; i < ROUTES_NFILES; i++) {
		char path[BS_PATH_MAX];
		size_t first = i;

		/* "/" and "/index.html" share one file. */
		for (size_t k = 0; k < i; k++)
			if (strcmp(routes_files[k].file, routes_files[i].file) == 0)
				first = k;
		if (first != i) {
			if (r->file_data[first] != NULL &&
			    (r->file_data[i] = malloc(r->file_len[first])) != NULL) {
				memcpy(r->file_data[i], r->file_data[first], r->file_len[first]);
				r->file_len[i] = r->file_len[first];
			}
			continue;
		}
		if (bs_path_join(path, sizeof(path), opt->web_root, routes_files[i].file) != 0 ||
		    bs_fs_read(path, ROUTES_STATIC_MAX, &r->file_data[i], &r->file_len[i]) != 0)
			bs_log(BS_LOG_WARN, "web_file_missing", "path=\"%s\"", path);
	}
	routes_boot_prepare(r);
	routes_versions(r);
	for (size_t i = 0, pages = 0; i < ROUTES_NFILES; i++) {
		int rv;

		if (routes_files[i].kind != ROUTES_PAGE || r->file_data[i] == NULL)
			continue;
		if ((rv = routes_page_prepare(r, i, pages++ == 0)) != 0) {
			bs_routes_destroy(r);
			return rv;
		}
	}
	*out = r;
	return 0;
}

void
bs_routes_destroy(struct bs_routes *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < ROUTES_NFILES; i++)
		free(r->file_data[i]);
	bs_store_close(r->store);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
