/* mkzip: writes the zips the end-to-end tests feed to the agent and the
 * collector, in the shapes Windows PowerShell 5.1 writes them
 * (tests/unit/test_zip.h does the writing).
 *   mkzip [--backslash] [--msdos] [--base NAME] OUT.zip DIR
 *       every file of DIR, named relative to it (under NAME/ with --base),
 *       '\' separators with --backslash, empty folders as "name/" entries
 *       (as ZipFile.CreateFromDirectory does), "made by" MS-DOS with --msdos
 *   mkzip --entries OUT.zip NAME=TEXT...
 *       entries named exactly so (hostile zips) */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "test_zip.h"

static struct test_zip_entry *entries;
static size_t nentries, capentries;
static size_t prefix_len;
static const char *base;
static int backslash;

static int
add(const char *name, enum test_zip_type type, char *data, size_t len)
{
	if (nentries == capentries) {
		size_t ncap = capentries == 0 ? 64 : capentries * 2;
		struct test_zip_entry *n = realloc(entries, ncap * sizeof(*n));

		if (n == NULL)
			return -1;
		entries = n;
		capentries = ncap;
	}
	entries[nentries++] = (struct test_zip_entry){name, type, data, len};
	return 0;
}

static int
visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char name[BS_PATH_MAX];
	char *data = NULL;
	size_t len = 0;
	int n;

	if (ftw->level == 0)
		return 0;
	if (flag == FTW_D) {
		char **names = NULL;
		size_t k = 0;

		if (bs_fs_list(path, &names, &k) != 0)
			return -1;
		bs_fs_names_free(names, k);
		if (k > 0)
			return 0; /* only empty folders get an entry */
	} else if (flag != FTW_F || !S_ISREG(st->st_mode)) {
		return -1;
	} else if (bs_fs_read(path, (size_t)1 << 31, &data, &len) != 0) {
		return -1;
	}
	n = snprintf(name, sizeof(name), "%s%s%s%s", base != NULL ? base : "",
	    base != NULL ? "/" : "", path + prefix_len + 1, flag == FTW_D ? "/" : "");
	if (n < 0 || (size_t)n >= sizeof(name))
		return -1;
	if (backslash)
		for (char *p = name; *p != '\0'; p++)
			if (*p == '/')
				*p = '\\';
	return add(strdup(name), flag == FTW_D ? TZ_DIR : TZ_FILE, data, len);
}

int
main(int argc, char **argv)
{
	int msdos = 0, i = 1;

	if (argc > 2 && strcmp(argv[1], "--entries") == 0) {
		for (i = 3; i < argc; i++) {
			char *eq = strchr(argv[i], '=');

			if (eq == NULL)
				return 2;
			*eq = '\0';
			if (add(argv[i], TZ_FILE, eq + 1, strlen(eq + 1)) != 0)
				return 1;
		}
		i = test_zip_write(argv[2], entries, nentries, 0) == 0 ? 0 : 1;
		free(entries);
		return i;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--backslash") == 0)
			backslash = 1;
		else if (strcmp(argv[i], "--msdos") == 0)
			msdos = 1;
		else if (strcmp(argv[i], "--base") == 0 && i + 1 < argc)
			base = argv[++i];
		else
			return 2;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: mkzip [--backslash] [--msdos] [--base NAME] OUT.zip DIR\n");
		return 2;
	}
	prefix_len = strlen(argv[i + 1]);
	while (prefix_len > 1 && argv[i + 1][prefix_len - 1] == '/')
		argv[i + 1][--prefix_len] = '\0';
	if (nftw(argv[i + 1], visit, 16, FTW_PHYS) != 0) {
		fprintf(stderr, "mkzip: cannot read %s\n", argv[i + 1]);
		return 1;
	}
	i = test_zip_write(argv[i], entries, nentries, msdos ? TEST_ZIP_MSDOS : 0) != 0;
	if (i)
		fprintf(stderr, "mkzip: cannot write the zip\n");
	for (size_t k = 0; k < nentries; k++) {
		free((char *)entries[k].name);
		free((char *)entries[k].data);
	}
	free(entries);
	return i;
}
