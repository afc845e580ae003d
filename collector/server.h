/* server: the collector's NNG REP endpoint. Receives happen on NNG's
 * threads through a pool of contexts; each message goes to the ingest
 * worker, which commits it to SQLite and only then answers, so an
 * acknowledgement always means "durably stored". The TLS seam: the
 * listener gets its nng_tls_config here when the secure transport lands. */
#ifndef BS_SERVER_H
#define BS_SERVER_H

#include <stdint.h>

struct bs_server_nng;

struct bs_server_stats {
	uint64_t stored, duplicate, refused, retry;
};

/* Opens db_path for writing and listens on url ("tcp://127.0.0.1:7400").
 * Caller owns *out (bs_server_nng_stop). */
int bs_server_nng_start(const char *url, const char *db_path, struct bs_server_nng **out);
/* Stops receiving, lets the worker finish the commit in flight, closes. */
void bs_server_nng_stop(struct bs_server_nng *s);
void bs_server_nng_stats(struct bs_server_nng *s, struct bs_server_stats *out);

#endif
