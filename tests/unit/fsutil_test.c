/* fsutil_test: the file-system edge the agent and collector stand on:
 * case-insensitive resolution inside a root (never out of it), bounded
 * reads, atomic and private writes, file identity that follows a rename
 * (log cursors rely on it), sequential reads from an offset; only regular
 * files opened (a FIFO neither blocks nor is read), and links judged by
 * where they lead (bs_fs_inside). */
#include "test_util.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

static void
write_file(const char *dir, const char *name, const char *text)
{
	char p[BS_PATH_MAX];

	assert_int_equal(bs_path_join(p, sizeof(p), dir, name), 0);
	assert_int_equal(bs_fs_write_atomic(p, text, strlen(text)), 0);
}

static void
test_resolve_case_insensitive_inside_root(void **state)
{
	char dir[64], sub[BS_PATH_MAX], out[BS_PATH_MAX];

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	assert_int_equal(bs_path_join(sub, sizeof(sub), dir, "Windows/System32"), 0);
	assert_int_equal(bs_fs_mkdirs(sub), 0);
	write_file(sub, "applicationHost.config", "<configuration/>");
	/* Windows spells paths any way it likes; backslashes separate too. */
	assert_int_equal(
	    bs_fs_resolve(dir, "WINDOWS\\system32/APPLICATIONHOST.CONFIG", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "Windows/System32/applicationHost.config"));
	assert_int_equal(bs_fs_resolve(dir, "Windows/missing.txt", out, sizeof(out)), BS_ENOENT);
	/* An evidence path never leaves its root. */
	assert_int_equal(
	    bs_fs_resolve(dir, "Windows/../../etc/passwd", out, sizeof(out)), BS_EINVAL);
	/* Nothing is cut to fit. */
	assert_int_equal(bs_fs_resolve(dir, "Windows", out, 8), BS_ETOOBIG);
}

static void
test_read_is_bounded(void **state)
{
	char dir[64], p[BS_PATH_MAX];
	char *data = NULL;
	size_t len = 0;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	write_file(dir, "a.txt", "0123456789");
	assert_int_equal(bs_path_join(p, sizeof(p), dir, "a.txt"), 0);
	assert_int_equal(bs_fs_read(p, 10, &data, &len), 0);
	assert_int_equal(len, 10);
	assert_string_equal(data, "0123456789"); /* NUL-terminated */
	free(data);
	assert_int_equal(bs_fs_read(p, 9, &data, &len), BS_ETOOBIG);
	assert_null(data);
	assert_int_equal(bs_fs_read(dir, 100, &data, &len), BS_ENOTFILE); /* a folder */
	assert_int_equal(bs_path_join(p, sizeof(p), dir, "none"), 0);
	assert_int_equal(bs_fs_read(p, 100, &data, &len), BS_ENOENT);
}

static void
test_private_write_and_dir_are_owner_only(void **state)
{
	char dir[64], sub[BS_PATH_MAX], p[BS_PATH_MAX];
	struct stat st;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	assert_int_equal(bs_path_join(sub, sizeof(sub), dir, "state/keys"), 0);
	assert_int_equal(bs_fs_mkdir_private(sub), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(bs_path_join(p, sizeof(p), sub, "agent.key"), 0);
	assert_int_equal(bs_fs_write_private(p, "secret", 6), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Replacing keeps it private and whole. */
	assert_int_equal(bs_fs_write_private(p, "newer secret", 12), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 12);
}

static void
test_identity_follows_rename(void **state)
{
	char dir[64], a[BS_PATH_MAX], b[BS_PATH_MAX];
	struct bs_fs_info ia, ib;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	write_file(dir, "u_ex261202.log", "#Fields: date time\r\n");
	assert_int_equal(bs_path_join(a, sizeof(a), dir, "u_ex261202.log"), 0);
	assert_int_equal(bs_path_join(b, sizeof(b), dir, "u_ex261202.log.1"), 0);
	assert_int_equal(bs_fs_stat(a, &ia), 0);
	assert_true(ia.is_file);
	assert_false(ia.is_dir);
	assert_int_equal(ia.size, 20);
	assert_true(ia.mtime_ms > 0);
	assert_int_equal(bs_fs_rename(a, b), 0);
	assert_int_equal(bs_fs_stat(b, &ib), 0);
	assert_int_equal(ib.dev, ia.dev);
	assert_int_equal(ib.ino, ia.ino);
	assert_int_equal(bs_fs_stat(a, &ia), BS_ENOENT);
	assert_int_equal(bs_fs_remove(b), 0);
	assert_int_equal(bs_fs_remove(b), BS_ENOENT);
	assert_int_equal(bs_fs_stat(dir, &ia), 0);
	assert_true(ia.is_dir);
}

static void
test_sequential_read_from_offset(void **state)
{
	char dir[64], p[BS_PATH_MAX], buf[16];
	struct bs_file *f = NULL;
	struct bs_fs_info st;
	size_t got = 0;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	write_file(dir, "log", "line one\nline two\n");
	assert_int_equal(bs_path_join(p, sizeof(p), dir, "log"), 0);
	assert_int_equal(bs_file_open(p, 9, &f), 0);
	assert_int_equal(bs_file_read(f, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 9);
	assert_memory_equal(buf, "line two\n", 9);
	assert_int_equal(bs_file_read(f, buf, sizeof(buf), &got), 0);
	assert_int_equal(got, 0); /* end of file */
	assert_int_equal(bs_file_stat(f, &st), 0);
	assert_int_equal(st.size, 18);
	bs_file_close(f);
	bs_file_close(NULL);
	assert_int_equal(bs_path_join(p, sizeof(p), dir, "gone"), 0);
	assert_int_equal(bs_file_open(p, 0, &f), BS_ENOENT);
	assert_null(f);
}

static void
test_list_sorted_and_readable(void **state)
{
	char dir[64], p[BS_PATH_MAX];
	char **names = NULL;
	size_t n = 0;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	write_file(dir, "b.reg", "x");
	write_file(dir, "A.reg", "x");
	write_file(dir, "a.reg", "x");
	assert_int_equal(bs_fs_list(dir, &names, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "A.reg");
	assert_string_equal(names[1], "a.reg");
	assert_string_equal(names[2], "b.reg");
	bs_fs_names_free(names, n);
	assert_int_equal(bs_path_join(p, sizeof(p), dir, "a.reg"), 0);
	assert_true(bs_fs_readable(p));
	assert_int_equal(bs_path_join(p, sizeof(p), dir, "c.reg"), 0);
	assert_false(bs_fs_readable(p));
}

/* A FIFO with no writer: opening it for reading would block forever. The
 * alarm turns a hang into a failure. */
static void
test_fifo_and_devices_refused_without_blocking(void **state)
{
	char dir[64], p[BS_PATH_MAX];
	struct bs_file *f = NULL;
	char *data = NULL;
	size_t len = 0;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	assert_int_equal(bs_path_join(p, sizeof(p), dir, "X.cer"), 0);
	assert_int_equal(mkfifo(p, 0600), 0);
	alarm(10);
	assert_int_equal(bs_fs_read(p, 100, &data, &len), BS_ENOTFILE);
	assert_null(data);
	assert_int_equal(bs_file_open(p, 0, &f), BS_ENOTFILE);
	assert_null(f);
	assert_int_equal(bs_fs_read("/dev/zero", 100, &data, &len), BS_ENOTFILE);
	assert_int_equal(bs_file_open("/dev/zero", 0, &f), BS_ENOTFILE);
	alarm(0);
	/* A regular file still reads, with blocking reads (O_NONBLOCK is
	 * cleared once the type is known). */
	write_file(dir, "a.log", "line\n");
	assert_int_equal(bs_path_join(p, sizeof(p), dir, "a.log"), 0);
	assert_int_equal(bs_file_open(p, 0, &f), 0);
	{
		char buf[16];
		size_t got = 0;

		assert_int_equal(bs_file_read(f, buf, sizeof(buf), &got), 0);
		assert_int_equal(got, 5);
	}
	bs_file_close(f);
}

static void
test_inside_follows_links_and_judges_where_they_lead(void **state)
{
	char dir[64], root[BS_PATH_MAX], p[BS_PATH_MAX], q[BS_PATH_MAX], real[BS_PATH_MAX];
	char outside[BS_PATH_MAX];

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	assert_int_equal(bs_path_join(root, sizeof(root), dir, "root"), 0);
	assert_int_equal(bs_path_join(p, sizeof(p), root, "certstore/My"), 0);
	assert_int_equal(bs_fs_mkdirs(p), 0);
	write_file(p, "a.cer", "x");
	assert_int_equal(bs_path_join(outside, sizeof(outside), dir, "ca.pem"), 0);
	write_file(dir, "ca.pem", "secret");
	assert_int_equal(bs_path_join(q, sizeof(q), p, "a.cer"), 0);
	assert_int_equal(bs_fs_inside(root, q, real, sizeof(real)), 0);
	/* A link that stays inside is followed. */
	assert_int_equal(bs_path_join(q, sizeof(q), p, "b.cer"), 0);
	assert_int_equal(symlink("a.cer", q), 0);
	assert_int_equal(bs_fs_inside(root, q, real, sizeof(real)), 0);
	assert_non_null(strstr(real, "/root/certstore/My/a.cer"));
	/* One that leaves is refused, and says where it leads. */
	assert_int_equal(bs_path_join(q, sizeof(q), p, "c.cer"), 0);
	assert_int_equal(symlink(outside, q), 0);
	assert_int_equal(bs_fs_inside(root, q, real, sizeof(real)), BS_EOUTSIDE);
	assert_string_equal(real, outside);
	/* So is a folder link, and a relative one climbing out. */
	assert_int_equal(bs_path_join(q, sizeof(q), root, "logs"), 0);
	assert_int_equal(symlink("/etc", q), 0);
	assert_int_equal(bs_path_join(q, sizeof(q), root, "logs/hostname"), 0);
	assert_int_equal(bs_fs_inside(root, q, NULL, 0), BS_EOUTSIDE);
	assert_int_equal(bs_path_join(q, sizeof(q), p, "up.cer"), 0);
	assert_int_equal(symlink("../../../ca.pem", q), 0);
	assert_int_equal(bs_fs_inside(root, q, NULL, 0), BS_EOUTSIDE);
	/* A sibling folder whose name starts like the root's is outside. */
	assert_int_equal(bs_path_join(q, sizeof(q), dir, "rootx"), 0);
	assert_int_equal(bs_fs_mkdirs(q), 0);
	assert_int_equal(bs_fs_inside(root, q, NULL, 0), BS_EOUTSIDE);
	/* A dangling link is simply missing. */
	assert_int_equal(bs_path_join(q, sizeof(q), p, "gone.cer"), 0);
	assert_int_equal(symlink("nowhere.cer", q), 0);
	assert_int_equal(bs_fs_inside(root, q, NULL, 0), BS_ENOENT);
	/* The root itself may be reached through a link. */
	assert_int_equal(bs_path_join(q, sizeof(q), dir, "alias"), 0);
	assert_int_equal(symlink(root, q), 0);
	assert_int_equal(bs_path_join(p, sizeof(p), root, "certstore/My/a.cer"), 0);
	assert_int_equal(bs_fs_inside(q, p, NULL, 0), 0);
	assert_int_equal(bs_fs_inside(q, root, NULL, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve_case_insensitive_inside_root),
	    cmocka_unit_test(test_read_is_bounded),
	    cmocka_unit_test(test_private_write_and_dir_are_owner_only),
	    cmocka_unit_test(test_identity_follows_rename),
	    cmocka_unit_test(test_sequential_read_from_offset),
	    cmocka_unit_test(test_list_sorted_and_readable),
	    cmocka_unit_test(test_fifo_and_devices_refused_without_blocking),
	    cmocka_unit_test(test_inside_follows_links_and_judges_where_they_lead),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
