/* config_edit_test: `config set` changes the one key, in place, and
 * leaves every other line of an admin's file as it was. */
#include "test_util.h"

#include <stdlib.h>

#include "agent_config.h"
#include "config_edit.h"
#include "err.h"
#include "fsutil.h"

static char *
edit(const char *text, const char *section, const char *key, const char *value)
{
	char *out = NULL;
	size_t n = 0;

	assert_int_equal(bs_config_edit(text, strlen(text), section, key, value, &out, &n), 0);
	assert_non_null(out);
	assert_int_equal(strlen(out), n);
	return out;
}

static void
test_cases(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    /* In place, comments and other keys kept. */
	    {"; top\n[agent]\n; where reports go\ncollector = tcp://127.0.0.1:7400\nroot =\n",
	        "; top\n[agent]\n; where reports go\ncollector = tls+tcp://c:7400\nroot =\n"},
	    /* CRLF files stay CRLF; odd spacing and ':' separators are the key too. */
	    {"[agent]\r\n  collector=tcp://x:1  \r\n[tls]\r\n",
	        "[agent]\r\ncollector = tls+tcp://c:7400\r\n[tls]\r\n"},
	    {"[agent]\ncollector : tcp://x:1\n", "[agent]\ncollector = tls+tcp://c:7400\n"},
	    /* A key of the same name in another section is not ours. */
	    {"[probe]\ncollector = no\n[agent]\nroot =\n",
	        "[probe]\ncollector = no\n[agent]\ncollector = tls+tcp://c:7400\nroot =\n"},
	    /* Commented-out keys stay comments; the key goes under the header. */
	    {"[agent]\n;collector = tcp://old:1\n",
	        "[agent]\ncollector = tls+tcp://c:7400\n;collector = tcp://old:1\n"},
	    /* Later repeats (inih reads the last) and continuation lines go. */
	    {"[agent]\ncollector = a\n  more\nroot =\ncollector = b\n[agent]\ncollector = c\n",
	        "[agent]\ncollector = tls+tcp://c:7400\nroot =\n[agent]\n"},
	    /* No such section: appended; no final newline: one is added. */
	    {"[tls]\nca_file =", "[tls]\nca_file =\n\n[agent]\ncollector = tls+tcp://c:7400\n"},
	    {"", "[agent]\ncollector = tls+tcp://c:7400\n"},
	    {"[agent]", "[agent]\ncollector = tls+tcp://c:7400\n"},
	    {"[agent]\ncollector = x", "[agent]\ncollector = tls+tcp://c:7400"},
	    /* A UTF-8 BOM before the first header stays. */
	    {"\xef\xbb\xbf[agent]\ncollector = x\n",
	        "\xef\xbb\xbf[agent]\ncollector = tls+tcp://c:7400\n"},
	    /* Section names are trimmed as inih trims them. */
	    {"[ agent ]\ncollector = x\n", "[ agent ]\ncollector = tls+tcp://c:7400\n"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = edit(cases[i].in, "agent", "collector", "tls+tcp://c:7400");

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got\n%s\nwant\n%s", i, got, cases[i].want);
		free(got);
	}
}

static void
test_values_that_would_not_read_back(void **state)
{
	const char *bad[] = {"a\nroot = /evil", "a\rb", "tcp://x:1 ; comment"};
	char *out = (char *)"unchanged";
	size_t n = 1;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    bs_config_edit("[agent]\n", 8, "agent", "collector", bad[i], &out, &n),
		    BS_EINVAL);
		assert_null(out);
	}
}

/* The Windows example config as the MSI installs it (CRLF), set the way
 * msiexec COLLECTOR= sets it: the agent reads the new collector and every
 * other line is byte for byte the same. */
static void
test_windows_example_reads_back(void **state)
{
	char *text = NULL, *crlf, *got;
	size_t len = 0, o = 0;
	char dir[64], path[128], err[512];
	struct bs_agent_config c;
	FILE *f;

	(void)state;
	assert_int_equal(
	    bs_fs_read(BS_FIXTURES "/../../deploy/windows/agent.conf", 1 << 20, &text, &len), 0);
	crlf = malloc(2 * len + 1);
	assert_non_null(crlf);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			crlf[o++] = '\r';
		crlf[o++] = text[i];
	}
	crlf[o] = '\0';
	got = edit(crlf, "agent", "collector", "tls+tcp://collector.corp.example:7400");
	assert_non_null(strstr(got, "\r\ncollector = tls+tcp://collector.corp.example:7400\r\n"));
	assert_null(strstr(got, "collector = tcp://127.0.0.1:7400"));
	/* Exactly one line differs. */
	assert_int_equal(strlen(got) + strlen("tcp://127.0.0.1:7400"),
	    o + strlen("tls+tcp://collector.corp.example:7400"));
	snprintf(path, sizeof(path), "%s/agent.conf", test_tmpdir(dir, sizeof(dir)));
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(got, f);
	fclose(f);
	bs_agent_config_defaults(&c);
	if (bs_agent_config_load(&c, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(c.collector, "tls+tcp://collector.corp.example:7400");
	free(text);
	free(crlf);
	free(got);
}

static void
test_key_and_value_checked_as_run_reads_them(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(
	    bs_agent_config_check("agent", "collector", "tcp://x:1", why, sizeof(why)), 0);
	assert_int_not_equal(bs_agent_config_check("agent", "colector", "x", why, sizeof(why)), 0);
	assert_non_null(strstr(why, "unknown key"));
	assert_int_not_equal(
	    bs_agent_config_check("agent", "interval", "soon", why, sizeof(why)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_values_that_would_not_read_back),
	    cmocka_unit_test(test_windows_example_reads_back),
	    cmocka_unit_test(test_key_and_value_checked_as_run_reads_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
