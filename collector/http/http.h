/* http: the dashboard and JSON API, served by libmicrohttpd (NNG 1.5.2's
 * HTTP server has known defects): HTTPS and basic auth (auth.h) when
 * configured, a strict Content-Security-Policy on every response. What
 * each path gets is routes.h's table. */
#ifndef BS_HTTP_HTTP_H
#define BS_HTTP_HTTP_H

#include <stddef.h>

#include "analysis/model.h"
#include "ingest/server.h"
#include "upkeep/upkeep.h"

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
