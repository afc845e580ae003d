/* http: libmicrohttpd daemon, allow-listed static files, JSON API. */
#include "http.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/analyze.h"
#include "clock.h"
#include "err.h"
#include "fqdn.h"
#include "fsutil.h"
#include "output/load.h"
#include "output/log_json.h"
#include "output/metrics.h"
#include "http_auth.h"
#include "log.h"
#include "output/report_json.h"
#include "store/store.h"

#define HTTP_STATIC_MAX (4u * 1024u * 1024u)
/* Change log entries per response: the newest. */
#define HTTP_CHANGES_MAX 500

static const struct {
	const char *url;
	const char *file;
	const char *ctype;
} http_files[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/index.html", "index.html", "text/html; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/style.css", "style.css", "text/css; charset=utf-8"},
};
#define HTTP_NFILES (sizeof(http_files) / sizeof(http_files[0]))

struct bs_http {
	struct MHD_Daemon *d;
	struct bs_http_options opt;
	char *file_data[HTTP_NFILES];
	size_t file_len[HTTP_NFILES];
	pthread_mutex_t lock; /* the store connection is used by one request at a time */
	struct bs_store *store;
	char db_path[BS_PATH_MAX];
	unsigned port;
	struct bs_http_users *users; /* NULL: no authentication */
	char *tls_cert, *tls_key; /* PEM in memory for libmicrohttpd */
};

static const char http_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static int
http_json(json_t *j, unsigned *status, const char **ctype, char **body, size_t *len)
{
	if (j == NULL) {
		*status = 500;
		return BS_ENOMEM;
	}
	*body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (*body == NULL)
		return BS_ENOMEM;
	*len = strlen(*body);
	*ctype = "application/json";
	*status = 200;
	return 0;
}

static int
http_text(
    unsigned st, const char *msg, unsigned *status, const char **ctype, char **body, size_t *len)
{
	*status = st;
	*ctype = "text/plain; charset=utf-8";
	*body = strdup(msg);
	*len = *body != NULL ? strlen(*body) : 0;
	return *body != NULL ? 0 : BS_ENOMEM;
}

/* The change log from the store: one server's or the fleet's. */
static json_t *
http_changes(struct bs_http *h, const char *fqdn, size_t limit)
{
	json_t *j = NULL;

	pthread_mutex_lock(&h->lock);
	if (h->store == NULL)
		bs_store_open(h->db_path, 1, &h->store);
	if (h->store == NULL || bs_changes_json(h->store, fqdn, limit, &j) != 0)
		j = NULL;
	pthread_mutex_unlock(&h->lock);
	return j;
}

static int
http_api(struct bs_http *h, const char *url, unsigned *status, const char **ctype, char **body,
    size_t *len)
{
	struct bs_analysis_options ao = h->opt.analysis;
	struct bs_upkeep_snap *snap = NULL;
	struct bs_analysis *own = NULL;
	const struct bs_analysis *a = NULL;
	json_t *j = NULL;
	int rv = 0;

	if (strcmp(url, "/api/changes") == 0) {
		j = http_changes(h, NULL, HTTP_CHANGES_MAX);
		if (j == NULL)
			return http_text(503, "the report store is not readable yet\n", status,
			    ctype, body, len);
		return http_json(j, status, ctype, body, len);
	}
	/* The upkeep thread's snapshot when serving; a fresh analysis per
	 * request otherwise (tests, and before the first snapshot). */
	if (h->opt.upkeep != NULL)
		snap = bs_upkeep_acquire(h->opt.upkeep, &a);
	if (a == NULL) {
		ao.now_ms = 0;
		pthread_mutex_lock(&h->lock);
		if (h->store == NULL)
			bs_store_open(h->db_path, 1, &h->store);
		rv = h->store != NULL ? bs_output_load(h->store, &ao, &own) : BS_EDB;
		pthread_mutex_unlock(&h->lock);
		a = own;
	}
	if (rv != 0 || a == NULL)
		return http_text(
		    503, "the report store is not readable yet\n", status, ctype, body, len);
	if (strcmp(url, "/api/summary") == 0) {
		char when[32];

		j = bs_report_json_summary(a);
		bs_time_format(a->generated_at_ms, when, sizeof(when));
		if (j != NULL)
			json_object_set_new(j, "generated_at", json_string(when));
	} else if (strcmp(url, "/api/servers") == 0) {
		j = json_array();
		for (size_t i = 0; j != NULL && i < a->n_servers; i++)
			json_array_append_new(j, bs_report_json_server(a->servers[i], 0));
	} else if (strcmp(url, "/api/findings") == 0) {
		j = bs_report_json_findings(a);
	} else if (strcmp(url, "/api/report") == 0) {
		const char *pre = NULL;
		size_t plen = 0;

		if (snap != NULL && (pre = bs_upkeep_snap_report(snap, &plen)) != NULL) {
			*body = malloc(plen > 0 ? plen : 1);
			if (*body != NULL)
				memcpy(*body, pre, plen);
			bs_upkeep_release(h->opt.upkeep, snap);
			if (*body == NULL)
				return BS_ENOMEM;
			*len = plen;
			*status = 200;
			*ctype = "application/json";
			return 0;
		}
		j = bs_report_json(a);
	} else if (strncmp(url, "/api/servers/", 13) == 0) {
		const char *fqdn = url + 13;
		size_t bad;
		struct bs_server *s =
		    bs_fqdn_check(fqdn, &bad) == 0 ? bs_analysis_find(a, fqdn) : NULL;

		if (s != NULL) {
			j = bs_report_json_server(s, 1);
			if (j != NULL)
				json_object_set_new(
				    j, "changes", http_changes(h, s->fqdn, HTTP_CHANGES_MAX));
		} else {
			rv = 404;
		}
	} else {
		rv = 404;
	}
	bs_upkeep_release(h->opt.upkeep, snap);
	bs_analysis_destroy(own);
	if (rv == 404)
		return http_text(404,
		    strncmp(url, "/api/servers/", 13) == 0 ? "no such server\n" : "not found\n",
		    status, ctype, body, len);
	return http_json(j, status, ctype, body, len);
}

/* GET /metrics: ingest counters, the current snapshot, database size. */
static int
http_metrics(struct bs_http *h, unsigned *status, const char **ctype, char **body, size_t *len)
{
	struct bs_server_stats st;
	struct bs_upkeep_snap *snap = NULL;
	const struct bs_analysis *a = NULL;
	struct bs_buf b;
	struct timespec ts;
	int rv;

	if (h->opt.ingest != NULL)
		bs_server_nng_stats(h->opt.ingest, &st);
	if (h->opt.upkeep != NULL)
		snap = bs_upkeep_acquire(h->opt.upkeep, &a);
	clock_gettime(CLOCK_REALTIME, &ts);
	bs_buf_init(&b, 0);
	rv = bs_metrics_render(h->opt.ingest != NULL ? &st : NULL, a, h->db_path,
	    (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, &b);
	bs_upkeep_release(h->opt.upkeep, snap);
	if (rv != 0) {
		bs_buf_fini(&b);
		return rv;
	}
	*body = b.data; /* the buffer's memory becomes the response body */
	*len = b.len;
	*status = 200;
	*ctype = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

int
bs_http_route(struct bs_http *h, const char *method, const char *url, unsigned *status,
    const char **ctype, char **body, size_t *len)
{
	*body = NULL;
	*len = 0;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return http_text(405, "only GET and HEAD\n", status, ctype, body, len);
	if (strncmp(url, "/api/", 5) == 0)
		return http_api(h, url, status, ctype, body, len);
	if (strcmp(url, "/metrics") == 0)
		return http_metrics(h, status, ctype, body, len);
	if (strcmp(url, "/favicon.ico") == 0) {
		/* Browsers ask for it on their own; an empty answer, not a 404. */
		*status = 204;
		*ctype = "image/x-icon";
		return 0;
	}
	for (size_t i = 0; i < HTTP_NFILES; i++) {
		if (strcmp(url, http_files[i].url) != 0)
			continue;
		if (h->file_data[i] == NULL)
			return http_text(
			    404, "dashboard file not installed\n", status, ctype, body, len);
		*body = malloc(h->file_len[i] + 1);
		if (*body == NULL)
			return BS_ENOMEM;
		memcpy(*body, h->file_data[i], h->file_len[i]);
		*len = h->file_len[i];
		*ctype = http_files[i].ctype;
		*status = 200;
		return 0;
	}
	return http_text(404, "not found\n", status, ctype, body, len);
}

static enum MHD_Result
http_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct bs_http *h = cls;
	struct MHD_Response *resp;
	unsigned status = 500;
	const char *ctype = "text/plain";
	char *body = NULL;
	size_t len = 0;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	if (*req_cls == NULL) {
		/* First call: headers only. A request body is never wanted. */
		*req_cls = h;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* discard */
		return MHD_YES;
	}
	if (h->users != NULL) {
		char *pass = NULL;
		char *user = MHD_basic_auth_get_username_password(conn, &pass);
		int ok = bs_http_users_check(h->users, user, pass);

		if (pass != NULL)
			OPENSSL_cleanse(pass, strlen(pass));
		MHD_free(user);
		MHD_free(pass);
		if (!ok) {
			static const char deny[] = "authentication required\n";

			resp = MHD_create_response_from_buffer(
			    sizeof(deny) - 1, (void *)deny, MHD_RESPMEM_PERSISTENT);
			if (resp == NULL)
				return MHD_NO;
			MHD_add_response_header(resp, "Content-Type", "text/plain");
			MHD_add_response_header(resp, "Cache-Control", "no-store");
			ret = MHD_queue_basic_auth_fail_response(conn, "bindscope", resp);
			MHD_destroy_response(resp);
			return ret;
		}
	}
	if (bs_http_route(h, method, url, &status, &ctype, &body, &len) != 0 && body == NULL) {
		status = 500;
		body = strdup("internal error\n");
		len = body != NULL ? strlen(body) : 0;
	}
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Content-Security-Policy", http_csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (status == 405)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
http_load_files(struct bs_http *h)
{
	for (size_t i = 0; i < HTTP_NFILES; i++) {
		char path[BS_PATH_MAX];
		size_t first = i;

		/* "/" and "/index.html" share one file. */
		for (size_t k = 0; k < i; k++)
			if (strcmp(http_files[k].file, http_files[i].file) == 0)
				first = k;
		if (first != i) {
			if (h->file_data[first] != NULL &&
			    (h->file_data[i] = malloc(h->file_len[first])) != NULL) {
				memcpy(h->file_data[i], h->file_data[first], h->file_len[first]);
				h->file_len[i] = h->file_len[first];
			}
			continue;
		}
		if (bs_path_join(path, sizeof(path), h->opt.web_root, http_files[i].file) != 0 ||
		    bs_fs_read(path, HTTP_STATIC_MAX, &h->file_data[i], &h->file_len[i]) != 0)
			bs_log(BS_LOG_WARN, "web_file_missing", "path=\"%s\"", path);
	}
}

int
bs_http_start(const struct bs_http_options *opt, struct bs_http **out)
{
	struct bs_http *h = calloc(1, sizeof(*h));
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	*out = NULL;
	if (h == NULL)
		return BS_ENOMEM;
	h->opt = *opt;
	snprintf(h->db_path, sizeof(h->db_path), "%s", opt->db_path);
	pthread_mutex_init(&h->lock, NULL);
	http_load_files(h);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)opt->port);
	if (inet_pton(AF_INET, opt->address != NULL ? opt->address : "127.0.0.1", &sa.sin_addr) !=
	    1) {
		bs_log(BS_LOG_ERROR, "http_address",
		    "address=\"%s\" error=\"not an "
		    "IPv4 address\"",
		    opt->address);
		bs_http_stop(h);
		return BS_EINVAL;
	}
	if (opt->users_file != NULL && opt->users_file[0] != '\0') {
		char err[512];
		int rv = bs_http_users_load(opt->users_file, &h->users, err, sizeof(err));

		if (rv != 0) {
			bs_log(BS_LOG_ERROR, "http_users", "error=\"%s\"", err);
			bs_http_stop(h);
			return rv;
		}
	}
	if (opt->tls_cert_file != NULL && opt->tls_cert_file[0] != '\0') {
		size_t n;

		if (!MHD_is_feature_supported(MHD_FEATURE_TLS) ||
		    bs_fs_read(opt->tls_cert_file, HTTP_STATIC_MAX, &h->tls_cert, &n) != 0 ||
		    opt->tls_key_file == NULL ||
		    bs_fs_read(opt->tls_key_file, HTTP_STATIC_MAX, &h->tls_key, &n) != 0) {
			bs_log(BS_LOG_ERROR, "http_tls",
			    "cert=\"%s\" key=\"%s\" error=\"cannot read, or no TLS in libmicrohttpd\"",
			    opt->tls_cert_file, opt->tls_key_file != NULL ? opt->tls_key_file : "");
			bs_http_stop(h);
			return BS_ECRYPTO;
		}
	}
	if (sa.sin_addr.s_addr != htonl(INADDR_LOOPBACK) &&
	    (h->tls_cert == NULL || h->users == NULL))
		bs_log(BS_LOG_WARN, "dashboard_exposed",
		    "address=%s detail=\"reachable beyond this host without %s\"", opt->address,
		    h->tls_cert == NULL ? "HTTPS" : "authentication");
	if (h->tls_cert != NULL)
		h->d =
		    MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TLS,
		        (uint16_t)opt->port, NULL, NULL, http_handler, h, MHD_OPTION_SOCK_ADDR,
		        (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
		        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)64,
		        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)15,
		        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		        MHD_OPTION_HTTPS_MEM_CERT, h->tls_cert, MHD_OPTION_HTTPS_MEM_KEY,
		        h->tls_key, MHD_OPTION_END);
	else
		h->d = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
		    (uint16_t)opt->port, NULL, NULL, http_handler, h, MHD_OPTION_SOCK_ADDR,
		    (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
		    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)64,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)15,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
	if (h->d == NULL) {
		bs_log(BS_LOG_ERROR, "http_start",
		    "address=%s port=%u error=\"cannot "
		    "listen\"",
		    opt->address, opt->port);
		bs_http_stop(h);
		return BS_ENET;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info != NULL ? info->port : opt->port;
	*out = h;
	return 0;
}

unsigned
bs_http_port(const struct bs_http *h)
{
	return h->port;
}

void
bs_http_stop(struct bs_http *h)
{
	if (h == NULL)
		return;
	if (h->d != NULL)
		MHD_stop_daemon(h->d);
	for (size_t i = 0; i < HTTP_NFILES; i++)
		free(h->file_data[i]);
	bs_store_close(h->store);
	bs_http_users_destroy(h->users);
	free(h->tls_cert);
	if (h->tls_key != NULL) {
		OPENSSL_cleanse(h->tls_key, strlen(h->tls_key));
		free(h->tls_key);
	}
	pthread_mutex_destroy(&h->lock);
	free(h);
}
