/* report_text: the analysis as files people open: CSV (one row per
 * finding, for spreadsheets) and one self-contained HTML page (for the
 * auditor's file). Every string from an agent is escaped for its format
 * (escape.h). */
#ifndef BS_OUTPUT_REPORT_TEXT_H
#define BS_OUTPUT_REPORT_TEXT_H

#include "analysis/model.h"
#include "buf.h"
#include "store/store.h"

int bs_report_csv(const struct bs_analysis *a, struct bs_buf *out);
/* The page draws the dashboard's pictures (report_svg.h) from the same
 * summary; st (may be NULL) gives the findings over time. */
int bs_report_html(const struct bs_analysis *a, struct bs_store *st, struct bs_buf *out);

#endif
