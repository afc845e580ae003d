/* report_text_test: the CSV and HTML outputs with agent strings in them
 * (escape_test has the escaping itself); what the HTML file and the
 * server JSON say of the agent's log samples. */
#include "test_util.h"

#include "output/report_json.h"
#include "output/report_svg.h"
#include "output/report_text.h"
#include "wire.h"

/* One server with one finding whose fix is fix. Caller destroys. */
static struct bs_analysis *
one_finding(const char *fix)
{
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;
	struct bs_server *srv;
	struct bs_finding *f;
	bs_report *r;

	bs_analysis_options_defaults(&o);
	o.now_ms = 1800000000LL * 1000;
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	r = BS_NEW(&a->arena, report);
	r->host = BS_NEW(&a->arena, host);
	r->host->fqdn = "mbx03.corp.example";
	r->host->exchange_build = "15.2.1544.4";
	assert_int_equal(bs_analysis_add(a, "agent", o.now_ms, r), 0);
	srv = a->servers[0];
	f = bs_arena_alloc(&a->arena, sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->rule = bs_rule_find("BACKEND_CERT_NAME_MISMATCH");
	f->severity = BS_SEV_WARNING;
	f->key = "";
	f->title = "Certificate on 0.0.0.0:444 does not cover mbx03.corp.example";
	f->remediation = "Bind the self-signed certificate.";
	f->fix = fix;
	f->evidence = json_object();
	assert_int_equal(
	    bs_arena_push(&a->arena, (void ***)&srv->findings, &srv->n_findings, f), 0);
	return a;
}

static const char fix_text[] =
    "# On mbx03.corp.example: bind <b>\n"
    "$thumb = '<thumbprint>'\n"
    "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb appid='{x}' & \"q\"\n";

static void
test_csv_has_the_fix_column(void **state)
{
	struct bs_analysis *a = one_finding(fix_text);
	struct bs_buf b;
	char *nl;

	(void)state;
	bs_buf_init(&b, 0);
	assert_int_equal(bs_report_csv(a, &b), 0);
	nl = strstr(b.data, "\r\n");
	assert_non_null(nl);
	assert_memory_equal(b.data,
	    "server,exchange_build,status,rule,severity,title,evidence,"
	    "remediation,first_seen,last_seen,muted,fix\r\n",
	    (size_t)(nl - b.data) + 2);
	/* The last cell, quoted, its quotes doubled, its lines kept. */
	assert_non_null(strstr(b.data,
	    ",\"\"," /* muted: empty */
	    "\"# On mbx03.corp.example: bind <b>\n$thumb = '<thumbprint>'\n"
	    "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb "
	    "appid='{x}' & \"\"q\"\"\n\"\r\n"));
	bs_buf_fini(&b);
	bs_analysis_destroy(a);

	/* A block that would start with a formula character is neutralised
	 * like every other cell. */
	a = one_finding("=HYPERLINK(\"http://x\")");
	bs_buf_init(&b, 0);
	assert_int_equal(bs_report_csv(a, &b), 0);
	assert_non_null(strstr(b.data, ",\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"));
	bs_buf_fini(&b);
	bs_analysis_destroy(a);
}

static void
test_html_shows_the_fix_and_what_is_missing(void **state)
{
	struct bs_analysis *a = one_finding(fix_text);
	struct bs_buf b;

	(void)state;
	bs_buf_init(&b, 0);
	assert_int_equal(bs_report_html(a, NULL, &b), 0);
	assert_non_null(strstr(b.data,
	    "<pre class=\"fix\"># On mbx03.corp.example: bind &lt;b&gt;\n"
	    "$thumb = &#39;&lt;thumbprint&gt;&#39;\n"
	    "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb appid=&#39;{x}&#39; "
	    "&amp; &quot;q&quot;\n</pre>"));
	assert_non_null(strstr(b.data,
	    "<p>Values not in the evidence: <code>&lt;b&gt;</code>, <code>&lt;thumbprint&gt;</code>; "
	    "replace them before running the block.</p>"));
	assert_null(strstr(b.data, "<b>"));
	bs_buf_fini(&b);
	bs_analysis_destroy(a);

	/* All values known: the block, and no such sentence; no block: neither. */
	a = one_finding("iisreset /noforce\n");
	bs_buf_init(&b, 0);
	assert_int_equal(bs_report_html(a, NULL, &b), 0);
	assert_non_null(strstr(b.data, "<pre class=\"fix\">iisreset /noforce\n</pre>"));
	assert_null(strstr(b.data, "Values not in the evidence"));
	bs_buf_fini(&b);
	bs_analysis_destroy(a);
	a = one_finding("");
	bs_buf_init(&b, 0);
	assert_int_equal(bs_report_html(a, NULL, &b), 0);
	assert_null(strstr(b.data, "<pre class=\"fix\">"));
	bs_buf_fini(&b);
	bs_analysis_destroy(a);
}

static void
test_buf_bound(void **state)
{
	struct bs_buf b;

	(void)state;
	bs_buf_init(&b, 8);
	assert_int_equal(bs_buf_puts(&b, "12345678"), 0);
	assert_int_not_equal(bs_buf_putc(&b, '9'), 0);
	assert_string_equal(b.data, "12345678");
	bs_buf_fini(&b);
}

/* A finding made without a fix (fix NULL) is still in the report, with an
 * empty block. */
static void
test_json_keeps_finding_without_fix(void **state)
{
	struct bs_analysis *a = one_finding(NULL);
	json_t *doc = bs_report_json(a), *f;

	(void)state;
	assert_non_null(doc);
	f = json_array_get(
	    json_object_get(json_array_get(json_object_get(doc, "servers"), 0), "findings"), 0);
	assert_non_null(f);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(f, "fix"), "powershell")), "");
	assert_int_equal(
	    json_array_size(json_object_get(json_object_get(f, "fix"), "placeholders")), 0);
	json_decref(doc);
	bs_analysis_destroy(a);
}

/* The HTML file's pictures escape what agents sent (a certificate's
 * name, a server, a group's label) in titles, text and attributes. */
static void
test_svg_escapes(void **state)
{
	const char *hostile = "<script>alert(1)</script>\"'&";
	json_t *ex =
	    json_pack("{s:i, s:i, s:[{s:s, s:s, s:s, s:i, s:i, s:[{s:i, s:i, s:[{s:s, s:s, "
	              "s:s, s:i, s:[s]}], s:i}]}]}",
	        "from_day", -60, "to_day", 400, "series", "name", hostile, "label", hostile, "role",
	        "auth", "later", 0, "none", 0, "buckets", "day", -3, "servers", 1, "certs",
	        "thumbprint", "AB", "name", hostile, "role", "auth", "count", 1, "servers", hostile,
	        "more_certs", 0);
	json_t *cons = json_pack("[{s:s, s:s, s:i, s:[{s:s, s:s, s:i, s:b, s:[]}], s:i}]", "name",
	    hostile, "label", hostile, "servers", 1, "groups", "value", hostile, "label", hostile,
	    "count", 1, "odd", 0, "servers", "more_groups", 0);
	struct bs_buf b;

	(void)state;
	assert_non_null(ex);
	assert_non_null(cons);
	bs_buf_init(&b, 0);
	assert_int_equal(bs_svg_expiry(&b, ex, 1800000000LL * 1000), 0);
	assert_int_equal(bs_svg_consistency(&b, cons), 0);
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "\"'&"));
	assert_non_null(strstr(b.data, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
	/* An expired certificate whose role is auth: marked both ways. */
	assert_non_null(strstr(b.data, "class=\"mark expired auth\""));
	assert_non_null(strstr(b.data, "expired 3 days ago"));
	bs_buf_fini(&b);
	json_decref(ex);
	json_decref(cons);
}

/* One server whose report has an HttpProxy sample named name with
 * truncated files truncated and an IIS sample with none. Caller destroys. */
static struct bs_analysis *
two_samples(const char *name, uint32_t truncated)
{
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;
	Bindscope__V1__LogSample *l;
	bs_report *r;

	bs_analysis_options_defaults(&o);
	o.now_ms = 1800000000LL * 1000;
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	r = BS_NEW(&a->arena, report);
	r->host = BS_NEW(&a->arena, host);
	r->host->fqdn = "mbx03.corp.example";
	r->host->exchange_build = "15.2.1544.4";
	l = BS_NEW(&a->arena, log_sample);
	l->kind = BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY;
	l->name = (char *)name;
	l->files_read = 3;
	l->files_truncated = truncated;
	assert_int_equal(
	    bs_arena_push(&a->arena, (void ***)&r->log_samples, &r->n_log_samples, l), 0);
	l = BS_NEW(&a->arena, log_sample);
	l->kind = BINDSCOPE__V1__LOG_KIND__LOG_W3C;
	l->name = "W3SVC1";
	l->files_read = 1;
	assert_int_equal(
	    bs_arena_push(&a->arena, (void ***)&r->log_samples, &r->n_log_samples, l), 0);
	assert_int_equal(bs_analysis_add(a, "agent", o.now_ms, r), 0);
	return a;
}

/* files_truncated: the server detail JSON carries it on its sample only;
 * the HTML file says it per sample with the agent's name escaped, once
 * in the singular, and not at all when no sample has any. */
static void
test_truncated_logs_in_json_and_html(void **state)
{
	struct bs_analysis *a = two_samples("<b>Owa</b>", 2);
	json_t *srv, *samples;
	struct bs_buf b;

	(void)state;
	srv = bs_report_json_server(a->servers[0], 1);
	samples = json_object_get(json_object_get(srv, "report"), "log_samples");
	assert_int_equal(json_array_size(samples), 2);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(samples, 0), "files_truncated")), 2);
	assert_null(json_object_get(json_array_get(samples, 1), "files_truncated"));
	json_decref(srv);

	bs_buf_init(&b, 0);
	assert_int_equal(bs_report_html(a, NULL, &b), 0);
	assert_non_null(strstr(b.data, "<caption>Log files truncated in place</caption>"));
	assert_non_null(strstr(b.data,
	    "<tr><td>mbx03.corp.example</td><td>HttpProxy &lt;b&gt;Owa&lt;/b&gt;</td>"
	    "<td>2 log files were truncated in place and re-read</td></tr>"));
	assert_null(strstr(b.data, "W3SVC1"));
	assert_null(strstr(b.data, "<b>"));
	bs_buf_fini(&b);
	bs_analysis_destroy(a);

	a = two_samples("Owa", 1);
	bs_buf_init(&b, 0);
	assert_int_equal(bs_report_html(a, NULL, &b), 0);
	assert_non_null(strstr(b.data,
	    "<td>HttpProxy Owa</td><td>1 log file was truncated in place and re-read</td>"));
	bs_buf_fini(&b);
	bs_analysis_destroy(a);

	a = two_samples("Owa", 0);
	bs_buf_init(&b, 0);
	assert_int_equal(bs_report_html(a, NULL, &b), 0);
	assert_null(strstr(b.data, "truncated"));
	bs_buf_fini(&b);
	bs_analysis_destroy(a);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_svg_escapes), cmocka_unit_test(test_buf_bound),
    cmocka_unit_test(test_csv_has_the_fix_column),
    cmocka_unit_test(test_html_shows_the_fix_and_what_is_missing),
    cmocka_unit_test(test_json_keeps_finding_without_fix),
    cmocka_unit_test(test_truncated_logs_in_json_and_html))
