/* cli: bindscope-collector's commands, one file per family; main.c's
 * command table dispatches to them. Each takes its command line from the
 * command's name on (argv[0]), parses it with its own option table
 * (common/opts.h, which also prints its --help) and returns the exit
 * status: 0 done, 1 the command's own "no" (a gate that fails, a report
 * refused), 2 a mistake in the arguments or an error. */
#ifndef BS_CLI_CLI_H
#define BS_CLI_CLI_H

#include "opts.h"

#define BS_CLI_PROG "bindscope-collector"

int bs_cli_serve(int argc, char **argv); /* serve.c */
int bs_cli_config(int argc, char **argv); /* serve.c: config check */
int bs_cli_backup(int argc, char **argv); /* backup.c */
int bs_cli_check_db(int argc, char **argv); /* backup.c */
int bs_cli_import(int argc, char **argv); /* import.c */
int bs_cli_report(int argc, char **argv); /* report.c */
int bs_cli_check(int argc, char **argv); /* report.c: the readiness gate */
int bs_cli_pki(int argc, char **argv); /* pki.c */
int bs_cli_mute(int argc, char **argv); /* mutes.c */
int bs_cli_unmute(int argc, char **argv);
int bs_cli_mutes(int argc, char **argv);
int bs_cli_audit(int argc, char **argv);
int bs_cli_http_user(int argc, char **argv); /* users.c */

/* bs_opts_parse's result as the exit status to return, or -1 to go on. */
static inline int
bs_cli_parsed(int rv)
{
	return rv == 0 ? -1 : rv == BS_OPTS_HELP ? 0 : rv;
}

#endif
