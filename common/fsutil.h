/* fsutil: the file-system edge. Evidence roots mirror Windows paths, and
 * Windows matches names case-insensitively, so every evidence path goes
 * through bs_fs_resolve. Reads are size-bounded; writes that must survive a
 * crash go through bs_fs_write_atomic. Paths are UTF-8 everywhere above
 * this edge; the Windows variant (fsutil_win32.c) converts them to UTF-16
 * here, once, and opens files so that their writers can go on writing,
 * renaming and deleting them. Platform variants: fsutil_posix.c,
 * fsutil_win32.c; what both share is in fsutil.c. */
#ifndef BS_FSUTIL_H
#define BS_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BS_PATH_MAX 4096

/* Resolves rel (components separated by '/' or '\\', matched
 * case-insensitively, exact match preferred) under root into out.
 * Returns 0, BS_ENOENT when a component does not exist, BS_ETOOBIG when
 * the result does not fit. */
int bs_fs_resolve(const char *root, const char *rel, char *out, size_t outsz);

/* Reads a whole regular file of at most max bytes into a malloc'd buffer
 * (caller frees) with a NUL byte after the data. BS_ETOOBIG when larger;
 * BS_ENOTFILE, without blocking, for a FIFO, device, socket or folder
 * (every open for reading here checks the type of what it opened). */
int bs_fs_read(const char *path, size_t max, char **data, size_t *len);

/* Writes data to path via a temporary file, fsync and rename, then fsyncs
 * the folder: after a crash the file is either old or new, never torn. */
int bs_fs_write_atomic(const char *path, const void *data, size_t len);

/* Names in dir (not "." or ".."), sorted by strcmp for reproducible
 * reports. *names is a malloc'd array of malloc'd strings: free with
 * bs_fs_names_free. */
int bs_fs_list(const char *dir, char ***names, size_t *n);
void bs_fs_names_free(char **names, size_t n);
void bs_fs_names_sort(char **names, size_t n);

/* The next component of the relative path at *p ('/' and '\\' both
 * separate; "." is skipped): 1 with *start and *n set, 0 at the end, -1
 * for "..", which would leave the root. *p moves past it. */
int bs_fs_component(const char **p, const char **start, size_t *n);

/* 0 when path, every link in it followed, is root itself or inside it
 * (root's links followed too); BS_EOUTSIDE when it leads elsewhere,
 * BS_ENOENT when it (or a link's target) does not exist. real, when not
 * NULL, gets where path really is (POSIX realpath; on Windows the final
 * path of the opened file, reparse points followed). */
int bs_fs_inside(const char *root, const char *path, char *real, size_t realsz);

/* out = a "/" b; BS_ETOOBIG when it does not fit (nothing is cut). */
int bs_path_join(char *out, size_t outsz, const char *a, const char *b);

/* 1 if path can be opened for reading, 0 otherwise. */
int bs_fs_readable(const char *path);

/* 1 if path is a directory, 0 otherwise. */
int bs_fs_is_dir(const char *path);

/* Creates dir and its parents (mode 0750). */
int bs_fs_mkdirs(const char *dir);

/* Creates dir and its parents and restricts dir to its owner: mode 0700
 * on POSIX; on Windows a protected DACL of SYSTEM and Administrators
 * only, inherited by everything created inside (keys live there). */
int bs_fs_mkdir_private(const char *dir);

/* What the agent needs to know of a file: size, modification time, and
 * an identity that survives renames (device and inode; on Windows the
 * volume serial and file index) so log cursors follow rotation. */
struct bs_fs_info {
	uint64_t size;
	int64_t mtime_ms;
	uint64_t dev, ino;
	int is_file, is_dir;
};
/* 0, BS_ENOENT, or BS_EIO. */
int bs_fs_stat(const char *path, struct bs_fs_info *out);

/* Removes a file; renames one over another (replacing it). */
int bs_fs_remove(const char *path);
int bs_fs_rename(const char *from, const char *to);

/* bs_fs_write_atomic, readable by the owner only (mode 0600; on Windows
 * the folder's private DACL applies). For private keys. */
int bs_fs_write_private(const char *path, const void *data, size_t len);

/* bs_fs_write_atomic over an existing file, which the new one replaces
 * with its permissions: on POSIX its mode, owner and group (as far as the
 * caller may give it away); on Windows the folder's inherited ACL. For
 * files people edit (config set). BS_ENOENT when path does not exist. */
int bs_fs_write_keep(const char *path, const void *data, size_t len);

/* fopen with a UTF-8 path (on Windows through _wfopen). */
FILE *bs_fs_fopen(const char *path, const char *mode);

/* A file read in sequence from an offset, shared with its writer. The
 * caller owns *out and closes it with bs_file_close (NULL is fine). */
struct bs_file;
/* BS_ENOTFILE, without blocking, when path is not a regular file. */
int bs_file_open(const char *path, uint64_t offset, struct bs_file **out);
/* Reads up to n bytes; *got 0 at end of file. 0 or BS_EIO. */
int bs_file_read(struct bs_file *f, void *buf, size_t n, size_t *got);
int bs_file_stat(struct bs_file *f, struct bs_fs_info *out);
void bs_file_close(struct bs_file *f);

#endif
