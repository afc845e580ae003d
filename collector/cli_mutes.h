/* cli_mutes: the operator commands mute, unmute, mutes and audit. */
#ifndef BS_CLI_MUTES_H
#define BS_CLI_MUTES_H

int bs_cli_mute(int argc, char **argv);
int bs_cli_unmute(int argc, char **argv);
int bs_cli_mutes(int argc, char **argv);
int bs_cli_audit(int argc, char **argv);

#endif
