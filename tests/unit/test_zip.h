/* test_zip: writes zip files for the tests, in the shapes real tools
 * write and hostile ones make. libarchive writes the zip (deflate); the
 * MS-DOS flag then rewrites each central directory record's "made by"
 * host to 0 and its attributes to DOS ones, as .NET Framework's
 * ZipArchive (behind Compress-Archive and ZipFile in Windows PowerShell
 * 5.1) writes them. Shared by the unit tests and tests/e2e/mkzip.c. */
#ifndef BS_TEST_ZIP_H
#define BS_TEST_ZIP_H

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum test_zip_type { TZ_FILE, TZ_DIR, TZ_SYMLINK };

struct test_zip_entry {
	const char *name; /* written as is: backslashes, "..", absolute */
	enum test_zip_type type;
	const char *data; /* file content, or the link target */
	size_t len; /* file size; data NULL: len zero bytes */
};

#define TEST_ZIP_MSDOS 1 /* "made by" MS-DOS, DOS attributes */

static inline uint32_t
test_zip_le(const unsigned char *p, int n)
{
	uint32_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Rewrites the central directory of the zip at path as made on MS-DOS.
 * Returns 0, -1 when the file is not a plain (non-zip64) zip. */
static inline int
test_zip_make_msdos(const char *path)
{
	FILE *f = fopen(path, "r+b");
	unsigned char *b = NULL;
	long size;
	int rv = -1;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 22 ||
	    fseek(f, 0, SEEK_SET) != 0 || (b = malloc((size_t)size)) == NULL ||
	    fread(b, 1, (size_t)size, f) != (size_t)size)
		goto out;
	for (long e = size - 22; e >= 0; e--) {
		if (memcmp(b + e, "PK\5\6", 4) != 0)
			continue;
		uint32_t n = test_zip_le(b + e + 10, 2), off = test_zip_le(b + e + 16, 4);

		for (uint32_t i = 0; i < n; i++) {
			if (off + 46 > (uint32_t)size || memcmp(b + off, "PK\1\2", 4) != 0)
				goto out;
			uint32_t nl = test_zip_le(b + off + 28, 2);
			int dir = nl > 0 && b[off + 46 + nl - 1] == '/';

			b[off + 5] = 0; /* host: MS-DOS */
			memset(b + off + 38, 0, 4);
			b[off + 38] = dir ? 0x10 : 0x00;
			off +=
			    46 + nl + test_zip_le(b + off + 30, 2) + test_zip_le(b + off + 32, 2);
		}
		rv = fseek(f, 0, SEEK_SET) == 0 && fwrite(b, 1, (size_t)size, f) == (size_t)size
		    ? 0
		    : -1;
		break;
	}
out:
	free(b);
	if (f != NULL && fclose(f) != 0)
		rv = -1;
	return rv;
}

/* Writes entries to a new zip at path. Returns 0 or -1. */
static inline int
test_zip_write(const char *path, const struct test_zip_entry *e, size_t n, int flags)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	char *zeros = NULL;
	int rv = -1;

	if (a == NULL || ae == NULL || archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate") != ARCHIVE_OK ||
	    archive_write_open_filename(a, path) != ARCHIVE_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_mtime(ae, 1700000000, 0);
		if (e[i].type == TZ_DIR) {
			archive_entry_set_filetype(ae, AE_IFDIR);
			archive_entry_set_perm(ae, 0755);
		} else if (e[i].type == TZ_SYMLINK) {
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_perm(ae, 0777);
			archive_entry_set_symlink(ae, e[i].data);
		} else {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_perm(ae, 0644);
			archive_entry_set_size(ae, (la_int64_t)e[i].len);
		}
		if (archive_write_header(a, ae) != ARCHIVE_OK)
			goto out;
		if (e[i].type == TZ_FILE && e[i].len > 0) {
			const char *d = e[i].data;

			if (d == NULL && (d = zeros = calloc(1, e[i].len)) == NULL)
				goto out;
			if (archive_write_data(a, d, e[i].len) != (la_ssize_t)e[i].len)
				goto out;
			free(zeros);
			zeros = NULL;
		}
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		goto out;
	rv = 0;
out:
	free(zeros);
	archive_entry_free(ae);
	archive_write_free(a);
	if (rv == 0 && (flags & TEST_ZIP_MSDOS))
		rv = test_zip_make_msdos(path);
	return rv;
}

#endif
