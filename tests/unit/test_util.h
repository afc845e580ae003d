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
