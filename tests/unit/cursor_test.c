/* cursor_test: where each log was read up to survives a save and a load
 * exactly (a file never read has no cursor; "no #Fields line yet" stays
 * that; the hash of its first bytes too), one entry per log however often
 * it moves, and a damaged cursor file is refused with its name and line
 * rather than read as "start over" or "skip ahead". A file truncated in
 * place is told from one that only grew: by its size, or by its first
 * bytes when it has grown past the cursor again. */
#include "test_util.h"

#include "cursor.h"
#include "err.h"

#define OWA "Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa/HttpProxy_1.LOG"
#define W3C "inetpub/logs/LogFiles/W3SVC2/u_ex230109.log"

static void
test_missing_file_is_empty(void **state)
{
	struct bs_cursors c;
	char why[256] = "";

	(void)state;
	bs_cursors_init(&c);
	assert_int_equal(bs_cursors_load(&c, "/nonexistent/cursors.json", why, sizeof(why)), 0);
	assert_int_equal(c.n, 0);
	assert_null(bs_cursors_find(&c, OWA));
	bs_cursors_fini(&c);
}

static void
test_set_save_load(void **state)
{
	struct bs_cursors c, d;
	const struct bs_cursor *e;
	char dir[64], path[128], why[256];

	(void)state;
	bs_cursors_init(&c);
	assert_int_equal(
	    bs_cursors_set(&c, OWA, 2049, 131, 1000, 0, 1000, 0xfeedfacecafebeefULL), 0);
	assert_int_equal(bs_cursors_set(&c, W3C, 2049, 77, 5, BS_CURSOR_NONE, 0, 0), 0);
	/* A log read further: its one entry moves. */
	assert_int_equal(
	    bs_cursors_set(&c, OWA, 2049, 131, 123456789012ULL, 4096, 1024, 0x8000000000000001ULL),
	    0);
	assert_int_equal(c.n, 2);
	snprintf(path, sizeof(path), "%s/cursors.json", test_tmpdir(dir, sizeof(dir)));
	assert_int_equal(bs_cursors_save(&c, path), 0);
	bs_cursors_init(&d);
	assert_int_equal(bs_cursors_load(&d, path, why, sizeof(why)), 0);
	assert_int_equal(d.n, 2);
	e = bs_cursors_find(&d, OWA);
	assert_non_null(e);
	assert_int_equal(e->dev, 2049);
	assert_int_equal(e->ino, 131);
	assert_int_equal(e->offset, 123456789012ULL);
	assert_int_equal(e->fields_offset, 4096);
	assert_int_equal(e->head_len, 1024);
	assert_true(e->head_hash == 0x8000000000000001ULL); /* all 64 bits survive JSON */
	e = bs_cursors_find(&d, W3C);
	assert_non_null(e);
	assert_int_equal(e->offset, 5);
	assert_int_equal(e->fields_offset, BS_CURSOR_NONE);
	assert_null(bs_cursors_find(&d, "inetpub/logs/LogFiles/W3SVC1/u_ex230109.log"));
	bs_cursors_fini(&d);
	bs_cursors_fini(&c);
}

static void
test_damaged_files_refused(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
	    {"{\"version\": 1, \"files\": {\"a\": {\"offset\": 5}\n", "line 2"}, /* cut short */
	    {"[1, 2, 3]\n", "no \"files\" object"},
	    {"{\"version\": 1}\n", "no \"files\" object"},
	    {"", "not a cursor file"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bs_cursors c;
		char path[128], why[256] = "";

		bs_cursors_init(&c);
		test_write_file("cursors.json", cases[i].text, path, sizeof(path));
		assert_int_equal(bs_cursors_load(&c, path, why, sizeof(why)), BS_EPARSE);
		test_error_names(why, path, cases[i].want, i);
		bs_cursors_fini(&c);
	}
}

/* An entry with a negative position cannot be resumed from: it is left
 * out (the log is read again from its start), the others are kept. */
static void
test_negative_positions_left_out(void **state)
{
	struct bs_cursors c;
	char path[128], why[256];

	(void)state;
	bs_cursors_init(&c);
	test_write_file("cursors.json",
	    "{\"version\": 1, \"files\": {"
	    "\"" OWA "\": {\"dev\": 1, \"ino\": 2, \"offset\": -5, \"fields_offset\": -1},"
	    "\"" W3C "\": {\"dev\": 1, \"ino\": 3, \"offset\": 70}}}\n",
	    path, sizeof(path));
	assert_int_equal(bs_cursors_load(&c, path, why, sizeof(why)), 0);
	assert_int_equal(c.n, 1);
	assert_null(bs_cursors_find(&c, OWA));
	assert_int_equal(bs_cursors_find(&c, W3C)->offset, 70);
	assert_int_equal(bs_cursors_find(&c, W3C)->fields_offset, BS_CURSOR_NONE);
	bs_cursors_fini(&c);
}

static void
test_judge_growth_rotation_truncation(void **state)
{
	struct bs_cursor cur = {(char *)OWA, 2049, 131, 5000, BS_CURSOR_NONE, 1024, 0x1234};

	(void)state;
	/* Grown (or not), same first bytes: read on. */
	assert_int_equal(bs_cursor_judge(&cur, 2049, 131, 5000, 1024, 0x1234), BS_CURSOR_RESUME);
	assert_int_equal(bs_cursor_judge(&cur, 2049, 131, 9000, 1024, 0x1234), BS_CURSOR_RESUME);
	/* Another file under the name: rotated by rename. */
	assert_int_equal(bs_cursor_judge(&cur, 2049, 132, 9000, 1024, 0x1234), BS_CURSOR_OTHER);
	assert_int_equal(bs_cursor_judge(&cur, 2050, 131, 9000, 1024, 0x1234), BS_CURSOR_OTHER);
	/* Shorter than the cursor: truncated. */
	assert_int_equal(bs_cursor_judge(&cur, 2049, 131, 4999, 1024, 0x1234), BS_CURSOR_TRUNCATED);
	assert_int_equal(bs_cursor_judge(&cur, 2049, 131, 0, 0, 0), BS_CURSOR_TRUNCATED);
	/* Truncated and written past the cursor again before this sweep:
	 * only the first bytes tell. */
	assert_int_equal(bs_cursor_judge(&cur, 2049, 131, 9000, 1024, 0x9999), BS_CURSOR_TRUNCATED);
	assert_int_equal(bs_cursor_judge(&cur, 2049, 131, 9000, 800, 0x1234), BS_CURSOR_TRUNCATED);
	/* A cursor from an older agent, without the hash: the size alone. */
	cur.head_len = 0;
	assert_int_equal(bs_cursor_judge(&cur, 2049, 131, 9000, 0, 0), BS_CURSOR_RESUME);
	assert_int_equal(bs_cursor_judge(&cur, 2049, 131, 10, 0, 0), BS_CURSOR_TRUNCATED);
}

/* A cursor file an older agent wrote (no head) loads, its hash unknown;
 * a hash that is not 16 hex digits counts as unknown too. */
static void
test_older_cursor_file_has_no_head(void **state)
{
	struct bs_cursors c;
	char path[128], why[256];

	(void)state;
	bs_cursors_init(&c);
	test_write_file("cursors.json",
	    "{\"version\": 1, \"files\": {"
	    "\"" OWA "\": {\"dev\": 1, \"ino\": 2, \"offset\": 5, \"fields_offset\": -1},"
	    "\"" W3C "\": {\"dev\": 1, \"ino\": 3, \"offset\": 70, \"head_len\": 70,"
	    " \"head_hash\": \"zz\"}}}\n",
	    path, sizeof(path));
	assert_int_equal(bs_cursors_load(&c, path, why, sizeof(why)), 0);
	assert_int_equal(bs_cursors_find(&c, OWA)->head_len, 0);
	assert_int_equal(bs_cursors_find(&c, W3C)->head_len, 0);
	assert_int_equal(bs_cursors_find(&c, W3C)->offset, 70);
	bs_cursors_fini(&c);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_missing_file_is_empty),
    cmocka_unit_test(test_set_save_load), cmocka_unit_test(test_damaged_files_refused),
    cmocka_unit_test(test_negative_positions_left_out),
    cmocka_unit_test(test_judge_growth_rotation_truncation),
    cmocka_unit_test(test_older_cursor_file_has_no_head))
