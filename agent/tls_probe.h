/* tls_probe: a live TLS handshake with an endpoint, made the way the front
 * end makes it to a mailbox server (https://<FQDN>:444/), recording what a
 * strict TLS client sees. Handshake, then close: no HTTP request, no
 * credentials. Every failure is classified (DNS, refused, unreachable,
 * timeout, TLS alert, handshake failure, and each certificate problem). */
#ifndef BS_TLS_PROBE_H
#define BS_TLS_PROBE_H

#include <openssl/x509.h>

#include "arena.h"
#include "wire.h"

struct bs_probe_target {
	const char *host; /* name or address to connect to */
	unsigned port;
	const char *name; /* SNI and the name the certificate must cover; NULL = host */
};

struct bs_probe_opts {
	unsigned timeout_ms; /* the whole probe: connect and handshake */
	X509_STORE *trust; /* anchors for chain verification; NULL trusts nothing */
};

/* One probe. The result lives in a. Returns 0 (the outcome is in the
 * Probe, failures included) or BS_ENOMEM. */
int bs_probe_run(const struct bs_probe_target *t, const struct bs_probe_opts *o, struct bs_arena *a,
    Bindscope__V1__Probe **out);

/* Several probes at once, at most BS_PROBE_PARALLEL in flight; out[i]
 * answers t[i]. */
#define BS_PROBE_PARALLEL 8
int bs_probe_run_many(const struct bs_probe_target *t, size_t n, const struct bs_probe_opts *o,
    struct bs_arena *a, Bindscope__V1__Probe **out);

/* Parses "host:port" or "[v6]:port"; host is written to host (hostsz). */
int bs_probe_parse_target(const char *s, char *host, size_t hostsz, unsigned *port);

#endif
