/* fsutil: the file-system edge. Evidence roots mirror Windows paths, and
 * Windows matches names case-insensitively, so every evidence path goes
 * through bs_fs_resolve. Reads are size-bounded; writes that must survive a
 * crash go through bs_fs_write_atomic. */
#ifndef BS_FSUTIL_H
#define BS_FSUTIL_H

#include <stddef.h>

#define BS_PATH_MAX 4096

/* Resolves rel (components separated by '/' or '\\', matched
 * case-insensitively, exact match preferred) under root into out.
 * Returns 0, BS_ENOENT when a component does not exist, BS_ETOOBIG when
 * the result does not fit. */
int bs_fs_resolve(const char *root, const char *rel, char *out, size_t outsz);

/* Reads a whole regular file of at most max bytes into a malloc'd buffer
 * (caller frees) with a NUL byte after the data. BS_ETOOBIG when larger. */
int bs_fs_read(const char *path, size_t max, char **data, size_t *len);

/* Writes data to path via a temporary file, fsync and rename, then fsyncs
 * the folder: after a crash the file is either old or new, never torn. */
int bs_fs_write_atomic(const char *path, const void *data, size_t len);

/* Names in dir (not "." or ".."), sorted by strcmp for reproducible
 * reports. *names is a malloc'd array of malloc'd strings: free with
 * bs_fs_names_free. */
int bs_fs_list(const char *dir, char ***names, size_t *n);
void bs_fs_names_free(char **names, size_t n);

/* out = a "/" b; BS_ETOOBIG when it does not fit (nothing is cut). */
int bs_path_join(char *out, size_t outsz, const char *a, const char *b);

/* 1 if path is a directory, 0 otherwise. */
int bs_fs_is_dir(const char *path);

/* Creates dir and its parents (mode 0750). */
int bs_fs_mkdirs(const char *dir);

#endif
