/* server: the collector's NNG REP endpoint. Receives happen on NNG's
 * threads through a pool of contexts; verify threads decode and check each
 * report, and one ingest worker commits it to SQLite and only then
 * answers, so an acknowledgement always means "durably stored". Over
 * tls+tcp:// the listener requires mutual TLS (common/tlsconf.h) and every
 * report must be signed by an enrolled agent (verify.h); plain tcp:// is
 * the unauthenticated demo mode. A tcp:// or tls+tcp:// port is the
 * front's (front.h): NNG itself listens on a private loopback port, and
 * takes only what the front relays. */
#ifndef BS_INGEST_SERVER_H
#define BS_INGEST_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/pipes.h"

struct bs_server_nng;

/* Ingest latency (receive to acknowledgement) histogram bounds, seconds. */
#define BS_SERVER_BUCKETS 10u
extern const double bs_server_latency_bounds[BS_SERVER_BUCKETS];
#define BS_SERVER_CODES 24u

struct bs_server_stats {
	uint64_t stored, duplicate, refused, retry;
	struct {
		const char *code; /* bs_ingest_result.code: a static string */
		uint64_t n;
	} by_code[BS_SERVER_CODES];
	size_t n_codes;
	uint64_t latency_le[BS_SERVER_BUCKETS]; /* cumulative: count <= bound */
	uint64_t latency_count;
	double latency_sum;
	struct bs_pipes_stats conns; /* connections open, refused and closed */
};

/* The collector's identity and trust (pki init writes these files). */
struct bs_server_tls {
	const char *ca_file; /* agents' CA: TLS client auth and report signatures */
	const char *cert_file; /* the collector's server certificate */
	const char *key_file;
	const char *revoked_file; /* may be NULL */
};

/* What one peer may hold on the agent port ([collector] keys). */
struct bs_server_limits {
	struct bs_pipes_limits conns; /* connection caps and deadlines */
	unsigned handshake_ms; /* accept to the end of the TLS handshake (front.h) */
	unsigned reply_ms; /* a reply not taken by its peer in time is dropped, and
	                    * its connection closed */
};
void bs_server_limits_defaults(struct bs_server_limits *l);

/* Opens db_path for writing and listens on url: "tls+tcp://..." needs
 * tls (mutual authentication, signed reports required); "tcp://..." with
 * tls NULL is the unauthenticated demo mode. lim NULL: the defaults.
 * Caller owns *out. */
int bs_server_nng_start(const char *url, const char *db_path, const struct bs_server_tls *tls,
    const struct bs_server_limits *lim, struct bs_server_nng **out);
/* Stops receiving, lets the worker finish the commit in flight, closes. */
void bs_server_nng_stop(struct bs_server_nng *s);
void bs_server_nng_stats(struct bs_server_nng *s, struct bs_server_stats *out);

#endif
