/* collector_config_test: the collector's INI file, including the per-rule
 * [severity] keys that come from the rule table, and errors that name the
 * file, line and key. */
#include "test_util.h"

#include "cli/collector_config.h"
#include "err.h"
#include "analysis/rules/rules.h"

static size_t
rule_index(const char *id)
{
	for (size_t k = 0; k < bs_rules_count; k++)
		if (strcmp(bs_rules[k].id, id) == 0)
			return k;
	fail_msg("no rule %s", id);
	return 0;
}

static void
test_rules_and_severity(void **state)
{
	struct bs_collector_config c;
	char path[128], err[512];

	(void)state;
	bs_collector_config_defaults(&c);
	assert_int_equal(c.rules.peer_min_requests, 20);
	assert_int_equal(c.rules.peer_min_fail_pct, 5);
	test_write_file("collector.conf",
	    "[rules]\npeer_min_requests = 50\nexpiring_warning_days = 45\n"
	    "[severity]\nVERSION_DRIFT = off\nCERT_WEAK_KEY = Critical\n"
	    "AGENT_STALE = default\n",
	    path, sizeof(path));
	assert_int_equal(bs_collector_config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.rules.peer_min_requests, 50);
	assert_int_equal(c.rules.peer_min_fail_pct, 5);
	assert_int_equal(c.rules.expiring_warning_days, 45);
	assert_int_equal(c.rules.severity[rule_index("VERSION_DRIFT")], BS_RULE_OFF);
	assert_int_equal(c.rules.severity[rule_index("CERT_WEAK_KEY")], BS_RULE_CRITICAL);
	assert_int_equal(c.rules.severity[rule_index("AGENT_STALE")], BS_RULE_DEFAULT);
	assert_int_equal(c.rules.severity[rule_index("PROBE_FAILED")], BS_RULE_DEFAULT);
}

static void
test_errors_name_line_and_key(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
	    {"[severity]\nVERSION_DRIFTT = off\n", ":2: [severity] VERSION_DRIFTT: unknown key"},
	    {"[severity]\n\nPROBE_FAILED = loud\n",
	        ":3: [severity] PROBE_FAILED: expected one of default, info, warning, "
	        "critical or off"},
	    {"[rules]\npeer_min_fail_pct = 101\n",
	        ":2: [rules] peer_min_fail_pct: expected a whole number from 0 to 100"},
	    {"[rules]\nexpiring_warning_days = 5\n",
	        "[rules] expiring_critical_days (7) is above expiring_warning_days (5)"},
	    {"[collector]\nstale_after = never\n", ":2: [collector] stale_after: expected a"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bs_collector_config c;
		char path[128], err[512];

		bs_collector_config_defaults(&c);
		test_write_file("collector.conf", cases[i].text, path, sizeof(path));
		assert_int_equal(bs_collector_config_load(&c, path, err, sizeof(err)), BS_EINVAL);
		test_error_names(err, path, cases[i].want, i);
	}
}

/* The documented example is a valid configuration of the defaults. */
static void
test_example_is_valid(void **state)
{
	struct bs_collector_config c, d;
	char err[512];

	(void)state;
	bs_collector_config_defaults(&c);
	bs_collector_config_defaults(&d);
	assert_int_equal(bs_collector_config_load(&c,
	                     BS_FIXTURES "/../../deploy/examples/collector.conf", err, sizeof(err)),
	    0);
	assert_memory_equal(&c.rules, &d.rules, sizeof(c.rules));
	assert_int_equal(c.stale_after, d.stale_after);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_rules_and_severity),
    cmocka_unit_test(test_errors_name_line_and_key), cmocka_unit_test(test_example_is_valid))
