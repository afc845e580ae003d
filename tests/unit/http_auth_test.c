/* http_auth_test: the dashboard's users file: lines it writes verify, a
 * wrong password or unknown user does not, and a bad line is refused with
 * the file and line. */
#include "test_util.h"

#include "err.h"
#include "http/auth.h"

static void
test_written_lines_verify(void **state)
{
	char a[256], b[256], text[700], path[128], err[256];
	struct bs_http_users *u = NULL;

	(void)state;
	assert_int_equal(bs_http_users_line("alice", "correct horse battery", a, sizeof(a)), 0);
	assert_int_equal(bs_http_users_line("bob", "another long secret", b, sizeof(b)), 0);
	assert_int_equal(bs_http_users_line("bad:name", "x", b + 0, 0), BS_EINVAL);
	snprintf(text, sizeof(text), "# dashboard users\n%s\r\n\n%s\n", a, b);
	test_write_file("users", text, path, sizeof(path));
	assert_int_equal(bs_http_users_load(path, &u, err, sizeof(err)), 0);
	assert_true(bs_http_users_check(u, "alice", "correct horse battery"));
	assert_true(bs_http_users_check(u, "alice", "correct horse battery")); /* cached */
	assert_true(bs_http_users_check(u, "bob", "another long secret"));
	assert_false(bs_http_users_check(u, "alice", "another long secret"));
	assert_false(bs_http_users_check(u, "alice", "correct horse batter"));
	assert_false(bs_http_users_check(u, "carol", "correct horse battery"));
	assert_false(bs_http_users_check(u, NULL, NULL));
	bs_http_users_destroy(u);
}

static void
test_bad_lines_name_file_and_line(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
	    {"alice:plain:secret\n", ":1: expected name:pbkdf2-sha256"},
	    {"# c\nalice:md5:1000:00:00\n", ":2: only pbkdf2-sha256"},
	    {"alice:pbkdf2-sha256:10:00112233445566778899aabbccddeeff:"
	     "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
	        ":1: iteration count must be a number from 10000"},
	    {"alice:pbkdf2-sha256:100000:0011:00\n", ":1: salt must be 32"},
	    {"alice:pbkdf2-sha256:100000:00112233445566778899aabbccddeeff:XYZ\n",
	        ":1: hash must be 64"},
	    {"# nobody\n", "no users"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[128], err[256];
		struct bs_http_users *u = NULL;

		test_write_file("users", cases[i].text, path, sizeof(path));
		assert_int_equal(bs_http_users_load(path, &u, err, sizeof(err)), BS_EINVAL);
		assert_null(u);
		test_error_names(err, path, cases[i].want, i);
	}
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_written_lines_verify),
    cmocka_unit_test(test_bad_lines_name_file_and_line))
