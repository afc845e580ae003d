/* bindscope-collector: the command table. `serve` receives reports and
 * serves the dashboard; `import` loads report files; `report` writes the
 * audit in JSON, CSV or HTML; `check` is the readiness gate; the rest are
 * the operator's tools. Each command lives in its family's file (cli.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help; /* one line of the overview; '\n' continues it */
} commands[] = {
    {"serve", bs_cli_serve, "receive reports from agents; serve the dashboard"},
    {"import", bs_cli_import, "load report files written by `bindscope-agent collect --out`"},
    {"report", bs_cli_report, "write the audit as JSON, CSV or a self-contained HTML file"},
    {"check", bs_cli_check, "readiness gate: exit 1 when findings reach a severity"},
    {"pki", bs_cli_pki, "the collector's CA: init, issue, sign (CSR), revoke"},
    {"mute", bs_cli_mute, "accept a rule's finding on a server until a date (audited)"},
    {"unmute", bs_cli_unmute, "end a mute early (audited)"},
    {"mutes", bs_cli_mutes, "list the mutes"},
    {"audit", bs_cli_audit, "the operator log: every mute and unmute, who and when"},
    {"http-user", bs_cli_http_user, "add a dashboard user (basic auth; password on stdin)"},
    {"config", bs_cli_config, "config check --config FILE: validate without serving"},
    {"backup", bs_cli_backup, "--db FILE --out FILE: online backup while serving"},
};

static void
usage_main(FILE *f)
{
	fputs("usage: " BS_CLI_PROG " <command> [options]\n"
	      "\n"
	      "Collects bindscope agent reports and audits the fleet.\n"
	      "\n"
	      "commands:\n",
	    f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\n"
	      "options:\n"
	      "  --help     this text (also after a command)\n"
	      "  --version  print the version\n",
	    f);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage_main(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_main(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf(BS_CLI_PROG " %s\n", BS_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, BS_CLI_PROG ": unknown command '%s'\n\n", argv[1]);
	usage_main(stderr);
	return 2;
}
