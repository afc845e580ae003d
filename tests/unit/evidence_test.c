/* evidence_test: evidence roots given as folders and zips. Zip entry
 * names as Windows tools write them (backslashes, MS-DOS "made by",
 * a base directory) and as attackers write them (traversal, absolute and
 * drive paths, links, bombs, too many entries), not-a-zip and empty zips.
 * Every refusal names the zip and the entry, and leaves nothing behind. */
#include "test_util.h"
#include "test_zip.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "evidence.h"
#include "evidence_path.h"

/* ---- entry names ---- */

static void
expect_path(const char *name, const char *want, int want_dir)
{
	char out[BS_PATH_MAX], why[256] = "";
	int is_dir = -1;

	if (bs_evidence_entry_path(
	        name, strlen(name), out, sizeof(out), &is_dir, why, sizeof(why)) != 0)
		fail_msg("'%s' refused: %s", name, why);
	assert_string_equal(out, want);
	assert_int_equal(is_dir, want_dir);
}

static void
expect_refused(const char *name, size_t len, const char *reason)
{
	char out[BS_PATH_MAX], why[256] = "";
	int is_dir;

	if (bs_evidence_entry_path(name, len, out, sizeof(out), &is_dir, why, sizeof(why)) == 0)
		fail_msg("'%s' accepted as '%s'", name, out);
	if (strstr(why, reason) == NULL)
		fail_msg("'%s': reason '%s' lacks '%s'", name, why, reason);
}

static void
test_names_accepted(void **state)
{
	(void)state;
	expect_path("registry/tcpip.reg", "registry/tcpip.reg", 0);
	expect_path("registry\\tcpip.reg", "registry/tcpip.reg", 0);
	expect_path("certstore\\LocalMachine\\My\\", "certstore/LocalMachine/My", 1);
	expect_path("certstore/LocalMachine/My/", "certstore/LocalMachine/My", 1);
	expect_path("./a//b\\\\c", "a/b/c", 0);
	expect_path("./", "", 1);
	expect_path("Program Files/Microsoft/Exchange Server/V15/x.LOG",
	    "Program Files/Microsoft/Exchange Server/V15/x.LOG", 0);
	expect_path("...", "...", 0); /* a name, not a step up */
	expect_path("..a/b..", "..a/b..", 0);
	expect_path("caf\xc3\xa9.log", "caf\xc3\xa9.log", 0);
}

static void
test_names_refused(void **state)
{
	char longc[300], longn[BS_EVIDENCE_NAME_MAX + 2];
	char out[8], why[256];
	int is_dir;

	(void)state;
	expect_refused("../etc/passwd", 13, "'..'");
	expect_refused("a/../../x", 9, "'..'");
	expect_refused("a\\..\\x", 6, "'..'");
	expect_refused("..", 2, "'..'");
	expect_refused("/etc/passwd", 11, "absolute");
	expect_refused("\\\\server\\share\\x", 16, "absolute");
	expect_refused("\\Windows\\x", 10, "absolute");
	expect_refused("C:\\Windows\\win.ini", 18, "':'");
	expect_refused("C:x", 3, "':'");
	expect_refused("a.log:hidden", 12, "':'");
	expect_refused("a\x01z", 3, "control character 0x01");
	expect_refused("a\0/../../x", 10, "control character 0x00");
	expect_refused("", 0, "empty");
	expect_refused(".", 1, "no file");
	expect_refused("\xff\xfe.reg", 6, "UTF-8");
	memset(longc, 'a', 256);
	longc[256] = '\0';
	expect_refused(longc, 256, "longer than 255");
	memset(longn, 'a', sizeof(longn) - 1);
	for (size_t i = 100; i < sizeof(longn) - 1; i += 100)
		longn[i] = '/';
	longn[sizeof(longn) - 1] = '\0';
	expect_refused(longn, sizeof(longn) - 1, "longer than");
	assert_int_equal(
	    bs_evidence_entry_path("abcdefgh/ij", 11, out, sizeof(out), &is_dir, why, sizeof(why)),
	    BS_ETOOBIG);
}

/* ---- zips ---- */

struct zfx {
	char dir[64]; /* the test's own folder: zips live here */
	char tmp[128]; /* TMPDIR for the extraction folders */
	char zip[192];
};

static int
zfx_setup(void **state)
{
	struct zfx *f = calloc(1, sizeof(*f));

	test_tmpdir(f->dir, sizeof(f->dir));
	snprintf(f->tmp, sizeof(f->tmp), "%s/tmp", f->dir);
	snprintf(f->zip, sizeof(f->zip), "%s/evidence.zip", f->dir);
	assert_int_equal(mkdir(f->tmp, 0700), 0);
	setenv("TMPDIR", f->tmp, 1);
	*state = f;
	return 0;
}

static int
zfx_teardown(void **state)
{
	struct zfx *f = *state;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	unsetenv("TMPDIR");
	free(f);
	return 0;
}

/* Names in the extraction area: 0 once every extraction folder is gone. */
static size_t
tmp_left(const struct zfx *f)
{
	DIR *d = opendir(f->tmp);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

static char *
read_under(const char *root, const char *rel)
{
	char path[BS_PATH_MAX];
	char *data = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (bs_fs_read(path, 1 << 20, &data, &len) != 0)
		return NULL;
	return data;
}

#define REG_DATA "\xff\xfeW\0i\0n\0"
#define CER_DATA "\x30\x82\x01\x0a"

/* The tree the exporter writes, as a zip with entries named in the given
 * separator style, then opened: the root holds both files. */
static void
check_tree(struct zfx *f, const struct test_zip_entry *e, size_t n, int flags, const char *base)
{
	struct bs_evidence *ev = NULL;
	char why[1024] = "", rel[256];
	char *data;

	assert_int_equal(test_zip_write(f->zip, e, n, flags), 0);
	if (bs_evidence_open(f->zip, NULL, &ev, why, sizeof(why)) != 0)
		fail_msg("refused: %s", why);
	assert_int_equal(tmp_left(f), 1);
	if (base != NULL)
		assert_non_null(strstr(bs_evidence_root(ev), base));
	snprintf(rel, sizeof(rel), "registry/tcpip.reg");
	data = read_under(bs_evidence_root(ev), rel);
	assert_non_null(data);
	assert_memory_equal(data, REG_DATA, sizeof(REG_DATA) - 1);
	free(data);
	data = read_under(bs_evidence_root(ev), "certstore/LocalMachine/My/AB.cer");
	assert_non_null(data);
	assert_memory_equal(data, CER_DATA, sizeof(CER_DATA) - 1);
	free(data);
	bs_evidence_close(ev);
	assert_int_equal(tmp_left(f), 0);
}

static void
test_zip_forward_slashes(void **state)
{
	const struct test_zip_entry e[] = {
	    {"registry/", TZ_DIR, NULL, 0},
	    {"registry/tcpip.reg", TZ_FILE, REG_DATA, sizeof(REG_DATA) - 1},
	    {"certstore/LocalMachine/My/AB.cer", TZ_FILE, CER_DATA, sizeof(CER_DATA) - 1},
	};

	check_tree(*state, e, 3, 0, NULL);
}

static void
test_zip_backslashes_msdos(void **state)
{
	/* Compress-Archive in Windows PowerShell 5.1: '\' separators, made
	 * on MS-DOS, folders as "name\" entries. */
	const struct test_zip_entry e[] = {
	    {"registry\\", TZ_FILE, NULL, 0},
	    {"registry\\tcpip.reg", TZ_FILE, REG_DATA, sizeof(REG_DATA) - 1},
	    {"certstore\\LocalMachine\\My\\AB.cer", TZ_FILE, CER_DATA, sizeof(CER_DATA) - 1},
	};

	check_tree(*state, e, 3, TEST_ZIP_MSDOS, NULL);
}

static void
test_zip_backslashes_unix(void **state)
{
	/* The same names in a zip marked as made on Unix: whether or not
	 * libarchive turns the backslashes into slashes, the name check
	 * splits on them. */
	const struct test_zip_entry e[] = {
	    {"registry\\", TZ_FILE, NULL, 0},
	    {"registry\\tcpip.reg", TZ_FILE, REG_DATA, sizeof(REG_DATA) - 1},
	    {"certstore\\LocalMachine\\My\\AB.cer", TZ_FILE, CER_DATA, sizeof(CER_DATA) - 1},
	};

	check_tree(*state, e, 3, 0, NULL);
}

static void
test_zip_base_directory(void **state)
{
	/* Zipped with its base folder: rooted inside it. */
	const struct test_zip_entry e[] = {
	    {"bindscope-evidence-MBX01-20260125T142506Z/registry/tcpip.reg", TZ_FILE, REG_DATA,
	        sizeof(REG_DATA) - 1},
	    {"bindscope-evidence-MBX01-20260125T142506Z/certstore/LocalMachine/My/AB.cer", TZ_FILE,
	        CER_DATA, sizeof(CER_DATA) - 1},
	};

	check_tree(*state, e, 2, 0, "/bindscope-evidence-MBX01-20260125T142506Z");
}

static void
test_zip_single_layout_folder_not_descended(void **state)
{
	struct zfx *f = *state;
	const struct test_zip_entry e[] = {
	    {"registry/tcpip.reg", TZ_FILE, REG_DATA, sizeof(REG_DATA) - 1},
	};
	struct bs_evidence *ev = NULL;
	char why[1024];
	char *data;

	assert_int_equal(test_zip_write(f->zip, e, 1, 0), 0);
	assert_int_equal(bs_evidence_open(f->zip, NULL, &ev, why, sizeof(why)), 0);
	data = read_under(bs_evidence_root(ev), "registry/tcpip.reg");
	assert_non_null(data);
	free(data);
	bs_evidence_close(ev);
}

/* Opens f->zip expecting a refusal whose message holds each of want
 * (NULL-terminated), and no extraction folder left behind. */
static void
expect_zip_refused(struct zfx *f, const struct bs_evidence_limits *lim, const char *const *want)
{
	struct bs_evidence *ev = NULL;
	char why[1024] = "";

	if (bs_evidence_open(f->zip, lim, &ev, why, sizeof(why)) == 0) {
		bs_evidence_close(ev);
		fail_msg("zip accepted");
	}
	assert_null(ev);
	if (strncmp(why, f->zip, strlen(f->zip)) != 0)
		fail_msg("message does not name the zip: %s", why);
	for (size_t i = 0; want[i] != NULL; i++)
		if (strstr(why, want[i]) == NULL)
			fail_msg("message '%s' lacks '%s'", why, want[i]);
	assert_int_equal(tmp_left(f), 0);
}

static void
test_zip_traversal(void **state)
{
	struct zfx *f = *state;
	char outside[256];
	struct stat st;
	const struct test_zip_entry e1[] = {
	    {"registry/tcpip.reg", TZ_FILE, "x", 1},
	    {"../evil.txt", TZ_FILE, "pwned", 5},
	};
	const struct test_zip_entry e2[] = {
	    {"registry\\..\\..\\evil.txt", TZ_FILE, "pwned", 5},
	};
	const char *w1[] = {"entry '../evil.txt'", "'..'", NULL};
	const char *w2[] = {"evil.txt'", "'..'", NULL};

	assert_int_equal(test_zip_write(f->zip, e1, 2, 0), 0);
	expect_zip_refused(f, NULL, w1);
	assert_int_equal(test_zip_write(f->zip, e2, 1, TEST_ZIP_MSDOS), 0);
	expect_zip_refused(f, NULL, w2);
	snprintf(outside, sizeof(outside), "%s/evil.txt", f->tmp);
	assert_int_not_equal(stat(outside, &st), 0);
	snprintf(outside, sizeof(outside), "%s/evil.txt", f->dir);
	assert_int_not_equal(stat(outside, &st), 0);
}

static void
test_zip_absolute_and_drive(void **state)
{
	struct zfx *f = *state;
	char abs[256];
	struct stat st;

	snprintf(abs, sizeof(abs), "%s/abs-evil.txt", f->dir);
	{
		const struct test_zip_entry e[] = {{abs, TZ_FILE, "pwned", 5}};
		const char *w[] = {"absolute", "abs-evil.txt", NULL};

		assert_int_equal(test_zip_write(f->zip, e, 1, 0), 0);
		expect_zip_refused(f, NULL, w);
		assert_int_not_equal(stat(abs, &st), 0);
	}
	{
		const struct test_zip_entry e[] = {{"C:\\Windows\\win.ini", TZ_FILE, "x", 1}};
		const char *w[] = {"win.ini", "':'", NULL};

		assert_int_equal(test_zip_write(f->zip, e, 1, TEST_ZIP_MSDOS), 0);
		expect_zip_refused(f, NULL, w);
	}
}

static void
test_zip_symlink(void **state)
{
	struct zfx *f = *state;
	const struct test_zip_entry e[] = {
	    {"registry", TZ_SYMLINK, "/etc", 0},
	    {"registry/passwd", TZ_FILE, "x", 1},
	};
	const char *w[] = {"entry 'registry'", "link", NULL};

	assert_int_equal(test_zip_write(f->zip, e, 2, 0), 0);
	expect_zip_refused(f, NULL, w);
}

static void
test_zip_bomb(void **state)
{
	struct zfx *f = *state;
	/* 8 MiB of zeros deflate to a few KiB. */
	const struct test_zip_entry e[] = {{"logs/big.log", TZ_FILE, NULL, 8u << 20}};
	const struct bs_evidence_limits lim = {1u << 20, 100};
	const char *w[] = {"more than 1048576 bytes", "logs/big.log", "zip bomb", NULL};
	struct stat st;

	assert_int_equal(test_zip_write(f->zip, e, 1, 0), 0);
	assert_int_equal(stat(f->zip, &st), 0);
	assert_true(st.st_size < 64 * 1024);
	expect_zip_refused(f, &lim, w);
	/* The same zip opens within the default bound. */
	{
		struct bs_evidence *ev = NULL;
		char why[1024];

		assert_int_equal(bs_evidence_open(f->zip, NULL, &ev, why, sizeof(why)), 0);
		bs_evidence_close(ev);
	}
}

static void
test_zip_bomb_many_small(void **state)
{
	/* Sizes a header could hide: the bound counts bytes written. */
	struct zfx *f = *state;
	const struct test_zip_entry e[] = {
	    {"a.log", TZ_FILE, NULL, 600u << 10},
	    {"b.log", TZ_FILE, NULL, 600u << 10},
	};
	const struct bs_evidence_limits lim = {1u << 20, 100};
	const char *w[] = {"zip bomb", "b.log", NULL};

	assert_int_equal(test_zip_write(f->zip, e, 2, 0), 0);
	expect_zip_refused(f, &lim, w);
}

static void
test_zip_too_many_entries(void **state)
{
	struct zfx *f = *state;
	struct test_zip_entry e[6];
	char names[6][16];
	const struct bs_evidence_limits lim = {1u << 20, 5};
	const char *w[] = {"more than 5 entries", NULL};

	for (int i = 0; i < 6; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d.txt", i);
		e[i] = (struct test_zip_entry){names[i], TZ_FILE, "x", 1};
	}
	assert_int_equal(test_zip_write(f->zip, e, 6, 0), 0);
	expect_zip_refused(f, &lim, w);
}

static void
test_zip_duplicate_entry(void **state)
{
	struct zfx *f = *state;
	const struct test_zip_entry e[] = {
	    {"registry/a.reg", TZ_FILE, "one", 3},
	    {"registry\\a.reg", TZ_FILE, "two", 3},
	};
	const char *w[] = {"a.reg'", "twice", NULL};

	assert_int_equal(test_zip_write(f->zip, e, 2, 0), 0);
	expect_zip_refused(f, NULL, w);
}

static void
test_zip_file_where_folder_goes(void **state)
{
	struct zfx *f = *state;
	const struct test_zip_entry e[] = {
	    {"registry", TZ_FILE, "x", 1},
	    {"registry/a.reg", TZ_FILE, "y", 1},
	};
	const char *w[] = {"cannot make folder 'registry'", NULL};

	assert_int_equal(test_zip_write(f->zip, e, 2, 0), 0);
	expect_zip_refused(f, NULL, w);
}

static void
test_zip_empty(void **state)
{
	struct zfx *f = *state;
	const char *w[] = {"empty", NULL};

	assert_int_equal(test_zip_write(f->zip, NULL, 0, 0), 0);
	expect_zip_refused(f, NULL, w);
}

static void
test_not_a_zip(void **state)
{
	struct zfx *f = *state;
	FILE *z;
	const char *w1[] = {"not a readable zip", NULL};
	const char *w2[] = {"neither a folder nor a zip file", NULL};
	struct bs_evidence *ev = NULL;
	char why[1024];

	/* Starts like a zip, is not one. */
	assert_non_null(z = fopen(f->zip, "wb"));
	fputs("PK\3\4 this is not a zip at all, only its first four bytes", z);
	fclose(z);
	expect_zip_refused(f, NULL, w1);
	/* A report file, a text file: neither evidence form. */
	assert_non_null(z = fopen(f->zip, "wb"));
	fputs("Windows Registry Editor Version 5.00\r\n", z);
	fclose(z);
	expect_zip_refused(f, NULL, w2);
	assert_int_equal(bs_evidence_kind(f->zip), BS_EVIDENCE_NONE);
	/* Missing. */
	assert_int_equal(
	    bs_evidence_open("/nonexistent/evidence.zip", NULL, &ev, why, sizeof(why)), BS_ENOENT);
	assert_non_null(strstr(why, "/nonexistent/evidence.zip: no such folder or file"));
}

static void
test_zip_truncated(void **state)
{
	struct zfx *f = *state;
	const struct test_zip_entry e[] = {
	    {"registry/tcpip.reg", TZ_FILE, NULL, 200000},
	    {"registry/setup.reg", TZ_FILE, NULL, 200000},
	};
	struct stat st;
	const char *w[] = {"not a readable zip", NULL};

	assert_int_equal(test_zip_write(f->zip, e, 2, 0), 0);
	assert_int_equal(stat(f->zip, &st), 0);
	assert_int_equal(truncate(f->zip, st.st_size / 2), 0);
	/* Without its central directory the zip may still be read entry by
	 * entry (the streaming reader); the cut entry then fails. Either way
	 * it is refused with a reason, never half-extracted. */
	{
		struct bs_evidence *ev = NULL;
		char why[1024] = "";

		if (bs_evidence_open(f->zip, NULL, &ev, why, sizeof(why)) == 0) {
			bs_evidence_close(ev);
			fail_msg("truncated zip accepted");
		}
		assert_true(strstr(why, w[0]) != NULL || strstr(why, "entry '") != NULL);
		assert_int_equal(tmp_left(f), 0);
	}
}

static void
test_folder_used_as_is(void **state)
{
	struct zfx *f = *state;
	char folder[256], file[300];
	struct bs_evidence *ev = NULL;
	char why[1024];
	struct stat st;
	FILE *o;

	snprintf(folder, sizeof(folder), "%s/root", f->dir);
	assert_int_equal(mkdir(folder, 0700), 0);
	snprintf(file, sizeof(file), "%s/keep.txt", folder);
	assert_non_null(o = fopen(file, "w"));
	fclose(o);
	assert_int_equal(bs_evidence_kind(folder), BS_EVIDENCE_FOLDER);
	assert_int_equal(bs_evidence_open(folder, NULL, &ev, why, sizeof(why)), 0);
	assert_string_equal(bs_evidence_root(ev), folder);
	bs_evidence_close(ev);
	/* Closing an evidence folder never removes the admin's files. */
	assert_int_equal(stat(file, &st), 0);
	bs_evidence_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_accepted),
	    cmocka_unit_test(test_names_refused),
	    cmocka_unit_test_setup_teardown(test_zip_forward_slashes, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_backslashes_msdos, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_backslashes_unix, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_base_directory, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_zip_single_layout_folder_not_descended, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_traversal, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_absolute_and_drive, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_symlink, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_bomb, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_bomb_many_small, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_too_many_entries, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_duplicate_entry, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_zip_file_where_folder_goes, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_empty, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_zip, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_zip_truncated, zfx_setup, zfx_teardown),
	    cmocka_unit_test_setup_teardown(test_folder_used_as_is, zfx_setup, zfx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
