/* backup: `backup --db FILE --out FILE`, SQLite's online backup,
 * consistent while the collector keeps writing (it copies again the pages
 * that change under it). */
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "err.h"
#include "store/store.h"

struct backup_args {
	const char *db, *out;
};

static const struct bs_opt backup_opts[] = {
    {"db", "FILE", BS_OPT_VALUE, offsetof(struct backup_args, db), 1, "the collector's database"},
    {"out", "FILE", BS_OPT_VALUE, offsetof(struct backup_args, out), 1,
        "the copy (written whole, or not at all)"},
};

static const struct bs_cmd backup_cmd = {
    BS_CLI_PROG, "backup", backup_opts, sizeof(backup_opts) / sizeof(backup_opts[0]), NULL, NULL};

int
bs_cli_backup(int argc, char **argv)
{
	struct backup_args a = {0};
	int first, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(&backup_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	if ((rv = bs_store_backup(a.db, a.out)) != 0) {
		fprintf(
		    stderr, BS_CLI_PROG " backup: %s -> %s: %s\n", a.db, a.out, bs_strerror(rv));
		return 1;
	}
	printf("%s: backup of %s written\n", a.out, a.db);
	return 0;
}
