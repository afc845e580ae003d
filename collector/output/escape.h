/* escape: agent strings made safe for the formats people open, where
 * they meet spreadsheets and browsers. Every writer of CSV or HTML
 * (report_text, report_svg) goes through these. */
#ifndef BS_OUTPUT_ESCAPE_H
#define BS_OUTPUT_ESCAPE_H

#include "buf.h"

/* Appends s as one RFC 4180 CSV field, quoted, with a leading ' when it
 * starts with = + - @ TAB or CR (formula injection). */
int bs_csv_field(struct bs_buf *out, const char *s);
/* Appends s with & < > " ' escaped for HTML text and attribute values. */
int bs_html_escape(struct bs_buf *out, const char *s);

#endif
