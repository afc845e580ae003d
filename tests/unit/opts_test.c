/* opts_test: a command's option table as a user meets it: values, flags
 * and repeated options land where the table says, operands anywhere on
 * the line, --help prints the table, and each mistake (unknown option,
 * missing value, missing required option, an operand the command does not
 * take) is exit status 2 with the option named. */
#include "test_util.h"

#include <unistd.h>

#include "opts.h"

struct args {
	const char *db, *out;
	int all;
	struct bs_opt_list names;
};

static const struct bs_opt opts[] = {
    {"db", "FILE", BS_OPT_VALUE, offsetof(struct args, db), 1, "the database"},
    {"out", "FILE", BS_OPT_VALUE, offsetof(struct args, out), 0, "where to write"},
    {"all", NULL, BS_OPT_FLAG, offsetof(struct args, all), 0, "every one\nof them"},
    {"name", "NAME", BS_OPT_LIST, offsetof(struct args, names), 0, "a name"},
};

static const struct bs_cmd cmd = {"prog", "demo", opts, 4, "REPORT...", "About it.\n"};
static const struct bs_cmd no_operands = {"prog", "demo", opts, 4, NULL, NULL};

/* Runs bs_opts_parse over words (NULL-terminated), with stdout and stderr
 * captured into out and err. */
static int
parse(const struct bs_cmd *c, const char *const *words, struct args *a, int *first, char *out,
    char *err, size_t n)
{
	static char *argv[64];
	int argc = 0, rv, o = dup(1), e = dup(2);
	FILE *fo = tmpfile(), *fe = tmpfile();
	size_t k;

	assert_non_null(fo);
	assert_non_null(fe);
	for (; words[argc] != NULL; argc++)
		argv[argc] = (char *)words[argc];
	memset(a, 0, sizeof(*a));
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	rv = bs_opts_parse(c, argc, argv, a, first);
	fflush(stdout);
	fflush(stderr);
	dup2(o, 1);
	dup2(e, 2);
	close(o);
	close(e);
	rewind(fo);
	rewind(fe);
	k = fread(out, 1, n - 1, fo);
	out[k] = '\0';
	k = fread(err, 1, n - 1, fe);
	err[k] = '\0';
	fclose(fo);
	fclose(fe);
	return rv;
}

static void
test_values_flags_lists_operands(void **state)
{
	const char *w[] = {"demo", "a.pb", "--db", "bs.db", "--name", "x", "--all", "b.pb",
	    "--name=y", "--out", "r.json", NULL};
	char out[4096], err[4096];
	struct args a;
	int first = -1;

	(void)state;
	assert_int_equal(parse(&cmd, w, &a, &first, out, err, sizeof(out)), 0);
	assert_string_equal(a.db, "bs.db");
	assert_string_equal(a.out, "r.json");
	assert_int_equal(a.all, 1);
	assert_int_equal(a.names.n, 2);
	assert_string_equal(a.names.v[0], "x");
	assert_string_equal(a.names.v[1], "y");
	/* The operands, wherever they stood, after the options. */
	assert_int_equal(first, 9);
	assert_string_equal(err, "");
	assert_string_equal(out, "");
}

static void
test_help_prints_the_table(void **state)
{
	const char *w[] = {"demo", "--help", NULL}, *h[] = {"demo", "-h", NULL};
	char out[4096], err[4096];
	struct args a;
	int first;

	(void)state;
	assert_int_equal(parse(&cmd, w, &a, &first, out, err, sizeof(out)), BS_OPTS_HELP);
	assert_non_null(strstr(
	    out, "usage: prog demo --db FILE [--out FILE] [--all] [--name NAME]... REPORT...\n"));
	assert_non_null(strstr(out, "  --db FILE    the database\n"));
	assert_non_null(strstr(out, "  --all        every one\n               of them\n"));
	assert_non_null(strstr(out, "  --help       this text\n"));
	assert_non_null(strstr(out, "\nAbout it.\n"));
	assert_string_equal(err, "");
	assert_int_equal(parse(&cmd, h, &a, &first, out, err, sizeof(out)), BS_OPTS_HELP);
}

static void
test_mistakes_named(void **state)
{
	static const struct {
		const char *words[6];
		const struct bs_cmd *c;
		const char *want;
	} cases[] = {
	    {{"demo", "--db", "x", "--bogus", NULL}, &cmd, "prog demo: unknown option '--bogus'"},
	    {{"demo", "--db", "x", "-q", NULL}, &cmd, "prog demo: unknown option '-q'"},
	    {{"demo", "--db", NULL}, &cmd, "prog demo: option '--db' needs a value"},
	    {{"demo", "--out", "r.json", NULL}, &cmd, "prog demo: --db FILE is required"},
	    {{"demo", "--db", "x", "stray", NULL}, &no_operands,
	        "prog demo: unexpected argument 'stray'"},
	    {{"demo", "--db", "x", "--all=1", NULL}, &cmd,
	        "prog demo: option '--all' takes no value"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[4096], err[4096];
		struct args a;
		int first;

		assert_int_equal(
		    parse(cases[i].c, cases[i].words, &a, &first, out, err, sizeof(out)), 2);
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].want);
		assert_non_null(strstr(err, "usage: prog demo")); /* and how to do it */
	}
}

static void
test_repeated_option_bounded(void **state)
{
	const char *w[2 * BS_OPT_LIST_MAX + 6];
	char out[4096], err[4096];
	struct args a;
	int first, n = 0;

	(void)state;
	w[n++] = "demo";
	w[n++] = "--db";
	w[n++] = "x";
	for (int i = 0; i <= BS_OPT_LIST_MAX; i++) {
		w[n++] = "--name";
		w[n++] = "n";
	}
	w[n] = NULL;
	assert_int_equal(parse(&cmd, w, &a, &first, out, err, sizeof(out)), 2);
	assert_non_null(strstr(err, "too many --name options"));
}

static int main_seen_argc;
static const char *main_seen_argv0;

static int
main_cmd(int argc, char **argv)
{
	main_seen_argc = argc;
	main_seen_argv0 = argv[0];
	return 7;
}

/* The programs' main(): a command runs with argv from its own name on and
 * its status is the program's; anything unknown is a usage error. */
static void
test_main_dispatches(void **state)
{
	static const struct bs_cmd_entry cmds[] = {{"collect", main_cmd, "one sweep"}};
	char *run[] = {"prog", "collect", "--json", NULL};
	char *unknown[] = {"prog", "colect", NULL};
	char *version[] = {"prog", "--version", NULL};
	char *none[] = {"prog", NULL};

	(void)state;
	assert_int_equal(bs_opts_main("prog", "About.", cmds, 1, 3, run), 7);
	assert_int_equal(main_seen_argc, 2);
	assert_string_equal(main_seen_argv0, "collect");
	assert_int_equal(bs_opts_main("prog", "About.", cmds, 1, 2, unknown), 2);
	assert_int_equal(bs_opts_main("prog", "About.", cmds, 1, 2, version), 0);
	assert_int_equal(bs_opts_main("prog", "About.", cmds, 1, 1, none), 2);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_values_flags_lists_operands),
    cmocka_unit_test(test_help_prints_the_table), cmocka_unit_test(test_mistakes_named),
    cmocka_unit_test(test_repeated_option_bounded), cmocka_unit_test(test_main_dispatches))
