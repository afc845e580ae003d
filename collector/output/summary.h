/* summary: what the dashboard's first paint needs, in one small answer
 * (/api/summary): the fleet's counts (report_json.h's summary), the
 * consistency groups, the expiry timeline and the findings over time;
 * the server table comes a page at a time (table.h). The auditor's HTML
 * file draws its pictures from the same document. */
#ifndef BS_OUTPUT_SUMMARY_H
#define BS_OUTPUT_SUMMARY_H

#include <jansson.h>

#include "analysis/model.h"
#include "store/store.h"

/* Days of findings history shown when the retention policy gives none. */
#define BS_SUMMARY_HISTORY_DAYS 90

/* report_json.h's fleet counts (servers, critical, ..., findings_per_rule)
 * with "generated_at", "rules", "consistency", "expiry" and
 * "findings_trend" beside them, into *out (a new reference). st may be NULL: no
 * findings history then (an empty trend). history_days: the retention
 * window (every report kept), 0 for BS_SUMMARY_HISTORY_DAYS. */
int bs_summary_json(
    const struct bs_analysis *a, struct bs_store *st, unsigned history_days, json_t **out);

#endif
