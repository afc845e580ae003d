/* ingest: turns bytes from outside (an agent's Envelope off the network,
 * or a report file given to `import`) into a stored report, and says what
 * to answer. Everything here treats its input as hostile: sizes are
 * bounded, unpacking is budgeted, and the server's identity (the
 * verified signature and certificate, verify.h) is checked before
 * anything is written. */
#ifndef BS_INGEST_INGEST_H
#define BS_INGEST_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "ingest/verify.h"
#include "wire.h"

struct bs_ingest_result {
	Bindscope__V1__AckStatus status;
	const char *code; /* stable label for metrics: "stored", "duplicate", the refusal */
	char reason[256];
	char fqdn[256];
};

/* A report decoded, validated and verified, ready to store: the network
 * path does this on several threads and only the store on the one
 * database thread. raw points into the caller's message, which must
 * outlive it; everything else is in arena. */
struct bs_ingest_prepared {
	struct bs_arena arena;
	const Bindscope__V1__Envelope *env; /* the verified signature, or NULL */
	bs_report *r;
	const uint8_t *raw;
	size_t len;
	const char *provenance;
};

/* No database: 0 when the Envelope may be stored; otherwise res holds the
 * refusal. p must be finished (bs_ingest_prepared_fini) either way. */
int bs_ingest_prepare_envelope(struct bs_verifier *v, const uint8_t *data, size_t len,
    struct bs_ingest_prepared *p, struct bs_ingest_result *res);
/* Stores a prepared report (inside the caller's transaction, if any). */
void bs_ingest_store(
    struct bs_store *st, const struct bs_ingest_prepared *p, struct bs_ingest_result *res);
void bs_ingest_prepared_fini(struct bs_ingest_prepared *p);

/* An Envelope received from an agent. With a verifier, only reports
 * signed by an enrolled agent for its own FQDN are stored ("agent,
 * signed"); without one (plain tcp:// demo mode) reports are stored as
 * "agent, unsigned". */
void bs_ingest_envelope(struct bs_store *st, struct bs_verifier *v, const uint8_t *data, size_t len,
    struct bs_ingest_result *res);

/* A report file written by `bindscope-agent collect --out` (a bare Report,
 * stored as offline evidence) or a signed Envelope (verified like one from
 * the network when v is given; without v it counts as unsigned). */
void bs_ingest_file(struct bs_store *st, struct bs_verifier *v, const uint8_t *data, size_t len,
    struct bs_ingest_result *res);

/* Checks that a parsed report names a plausible server (lower-case DNS
 * name, at most 253 characters) and a known schema version; writes the
 * reason on failure. Exposed for tests. */
int bs_ingest_validate(const bs_report *r, char *why, size_t whysz);

#endif
