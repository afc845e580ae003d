/* config_test: INI loading names the file, line and key of every mistake. */
#include "test_util.h"

#include "agent_config.h"
#include "config.h"
#include "err.h"

static void
test_good_and_defaults(void **state)
{
	struct bs_agent_config c;
	char path[128], err[512];

	(void)state;
	bs_agent_config_defaults(&c);
	test_write_file(
	    "agent.conf", "[agent]\nroot = /srv/ev/mbx01\ninterval = 2m\n", path, sizeof(path));
	assert_int_equal(bs_agent_config_load(&c, path, err, sizeof(err)), 0);
	assert_string_equal(c.root, "/srv/ev/mbx01");
	assert_int_equal(c.interval, 120);
	assert_int_equal(c.send_timeout, 30);
	assert_string_equal(c.collector, "tcp://127.0.0.1:7400");
}

static void
test_errors_name_line_and_key(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
	    {"[agent]\nroot = /x\nintervall = 5m\n", ":3: [agent] intervall: unknown key"},
	    {"[agent]\ninterval = soon\n", ":2: [agent] interval: expected a duration"},
	    {"[agent]\ninterval = 0\n", ":2: [agent] interval: expected a duration"},
	    {"[agnet]\nroot = /x\n", ":2: [agnet] root: unknown key"},
	    {"[agent]\nthis line has no equals sign\n", ":2: syntax error"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bs_agent_config c;
		char path[128], err[512];

		bs_agent_config_defaults(&c);
		test_write_file("agent.conf", cases[i].text, path, sizeof(path));
		assert_int_equal(bs_agent_config_load(&c, path, err, sizeof(err)), BS_EINVAL);
		test_error_names(err, path, cases[i].want, i);
	}
}

static void
test_duration_and_uint(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(bs_parse_duration("90", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(bs_parse_duration("1d", &v), 0);
	assert_int_equal(v, 86400);
	assert_int_not_equal(bs_parse_duration("5 m", &v), 0);
	assert_int_not_equal(bs_parse_duration("", &v), 0);
	assert_int_not_equal(bs_parse_uint("65536", 65535, &v), 0);
	assert_int_not_equal(bs_parse_uint("-1", 65535, &v), 0);
	assert_int_equal(bs_parse_uint("65535", 65535, &v), 0);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_good_and_defaults),
    cmocka_unit_test(test_errors_name_line_and_key), cmocka_unit_test(test_duration_and_uint))
