/* verify: who sent a report. NNG 1.5.2 does not expose the TLS peer's
 * certificate, so each report carries the agent's certificate and its
 * signature over the report bytes; this checks the certificate against the
 * collector's CA (clientAuth, in date on every report, not revoked), the
 * signature, and that the report's host FQDN and agent_id (when set) are
 * the certificate's. */
#ifndef BS_INGEST_VERIFY_H
#define BS_INGEST_VERIFY_H

#include <stddef.h>

#include "wire.h"

struct bs_verifier;

/* ca_file: PEM anchors; revoked_file: serials, one per line (may be NULL).
 * Caller owns *out. */
int bs_verifier_create(const char *ca_file, const char *revoked_file, struct bs_verifier **out);
void bs_verifier_destroy(struct bs_verifier *v);

/* Not thread-safe (it caches): one verifier per ingest thread.
 * 0 when env is signed by a valid, unrevoked agent certificate for r's
 * host; otherwise BS_EREFUSED with the reason in why and a stable label
 * for metrics in *code ("unsigned", "bad_certificate", "untrusted",
 * "revoked", "bad_signature", "fqdn_mismatch", "agent_id_mismatch"). */
int bs_verifier_check(struct bs_verifier *v, const Bindscope__V1__Envelope *env, const bs_report *r,
    char *why, size_t whysz, const char **code);

#endif
