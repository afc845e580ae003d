/* metrics_test: the Prometheus exposition: counters and the histogram
 * from the ingest stats, fleet gauges from an analysis, and label values
 * escaped whatever a report put in them. */
#include "test_util.h"

#include "analysis/analyze.h"
#include "buf.h"
#include "output/metrics.h"
#include "wire.h"

#define NOW_MS (1800000000LL * 1000)

static bs_report *
report(struct bs_arena *a, const char *fqdn)
{
	bs_report *r = BS_NEW(a, report);

	r->host = BS_NEW(a, host);
	r->host->fqdn = (char *)fqdn;
	r->agent = BS_NEW(a, agent_info);
	r->agent->spooled_reports = 3;
	r->agent->peak_rss_kib = 2048;
	r->agent->sweep_cpu_us = 250000;
	return r;
}

static void
test_exposition(void **state)
{
	struct bs_server_stats st;
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;
	struct bs_buf b;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.stored = 7;
	st.refused = 2;
	st.by_code[0].code = "stored";
	st.by_code[0].n = 7;
	st.by_code[1].code = "bad_signature";
	st.by_code[1].n = 2;
	st.n_codes = 2;
	st.latency_count = 9;
	st.latency_sum = 0.09;
	for (size_t i = 0; i < BS_SERVER_BUCKETS; i++)
		st.latency_le[i] = i < 2 ? 4 : 9;
	st.conns.open = 12;
	st.conns.by_reason[BS_PIPES_OVER_ADDRESS] = 5;
	bs_analysis_options_defaults(&o);
	o.now_ms = NOW_MS;
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	assert_int_equal(bs_analysis_add(a, "agent, signed", NOW_MS - 5000,
	                     report(&a->arena, "mbx01.corp.example")),
	    0);
	/* Not a name ingest would accept; the exposition must still hold. */
	assert_int_equal(
	    bs_analysis_add(a, "agent, signed", NOW_MS - 1000, report(&a->arena, "x\"y\\z\nw")), 0);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	bs_buf_init(&b, 0);
	assert_int_equal(bs_metrics_render(&st, a, NULL, NOW_MS, &b), 0);
	assert_int_equal(bs_buf_putc(&b, '\0'), 0);
	assert_non_null(strstr(b.data, "# TYPE bindscope_reports_total counter\n"));
	assert_non_null(strstr(b.data, "bindscope_reports_total{result=\"accepted\"} 7\n"));
	assert_non_null(
	    strstr(b.data, "bindscope_reports_by_reason_total{reason=\"bad_signature\"} 2\n"));
	assert_non_null(
	    strstr(b.data, "bindscope_ingest_latency_seconds_bucket{le=\"0.005\"} 4\n"));
	assert_non_null(strstr(b.data, "bindscope_ingest_latency_seconds_bucket{le=\"+Inf\"} 9\n"));
	assert_non_null(strstr(b.data, "bindscope_ingest_latency_seconds_count 9\n"));
	assert_non_null(strstr(b.data, "bindscope_servers{status=\"clean\"} 2\n"));
	assert_non_null(strstr(b.data, "bindscope_agent_connections 12\n"));
	assert_non_null(strstr(
	    b.data, "bindscope_agent_connections_dropped_total{reason=\"per_address\"} 5\n"));
	assert_non_null(strstr(
	    b.data, "bindscope_agent_connections_dropped_total{reason=\"login_timeout\"} 0\n"));
	assert_non_null(strstr(b.data,
	    "bindscope_server_last_report_age_seconds{server=\"mbx01.corp.example\"} 5.000\n"));
	assert_non_null(
	    strstr(b.data, "bindscope_agent_spooled_reports{server=\"x\\\"y\\\\z\\nw\"} 3\n"));
	assert_non_null(strstr(
	    b.data, "bindscope_agent_peak_memory_bytes{server=\"mbx01.corp.example\"} 2097152\n"));
	assert_non_null(strstr(
	    b.data, "bindscope_agent_sweep_cpu_seconds{server=\"mbx01.corp.example\"} 0.250\n"));
	/* Every line is a comment or ends in a number: no raw newline leaked. */
	for (char *line = b.data; *line != '\0';) {
		char *nl = strchr(line, '\n');

		assert_non_null(nl);
		if (line[0] != '#')
			assert_true(nl[-1] >= '0' && nl[-1] <= '9');
		line = nl + 1;
	}
	bs_buf_fini(&b);
	bs_analysis_destroy(a);
}

static void
test_without_ingest_or_analysis(void **state)
{
	struct bs_buf b;

	(void)state;
	bs_buf_init(&b, 0);
	assert_int_equal(bs_metrics_render(NULL, NULL, NULL, NOW_MS, &b), 0);
	assert_int_equal(bs_buf_putc(&b, '\0'), 0);
	assert_non_null(strstr(b.data, "bindscope_build_info{version="));
	assert_null(strstr(b.data, "bindscope_reports_total"));
	assert_null(strstr(b.data, "bindscope_servers"));
	bs_buf_fini(&b);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_exposition),
    cmocka_unit_test(test_without_ingest_or_analysis))
