/* evidence_zip (libarchive, POSIX): extracts an evidence zip into a
 * private folder. libarchive reads the zip (deflate, zip64, the central
 * directory); what lands on disk is decided here: only regular files and
 * folders, names through bs_evidence_entry_path, files created with
 * O_EXCL|O_NOFOLLOW under a 0700 folder nobody else can write into, and
 * the bytes actually written counted against the bound (a header's size
 * is not trusted). File times are not restored: a zip keeps local time
 * without a zone, and a wrong mtime could hide a log from the window;
 * the log reader filters by each line's own UTC time instead. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "evidence_zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "evidence_path.h"
#include "fsutil.h"

#define ZIP_CHUNK (64u * 1024u)

static const char *
zip_errstr(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s != NULL ? s : "unknown error";
}

static int
zip_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 ? -1 : 0;
}

int
bs_evidence_zip_remove(const char *dir)
{
	if (dir == NULL || dir[0] == '\0')
		return 0;
	return nftw(dir, zip_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0 ? BS_EIO : 0;
}

/* Makes each folder of rel (a normalised path) under root; one that
 * exists must be a real folder, never a link. */
static int
zip_mkdirs(const char *root, const char *rel, size_t upto, char *why, size_t whysz)
{
	char path[BS_PATH_MAX];
	size_t rl = strlen(root);
	struct stat st;

	if (rl + 1 + upto + 1 > sizeof(path))
		return BS_ETOOBIG;
	memcpy(path, root, rl);
	path[rl] = '/';
	for (size_t i = 0; i <= upto; i++) {
		if (i < upto && rel[i] != '/')
			continue;
		memcpy(path + rl + 1, rel, i);
		path[rl + 1 + i] = '\0';
		if (mkdir(path, 0700) == 0)
			continue;
		if (errno != EEXIST || lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			snprintf(why, whysz, "cannot make folder '%.*s': %s", (int)i, rel,
			    errno == EEXIST ? "a file of that name came first" : strerror(errno));
			return BS_EIO;
		}
	}
	return 0;
}

static int
zip_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return BS_EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One regular file's data into root/rel; *total counts every byte. */
static int
zip_file(struct archive *a, const char *root, const char *rel, const char *name,
    const struct bs_evidence_limits *lim, uint64_t *total, char *buf, char *why, size_t whysz)
{
	char path[BS_PATH_MAX];
	const char *slash = strrchr(rel, '/');
	int fd, rv = 0;

	if (slash != NULL && (rv = zip_mkdirs(root, rel, (size_t)(slash - rel), why, whysz)) != 0)
		return rv;
	if (bs_path_join(path, sizeof(path), root, rel) != 0) {
		snprintf(why, whysz, "entry '%s': path too long", name);
		return BS_ETOOBIG;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, whysz, "entry '%s': %s", name,
		    errno == EEXIST ? "appears twice (or a folder has that name)"
		                    : strerror(errno));
		return BS_EIO;
	}
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, ZIP_CHUNK);

		if (n == 0)
			break;
		if (n < 0) {
			snprintf(why, whysz, "entry '%s': %s", name, zip_errstr(a));
			rv = BS_EPARSE;
			break;
		}
		if (*total + (uint64_t)n > lim->max_bytes) {
			snprintf(why, whysz,
			    "expands to more than %llu bytes (at entry '%s'); refused as a "
			    "possible zip bomb",
			    (unsigned long long)lim->max_bytes, name);
			rv = BS_ETOOBIG;
			break;
		}
		*total += (uint64_t)n;
		if ((rv = zip_write_all(fd, buf, (size_t)n)) != 0) {
			snprintf(why, whysz, "entry '%s': cannot write %s: %s", name, path,
			    strerror(errno));
			break;
		}
	}
	if (close(fd) != 0 && rv == 0) {
		snprintf(why, whysz, "entry '%s': cannot write %s", name, path);
		rv = BS_EIO;
	}
	return rv;
}

/* Every entry of the open archive a into root. */
static int
zip_entries(struct archive *a, const char *root, const struct bs_evidence_limits *lim, char *why,
    size_t whysz)
{
	char rel[BS_PATH_MAX], reason[256];
	uint64_t total = 0, count = 0;
	struct archive_entry *e;
	char *buf = malloc(ZIP_CHUNK);
	int rv = 0, r;

	if (buf == NULL)
		return BS_ENOMEM;
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *name;
		int is_dir;

		if (r < ARCHIVE_WARN) {
			snprintf(why, whysz, "not a readable zip: %s", zip_errstr(a));
			rv = BS_EPARSE;
			goto out;
		}
		if (++count > lim->max_entries) {
			snprintf(why, whysz,
			    "more than %llu entries; refused as a possible zip bomb",
			    (unsigned long long)lim->max_entries);
			rv = BS_ETOOBIG;
			goto out;
		}
		name = archive_entry_pathname_utf8(e);
		if (name == NULL) {
			snprintf(why, whysz, "entry %llu: name not readable as UTF-8",
			    (unsigned long long)count);
			rv = BS_EPARSE;
			goto out;
		}
		if ((rv = bs_evidence_entry_path(name, strlen(name), rel, sizeof(rel), &is_dir,
		         reason, sizeof(reason))) != 0) {
			snprintf(why, whysz, "entry '%s': %s", name, reason);
			goto out;
		}
		if (archive_entry_is_encrypted(e)) {
			snprintf(why, whysz, "entry '%s' is encrypted", name);
			rv = BS_EPARSE;
			goto out;
		}
		if (archive_entry_hardlink(e) != NULL ||
		    (archive_entry_filetype(e) != AE_IFREG &&
		        archive_entry_filetype(e) != AE_IFDIR)) {
			snprintf(why, whysz,
			    "entry '%s' is a link or a special file; only files and folders are "
			    "extracted",
			    name);
			rv = BS_EPARSE;
			goto out;
		}
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
		    (uint64_t)archive_entry_size(e) > lim->max_bytes - total) {
			snprintf(why, whysz,
			    "expands to more than %llu bytes (at entry '%s'); refused as a "
			    "possible zip bomb",
			    (unsigned long long)lim->max_bytes, name);
			rv = BS_ETOOBIG;
			goto out;
		}
		/* A name ending in '\' is a folder that libarchive (reading a zip
		 * not made on MS-DOS) took for a file. */
		if (is_dir || archive_entry_filetype(e) == AE_IFDIR)
			rv = rel[0] == '\0' ? 0 : zip_mkdirs(root, rel, strlen(rel), why, whysz);
		else
			rv = zip_file(a, root, rel, name, lim, &total, buf, why, whysz);
		if (rv != 0)
			goto out;
	}
	if (count == 0) {
		snprintf(why, whysz, "the zip is empty: no evidence in it");
		rv = BS_ENOENT;
	}
out:
	free(buf);
	return rv;
}

int
bs_evidence_zip_extract(const char *zip, const struct bs_evidence_limits *lim, char *dir,
    size_t dirsz, char *why, size_t whysz)
{
	const char *tmp = getenv("TMPDIR");
	struct archive *a = NULL;
	int n, rv;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	n = snprintf(dir, dirsz, "%s/bindscope-evidence-XXXXXX", tmp);
	if (n < 0 || (size_t)n >= dirsz) {
		snprintf(why, whysz, "temporary folder name too long");
		return BS_ETOOBIG;
	}
	if (mkdtemp(dir) == NULL) {
		snprintf(why, whysz, "cannot make a temporary folder under %s: %s", tmp,
		    strerror(errno));
		dir[0] = '\0';
		return BS_EIO;
	}
	if ((a = archive_read_new()) == NULL) {
		rv = BS_ENOMEM;
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, zip, ZIP_CHUNK) != ARCHIVE_OK) {
		snprintf(why, whysz, "not a readable zip: %s", zip_errstr(a));
		rv = BS_EPARSE;
		goto out;
	}
	rv = zip_entries(a, dir, lim, why, whysz);
out:
	archive_read_free(a);
	if (rv != 0) {
		bs_evidence_zip_remove(dir);
		dir[0] = '\0';
	}
	return rv;
}
