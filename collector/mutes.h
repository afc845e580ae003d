/* mutes: an operator's decision that a rule's finding on a server (or on
 * every server, "*") is accepted for now, with a reason and an expiry.
 * Muted findings stay in every output, marked, but leave status and gates.
 * Every mute and unmute is written to the audit log with who and when. */
#ifndef BS_MUTES_H
#define BS_MUTES_H

#include <jansson.h>
#include <stdint.h>

#include "store.h"

/* Longest mute: a year. Anything longer is a rule setting ([severity]). */
#define BS_MUTE_MAX_MS (366LL * 86400 * 1000)

/* Adds a mute; *id is its number. rule must be a known rule ID. */
int bs_mutes_add(struct bs_store *st, const char *server, const char *rule, const char *reason,
    const char *by, int64_t now_ms, int64_t expires_ms, int64_t *id);
/* Ends mute id early. BS_ENOENT when no such active mute. */
int bs_mutes_remove(struct bs_store *st, int64_t id, const char *by, int64_t now_ms);
/* Mutes as a JSON array (new reference): active ones, or all with all. */
int bs_mutes_json(struct bs_store *st, int64_t now_ms, int all, json_t **out);
/* The audit log, oldest first (new reference). */
int bs_audit_json(struct bs_store *st, json_t **out);

#endif
