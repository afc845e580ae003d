/* cursor: where each log file was read up to, so a sweep reads only what
 * is new. Keyed by the file's evidence path and identity (device, inode),
 * persisted as JSON in the agent's state folder. A sweep works on a copy;
 * the caller saves it only once the report that covers those lines has
 * been acknowledged, so a lost report never skips log lines. */
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
};

#define BS_CURSOR_NONE UINT64_MAX

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
    uint64_t offset, uint64_t fields_offset);

#endif
