/* changes: what differs between two consecutive reports of one server in
 * the things an outage comes from: sites, their bindings, and which
 * certificate each http.sys binding serves. The collector's change log is
 * made of these, and answers "nobody changed anything". */
#ifndef BS_ANALYSIS_CHANGES_H
#define BS_ANALYSIS_CHANGES_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Kinds, as stored and shown. */
#define BS_CHANGE_SITE_ADDED "site_added"
#define BS_CHANGE_SITE_REMOVED "site_removed"
#define BS_CHANGE_SITE_RENAMED "site_renamed"
#define BS_CHANGE_BINDING_ADDED "binding_added"
#define BS_CHANGE_BINDING_REMOVED "binding_removed"
#define BS_CHANGE_CERT_CHANGED "certificate_changed"
#define BS_CHANGE_SSL_ADDED "sslcert_added"
#define BS_CHANGE_SSL_REMOVED "sslcert_removed"

/* One difference. object names the thing ("0.0.0.0:444", "Exchange Back
 * End: https *:444:"); before/after are "" when it did not exist. */
typedef int (*bs_change_fn)(
    void *arg, const char *kind, const char *object, const char *before, const char *after);

/* One line for people: "certificate on 0.0.0.0:444 changed from A to B". */
void bs_change_describe(const char *kind, const char *object, const char *before, const char *after,
    char *out, size_t n);

/* Calls fn for every difference from prev to cur (both complete reports of
 * the same server). A part that either report failed to collect (a
 * CollectionError from its reader) is not compared: a read error is not a
 * change. Returns 0, or fn's first non-zero return. */
int bs_changes_diff(const bs_report *prev, const bs_report *cur, bs_change_fn fn, void *arg);

#endif
