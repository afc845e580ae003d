/* mutes: the mutes table and the audit log of operator actions. A mute is
 * an operator's decision that a rule's finding on a server (or on every
 * server, "*") is accepted for now, with a reason and an expiry (checked
 * by bs_mute_check, analysis/model.h, before it gets here). Every mute and
 * unmute is written to the audit log with who and when, in the same
 * transaction. */
#ifndef BS_STORE_MUTES_H
#define BS_STORE_MUTES_H

#include <stdint.h>

#include "store/store.h"

/* Adds a mute; *id is its number. */
int bs_store_mute_add(struct bs_store *st, const char *server, const char *rule, const char *reason,
    const char *by, int64_t now_ms, int64_t expires_ms, int64_t *id);
/* Ends mute id early. BS_ENOENT when no such active mute. */
int bs_store_mute_remove(struct bs_store *st, int64_t id, const char *by, int64_t now_ms);

struct bs_store_mute {
	int64_t id;
	const char *server, *rule, *reason, *by;
	int64_t created_ms, expires_ms;
	const char *removed_by; /* NULL while not ended early */
	int64_t removed_ms; /* when removed_by is set */
	int active; /* neither ended nor expired as of the walk's now */
};
/* A non-zero return stops a walk and is returned. Rows are valid during
 * the call only. */
typedef int (*bs_store_mute_fn)(void *arg, const struct bs_store_mute *m);
/* The mutes active at now_ms, or all of them with all, in id order. */
int bs_store_each_mute(
    struct bs_store *st, int64_t now_ms, int all, bs_store_mute_fn fn, void *arg);

struct bs_store_audit {
	int64_t at_ms;
	const char *actor, *action, *detail;
};
typedef int (*bs_store_audit_fn)(void *arg, const struct bs_store_audit *e);
/* The audit log, oldest first. */
int bs_store_each_audit(struct bs_store *st, bs_store_audit_fn fn, void *arg);

#endif
