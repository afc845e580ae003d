/* history_pass: the collector's memory between reports. A pass takes the
 * reports not analysed yet from the store, oldest first, has the analysis
 * make their changes and findings (analysis/pass.h) against the fleet as
 * it stands, and writes them back in short transactions (store/history.h).
 * The upkeep thread runs it, and `import` at its end. */
#ifndef BS_UPKEEP_HISTORY_PASS_H
#define BS_UPKEEP_HISTORY_PASS_H

#include <stddef.h>

#include "analysis/model.h"
#include "store/store.h"

/* Analyses up to max reports not analysed yet; *done says how many. The
 * fleet context (norms, peers) is every server's newest report. */
int bs_history_pass(
    struct bs_store *st, const struct bs_analysis_options *opt, size_t max, size_t *done);

#endif
