/* buf: bounded growable buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void
bs_buf_init(struct bs_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
bs_buf_fini(struct bs_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
bs_buf_reset(struct bs_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
buf_reserve(struct bs_buf *b, size_t extra)
{
	size_t need, cap;
	char *nd;

	if (extra > (size_t)-1 / 2 - b->len)
		return BS_ETOOBIG;
	need = b->len + extra + 1;
	if (b->max != 0 && need > b->max + 1)
		return BS_ETOOBIG;
	if (need <= b->cap)
		return 0;
	cap = b->cap == 0 ? 256 : b->cap;
	while (cap < need)
		cap *= 2;
	nd = realloc(b->data, cap);
	if (nd == NULL)
		return BS_ENOMEM;
	b->data = nd;
	b->cap = cap;
	return 0;
}

int
bs_buf_append(struct bs_buf *b, const void *p, size_t n)
{
	int rv = buf_reserve(b, n);

	if (rv != 0)
		return rv;
	if (b->data == NULL)
		return BS_ENOMEM; /* unreachable: reserve always allocates */
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
bs_buf_puts(struct bs_buf *b, const char *s)
{
	return bs_buf_append(b, s, strlen(s));
}

int
bs_buf_putc(struct bs_buf *b, char c)
{
	return bs_buf_append(b, &c, 1);
}

int
bs_buf_printf(struct bs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rv;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return BS_EINVAL;
	if ((rv = buf_reserve(b, (size_t)n)) != 0)
		return rv;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *
bs_buf_steal(struct bs_buf *b, size_t *len)
{
	char *d = b->data;

	if (d == NULL && bs_buf_append(b, "", 0) == 0)
		d = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return d;
}
