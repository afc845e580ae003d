/* ingest: turns bytes from outside (an agent's Envelope off the network,
 * or a report file given to `import`) into a stored report, and says what
 * to answer. Everything here treats its input as hostile: sizes are
 * bounded, unpacking is budgeted, and the server's identity is checked
 * before anything is written. The signature check (secure transport) slots
 * in here, in ingest_envelope. */
#ifndef BS_INGEST_H
#define BS_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "verify.h"
#include "wire.h"

struct bs_ingest_result {
	Bindscope__V1__AckStatus status;
	const char *code; /* stable label for metrics: "stored", "duplicate", the refusal */
	char reason[256];
	char fqdn[256];
};

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
