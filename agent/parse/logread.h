/* logread: a streaming record reader for log files. One fixed buffer per
 * file, memchr for line ends, so memory stays flat whatever the log size.
 * Reading stops at a byte limit (the sweep's budget) and before a last
 * line that is still being written, and the file offset after the last
 * complete record becomes the cursor for the next sweep. */
#ifndef BS_LOGREAD_H
#define BS_LOGREAD_H

#include <stddef.h>
#include <stdint.h>

/* Fuzz builds shrink it, so long-record paths are reached quickly. */
#ifndef BS_LOGREAD_BUF
#define BS_LOGREAD_BUF (1024u * 1024u)
#endif

struct bs_file;

struct bs_logread {
	struct bs_file *f;
	char *buf;
	size_t cap;
	size_t start, end; /* unread bytes are buf[start..end) */
	uint64_t pos; /* file offset of buf[start] */
	uint64_t read_to; /* file offset read into the buffer so far */
	uint64_t limit; /* stop reading at this file offset */
	int eof;
	int quote_aware; /* CSV: a newline inside quotes does not end a record */
	uint64_t long_records; /* records longer than the buffer, skipped */
	uint64_t bytes; /* bytes consumed as complete records */
};

/* Opens path at offset; reading stops at offset + max_bytes. The caller
 * owns r's contents until bs_logread_close. */
int bs_logread_open(
    struct bs_logread *r, const char *path, uint64_t offset, uint64_t max_bytes, int quote_aware);
void bs_logread_close(struct bs_logread *r);

/* The next complete record, without its line end (CR LF or LF); valid
 * until the next call. Returns 1 for a record, 0 when no complete record
 * remains (end of file, a partial last line, or the limit), or a negative
 * bs_err on a read error. */
int bs_logread_next(struct bs_logread *r, const char **rec, size_t *len);

/* A hash (64-bit FNV-1a) of the first max bytes of path (fewer in a
 * shorter file: *got says how many), the fingerprint a log cursor keeps
 * to tell a file truncated and written again from one that only grew. */
int bs_logread_head(const char *path, uint32_t max, uint32_t *got, uint64_t *hash);

/* File offset just after the last record returned: the cursor. */
uint64_t bs_logread_offset(const struct bs_logread *r);
/* 1 when reading stopped at the limit with more data in the file. */
int bs_logread_cut(const struct bs_logread *r);

#endif
