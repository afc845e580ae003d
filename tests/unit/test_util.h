/* test_util: helpers the unit tests share (fixture files, temp dirs,
 * files written for a test). */
#ifndef BS_TEST_UTIL_H
#define BS_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

/* Reads tests/fixtures/<rel>; fails the test when missing. Caller frees. */
static inline char *
test_fixture(const char *rel, size_t *len)
{
	char path[BS_PATH_MAX];
	char *data = NULL;

	snprintf(path, sizeof(path), "%s/%s", BS_FIXTURES, rel);
	if (bs_fs_read(path, 64u * 1024u * 1024u, &data, len) != 0)
		fail_msg("cannot read fixture %s", path);
	return data;
}

/* A fresh temporary folder (mkdtemp); the caller may leave it behind in
 * /tmp, the OS cleans it. */
static inline const char *
test_tmpdir(char *buf, size_t n)
{
	snprintf(buf, n, "/tmp/bs-test-XXXXXX");
	if (mkdtemp(buf) == NULL)
		fail_msg("mkdtemp failed");
	return buf;
}

/* The test program: the tests (cmocka_unit_test(name), ...) as one group
 * with setup and teardown functions (NULL for none). */
#define TEST_MAIN(setup, teardown, ...)                                                            \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = {__VA_ARGS__};                                   \
		return cmocka_run_group_tests(tests, setup, teardown);                             \
	}

/* err, the message of case i of a table of bad inputs, names the file
 * (path) and says want. */
static inline void
test_error_names(const char *err, const char *path, const char *want, size_t i)
{
	if (strstr(err, path) == NULL || strstr(err, want) == NULL)
		fail_msg("case %zu: got '%s', want '%s' naming %s", i, err, want, path);
}

/* Writes text to a file named name in a fresh temporary folder; its path
 * goes to path (n bytes) and is returned. */
static inline const char *
test_write_file(const char *name, const char *text, char *path, size_t n)
{
	char dir[64];
	FILE *f;

	snprintf(path, n, "%s/%s", test_tmpdir(dir, sizeof(dir)), name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

#endif
