/* pass: what the history pass makes of one stored report that is not
 * (or no longer) its server's newest: its changes against the server's
 * previous report, and its findings against the fleet as it stands. No
 * database: the caller reads the report and its predecessor from the
 * store and writes the result back (upkeep/history_pass.c). */
#ifndef BS_ANALYSIS_PASS_H
#define BS_ANALYSIS_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/model.h"
#include "store/rows.h"

/* Fills res (res->report and res->prev_collected_ms set by the caller;
 * prev_raw the previous report's bytes, or NULL) with copies in out. The
 * fleet context is fleet, evaluated (norms, peers, mutes); it is left as
 * it was. A report that no longer decodes sets res->unreadable. */
int bs_pass_report(struct bs_analysis *fleet, const uint8_t *prev_raw, size_t prev_len,
    struct bs_arena *out, struct bs_pass_result *res);

#endif
