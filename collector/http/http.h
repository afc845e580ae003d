/* http: the dashboard and JSON API, served by libmicrohttpd (NNG 1.5.2's
 * HTTP server has known defects): HTTPS and basic auth (auth.h) when
 * configured, a strict Content-Security-Policy on every response. What
 * each path gets is routes.h's table. */
#ifndef BS_HTTP_HTTP_H
#define BS_HTTP_HTTP_H

#include <stddef.h>

#include "analysis/model.h"
#include "http/throttle.h"
#include "ingest/server.h"
#include "upkeep/upkeep.h"

/* What clients may hold, so that slow or idle connections cannot crowd
 * out an honest request: connections beyond the caps are closed at once,
 * a connection that sends nothing for idle_timeout_s is closed, and a
 * request whose headers are not all in within request_timeout_s of its
 * first byte's chance (the connection opening, or the previous answer) is
 * cut off however slowly it trickles. login throttles failed basic-auth
 * attempts per address and per user name (throttle.h). A 0 field takes
 * the default below. */
struct bs_http_limits {
	unsigned max_connections;
	unsigned max_per_address;
	unsigned idle_timeout_s;
	unsigned request_timeout_s;
	struct bs_throttle_options login;
};

#define BS_HTTP_MAX_CONNECTIONS 512u
#define BS_HTTP_MAX_PER_ADDRESS 16u
#define BS_HTTP_IDLE_TIMEOUT_S 10u
#define BS_HTTP_REQUEST_TIMEOUT_S 10u
#define BS_HTTP_LOGIN_FREE_FAILURES 5u
#define BS_HTTP_LOGIN_WINDOW_S 900u
#define BS_HTTP_LOGIN_MAX_DELAY_S 300u

struct bs_http_options {
	const char *address; /* IPv4 literal; "127.0.0.1" by default */
	unsigned port; /* 0: pick a free port (see bs_http_port) */
	const char *web_root; /* folder holding index.html, app.js, style.css */
	const char *db_path;
	struct bs_analysis_options analysis; /* now_ms is taken per request */
	struct bs_upkeep *upkeep; /* its snapshots when set; else analysis per request */
	const char *tls_cert_file; /* PEM: serve HTTPS with these when both are set */
	const char *tls_key_file;
	const char *users_file; /* basic auth for every request when set (auth.h) */
	struct bs_server_nng *ingest; /* its counters in /metrics; may be NULL */
	struct bs_http_limits limits;
};

struct bs_http;

/* Starts serving on its own thread. Caller owns *out (bs_http_stop). */
int bs_http_start(const struct bs_http_options *opt, struct bs_http **out);
void bs_http_stop(struct bs_http *h);
unsigned bs_http_port(const struct bs_http *h);

/* For tests and the fuzz harness: the response a request path would get
 * (status and content type), without a socket. *body is malloc'd. */
int bs_http_route(struct bs_http *h, const char *method, const char *url, unsigned *status,
    const char **ctype, char **body, size_t *len);

#endif
