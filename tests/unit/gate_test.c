/* gate_test: the readiness gate as a pipeline reads it: every finding at
 * or above the level is one line naming severity, rule, server and title;
 * muted ones are counted, not listed, and do not fail it; --server checks
 * that server alone, in whatever case it is spelled. */
#include "test_util.h"

#include "analysis/model.h"
#include "buf.h"
#include "output/gate.h"

static struct bs_server *
server(struct bs_analysis *a, const char *fqdn)
{
	bs_report *r = BS_NEW(&a->arena, report);

	r->host = BS_NEW(&a->arena, host);
	r->host->fqdn = (char *)fqdn;
	assert_int_equal(bs_analysis_add(a, "agent, signed", a->opt.now_ms, r), 0);
	return a->servers[a->n_servers - 1];
}

static void
finding(struct bs_analysis *a, struct bs_server *s, const char *rule, enum bs_severity sev,
    const char *title, const struct bs_mute *mute)
{
	struct bs_finding *f = bs_arena_alloc(&a->arena, sizeof(*f));

	assert_non_null(f);
	f->rule = bs_rule_find(rule);
	assert_non_null(f->rule);
	f->severity = sev;
	f->key = "";
	f->title = title;
	f->remediation = "";
	f->mute = mute;
	assert_int_equal(bs_arena_push(&a->arena, (void ***)&s->findings, &s->n_findings, f), 0);
}

static const char *
gate(struct bs_analysis *a, enum bs_severity level, const char *only, struct bs_gate *g,
    struct bs_buf *b)
{
	bs_buf_reset(b);
	assert_int_equal(bs_gate_render(a, level, only, b, g), 0);
	return b->data;
}

static void
test_gate(void **state)
{
	static const struct bs_mute mute = {
	    1, "mbx02.corp.example", "CERT_EXPIRING", "CHG-7", "alice", 0, 0};
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;
	struct bs_server *s1, *s2;
	struct bs_gate g;
	struct bs_buf b;
	const char *out;

	(void)state;
	bs_analysis_options_defaults(&o);
	o.now_ms = 1800000000000LL;
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	s1 = server(a, "mbx01.corp.example");
	s2 = server(a, "mbx02.corp.example");
	finding(a, s1, "BACKEND_CERT_NOT_SELF_SIGNED", BS_SEV_INFO, "444 is third-party", NULL);
	finding(
	    a, s2, "BACKEND_CERT_NAME_MISMATCH", BS_SEV_CRITICAL, "444 does not cover it", NULL);
	finding(a, s2, "CERT_EXPIRING", BS_SEV_WARNING, "expires in 20 days", &mute);
	finding(a, s2, "VERSION_DRIFT", BS_SEV_WARNING, "15.2.1258.12 differs", NULL);
	assert_int_equal(bs_analysis_index(a), 0);
	bs_buf_init(&b, 0);

	out = gate(a, BS_SEV_WARNING, NULL, &g, &b);
	assert_int_equal(g.checked, 2);
	assert_int_equal(g.hits, 2);
	assert_int_equal(g.muted, 1);
	assert_string_equal(out,
	    "critical BACKEND_CERT_NAME_MISMATCH   mbx02.corp.example: 444 does not cover it\n"
	    "warning  VERSION_DRIFT                mbx02.corp.example: 15.2.1258.12 differs\n"
	    "FAIL: 2 server(s) checked, 2 finding(s) at or above warning"
	    " (1 more muted: bindscope-collector mutes)\n");

	out = gate(a, BS_SEV_CRITICAL, NULL, &g, &b);
	assert_int_equal(g.hits, 1);
	assert_non_null(
	    strstr(out, "FAIL: 2 server(s) checked, 1 finding(s) at or above critical\n"));

	/* One server, spelled as DNS allows. */
	out = gate(a, BS_SEV_WARNING, "MBX01.Corp.Example", &g, &b);
	assert_int_equal(g.checked, 1);
	assert_int_equal(g.hits, 0);
	assert_string_equal(out, "PASS: 1 server(s) checked, 0 finding(s) at or above warning\n");
	out = gate(a, BS_SEV_WARNING, "MBX02.corp.example", &g, &b);
	assert_int_equal(g.checked, 1);
	assert_int_equal(g.hits, 2);

	bs_buf_fini(&b);
	bs_analysis_destroy(a);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_gate))
