/* opts: a command's options in one table, parsed with getopt_long (glibc
 * and mingw-w64 alike) and printed as the command's --help, so what is
 * accepted and what is documented cannot drift apart. Values land in the
 * command's own struct at each option's offset. */
#ifndef BS_OPTS_H
#define BS_OPTS_H

#include <stddef.h>
#include <stdio.h>

enum bs_opt_kind {
	BS_OPT_VALUE, /* --name VALUE: a const char * field (the last one given wins) */
	BS_OPT_FLAG, /* --name: an int field, set to 1 */
	BS_OPT_LIST, /* --name VALUE, repeatable: a struct bs_opt_list field */
};

#define BS_OPT_LIST_MAX 16

struct bs_opt_list {
	const char *v[BS_OPT_LIST_MAX];
	size_t n;
};

struct bs_opt {
	const char *name; /* the long name, without "--" */
	const char *arg; /* what the value is ("FILE"); NULL for a flag */
	enum bs_opt_kind kind;
	size_t offset; /* of the field in the command's struct */
	int required; /* the command cannot run without it */
	const char *help; /* one line of --help; '\n' continues it */
};

struct bs_cmd {
	const char *prog; /* "bindscope-collector" */
	const char *name; /* "report", or "pki issue" for one form of a command */
	const struct bs_opt *opts;
	size_t n_opts;
	const char *operands; /* "REPORT..." when it takes operands; NULL: none */
	const char *about; /* what follows the options in --help; may be NULL */
	void (*more)(FILE *f); /* prints what follows that (a table's own); may be NULL */
};

/* The return of bs_opts_parse when --help (or -h) was given and printed on
 * stdout: the command ends with exit status 0. */
#define BS_OPTS_HELP 1

/* Parses argv (argv[0] is the command's name; operands may stand anywhere
 * and are moved to the end) into args. 0: go on, the operands are
 * argv[*first..argc-1]. BS_OPTS_HELP: help printed. 2: a mistake (an
 * unknown option, a missing value or required option, an operand it does
 * not take), named on stderr above the usage; 2 is the exit status. */
int bs_opts_parse(const struct bs_cmd *c, int argc, char **argv, void *args, int *first);

/* The command's --help: the usage line, each option, the about text. */
void bs_opts_usage(const struct bs_cmd *c, FILE *f);
/* The usage line alone, wrapped under itself. */
void bs_opts_synopsis(const struct bs_cmd *c, FILE *f);

/* A program's commands: one table that main() dispatches on and the
 * overview lists. run takes argv from the command's own name on. */
struct bs_cmd_entry {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help; /* one line of the overview */
};

/* The whole of main(): "--help" (or -h, help) prints the overview (the
 * usage line, about, the commands), "--version" prog and BS_VERSION, a
 * command's name runs it; anything else is a usage error (2). Returns the
 * exit status. */
int bs_opts_main(const char *prog, const char *about, const struct bs_cmd_entry *cmds, size_t n,
    int argc, char **argv);

#endif
