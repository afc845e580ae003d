/* routes: what each request path gets, in one table: the JSON API over
 * the analysis (the upkeep thread's snapshot, or one made for the request
 * when there is none), the change log from the store, /metrics, and the
 * allow-listed static files of web-static/, read once at start: no path is
 * ever built from a request. No sockets here (http.h serves them). */
#ifndef BS_HTTP_ROUTES_H
#define BS_HTTP_ROUTES_H

#include <stdatomic.h>
#include <stddef.h>

#include "analysis/model.h"
#include "ingest/server.h"
#include "output/encode.h"
#include "output/table.h"
#include "upkeep/upkeep.h"

/* The dashboard's own refusals, counted by http.c, shown in /metrics. */
struct bs_http_counters {
	atomic_ullong conn_limit; /* connections closed at once: total or per-address cap */
	atomic_ullong request_timeout; /* requests that did not arrive in time, cut off */
	atomic_ullong login_failed; /* wrong user name or password */
	atomic_ullong login_throttled; /* refused 429 without a check: too many failures */
};

struct bs_routes_options {
	const char *web_root; /* folder holding index.html, app.js, style.css */
	const char *db_path;
	struct bs_analysis_options analysis; /* now_ms is taken per request */
	struct bs_upkeep *upkeep; /* its snapshots when set; else analysis per request */
	struct bs_server_nng *ingest; /* its counters in /metrics; may be NULL */
	const struct bs_http_counters *http; /* in /metrics too; may be NULL */
};

/* Most query parameters a request may carry; more are refused (400). */
#define BS_REQUEST_ARGS_MAX 16

/* A request as the routes see it: no socket. Strings are the caller's. */
struct bs_request {
	const char *method, *url; /* url: the path, without the query */
	const struct bs_kv *args; /* the query's parameters, decoded */
	size_t n_args; /* more than BS_REQUEST_ARGS_MAX: refused */
	const char *if_none_match, *accept_encoding; /* headers, or NULL */
};

/* An answer: body is malloc'd (the caller frees it), ctype static. A 200
 * has its ETag; 304 (If-None-Match named it) has no body; gzip: the body
 * is gzip-encoded (Accept-Encoding took it). */
struct bs_response {
	unsigned status;
	const char *ctype;
	char *body;
	size_t len;
	char etag[BS_ETAG_MAX]; /* "" for none */
	int gzip;
	const char *cache; /* Cache-Control (static); NULL: no-store */
};

struct bs_routes;

/* Reads the static files (a missing one is logged, and answered 404).
 * Caller owns *out (bs_routes_destroy, which accepts NULL). */
int bs_routes_create(const struct bs_routes_options *opt, struct bs_routes **out);
void bs_routes_destroy(struct bs_routes *r);

/* The answer to req; non-zero (out of memory) when even the body of the
 * answer could not be made. Thread-safe. */
int bs_routes_handle(struct bs_routes *r, const struct bs_request *req, struct bs_response *resp);

#endif
