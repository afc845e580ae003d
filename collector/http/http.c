/* http: the libmicrohttpd daemon: TLS, basic auth, security headers;
 * the answers come from routes.c. */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fsutil.h"
#include "http/auth.h"
#include "http/routes.h"
#include "log.h"

struct bs_http {
	struct MHD_Daemon *d;
	struct bs_routes *routes;
	unsigned port;
	struct bs_http_users *users; /* NULL: no authentication */
	char *tls_cert, *tls_key; /* PEM in memory for libmicrohttpd */
};

#define HTTP_PEM_MAX (4u * 1024u * 1024u)

static const char http_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/* The query of a test's URL into args (decoded in place in q). */
static size_t
http_split_query(char *q, struct bs_kv *args, size_t max)
{
	size_t n = 0;

	while (q != NULL && *q != '\0') {
		char *amp = strchr(q, '&'), *eq;

		if (amp != NULL)
			*amp = '\0';
		eq = strchr(q, '=');
		if (eq != NULL)
			*eq = '\0';
		if (n < max) {
			MHD_http_unescape(q);
			if (eq != NULL)
				MHD_http_unescape(eq + 1);
			args[n] = (struct bs_kv){q, eq != NULL ? eq + 1 : ""};
		}
		n++; /* counted beyond max, so the routes refuse it */
		q = amp != NULL ? amp + 1 : NULL;
	}
	return n;
}

int
bs_http_route(struct bs_http *h, const char *method, const char *url, unsigned *status,
    const char **ctype, char **body, size_t *len)
{
	struct bs_kv args[BS_REQUEST_ARGS_MAX];
	struct bs_request req = {method, url, args, 0, NULL, NULL};
	struct bs_response resp;
	char *path = strdup(url), *q;
	int rv;

	if (path == NULL)
		return BS_ENOMEM;
	if ((q = strchr(path, '?')) != NULL) {
		*q++ = '\0';
		req.n_args = http_split_query(q, args, BS_REQUEST_ARGS_MAX);
	}
	req.url = path;
	rv = bs_routes_handle(h->routes, &req, &resp);
	free(path);
	*status = resp.status;
	*ctype = resp.ctype;
	*body = resp.body;
	*len = resp.len;
	return rv;
}

/* The query parameters as libmicrohttpd decoded them. */
struct http_args {
	struct bs_kv kv[BS_REQUEST_ARGS_MAX];
	size_t n;
};

static enum MHD_Result
http_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct http_args *a = cls;

	(void)kind;
	if (a->n < BS_REQUEST_ARGS_MAX)
		a->kv[a->n] = (struct bs_kv){key, value != NULL ? value : ""};
	a->n++;
	return MHD_YES;
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
	char etag[BS_ETAG_MAX] = "";
	int gzip = 0;
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
	{
		struct http_args args = {.n = 0};
		struct bs_request req = {method, url, args.kv, 0,
		    MHD_lookup_connection_value(
		        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
		    MHD_lookup_connection_value(
		        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING)};
		struct bs_response rs;

		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, http_arg, &args);
		req.n_args = args.n;
		if (bs_routes_handle(h->routes, &req, &rs) != 0 && rs.body == NULL) {
			rs.status = 500;
			rs.ctype = "text/plain";
			rs.body = strdup("internal error\n");
			rs.len = rs.body != NULL ? strlen(rs.body) : 0;
			rs.etag[0] = '\0';
			rs.gzip = 0;
		}
		status = rs.status;
		ctype = rs.ctype;
		body = rs.body;
		len = rs.len;
		snprintf(etag, sizeof(etag), "%s", rs.etag);
		gzip = rs.gzip;
	}
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	if (ctype != NULL)
		MHD_add_response_header(resp, "Content-Type", ctype);
	if (etag[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	if (gzip)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	/* The same URL may be answered gzip or not. */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
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

int
bs_http_start(const struct bs_http_options *opt, struct bs_http **out)
{
	struct bs_http *h = calloc(1, sizeof(*h));
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	*out = NULL;
	if (h == NULL)
		return BS_ENOMEM;
	{
		struct bs_routes_options ro = {
		    opt->web_root, opt->db_path, opt->analysis, opt->upkeep, opt->ingest};
		int rv = bs_routes_create(&ro, &h->routes);

		if (rv != 0) {
			free(h);
			return rv;
		}
	}
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
		    bs_fs_read(opt->tls_cert_file, HTTP_PEM_MAX, &h->tls_cert, &n) != 0 ||
		    opt->tls_key_file == NULL ||
		    bs_fs_read(opt->tls_key_file, HTTP_PEM_MAX, &h->tls_key, &n) != 0) {
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
	bs_routes_destroy(h->routes);
	bs_http_users_destroy(h->users);
	free(h->tls_cert);
	if (h->tls_key != NULL) {
		OPENSSL_cleanse(h->tls_key, strlen(h->tls_key));
		free(h->tls_key);
	}
	free(h);
}
