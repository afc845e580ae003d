/* http: the libmicrohttpd daemon: TLS, basic auth and its throttle,
 * connection caps and the request deadline, security headers; the
 * answers come from routes.c. */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "fsutil.h"
#include "http/auth.h"
#include "http/routes.h"
#include "log.h"

/* One open connection, for the request deadline. libmicrohttpd's own
 * timeout is an idle timeout: a client that sends a byte now and then
 * keeps its slot forever, so the reaper thread cuts off a request that
 * has not fully arrived in time. */
struct http_conn {
	struct http_conn *prev, *next;
	int fd;
	int64_t since_ms; /* when this request could start arriving */
	int arrived; /* headers complete: being answered, no deadline */
	int cut; /* shut down by the reaper */
};

struct bs_http {
	struct MHD_Daemon *d;
	struct bs_routes *routes;
	unsigned port;
	struct bs_http_users *users; /* NULL: no authentication */
	char *tls_cert, *tls_key; /* PEM in memory for libmicrohttpd */
	struct bs_http_limits lim;
	struct bs_throttle *throttle; /* failed logins; NULL without users */
	struct bs_http_counters counters;
	pthread_mutex_t lock; /* conns, stop */
	pthread_cond_t wake;
	struct http_conn *conns;
	pthread_t reaper;
	int reaper_started, stop;
};

#define HTTP_THROTTLE_ENTRIES 4096u
#define HTTP_REAP_MS 200

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

static void
http_notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct bs_http *h = cls;
	struct http_conn *c = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		if (fd == NULL || (c = calloc(1, sizeof(*c))) == NULL)
			return; /* untracked: the idle timeout still applies */
		c->fd = fd->connect_fd;
		c->since_ms = bs_mono_ms();
		pthread_mutex_lock(&h->lock);
		c->next = h->conns;
		if (h->conns != NULL)
			h->conns->prev = c;
		h->conns = c;
		pthread_mutex_unlock(&h->lock);
		*socket_context = c;
		return;
	}
	if (c == NULL)
		return;
	/* Closed: libmicrohttpd closes the socket only after this returns, so
	 * the reaper, holding the lock, never shuts down a reused descriptor. */
	pthread_mutex_lock(&h->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&h->lock);
	free(c);
	*socket_context = NULL;
}

static struct http_conn *
http_conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *i =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return i != NULL ? i->socket_context : NULL;
}

static void
http_arrived(struct bs_http *h, struct MHD_Connection *conn, int arrived)
{
	struct http_conn *c = http_conn_of(conn);

	if (c == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	c->arrived = arrived;
	c->since_ms = bs_mono_ms();
	pthread_mutex_unlock(&h->lock);
}

/* A request answered: on a kept-alive connection the next one's deadline
 * starts now. */
static void
http_completed(
    void *cls, struct MHD_Connection *conn, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	(void)req_cls;
	(void)toe;
	http_arrived(cls, conn, 0);
}

static void *
http_reaper(void *arg)
{
	struct bs_http *h = arg;
	int64_t limit = (int64_t)h->lim.request_timeout_s * 1000;

	pthread_mutex_lock(&h->lock);
	while (!h->stop) {
		struct timespec ts;
		int64_t now = bs_mono_ms();

		for (struct http_conn *c = h->conns; c != NULL; c = c->next) {
			if (c->arrived || c->cut || now - c->since_ms < limit)
				continue;
			/* shutdown, not close: the descriptor stays libmicrohttpd's,
			 * which sees the end of the stream and closes it. */
			shutdown(c->fd, SHUT_RDWR);
			c->cut = 1;
			atomic_fetch_add(&h->counters.request_timeout, 1);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += HTTP_REAP_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->wake, &h->lock, &ts);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* libmicrohttpd's messages into the collector's log; a connection closed
 * at the cap is counted rather than logged (under attack there are
 * thousands). */
static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct bs_http *h = cls;
	char msg[256];
	size_t n;

	if (strstr(fmt, "connection limit") != NULL) {
		atomic_fetch_add(&h->counters.conn_limit, 1);
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	for (char *p = msg; *p != '\0'; p++)
		if (*p == '"' || *p == '\n')
			*p = '\'';
	bs_log(BS_LOG_WARN, "http_server", "detail=\"%s\"", msg);
}

/* The throttle's keys for this request: the client's address, the user
 * name tried. */
static void
http_keys(struct MHD_Connection *conn, const char *user, char *akey, char *ukey)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char addr[INET6_ADDRSTRLEN] = "?";

	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			    &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
			    sizeof(addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
			    sizeof(addr));
	}
	snprintf(akey, BS_THROTTLE_KEY, "a:%s", addr);
	snprintf(ukey, BS_THROTTLE_KEY, "u:%s", user != NULL ? user : "");
}

static enum MHD_Result
http_throttled(struct MHD_Connection *conn, unsigned wait)
{
	char body[160], after[16];
	int n = snprintf(body, sizeof(body),
	    "too many failed logins from this address or for this user; retry after %u s\n", wait);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(n > 0 ? (size_t)n : 0, body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	snprintf(after, sizeof(after), "%u", wait);
	MHD_add_response_header(resp, "Content-Type", "text/plain");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Retry-After", after);
	ret = MHD_queue_response(conn, 429, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* 1 when the request may go on; else *ret is the answer queued (401, or
 * 429 for an address or user name locked out by failures). */
static int
http_authorized(struct bs_http *h, struct MHD_Connection *conn, enum MHD_Result *ret)
{
	char akey[BS_THROTTLE_KEY], ukey[BS_THROTTLE_KEY];
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(conn, &pass);
	int64_t now = bs_mono_ms();
	unsigned wait, uwait;
	int ok;

	http_keys(conn, user, akey, ukey);
	wait = bs_throttle_wait(h->throttle, akey, now);
	uwait = user != NULL ? bs_throttle_wait(h->throttle, ukey, now) : 0;
	if (uwait > wait)
		wait = uwait;
	if (wait > 0) {
		/* Locked out: the password is not even looked at, so guessing
		 * on gains nothing and costs the collector nothing. */
		atomic_fetch_add(&h->counters.login_throttled, 1);
		ok = 0;
	} else {
		ok = bs_http_users_check(h->users, user, pass);
		if (ok) {
			bs_throttle_success(h->throttle, akey);
			bs_throttle_success(h->throttle, ukey);
		} else if (user != NULL && pass != NULL) {
			/* A request without credentials is the browser asking
			 * for the prompt, not a guess. */
			atomic_fetch_add(&h->counters.login_failed, 1);
			bs_throttle_fail(h->throttle, akey, now);
			bs_throttle_fail(h->throttle, ukey, now);
		}
	}
	if (pass != NULL)
		OPENSSL_cleanse(pass, strlen(pass));
	MHD_free(user);
	MHD_free(pass);
	if (ok)
		return 1;
	if (wait > 0) {
		*ret = http_throttled(conn, wait);
	} else {
		static const char deny[] = "authentication required\n";
		struct MHD_Response *resp = MHD_create_response_from_buffer(
		    sizeof(deny) - 1, (void *)deny, MHD_RESPMEM_PERSISTENT);

		if (resp == NULL) {
			*ret = MHD_NO;
			return 0;
		}
		MHD_add_response_header(resp, "Content-Type", "text/plain");
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		*ret = MHD_queue_basic_auth_fail_response(conn, "bindscope", resp);
		MHD_destroy_response(resp);
	}
	return 0;
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
	const char *cache = NULL;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	if (*req_cls == NULL) {
		/* First call: headers only. A request body is never wanted. */
		*req_cls = h;
		http_arrived(h, conn, 1);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* discard */
		return MHD_YES;
	}
	if (h->users != NULL && !http_authorized(h, conn, &ret))
		return ret;
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
			rs.cache = NULL;
		}
		status = rs.status;
		ctype = rs.ctype;
		body = rs.body;
		len = rs.len;
		snprintf(etag, sizeof(etag), "%s", rs.etag);
		gzip = rs.gzip;
		cache = rs.cache;
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
	MHD_add_response_header(resp, "Cache-Control", cache != NULL ? cache : "no-store");
	if (status == 405)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* opt's limits, each 0 replaced by its default. */
static void
http_limits(const struct bs_http_limits *opt, struct bs_http_limits *out)
{
	*out = *opt;
	if (out->max_connections == 0)
		out->max_connections = BS_HTTP_MAX_CONNECTIONS;
	if (out->max_per_address == 0)
		out->max_per_address = BS_HTTP_MAX_PER_ADDRESS;
	if (out->idle_timeout_s == 0)
		out->idle_timeout_s = BS_HTTP_IDLE_TIMEOUT_S;
	if (out->request_timeout_s == 0)
		out->request_timeout_s = BS_HTTP_REQUEST_TIMEOUT_S;
	if (out->login.free_failures == 0)
		out->login.free_failures = BS_HTTP_LOGIN_FREE_FAILURES;
	if (out->login.window_s == 0)
		out->login.window_s = BS_HTTP_LOGIN_WINDOW_S;
	if (out->login.base_delay_s == 0)
		out->login.base_delay_s = 1;
	if (out->login.max_delay_s == 0)
		out->login.max_delay_s = BS_HTTP_LOGIN_MAX_DELAY_S;
	if (out->login.max_delay_s < out->login.base_delay_s)
		out->login.max_delay_s = out->login.base_delay_s;
	if (out->login.max_entries == 0)
		out->login.max_entries = HTTP_THROTTLE_ENTRIES;
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
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	http_limits(&opt->limits, &h->lim);
	{
		struct bs_routes_options ro = {opt->web_root, opt->db_path, opt->analysis,
		    opt->upkeep, opt->ingest, &h->counters};
		int rv = bs_routes_create(&ro, &h->routes);

		if (rv != 0) {
			bs_http_stop(h);
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
		if ((rv = bs_throttle_create(&h->lim.login, &h->throttle)) != 0) {
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
	if (pthread_create(&h->reaper, NULL, http_reaper, h) != 0) {
		bs_http_stop(h);
		return BS_ENOMEM;
	}
	h->reaper_started = 1;
	{
		unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
		struct MHD_OptionItem o[16];
		size_t n = 0;

#define HTTP_OPT(opt, v, p) o[n++] = (struct MHD_OptionItem){(opt), (intptr_t)(v), (p)}
		HTTP_OPT(MHD_OPTION_SOCK_ADDR, 0, &sa);
		HTTP_OPT(MHD_OPTION_CONNECTION_LIMIT, h->lim.max_connections, NULL);
		HTTP_OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, h->lim.max_per_address, NULL);
		HTTP_OPT(MHD_OPTION_CONNECTION_TIMEOUT, h->lim.idle_timeout_s, NULL);
		HTTP_OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL);
		HTTP_OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)http_notify_connection, h);
		HTTP_OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)http_completed, h);
		HTTP_OPT(MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)http_mhd_log, h);
		if (h->tls_cert != NULL) {
			flags |= MHD_USE_TLS;
			HTTP_OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, h->tls_cert);
			HTTP_OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, h->tls_key);
		}
		HTTP_OPT(MHD_OPTION_END, 0, NULL);
#undef HTTP_OPT
		h->d = MHD_start_daemon(flags, (uint16_t)opt->port, NULL, NULL, http_handler, h,
		    MHD_OPTION_ARRAY, o, MHD_OPTION_END);
	}
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
		MHD_stop_daemon(h->d); /* every connection's CLOSED has run */
	if (h->reaper_started) {
		pthread_mutex_lock(&h->lock);
		h->stop = 1;
		pthread_cond_signal(&h->wake);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->reaper, NULL);
	}
	bs_throttle_destroy(h->throttle);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	bs_routes_destroy(h->routes);
	bs_http_users_destroy(h->users);
	free(h->tls_cert);
	if (h->tls_key != NULL) {
		OPENSSL_cleanse(h->tls_key, strlen(h->tls_key));
		free(h->tls_key);
	}
	free(h);
}
