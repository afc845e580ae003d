/* spool: reports waiting for the collector's acknowledgement. Each is
 * written before it is sent (temporary file, fsync, rename) with a length
 * and SHA-256 header, and removed only once acknowledged, so a crash,
 * a restart or a collector outage loses nothing. Bounded in files and
 * bytes: when full, the oldest are dropped and counted, and the next
 * report says how many. Names sort oldest first. */
#ifndef BS_SPOOL_H
#define BS_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "fsutil.h"

struct bs_spool {
	char dir[BS_PATH_MAX];
	unsigned max_files;
	uint64_t max_bytes;
};

/* Creates dir (and dir/refused, dir/corrupt) as needed. */
int bs_spool_open(struct bs_spool *sp, const char *dir, unsigned max_files, uint64_t max_bytes);

/* Stores data as name (must end in ".env"), first dropping the oldest
 * files until it fits; *dropped counts them. Returns once the file is
 * durable. */
int bs_spool_put(
    struct bs_spool *sp, const char *name, const uint8_t *data, size_t len, unsigned *dropped);

/* Spooled names, oldest first (bs_fs_names_free). */
int bs_spool_list(const struct bs_spool *sp, char ***names, size_t *n);

/* Reads and checks one file: BS_EPARSE when its header or digest does not
 * match (a torn or tampered file). *data is malloc'd. */
int bs_spool_read(const struct bs_spool *sp, const char *name, uint8_t **data, size_t *len);

int bs_spool_remove(const struct bs_spool *sp, const char *name);
/* Moves a file aside into sub ("refused" or "corrupt") for inspection. */
int bs_spool_set_aside(const struct bs_spool *sp, const char *name, const char *sub);

#endif
