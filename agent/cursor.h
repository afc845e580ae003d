/* cursor: where each log file was read up to, so a sweep reads only what
 * is new. Keyed by the file's evidence path and identity (device, inode),
 * with a hash of the file's first bytes, persisted as JSON in the agent's
 * state folder. A log rotated by copy and then truncated in place keeps
 * its identity and may grow past the cursor again before the next sweep;
 * its size shrinking, or its first bytes changing, tells (bs_cursor_judge). A sweep works on a
 * copy; the caller saves it only once the report that covers those lines has been acknowledged, so
 * a lost report never skips log lines. */
#ifndef BS_CURSOR_H
#define BS_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct bs_cursor {
	char *path; /* evidence path, relative to the root */
	uint64_t dev, ino;
	uint64_t offset;
	/* Start of the last header line ("#Fields:") before offset, so a
	 * sweep that resumes mid-file knows the columns; BS_CURSOR_NONE. */
	uint64_t fields_offset;
	/* A hash (bs_logread_head) of the file's first head_len bytes, at
	 * most BS_CURSOR_HEAD; 0: not known (a cursor from an older agent). */
	uint32_t head_len;
	uint64_t head_hash;
};

#define BS_CURSOR_NONE UINT64_MAX
#define BS_CURSOR_HEAD 1024u

enum bs_cursor_verdict {
	BS_CURSOR_RESUME, /* the same file, as long or longer: read on from offset */
	BS_CURSOR_OTHER, /* another file under the name (rotated by rename): from its start */
	BS_CURSOR_TRUNCATED, /* the same file truncated in place: from its start, and say so */
};

/* What cur says of the file now at its path: its identity and size, and
 * the hash of its first head_got bytes (asked for cur->head_len of them;
 * fewer when the file is shorter). */
enum bs_cursor_verdict bs_cursor_judge(const struct bs_cursor *cur, uint64_t dev, uint64_t ino,
    uint64_t size, uint32_t head_got, uint64_t head_hash);

struct bs_cursors {
	struct bs_cursor *v;
	size_t n, cap;
};

void bs_cursors_init(struct bs_cursors *c);
void bs_cursors_fini(struct bs_cursors *c);

/* Loads file into c (a missing file is an empty set). On a malformed file
 * returns BS_EPARSE with the reason in why. */
int bs_cursors_load(struct bs_cursors *c, const char *file, char *why, size_t whysz);
int bs_cursors_save(const struct bs_cursors *c, const char *file);

const struct bs_cursor *bs_cursors_find(const struct bs_cursors *c, const char *path);
int bs_cursors_set(struct bs_cursors *c, const char *path, uint64_t dev, uint64_t ino,
    uint64_t offset, uint64_t fields_offset, uint32_t head_len, uint64_t head_hash);

#endif
