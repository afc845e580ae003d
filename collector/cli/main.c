/* bindscope-collector: the command table. `serve` receives reports and
 * serves the dashboard; `import` loads report files; `report` writes the
 * audit in JSON, CSV or HTML; `check` is the readiness gate; the rest are
 * the operator's tools. Each command lives in its family's file (cli.h). */
#include "cli/cli.h"
#include "opts.h"

static const struct bs_cmd_entry commands[] = {
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
    {"check-db", bs_cli_check_db, "--db FILE: full integrity check of the database"},
};

int
main(int argc, char **argv)
{
	return bs_opts_main(BS_CLI_PROG, "Collects bindscope agent reports and audits the fleet.",
	    commands, sizeof(commands) / sizeof(commands[0]), argc, argv);
}
