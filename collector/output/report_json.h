/* report_json: the analysis as JSON, the one shape behind the JSON API,
 * the dashboard, `report --format json` and the auditor's HTML file. All
 * returned values are new references (json_decref them). */
#ifndef BS_OUTPUT_REPORT_JSON_H
#define BS_OUTPUT_REPORT_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/model.h"

/* The whole report: generated_at, summary, servers (with findings). */
json_t *bs_report_json(const struct bs_analysis *a);
/* Fleet counts: servers by status, findings per rule, newest report. */
json_t *bs_report_json_summary(const struct bs_analysis *a);
/* One server; detail adds its full report (sites, bindings, certs...). */
json_t *bs_report_json_server(const struct bs_server *s, int detail);
/* Every finding, flat, each with its server's fqdn. */
json_t *bs_report_json_findings(const struct bs_analysis *a);

/* "critical", "warning", "stale" or "clean". */
const char *bs_report_status(const struct bs_server *s);

#endif
