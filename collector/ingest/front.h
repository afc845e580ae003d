/* front: the agent port's front door. NNG 1.5.2 shows the collector a
 * connection only once its TLS handshake is over (no pipe, no address
 * before), so it can neither cap nor time out the connections that never
 * get that far. The front accepts them itself: it caps connections in
 * total and per source address, closes one whose handshake is not over
 * within the deadline (or that does not speak TLS at all; handshake.h),
 * and relays every byte both ways between the agent and NNG's listener on
 * a private loopback port, where NNG does the TLS and everything after.
 * It makes no connection to NNG before the agent's first bytes, and never
 * closes a connection after the handshake (NNG's deadlines do, pipes.h).
 * One thread, epoll, non-blocking sockets; bytes are held per connection
 * only while the other side is not taking them (at most one read). */
#ifndef BS_INGEST_FRONT_H
#define BS_INGEST_FRONT_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/handshake.h"
#include "ingest/pipes.h"

struct bs_front;

struct bs_front_limits {
	unsigned max_total; /* connections open, handshaking or not */
	unsigned max_per_address;
	unsigned handshake_ms; /* from accept to the handshake's end */
};

/* Splits a listen URL the front serves: "tls+tcp://HOST:PORT" (kind TLS)
 * or "tcp://HOST:PORT" (kind SP); HOST may be a name, an IPv4 address,
 * "[IPv6]", empty or "*" (every address: host set to ""). BS_ENOENT for
 * another scheme (ipc://, inproc://: NNG listens itself), BS_EINVAL for a
 * malformed one. */
int bs_front_parse_url(const char *url, enum bs_handshake_kind *kind, char *host, size_t hostsz,
    char *port, size_t portsz);

/* Listens on host:port and relays to 127.0.0.1:upstream_port. Caller
 * owns *out (bs_front_stop). */
int bs_front_start(const char *host, const char *port, enum bs_handshake_kind kind,
    unsigned upstream_port, const struct bs_front_limits *lim, struct bs_front **out);
/* Closes the listener and every connection, joins the thread. NULL: no-op. */
void bs_front_stop(struct bs_front *f);

/* The agent behind the relay connection NNG sees from 127.0.0.1:port:
 * 0 with its address bytes (4 for IPv4, 16 for IPv6) in addr and *len;
 * BS_ENOENT when no relay connection has that port (someone on this host
 * dialled NNG's private listener directly). Thread-safe. */
int bs_front_source(struct bs_front *f, unsigned port, uint8_t addr[16], size_t *len);

/* The front's counts: its refusals (BS_PIPES_OVER_TOTAL, _OVER_ADDRESS,
 * _ACCEPT_FAILED) and closes (BS_PIPES_HANDSHAKE, _NOT_TLS), open: the
 * connections it holds, handshaking or not. */
void bs_front_stats(struct bs_front *f, struct bs_pipes_stats *out);

#endif
