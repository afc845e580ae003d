/* metrics: Prometheus text exposition format 0.0.4. */
#include "output/metrics.h"

#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "fsutil.h"
#include "output/report_json.h"

/* A label value: backslash, double quote and newline escaped. */
static int
metrics_label(struct bs_buf *b, const char *v)
{
	int rv = 0;

	for (; *v != '\0' && rv == 0; v++) {
		if (*v == '\\' || *v == '"')
			rv = bs_buf_putc(b, '\\') | bs_buf_putc(b, *v);
		else if (*v == '\n')
			rv = bs_buf_puts(b, "\\n");
		else
			rv = bs_buf_putc(b, *v);
	}
	return rv;
}

static int
metrics_head(struct bs_buf *b, const char *name, const char *type, const char *help)
{
	return bs_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int
metrics_ingest(const struct bs_server_stats *st, struct bs_buf *b)
{
	int rv = 0;

	rv |= metrics_head(b, "bindscope_reports_total", "counter",
	    "Reports received from agents, by how they were answered.");
	rv |= bs_buf_printf(b,
	    "bindscope_reports_total{result=\"accepted\"} %llu\n"
	    "bindscope_reports_total{result=\"duplicate\"} %llu\n"
	    "bindscope_reports_total{result=\"refused\"} %llu\n"
	    "bindscope_reports_total{result=\"retry\"} %llu\n",
	    (unsigned long long)st->stored, (unsigned long long)st->duplicate,
	    (unsigned long long)st->refused, (unsigned long long)st->retry);
	rv |= metrics_head(b, "bindscope_reports_by_reason_total", "counter",
	    "Reports received, by the ingest outcome's reason code.");
	for (size_t i = 0; i < st->n_codes; i++) {
		rv |= bs_buf_puts(b, "bindscope_reports_by_reason_total{reason=\"");
		rv |= metrics_label(b, st->by_code[i].code);
		rv |= bs_buf_printf(b, "\"} %llu\n", (unsigned long long)st->by_code[i].n);
	}
	rv |= metrics_head(b, "bindscope_ingest_latency_seconds", "histogram",
	    "From a report's arrival to its acknowledgement (after the commit).");
	for (size_t i = 0; i < BS_SERVER_BUCKETS; i++)
		rv |= bs_buf_printf(b, "bindscope_ingest_latency_seconds_bucket{le=\"%g\"} %llu\n",
		    bs_server_latency_bounds[i], (unsigned long long)st->latency_le[i]);
	rv |= bs_buf_printf(b,
	    "bindscope_ingest_latency_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "bindscope_ingest_latency_seconds_sum %.6f\n"
	    "bindscope_ingest_latency_seconds_count %llu\n",
	    (unsigned long long)st->latency_count, st->latency_sum,
	    (unsigned long long)st->latency_count);
	rv |= metrics_head(
	    b, "bindscope_agent_connections", "gauge", "Connections open on the agent port.");
	rv |= bs_buf_printf(
	    b, "bindscope_agent_connections %llu\n", (unsigned long long)st->conns.open);
	rv |= metrics_head(b, "bindscope_agent_connections_dropped_total", "counter",
	    "Agent port: connections refused (total, per_address, accept_failed) or closed "
	    "(handshake_timeout, not_tls, login_timeout, idle_timeout), requests "
	    "(too_many_requests) and replies (reply_not_taken) dropped.");
	for (size_t i = 0; i < BS_PIPES_NREASONS; i++)
		rv |= bs_buf_printf(b,
		    "bindscope_agent_connections_dropped_total{reason=\"%s\"} %llu\n",
		    bs_pipes_reason_names[i], (unsigned long long)st->conns.by_reason[i]);
	return rv;
}

static int
metrics_fleet(const struct bs_analysis *a, int64_t now_ms, struct bs_buf *b)
{
	static const char *const statuses[] = {"critical", "warning", "stale", "clean"};
	static const enum bs_severity sevs[] = {BS_SEV_INFO, BS_SEV_WARNING, BS_SEV_CRITICAL};
	size_t by_status[4] = {0, 0, 0, 0}, muted = 0;
	int rv = 0;

	for (size_t i = 0; i < a->n_servers; i++) {
		const char *st = bs_report_status(a->servers[i]);

		for (size_t k = 0; k < 4; k++)
			by_status[k] += strcmp(st, statuses[k]) == 0;
		muted += a->servers[i]->n_muted;
	}
	rv |= metrics_head(b, "bindscope_servers", "gauge", "Servers by status.");
	for (size_t k = 0; k < 4; k++)
		rv |= bs_buf_printf(
		    b, "bindscope_servers{status=\"%s\"} %zu\n", statuses[k], by_status[k]);
	rv |= metrics_head(b, "bindscope_findings", "gauge",
	    "Open findings (not muted) in the newest reports, by rule and severity.");
	for (size_t r = 0; r < bs_rules_count; r++) {
		for (size_t v = 0; v < 3; v++) {
			size_t n = 0;

			for (size_t i = 0; i < a->n_servers; i++)
				for (size_t f = 0; f < a->servers[i]->n_findings; f++) {
					const struct bs_finding *fd = a->servers[i]->findings[f];

					n += fd->rule == &bs_rules[r] && fd->severity == sevs[v] &&
					    fd->mute == NULL;
				}
			rv |= bs_buf_printf(b,
			    "bindscope_findings{rule=\"%s\",severity=\"%s\"} %zu\n", bs_rules[r].id,
			    bs_severity_name(sevs[v]), n);
		}
	}
	rv |= metrics_head(b, "bindscope_findings_muted", "gauge", "Findings hidden by a mute.");
	rv |= bs_buf_printf(b, "bindscope_findings_muted %zu\n", muted);
	rv |= metrics_head(b, "bindscope_server_last_report_age_seconds", "gauge",
	    "Seconds since each server's newest report arrived.");
	for (size_t i = 0; i < a->n_servers; i++) {
		rv |= bs_buf_puts(b, "bindscope_server_last_report_age_seconds{server=\"");
		rv |= metrics_label(b, a->servers[i]->fqdn);
		rv |= bs_buf_printf(
		    b, "\"} %.3f\n", (double)(now_ms - a->servers[i]->received_at_ms) / 1000.0);
	}
	rv |= metrics_head(b, "bindscope_agent_spooled_reports", "gauge",
	    "Reports waiting in each agent's spool when it made its newest report.");
	for (size_t i = 0; i < a->n_servers; i++) {
		const Bindscope__V1__AgentInfo *ai = a->servers[i]->report->agent;

		rv |= bs_buf_puts(b, "bindscope_agent_spooled_reports{server=\"");
		rv |= metrics_label(b, a->servers[i]->fqdn);
		rv |= bs_buf_printf(b, "\"} %u\n", ai != NULL ? ai->spooled_reports : 0u);
	}
	rv |= metrics_head(b, "bindscope_agent_sweep_cpu_seconds", "gauge",
	    "CPU time of each agent's newest sweep.");
	for (size_t i = 0; i < a->n_servers; i++) {
		const Bindscope__V1__AgentInfo *ai = a->servers[i]->report->agent;

		rv |= bs_buf_puts(b, "bindscope_agent_sweep_cpu_seconds{server=\"");
		rv |= metrics_label(b, a->servers[i]->fqdn);
		rv |= bs_buf_printf(
		    b, "\"} %.3f\n", ai != NULL ? (double)ai->sweep_cpu_us / 1e6 : 0.0);
	}
	rv |= metrics_head(b, "bindscope_agent_peak_memory_bytes", "gauge",
	    "Peak resident memory of each agent process, as of its newest report.");
	for (size_t i = 0; i < a->n_servers; i++) {
		const Bindscope__V1__AgentInfo *ai = a->servers[i]->report->agent;

		rv |= bs_buf_puts(b, "bindscope_agent_peak_memory_bytes{server=\"");
		rv |= metrics_label(b, a->servers[i]->fqdn);
		rv |= bs_buf_printf(b, "\"} %llu\n",
		    ai != NULL ? (unsigned long long)ai->peak_rss_kib * 1024u : 0ull);
	}
	rv |= metrics_head(b, "bindscope_agent_dropped_reports", "gauge",
	    "Reports an agent's full spool dropped before its newest report.");
	for (size_t i = 0; i < a->n_servers; i++) {
		const Bindscope__V1__AgentInfo *ai = a->servers[i]->report->agent;

		rv |= bs_buf_puts(b, "bindscope_agent_dropped_reports{server=\"");
		rv |= metrics_label(b, a->servers[i]->fqdn);
		rv |= bs_buf_printf(b, "\"} %u\n", ai != NULL ? ai->dropped_reports : 0u);
	}
	return rv;
}

int
bs_metrics_render(const struct bs_server_stats *stats, const struct bs_analysis *a,
    const char *db_path, int64_t now_ms, struct bs_buf *out)
{
	char wal[BS_PATH_MAX];
	struct stat sb;
	long long bytes = 0;
	int rv = 0;

	rv |= metrics_head(out, "bindscope_build_info", "gauge", "The collector's version.");
	rv |= bs_buf_printf(out, "bindscope_build_info{version=\"%s\"} 1\n", BS_VERSION);
	if (stats != NULL)
		rv |= metrics_ingest(stats, out);
	if (a != NULL)
		rv |= metrics_fleet(a, now_ms, out);
	if (db_path != NULL) {
		if (stat(db_path, &sb) == 0)
			bytes += (long long)sb.st_size;
		if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", db_path) < sizeof(wal) &&
		    stat(wal, &sb) == 0)
			bytes += (long long)sb.st_size;
		rv |= metrics_head(out, "bindscope_database_bytes", "gauge",
		    "Size of the SQLite database and its write-ahead log.");
		rv |= bs_buf_printf(out, "bindscope_database_bytes %lld\n", bytes);
	}
	return rv != 0 ? BS_ENOMEM : 0;
}
