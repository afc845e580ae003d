/* load: what every output is made from. The newest report of every
 * server, the active mutes and the recent changes, read from the store and
 * handed to the analysis, the rules run, then each finding's first and
 * last seen from the findings history. The one place an analysis's inputs
 * come out of the database: report, check, the dashboard's snapshot and
 * the history pass's fleet context all start here. */
#ifndef BS_OUTPUT_LOAD_H
#define BS_OUTPUT_LOAD_H

#include "analysis/model.h"
#include "store/store.h"

/* A stored report that no longer decodes is logged and skipped. Caller
 * owns *out (bs_analysis_destroy). */
int bs_output_load(
    struct bs_store *st, const struct bs_analysis_options *opt, struct bs_analysis **out);

#endif
