/* sender: delivers one serialized Envelope to the collector over NNG
 * REQ/REP and returns the collector's acknowledgement. Over tls+tcp:// the
 * dialer authenticates with the agent's certificate and checks the
 * collector's against the CA and server name (common/tlsconf.h); plain
 * tcp:// is the unauthenticated demo mode. */
#ifndef BS_SENDER_H
#define BS_SENDER_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct bs_sender;

/* The agent's TLS identity and the collector's CA, as PEM files. */
struct bs_sender_tls {
	const char *ca_file;
	const char *cert_file;
	const char *key_file;
	/* The DNS name the collector's certificate must carry; NULL or empty
	 * means the URL's host. (mbedTLS 2.28 matches DNS names only, so an
	 * IP URL needs a name here.) */
	const char *server_name;
};

/* url: "tls+tcp://host:port" (with tls: mutual authentication, the
 * collector's certificate checked against ca_file for host) or
 * "tcp://host:port" (tls NULL). The dialer connects in the background and
 * reconnects by itself. Caller owns *out. */
int bs_sender_create(
    const char *url, unsigned timeout_ms, const struct bs_sender_tls *tls, struct bs_sender **out);
void bs_sender_destroy(struct bs_sender *s);

/* Sends and waits for the Ack; *status gets the collector's verdict and
 * reason (up to reasonsz bytes) its explanation. BS_ETIMEDOUT when no
 * answer arrived in time, BS_ENET on transport errors, BS_EPARSE when the
 * answer is not an Ack. */
int bs_sender_send(struct bs_sender *s, const uint8_t *env, size_t len,
    Bindscope__V1__AckStatus *status, char *reason, size_t reasonsz);

#endif
