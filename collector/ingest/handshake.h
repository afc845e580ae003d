/* handshake: what the first bytes an agent sends on the agent port must
 * look like, read by the port's front door (front.h) before NNG sees the
 * connection, so a peer that never completes its TLS handshake (or sends
 * something else) can be closed. It does not decrypt or verify anything
 * (NNG's TLS does): it follows the TLS record framing, where the
 * client's first application-data record (type 23) means its handshake
 * is done and the SP protocol has begun; over plain tcp:// the 8-byte SP
 * header is the handshake. A cursor over the bytes as they arrive, in any
 * split; no allocation. */
#ifndef BS_INGEST_HANDSHAKE_H
#define BS_INGEST_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

enum bs_handshake_kind { BS_HANDSHAKE_TLS, BS_HANDSHAKE_SP };

enum bs_handshake_state {
	BS_HANDSHAKE_MORE, /* nothing wrong so far, not done */
	BS_HANDSHAKE_DONE, /* the handshake is over: relay the rest unread */
	BS_HANDSHAKE_BAD /* not TLS (or not SP): close the connection */
};

struct bs_handshake {
	enum bs_handshake_kind kind;
	enum bs_handshake_state state;
	uint8_t hdr[8]; /* the record header (TLS: 5 bytes) or SP header read so far */
	size_t have; /* bytes of hdr */
	size_t skip; /* TLS: bytes of the current record's body still to pass */
	unsigned records; /* TLS records seen */
	const char *why; /* BS_HANDSHAKE_BAD: a static sentence */
};

void bs_handshake_init(struct bs_handshake *h, enum bs_handshake_kind kind);
/* Reads the next n bytes the client sent; returns the state after them
 * (DONE and BAD are final: later calls return them unchanged). */
enum bs_handshake_state bs_handshake_feed(struct bs_handshake *h, const uint8_t *p, size_t n);

#endif
