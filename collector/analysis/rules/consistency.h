/* consistency: settings that must be identical across servers. Each
 * server contributes (key, value) pairs (key: "TLS 1.2 Server", value:
 * "disabled"); the fleet's majority per key is what a server is compared
 * with, and the servers sharing an odd value are named. Values a server
 * could not read are never contributed, so "not read" is never a
 * difference. */
#ifndef BS_ANALYSIS_CONSISTENCY_H
#define BS_ANALYSIS_CONSISTENCY_H

#include <stddef.h>

#include "analysis/model.h"

struct bs_cons_tuple {
	const char *group; /* "TLS", ".NET", "Extended Protection", "Auth certificate" */
	const char *key;
	const char *value;
	const struct bs_server *server;
};

/* The pairs of one family of settings; lives in the analysis arena. */
struct bs_cons {
	struct bs_cons_tuple *v;
	size_t n, cap;
	int sorted;
};

/* What the fleet says about one key and one server's value of it. */
struct bs_cons_stat {
	const char *majority; /* most frequent value (ties: the smallest) */
	size_t total; /* servers that hold a value for the key */
	size_t n_majority;
	size_t n_value; /* servers with the asked value */
	size_t first; /* index in v of the first server with the asked value */
};

/* Adds a pair; strings must outlive the analysis (arena or report). */
int bs_cons_add(struct bs_arena *a, struct bs_cons *c, const char *group, const char *key,
    const char *value, const struct bs_server *server);
/* Sorts by key, value, server: once, after the last bs_cons_add. */
void bs_cons_finish(struct bs_cons *c);
/* Statistics of key for value; 0, or BS_ENOENT when no server has key. */
int bs_cons_stat(
    const struct bs_cons *c, const char *key, const char *value, struct bs_cons_stat *out);
/* The servers (FQDNs, at most max) holding value for key, as a new JSON
 * array; NULL on no memory. */
json_t *bs_cons_servers(const struct bs_cons *c, const struct bs_cons_stat *st, size_t max);

#endif
