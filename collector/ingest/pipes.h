/* pipes: the agent port's connections as the collector keeps count of
 * them, so that no peer can hold what others need: connections in total
 * and per source address are capped (one over is refused), a connection
 * holds a few requests in progress at most (more are dropped), and one
 * that has not completed an accepted report within the login deadline,
 * or has sat idle past the idle deadline since its last, is handed back
 * to be closed. No NNG here (server.c feeds it pipe ids and addresses), so the
 * rules are tested without a network. Thread-safe. */
#ifndef BS_INGEST_PIPES_H
#define BS_INGEST_PIPES_H

#include <stddef.h>
#include <stdint.h>

struct bs_pipes;

struct bs_pipes_limits {
	unsigned max_total; /* open connections; 1 to BS_PIPES_MAX */
	unsigned max_per_address; /* open connections from one source address */
	unsigned max_requests; /* requests in progress on one connection */
	unsigned login_ms; /* to the first accepted report */
	unsigned idle_ms; /* after the last request, once one was accepted */
};
#define BS_PIPES_MAX 100000u

/* Why a connection was refused or closed: the index of the counters. */
enum bs_pipes_reason {
	BS_PIPES_OVER_TOTAL, /* refused: max_total open */
	BS_PIPES_OVER_ADDRESS, /* refused: max_per_address open from its address */
	BS_PIPES_OVER_REQUESTS, /* request dropped: max_requests in progress */
	BS_PIPES_LOGIN, /* closed: no accepted report within login_ms */
	BS_PIPES_IDLE, /* closed: idle for idle_ms */
	BS_PIPES_REPLY, /* reply dropped: not taken in time (server.c counts it) */
	BS_PIPES_HANDSHAKE, /* closed: TLS handshake not over in time (front.h) */
	BS_PIPES_NOT_TLS, /* closed: the first bytes were not TLS (front.h) */
	BS_PIPES_ACCEPT_FAILED, /* accept() failed, e.g. out of descriptors (front.h) */
	BS_PIPES_NREASONS
};
/* Metric label of each reason ("total", "per_address", ...). */
extern const char *const bs_pipes_reason_names[BS_PIPES_NREASONS];

struct bs_pipes_stats {
	uint64_t open; /* connections open now */
	uint64_t by_reason[BS_PIPES_NREASONS];
};

/* Caller owns *out. */
int bs_pipes_create(const struct bs_pipes_limits *lim, struct bs_pipes **out);
void bs_pipes_destroy(struct bs_pipes *p);

/* A new connection id from addr (addrlen bytes identifying the source;
 * connections with equal bytes share the per-address cap). 0 when
 * admitted; BS_EREFUSED (and the refusal counted) when over a cap. */
int bs_pipes_add(struct bs_pipes *p, uint32_t id, const void *addr, size_t addrlen, int64_t now_ms);
/* The connection is gone (closed by either side). */
void bs_pipes_remove(struct bs_pipes *p, uint32_t id);

/* A request arrived on id. 0: go ahead (bs_pipes_end follows);
 * BS_ENOENT: the connection is gone already, drop the request;
 * BS_EREFUSED: over max_requests, drop the request (counted). */
int bs_pipes_begin(struct bs_pipes *p, uint32_t id, int64_t now_ms);
/* The request begun on id is answered; accepted: it was a report stored
 * (or a duplicate), which is what logs a connection in. */
void bs_pipes_end(struct bs_pipes *p, uint32_t id, int accepted, int64_t now_ms);

/* Up to n connections past their login or idle deadline at now_ms, into
 * ids, each returned once (counted); the caller closes them. */
size_t bs_pipes_expired(struct bs_pipes *p, int64_t now_ms, uint32_t *ids, size_t n);
/* Counts what the caller dropped (BS_PIPES_REPLY). */
void bs_pipes_count(struct bs_pipes *p, enum bs_pipes_reason why);

void bs_pipes_stats(struct bs_pipes *p, struct bs_pipes_stats *out);

#endif
