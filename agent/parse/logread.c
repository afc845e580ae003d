/* logread: bounded, streaming record reader. */
#include "logread.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fsutil.h"

int
bs_logread_open(
    struct bs_logread *r, const char *path, uint64_t offset, uint64_t max_bytes, int quote_aware)
{
	int rv;

	memset(r, 0, sizeof(*r));
	if ((rv = bs_file_open(path, offset, &r->f)) != 0)
		return rv;
	r->cap = BS_LOGREAD_BUF;
	r->buf = malloc(r->cap);
	if (r->buf == NULL) {
		bs_file_close(r->f);
		r->f = NULL;
		return BS_ENOMEM;
	}
	r->pos = r->read_to = offset;
	r->limit = max_bytes > UINT64_MAX - offset ? UINT64_MAX : offset + max_bytes;
	r->quote_aware = quote_aware;
	return 0;
}

void
bs_logread_close(struct bs_logread *r)
{
	bs_file_close(r->f);
	r->f = NULL;
	free(r->buf);
	r->buf = NULL;
}

/* Moves unread bytes to the front and reads more; 0 when nothing more. */
static int
logread_fill(struct bs_logread *r)
{
	size_t room, n;

	if (r->eof || r->read_to >= r->limit)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	room = r->cap - r->end;
	if (room == 0)
		return 0;
	if ((uint64_t)room > r->limit - r->read_to)
		room = (size_t)(r->limit - r->read_to);
	if (bs_file_read(r->f, r->buf + r->end, room, &n) != 0)
		return -BS_EIO;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	r->read_to += (uint64_t)n;
	return 1;
}

/* End of the record starting at buf[start], searching from `from`; NULL
 * when the buffer holds no complete record yet. */
static char *
logread_record_end(struct bs_logread *r, size_t from)
{
	char *p = r->buf + from, *e = r->buf + r->end;

	for (;;) {
		char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t quotes = 0;

		if (nl == NULL || !r->quote_aware)
			return nl;
		/* Balanced quotes so far: the newline ends the record. */
		for (char *q = r->buf + r->start; (q = memchr(q, '"', (size_t)(nl - q))) != NULL;
		     q++)
			quotes++;
		if (quotes % 2 == 0)
			return nl;
		p = nl + 1;
	}
}

int
bs_logread_next(struct bs_logread *r, const char **rec, size_t *len)
{
	size_t scanned = r->start;

	for (;;) {
		char *nl = logread_record_end(r, scanned);
		int rv;

		if (nl != NULL) {
			size_t n = (size_t)(nl - (r->buf + r->start));
			char *b = r->buf + r->start;

			r->start += n + 1;
			r->pos += n + 1;
			r->bytes += n + 1;
			if (n > 0 && b[n - 1] == '\r')
				n--;
			*rec = b;
			*len = n;
			return 1;
		}
		if (r->start == 0 && r->end == r->cap) {
			/* A record longer than the buffer: drop it up to the
			 * next newline (outside quotes is no longer knowable). */
			char *e;

			r->long_records++;
			for (;;) {
				r->pos += r->end - r->start;
				r->bytes += r->end - r->start;
				r->start = r->end = 0;
				if ((rv = logread_fill(r)) <= 0)
					return rv;
				if ((e = memchr(r->buf, '\n', r->end)) != NULL) {
					size_t skip = (size_t)(e - r->buf) + 1;

					r->start = skip;
					r->pos += skip;
					r->bytes += skip;
					break;
				}
			}
			scanned = r->start;
			continue;
		}
		{
			/* fill() moves the unread bytes to the front: keep the
			 * scan position relative to the record's start. */
			size_t rel = r->end - r->start;

			if ((rv = logread_fill(r)) <= 0)
				return rv;
			scanned = r->start + rel;
		}
	}
}

int
bs_logread_head(const char *path, uint32_t max, uint32_t *got, uint64_t *hash)
{
	struct bs_file *f = NULL;
	unsigned char buf[4096];
	uint64_t h = 14695981039346656037ull;
	uint32_t total = 0;
	int rv;

	*got = 0;
	*hash = 0;
	if ((rv = bs_file_open(path, 0, &f)) != 0)
		return rv;
	while (total < max) {
		size_t want = max - total > sizeof(buf) ? sizeof(buf) : max - total, n = 0;

		if ((rv = bs_file_read(f, buf, want, &n)) != 0 || n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ull;
		total += (uint32_t)n;
	}
	bs_file_close(f);
	*got = total;
	*hash = h;
	return rv;
}

uint64_t
bs_logread_offset(const struct bs_logread *r)
{
	return r->pos;
}

int
bs_logread_cut(const struct bs_logread *r)
{
	struct bs_fs_info st;

	if (r->read_to < r->limit || bs_file_stat(r->f, &st) != 0)
		return 0;
	return st.size > r->limit;
}
