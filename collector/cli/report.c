/* report: `report` writes the audit in one of the output formats
 * (output/format.h's table); `check` is the readiness gate. Both analyse
 * the database as it stands, read-only, with the rules as configured. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli/cli.h"
#include "cli/collector_config.h"
#include "config.h"
#include "err.h"
#include "fsutil.h"
#include "output/format.h"
#include "output/gate.h"
#include "output/load.h"
#include "store/store.h"

/* What report and check share. */
struct report_args {
	const char *db, *format, *out, *stale_after, *config; /* report */
	const char *fail_on, *server; /* check */
};

/* One table for both: report takes the first five, check the last five
 * (the three in the middle are shared). */
static const struct bs_opt report_opts[] = {
    {"format", "FORMAT", BS_OPT_VALUE, offsetof(struct report_args, format), 1,
        "one of the formats below"},
    {"out", "FILE", BS_OPT_VALUE, offsetof(struct report_args, out), 0,
        "write there instead of standard output"},
    {"db", "FILE", BS_OPT_VALUE, offsetof(struct report_args, db), 1, "the collector's database"},
    {"stale-after", "DURATION", BS_OPT_VALUE, offsetof(struct report_args, stale_after), 0,
        "flag servers silent longer than this (default: off,\n"
        "or [collector] stale_after with --config)"},
    {"config", "FILE", BS_OPT_VALUE, offsetof(struct report_args, config), 0,
        "take [rules] thresholds and [severity] from the\ncollector's configuration"},
    {"fail-on", "warning|critical", BS_OPT_VALUE, offsetof(struct report_args, fail_on), 1,
        "the severity that fails the gate"},
    {"server", "FQDN", BS_OPT_VALUE, offsetof(struct report_args, server), 0,
        "check this server only"},
};

/* report's --help ends with the formats, from their table. */
static void
report_formats(FILE *f)
{
	fputs("\nformats:\n", f);
	for (size_t i = 0; i < bs_formats_count; i++)
		fprintf(f, "  %-6s %s\n", bs_formats[i].name, bs_formats[i].help);
}

static const struct bs_cmd report_cmd = {
    BS_CLI_PROG, "report", report_opts, 5, NULL, NULL, report_formats};

static const struct bs_cmd check_cmd = {BS_CLI_PROG, "check", report_opts + 2, 5, NULL,
    "Exit status: 0 no finding at or above the level; 1 findings at or\n"
    "above it (listed); 2 error (bad arguments, unreadable database,\n"
    "unknown server).\n",
    NULL};

_Static_assert(sizeof(report_opts) / sizeof(report_opts[0]) == 7, "report 0-4, check 2-6");

/* The analysis options from --config (rules, severities, stale_after)
 * with --stale-after over them; 0 or the exit status 2. */
static int
report_options(const struct report_args *a, struct bs_analysis_options *ao)
{
	struct bs_collector_config cfg;
	char err[512];

	bs_analysis_options_defaults(ao);
	if (a->config != NULL) {
		bs_collector_config_defaults(&cfg);
		if (bs_collector_config_load(&cfg, a->config, err, sizeof(err)) != 0) {
			fprintf(stderr, BS_CLI_PROG ": %s\n", err);
			return 2;
		}
		ao->rules = cfg.rules;
		ao->stale_after = cfg.stale_after;
	}
	if (a->stale_after != NULL) {
		unsigned long long s;

		if (bs_parse_duration(a->stale_after, &s) != 0 || s > 0xffffffffULL) {
			fprintf(stderr,
			    BS_CLI_PROG ": --stale-after: expected a duration such as 15m or 1h\n");
			return 2;
		}
		ao->stale_after = (unsigned)s;
	}
	return 0;
}

/* Opens the database read-only (*st, the caller closes it) and analyses
 * it; 0 or the exit status 2. */
static int
report_load(const struct report_args *a, struct bs_analysis **out, struct bs_store **stp)
{
	struct bs_analysis_options ao;
	struct bs_store *st = NULL;
	int rv;

	*stp = NULL;
	if (report_options(a, &ao) != 0)
		return 2;
	if (access(a->db, R_OK) != 0) {
		fprintf(stderr, BS_CLI_PROG ": database %s: cannot read\n", a->db);
		return 2;
	}
	if ((rv = bs_store_open(a->db, 1, &st)) != 0) {
		fprintf(stderr, BS_CLI_PROG ": database %s: %s\n", a->db, bs_strerror(rv));
		return 2;
	}
	rv = bs_output_load(st, &ao, out);
	if (rv != 0) {
		bs_store_close(st);
		fprintf(stderr, BS_CLI_PROG ": analysis failed: %s\n", bs_strerror(rv));
		return 2;
	}
	*stp = st;
	return 0;
}

int
bs_cli_report(int argc, char **argv)
{
	struct report_args a = {0};
	const struct bs_format *fmt;
	struct bs_analysis *an = NULL;
	struct bs_store *st = NULL;
	struct bs_buf b;
	int first, rv, status = 0;

	if ((rv = bs_cli_parsed(bs_opts_parse(&report_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	if ((fmt = bs_format_find(a.format)) == NULL) {
		fprintf(stderr, BS_CLI_PROG " report: unknown format '%s'\n\n", a.format);
		bs_opts_usage(&report_cmd, stderr);
		return 2;
	}
	if (report_load(&a, &an, &st) != 0)
		return 2;
	bs_buf_init(&b, 0);
	if ((rv = fmt->render(an, st, 0, &b)) != 0) {
		fprintf(stderr, BS_CLI_PROG ": cannot render the report: %s\n", bs_strerror(rv));
		status = 2;
	} else if (a.out != NULL) {
		if (bs_fs_write_atomic(a.out, b.data, b.len) != 0) {
			fprintf(stderr, BS_CLI_PROG ": cannot write %s\n", a.out);
			status = 2;
		}
	} else if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
		status = 2;
	}
	bs_buf_fini(&b);
	bs_analysis_destroy(an);
	bs_store_close(st);
	return status;
}

int
bs_cli_check(int argc, char **argv)
{
	struct report_args a = {0};
	enum bs_severity fail_on;
	struct bs_analysis *an = NULL;
	struct bs_store *st = NULL;
	struct bs_gate g;
	struct bs_buf b;
	int first, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(&check_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	if (bs_severity_parse(a.fail_on, &fail_on) != 0 || fail_on == BS_SEV_INFO) {
		fprintf(stderr, BS_CLI_PROG " check: --fail-on: expected warning or critical\n\n");
		bs_opts_usage(&check_cmd, stderr);
		return 2;
	}
	if (report_load(&a, &an, &st) != 0)
		return 2;
	bs_store_close(st); /* the gate needs nothing more from it */
	if (a.server != NULL && bs_analysis_find(an, a.server) == NULL) {
		fprintf(stderr, BS_CLI_PROG " check: no report from server '%s'\n", a.server);
		bs_analysis_destroy(an);
		return 2;
	}
	bs_buf_init(&b, 0);
	/* The verdict is the exit status; the lines are for people. */
	if ((rv = bs_gate_render(an, fail_on, a.server, &b, &g)) == 0)
		fwrite(b.data, 1, b.len, stdout);
	bs_buf_fini(&b);
	bs_analysis_destroy(an);
	if (rv != 0) {
		fprintf(stderr, BS_CLI_PROG " check: %s\n", bs_strerror(rv));
		return 2;
	}
	return g.hits > 0 ? 1 : 0;
}
