/* spool_test: a report waiting for the collector is on disk whole and
 * comes back byte for byte; the spool stays within its file and byte
 * bounds by dropping the oldest (and counting them); a torn or altered
 * file is refused, and can be set aside; files a crash left half-written
 * are not taken for reports. */
#include "test_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "spool.h"
#include "wire.h"

static void
open_spool(struct bs_spool *sp, char *dir, size_t n, unsigned files, uint64_t bytes)
{
	char sub[160], tmp[64];
	struct stat st;

	snprintf(dir, n, "%s/spool", test_tmpdir(tmp, sizeof(tmp)));
	assert_int_equal(bs_spool_open(sp, dir, files, bytes), 0);
	snprintf(sub, sizeof(sub), "%s/corrupt", dir);
	assert_int_equal(stat(sub, &st), 0);
	snprintf(sub, sizeof(sub), "%s/refused", dir);
	assert_int_equal(stat(sub, &st), 0);
}

static void
put(struct bs_spool *sp, const char *name, const char *data, unsigned *dropped)
{
	assert_int_equal(bs_spool_put(sp, name, (const uint8_t *)data, strlen(data), dropped), 0);
}

static void
test_put_list_read_remove(void **state)
{
	struct bs_spool sp;
	char dir[128], **names = NULL;
	uint8_t *data = NULL;
	size_t n = 0, len = 0;
	unsigned dropped = 9;

	(void)state;
	open_spool(&sp, dir, sizeof(dir), 10, 0);
	put(&sp, "0002-b1-000002.env", "second", &dropped);
	assert_int_equal(dropped, 0);
	put(&sp, "0001-b1-000001.env", "first", &dropped);
	/* Not a report name: refused, nothing written. */
	assert_int_equal(
	    bs_spool_put(&sp, "0003.tmp", (const uint8_t *)"x", 1, &dropped), BS_EINVAL);
	assert_int_equal(bs_spool_list(&sp, &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "0001-b1-000001.env"); /* oldest first */
	assert_string_equal(names[1], "0002-b1-000002.env");
	assert_int_equal(bs_spool_read(&sp, names[1], &data, &len), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(data, "second", 6);
	free(data);
	assert_int_equal(bs_spool_remove(&sp, names[0]), 0);
	assert_int_not_equal(bs_spool_remove(&sp, names[0]), 0); /* gone */
	bs_fs_names_free(names, n);
	assert_int_equal(bs_spool_list(&sp, &names, &n), 0);
	assert_int_equal(n, 1);
	bs_fs_names_free(names, n);
}

static void
test_bounds_drop_the_oldest(void **state)
{
	struct bs_spool sp;
	char dir[128], name[32], **names = NULL;
	size_t n = 0;
	unsigned dropped = 0, total = 0;

	(void)state;
	open_spool(&sp, dir, sizeof(dir), 3, 0);
	for (int i = 1; i <= 5; i++) {
		snprintf(name, sizeof(name), "%04d-b1.env", i);
		put(&sp, name, "report", &dropped);
		total += dropped;
	}
	assert_int_equal(total, 2);
	assert_int_equal(bs_spool_list(&sp, &names, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "0003-b1.env");
	assert_string_equal(names[2], "0005-b1.env");
	bs_fs_names_free(names, n);

	/* By bytes: each file is its data plus the frame's header. */
	open_spool(&sp, dir, sizeof(dir), 100, 2 * (BS_WIRE_FRAME_HDR + 10));
	put(&sp, "0001.env", "0123456789", &dropped);
	put(&sp, "0002.env", "0123456789", &dropped);
	assert_int_equal(dropped, 0);
	put(&sp, "0003.env", "0123456789", &dropped);
	assert_int_equal(dropped, 1);
	assert_int_equal(bs_spool_list(&sp, &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "0002.env");
	bs_fs_names_free(names, n);
}

/* Replaces the file's bytes at offset with c (or cuts it there). */
static void
damage(const char *dir, const char *name, long offset, int c)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (c < 0) {
		assert_int_equal(truncate(path, offset), 0);
		return;
	}
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, offset, SEEK_SET), 0);
	fputc(c, f);
	fclose(f);
}

static void
test_torn_and_altered_files_refused(void **state)
{
	struct bs_spool sp;
	char dir[128], path[200], **names = NULL;
	uint8_t *data = NULL;
	size_t n = 0, len = 0;
	unsigned dropped;
	struct stat st;

	(void)state;
	open_spool(&sp, dir, sizeof(dir), 10, 0);
	put(&sp, "0001.env", "an envelope of some length", &dropped);
	put(&sp, "0002.env", "another envelope", &dropped);
	damage(dir, "0001.env", BS_WIRE_FRAME_HDR + 5, 'X');
	assert_int_equal(bs_spool_read(&sp, "0001.env", &data, &len), BS_EPARSE);
	assert_null(data);
	damage(dir, "0002.env", BS_WIRE_FRAME_HDR + 3, -1); /* a crash mid-write */
	assert_int_equal(bs_spool_read(&sp, "0002.env", &data, &len), BS_EPARSE);
	damage(dir, "0002.env", 10, -1); /* not even a header */
	assert_int_equal(bs_spool_read(&sp, "0002.env", &data, &len), BS_EPARSE);
	assert_int_not_equal(bs_spool_read(&sp, "0009.env", &data, &len), 0);
	/* Set aside for inspection: out of the queue, kept in corrupt/. */
	assert_int_equal(bs_spool_set_aside(&sp, "0001.env", "corrupt"), 0);
	snprintf(path, sizeof(path), "%s/corrupt/0001.env", dir);
	assert_int_equal(stat(path, &st), 0);
	/* What an interrupted atomic write leaves is not a report. */
	snprintf(path, sizeof(path), "%s/0003.env.tmp.4242", dir);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fclose(f);
	}
	assert_int_equal(bs_spool_list(&sp, &names, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "0002.env");
	bs_fs_names_free(names, n);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_put_list_read_remove),
    cmocka_unit_test(test_bounds_drop_the_oldest),
    cmocka_unit_test(test_torn_and_altered_files_refused))
