/* spool: durable, bounded, checksummed queue of envelopes on disk. */
#include "spool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "wire.h"

#define SPOOL_HDR BS_WIRE_FRAME_HDR
#define SPOOL_FILE_MAX (16u * 1024u * 1024u)

static int
spool_is_env(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".env") == 0;
}

int
bs_spool_open(struct bs_spool *sp, const char *dir, unsigned max_files, uint64_t max_bytes)
{
	char sub[BS_PATH_MAX];

	if (strlen(dir) >= sizeof(sp->dir))
		return BS_ETOOBIG;
	snprintf(sp->dir, sizeof(sp->dir), "%s", dir);
	sp->max_files = max_files > 0 ? max_files : 1;
	sp->max_bytes = max_bytes;
	if (bs_fs_mkdirs(dir) != 0 || bs_path_join(sub, sizeof(sub), dir, "refused") != 0 ||
	    bs_fs_mkdirs(sub) != 0 || bs_path_join(sub, sizeof(sub), dir, "corrupt") != 0 ||
	    bs_fs_mkdirs(sub) != 0)
		return BS_EIO;
	return 0;
}

int
bs_spool_list(const struct bs_spool *sp, char ***names, size_t *n)
{
	char **all = NULL;
	size_t na = 0, k = 0;
	int rv = bs_fs_list(sp->dir, &all, &na);

	*names = NULL;
	*n = 0;
	if (rv != 0)
		return rv;
	for (size_t i = 0; i < na; i++) {
		if (spool_is_env(all[i]))
			all[k++] = all[i];
		else
			free(all[i]);
	}
	*names = all;
	*n = k;
	return 0;
}

static uint64_t
spool_size(const struct bs_spool *sp, const char *name)
{
	char p[BS_PATH_MAX];
	struct bs_fs_info st;

	if (bs_path_join(p, sizeof(p), sp->dir, name) != 0 || bs_fs_stat(p, &st) != 0)
		return 0;
	return st.size;
}

int
bs_spool_put(
    struct bs_spool *sp, const char *name, const uint8_t *data, size_t len, unsigned *dropped)
{
	char path[BS_PATH_MAX];
	uint8_t *buf;
	size_t flen;
	char **names = NULL;
	size_t n = 0, first = 0;
	uint64_t total = 0;
	int rv;

	*dropped = 0;
	if (!spool_is_env(name) || bs_path_join(path, sizeof(path), sp->dir, name) != 0)
		return BS_EINVAL;
	if ((rv = bs_spool_list(sp, &names, &n)) != 0)
		return rv;
	for (size_t i = 0; i < n; i++)
		total += spool_size(sp, names[i]);
	/* Make room: the oldest reports go first. */
	while (first < n &&
	    (n - first + 1 > sp->max_files ||
	        (sp->max_bytes > 0 && total + len + SPOOL_HDR > sp->max_bytes))) {
		total -= spool_size(sp, names[first]);
		bs_spool_remove(sp, names[first]);
		first++;
		(*dropped)++;
	}
	bs_fs_names_free(names, n);
	if ((rv = bs_wire_frame(data, len, &buf, &flen)) != 0)
		return rv;
	rv = bs_fs_write_atomic(path, buf, flen);
	free(buf);
	return rv;
}

int
bs_spool_read(const struct bs_spool *sp, const char *name, uint8_t **data, size_t *len)
{
	char path[BS_PATH_MAX];
	char *raw = NULL;
	const uint8_t *d;
	size_t n = 0, dn;
	int rv;

	*data = NULL;
	if (bs_path_join(path, sizeof(path), sp->dir, name) != 0)
		return BS_EINVAL;
	if ((rv = bs_fs_read(path, SPOOL_FILE_MAX + SPOOL_HDR, &raw, &n)) != 0)
		return rv;
	if (bs_wire_unframe((const uint8_t *)raw, n, &d, &dn) != 0) {
		free(raw);
		return BS_EPARSE;
	}
	memmove(raw, d, dn);
	*data = (uint8_t *)raw;
	*len = dn;
	return 0;
}

int
bs_spool_remove(const struct bs_spool *sp, const char *name)
{
	char path[BS_PATH_MAX];

	if (bs_path_join(path, sizeof(path), sp->dir, name) != 0)
		return BS_EINVAL;
	return bs_fs_remove(path) == 0 ? 0 : BS_EIO;
}

int
bs_spool_set_aside(const struct bs_spool *sp, const char *name, const char *sub)
{
	char from[BS_PATH_MAX], dir[BS_PATH_MAX], to[BS_PATH_MAX];

	if (bs_path_join(from, sizeof(from), sp->dir, name) != 0 ||
	    bs_path_join(dir, sizeof(dir), sp->dir, sub) != 0 ||
	    bs_path_join(to, sizeof(to), dir, name) != 0)
		return BS_EINVAL;
	return bs_fs_rename(from, to);
}
