/* report_svg: the dashboard's pictures for the auditor's HTML file, drawn
 * in C as inline SVG (the file runs no script): the certificate expiry
 * timeline, the findings over time and the consistency bars, from the
 * summary document the dashboard draws them from (output/summary.h), so
 * both show the same. Each mark's <title> says what it is (hover); every
 * string from an agent is escaped. */
#ifndef BS_OUTPUT_REPORT_SVG_H
#define BS_OUTPUT_REPORT_SVG_H

#include <jansson.h>
#include <stdint.h>

#include "buf.h"

/* Each appends one <figure> to out from its part of the summary:
 * "expiry" (generated_ms: the time its days count from),
 * "findings_trend", "consistency". */
int bs_svg_expiry(struct bs_buf *out, json_t *expiry, int64_t generated_ms);
int bs_svg_trend(struct bs_buf *out, json_t *trend);
int bs_svg_consistency(struct bs_buf *out, json_t *consistency);

/* The pictures' CSS, for the page's <style>. */
extern const char bs_svg_style[];

#endif
