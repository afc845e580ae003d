/* log_json: the store's logs as JSON, for the API and the command line:
 * the change log, the mutes, and the audit log of operator actions. Each
 * is a new JSON array owned by the caller. */
#ifndef BS_OUTPUT_LOG_JSON_H
#define BS_OUTPUT_LOG_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The change log, newest first: one server's (fqdn) or everyone's (NULL),
 * at most limit entries. */
int bs_changes_json(struct bs_store *st, const char *fqdn, size_t limit, json_t **out);
/* Mutes: the active ones at now_ms, or all with all. */
int bs_mutes_json(struct bs_store *st, int64_t now_ms, int all, json_t **out);
/* The audit log, oldest first. */
int bs_audit_json(struct bs_store *st, json_t **out);

#endif
