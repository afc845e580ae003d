/* report_text: the analysis as files people open: CSV (one row per
 * finding, for spreadsheets) and one self-contained HTML page (for the
 * auditor's file). Every string from an agent is escaped for its format;
 * CSV cells that a spreadsheet would run as formulas are neutralised. */
#ifndef BS_OUTPUT_REPORT_TEXT_H
#define BS_OUTPUT_REPORT_TEXT_H

#include "analysis/model.h"
#include "buf.h"
#include "store/store.h"

int bs_report_csv(const struct bs_analysis *a, struct bs_buf *out);
/* The page draws the dashboard's pictures (report_svg.h) from the same
 * summary; st (may be NULL) gives the findings over time. */
int bs_report_html(const struct bs_analysis *a, struct bs_store *st, struct bs_buf *out);

/* Appends s as one RFC 4180 CSV field, quoted, with a leading ' when it
 * starts with = + - @ TAB or CR (formula injection). */
int bs_csv_field(struct bs_buf *out, const char *s);
/* Appends s with & < > " ' escaped for HTML text and attribute values. */
int bs_html_escape(struct bs_buf *out, const char *s);

#endif
