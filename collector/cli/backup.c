/* backup: the database's own tools. `backup --db FILE --out FILE`,
 * SQLite's online backup, consistent while the collector keeps writing
 * (it copies again the pages that change under it); `check-db --db FILE`,
 * the full integrity check (serve runs the quick one at start). */
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

struct checkdb_args {
	const char *db;
};

static const struct bs_opt checkdb_opts[] = {
    {"db", "FILE", BS_OPT_VALUE, offsetof(struct checkdb_args, db), 1,
        "the collector's database (may be in use)"},
};

static const struct bs_cmd checkdb_cmd = {BS_CLI_PROG, "check-db", checkdb_opts,
    sizeof(checkdb_opts) / sizeof(checkdb_opts[0]), NULL,
    "Exit 0 when the database is sound, 1 when it is damaged, 2 when it cannot be read.\n"};

int
bs_cli_check_db(int argc, char **argv)
{
	struct checkdb_args a = {0};
	char why[1024];
	int first, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(&checkdb_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	rv = bs_store_check(a.db, 1, why, sizeof(why));
	if (rv == 0) {
		printf("%s: ok (integrity_check)\n", a.db);
		return 0;
	}
	if (rv == BS_ENOENT) {
		fprintf(stderr, BS_CLI_PROG " check-db: %s: no such database\n", a.db);
		return 2;
	}
	printf("%s: damaged: %s\n", a.db, why);
	printf("%s: restore the last copy made with `" BS_CLI_PROG
	       " backup --db %s --out FILE` (stop the collector, move the damaged file and its "
	       "-wal and -shm aside, copy the backup in)\n",
	    a.db, a.db);
	return 1;
}
