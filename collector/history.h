/* history: what the collector remembers between reports. A pass over the
 * reports not yet analysed stores each one's findings, keeps every
 * finding's first and last seen, and writes the change log from the diff
 * with the server's previous report; the loaders give an analysis those
 * facts (and the active mutes) back. The pass runs in the collector's
 * upkeep thread and at the end of `import`. */
#ifndef BS_HISTORY_H
#define BS_HISTORY_H

#include <jansson.h>
#include <stddef.h>

#include "analyze.h"
#include "store/store.h"

/* Analyses up to max reports not analysed yet, oldest first, in
 * transactions of a few hundred. *done: how many. The fleet context (norms,
 * peers) is every server's newest report. */
int bs_history_update(
    struct bs_store *st, const struct bs_analysis_options *opt, size_t max, size_t *done);

/* Before the rules run: active mutes and each server's changes within the
 * configured window. */
int bs_history_load_inputs(struct bs_store *st, struct bs_analysis *a);
/* After: first and last seen of every finding still open. */
int bs_history_load_seen(struct bs_store *st, struct bs_analysis *a);

#endif
