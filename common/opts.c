/* opts: getopt_long over a command's option table, and its --help. */
#include "opts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* getopt_long's val for table entry i; below it, 'h' and the markers. */
#define OPTS_VAL0 256
/* The usage line and the help column wrap before this. */
#define OPTS_WIDTH 80

/* "--name ARG" of o into out. */
static void
opts_form(const struct bs_opt *o, char *out, size_t n)
{
	snprintf(
	    out, n, "--%s%s%s", o->name, o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
}

/* One word of the usage line, wrapped under the first. */
static void
opts_word(FILE *f, const char *w, int indent, int *col)
{
	int n = (int)strlen(w) + 1;

	if (*col + n > OPTS_WIDTH && *col > indent) {
		fprintf(f, "\n%*s", indent, "");
		*col = indent;
	}
	*col += fprintf(f, " %s", w);
}

void
bs_opts_synopsis(const struct bs_cmd *c, FILE *f)
{
	int indent = fprintf(f, "usage: %s %s", c->prog, c->name), col = indent;
	char form[128], word[160];

	/* Required options first, as a command line is usually written. */
	for (int required = 1; required >= 0; required--) {
		for (size_t i = 0; i < c->n_opts; i++) {
			const struct bs_opt *o = &c->opts[i];

			if ((o->required != 0) != required)
				continue;
			opts_form(o, form, sizeof(form));
			snprintf(word, sizeof(word), required ? "%s%s" : "[%s]%s", form,
			    o->kind == BS_OPT_LIST ? "..." : "");
			opts_word(f, word, indent, &col);
		}
	}
	if (c->operands != NULL)
		opts_word(f, c->operands, indent, &col);
	fputc('\n', f);
}

void
bs_opts_usage(const struct bs_cmd *c, FILE *f)
{
	size_t w = strlen("--help");
	char form[160];

	bs_opts_synopsis(c, f);
	fputc('\n', f);
	for (size_t i = 0; i < c->n_opts; i++) {
		opts_form(&c->opts[i], form, sizeof(form));
		if (strlen(form) > w)
			w = strlen(form);
	}
	if (w > 24)
		w = 24; /* a longer form has its help on the next line */
	for (size_t i = 0; i <= c->n_opts; i++) {
		const char *help = i < c->n_opts ? c->opts[i].help : "this text";
		const char *nl;

		if (i < c->n_opts)
			opts_form(&c->opts[i], form, sizeof(form));
		else
			snprintf(form, sizeof(form), "--help");
		if (strlen(form) > w)
			fprintf(f, "  %s\n  %-*s", form, (int)w, "");
		else
			fprintf(f, "  %-*s", (int)w, form);
		while ((nl = strchr(help, '\n')) != NULL) {
			fprintf(f, "  %.*s\n  %-*s", (int)(nl - help), help, (int)w, "");
			help = nl + 1;
		}
		fprintf(f, "  %s\n", help);
	}
	if (c->about != NULL)
		fprintf(f, "\n%s", c->about);
	if (c->more != NULL)
		c->more(f);
}

/* The table entry getopt_long's val stands for, or NULL. */
static const struct bs_opt *
opts_entry(const struct bs_cmd *c, int val)
{
	if (c->opts == NULL || val < OPTS_VAL0 || (size_t)(val - OPTS_VAL0) >= c->n_opts)
		return NULL;
	return &c->opts[val - OPTS_VAL0];
}

/* Names the mistake, then the usage, on stderr; the exit status. */
static int
opts_fail(const struct bs_cmd *c, const char *fmt, const char *what)
{
	fprintf(stderr, "%s %s: ", c->prog, c->name);
	fprintf(stderr, fmt, what);
	fputs("\n\n", stderr);
	bs_opts_usage(c, stderr);
	return 2;
}

int
bs_opts_parse(const struct bs_cmd *c, int argc, char **argv, void *args, int *first)
{
	struct option *lo = calloc(c->n_opts + 2, sizeof(*lo));
	int ch, rv = 0;

	*first = argc;
	if (lo == NULL) {
		fprintf(stderr, "%s %s: %s\n", c->prog, c->name, bs_strerror(BS_ENOMEM));
		return 2;
	}
	for (size_t i = 0; i < c->n_opts; i++) {
		lo[i].name = c->opts[i].name;
		lo[i].has_arg = c->opts[i].kind == BS_OPT_FLAG ? no_argument : required_argument;
		lo[i].val = OPTS_VAL0 + (int)i;
	}
	lo[c->n_opts].name = "help";
	lo[c->n_opts].val = 'h';
	opterr = 0; /* our messages, which name the command */
	optind = 0; /* a fresh scan (glibc and mingw-w64 both reset on 0) */
	while (rv == 0 && (ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		const struct bs_opt *o = opts_entry(c, ch), *flag = opts_entry(c, optopt);
		char *field = o != NULL ? (char *)args + o->offset : NULL;

		if (ch == 'h') {
			bs_opts_usage(c, stdout);
			rv = BS_OPTS_HELP;
		} else if (ch == ':') {
			rv = opts_fail(c, "option '%s' needs a value", argv[optind - 1]);
		} else if (o == NULL && flag != NULL) { /* glibc: --flag=value */
			rv = opts_fail(c, "option '--%s' takes no value", flag->name);
		} else if (o == NULL) {
			rv = opts_fail(c, "unknown option '%s'", argv[optind - 1]);
		} else if (o->kind == BS_OPT_VALUE) {
			*(const char **)(void *)field = optarg;
		} else if (o->kind == BS_OPT_FLAG) {
			*(int *)(void *)field = 1;
		} else {
			struct bs_opt_list *l = (struct bs_opt_list *)(void *)field;

			if (l->n == BS_OPT_LIST_MAX)
				rv = opts_fail(c, "too many --%s options", o->name);
			else
				l->v[l->n++] = optarg;
		}
	}
	free(lo);
	if (rv != 0)
		return rv;
	if (c->operands == NULL && optind < argc)
		return opts_fail(c, "unexpected argument '%s'", argv[optind]);
	for (size_t i = 0; i < c->n_opts; i++) {
		const struct bs_opt *o = &c->opts[i];
		const char *field = (const char *)args + o->offset;
		char form[160];

		if (!o->required ||
		    (o->kind == BS_OPT_VALUE ? *(const char *const *)(const void *)field != NULL
		            : o->kind == BS_OPT_LIST
		            ? ((const struct bs_opt_list *)(const void *)field)->n > 0
		            : 1))
			continue;
		opts_form(o, form, sizeof(form));
		return opts_fail(c, "%s is required", form);
	}
	*first = optind;
	return 0;
}

static void
opts_overview(
    const char *prog, const char *about, const struct bs_cmd_entry *cmds, size_t n, FILE *f)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(cmds[i].name) > w)
			w = (int)strlen(cmds[i].name);
	fprintf(f, "usage: %s <command> [options]\n\n%s\n\ncommands:\n", prog, about);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-*s  %s\n", w, cmds[i].name, cmds[i].help);
	fputs("\n"
	      "options:\n"
	      "  --help     this text (COMMAND --help: the command's)\n"
	      "  --version  print the version\n",
	    f);
}

int
bs_opts_main(const char *prog, const char *about, const struct bs_cmd_entry *cmds, size_t n,
    int argc, char **argv)
{
	if (argc < 2) {
		opts_overview(prog, about, cmds, n, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		opts_overview(prog, about, cmds, n, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", prog, BS_VERSION);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n\n", prog, argv[1]);
	opts_overview(prog, about, cmds, n, stderr);
	return 2;
}
