/* metrics: the collector's health in the Prometheus text format (GET
 * /metrics): reports received and refused by reason, ingest latency,
 * servers by status, findings by rule and severity, each server's report
 * age and agent spool backlog, database size. */
#ifndef BS_OUTPUT_METRICS_H
#define BS_OUTPUT_METRICS_H

#include <stdint.h>

#include "analysis/model.h"
#include "buf.h"
#include "ingest/server.h"

/* Appends the exposition to out. stats and a may be NULL (not serving
 * agents; no analysis yet): their families are then left out. */
int bs_metrics_render(const struct bs_server_stats *stats, const struct bs_analysis *a,
    const char *db_path, int64_t now_ms, struct bs_buf *out);

#endif
