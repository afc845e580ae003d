/* front: the agent port's front door. NNG 1.5.2 shows the collector a
 * connection only once its TLS handshake is over (no pipe, no address
 * before), so it can neither cap nor time out the connections that never
 * get that far. The front accepts them itself: it caps connections in
 * total and per source address, closes one whose handshake is not over
 * within the deadline (or that does not speak TLS at all; handshake.h),
 * and relays every byte both ways between the agent and NNG's listener on
 * a private loopback port, where NNG does the TLS and everything after.
 * It makes no connection to NNG before the agent's first bytes, and never
 * closes a connection after the handshake on its own (NNG's deadlines do,
 * pipes.h, through bs_front_hangup); when an agent goes, NNG gets an end
 * of stream and closes its pipe itself (see front_close for why).
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

/* The addresses a listen URL admits: tcp4:// and tls+tcp4:// IPv4 only,
 * tcp6:// and tls+tcp6:// IPv6 only, tcp:// and tls+tcp:// either. */
enum bs_front_family { BS_FRONT_ANY, BS_FRONT_IPV4, BS_FRONT_IPV6 };

/* Where the front listens: a listen URL split by bs_front_parse_url. */
struct bs_front_at {
	enum bs_handshake_kind kind; /* TLS for tls+tcp*, SP for tcp* */
	enum bs_front_family family;
	char host[256]; /* a name or an address; "" every address */
	char port[16];
};

/* Splits a listen URL the front serves: "tls+tcp://HOST:PORT" (kind TLS)
 * or "tcp://HOST:PORT" (kind SP), either with 4 or 6 after tcp; HOST may
 * be a name, an IPv4 address, "[IPv6]" (not under tcp4), empty or "*"
 * (every address: host ""; with either family both IPv6 and IPv4).
 * BS_ENOENT for another scheme (ipc://, inproc://: NNG listens itself,
 * on this host only), BS_EINVAL for a malformed one. */
int bs_front_parse_url(const char *url, struct bs_front_at *at);

/* Listens where at says and relays to 127.0.0.1:upstream_port. Caller
 * owns *out (bs_front_destroy). */
int bs_front_start(const struct bs_front_at *at, unsigned upstream_port,
    const struct bs_front_limits *lim, struct bs_front **out);
/* Closes the listener and ends every relay as when its agent goes, waits
 * (a few seconds at most) for NNG to close their pipes, and joins the
 * thread. f stays valid for the calls below until bs_front_destroy, so
 * NNG's callbacks may still use it until nng_close returns. NULL: no-op. */
void bs_front_stop(struct bs_front *f);
/* Stops f if still running and frees it. NULL: no-op. */
void bs_front_destroy(struct bs_front *f);

/* The agent behind the relay connection NNG sees from 127.0.0.1:port, as
 * NNG's pipe `pipe` (noted for the two calls below): 0 with its address
 * bytes (4 for IPv4, 16 for IPv6) in addr and *len; BS_ENOENT when no
 * relay connection has that port (someone on this host dialled NNG's
 * private listener directly). Thread-safe, as are the two below. */
int bs_front_source(
    struct bs_front *f, unsigned port, uint32_t pipe, uint8_t addr[16], size_t *len);
/* Ends the relay of NNG's pipe `pipe` (on port) as if its agent had gone,
 * so that NNG closes the pipe itself: the way to close an admitted pipe
 * (nng_pipe_close can hang NNG 1.5.2, see front_close). BS_ENOENT when
 * the front has no such relay (then the caller closes the pipe). */
int bs_front_hangup(struct bs_front *f, unsigned port, uint32_t pipe);
/* NNG's pipe `pipe` is gone: its relay is closed (what NNG sent that the
 * agent has not taken is dropped). */
void bs_front_pipe_gone(struct bs_front *f, unsigned port, uint32_t pipe);

/* The front's counts: its refusals (BS_PIPES_OVER_TOTAL, _OVER_ADDRESS,
 * _ACCEPT_FAILED) and closes (BS_PIPES_HANDSHAKE, _NOT_TLS), open: the
 * connections it holds, handshaking or not. */
void bs_front_stats(struct bs_front *f, struct bs_pipes_stats *out);

#endif
