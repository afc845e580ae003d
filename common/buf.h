/* buf: a growable byte buffer with a hard maximum, for text built from
 * outside input (JSON, CSV, HTML, SQL results). The data stays
 * NUL-terminated so it can be used as a C string. */
#ifndef BS_BUF_H
#define BS_BUF_H

#include <stddef.h>

struct bs_buf {
	char *data; /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* 0 = unlimited */
};

void bs_buf_init(struct bs_buf *b, size_t max);
void bs_buf_fini(struct bs_buf *b);
void bs_buf_reset(struct bs_buf *b);

/* Each returns 0, or BS_ENOMEM / BS_ETOOBIG leaving the buffer unchanged. */
int bs_buf_append(struct bs_buf *b, const void *p, size_t n);
int bs_buf_puts(struct bs_buf *b, const char *s);
int bs_buf_putc(struct bs_buf *b, char c);
int bs_buf_printf(struct bs_buf *b, const char *fmt, ...) __attribute__((format(BS_PRINTF, 2, 3)));

/* Hands the data to the caller (free() it); the buffer becomes empty. */
char *bs_buf_steal(struct bs_buf *b, size_t *len);

#endif
