/* cli_users: the http-user command (dashboard basic-auth users). */
#ifndef BS_CLI_USERS_H
#define BS_CLI_USERS_H

int bs_cli_http_user(int argc, char **argv);

#endif
