/* arena: chunked bump allocator with an optional byte budget. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

#define ARENA_CHUNK 16384u
#define ARENA_ALIGN 16u

struct bs_arena_chunk {
	struct bs_arena_chunk *next;
	size_t size;
	size_t off;
	_Alignas(16) unsigned char data[];
};

void
bs_arena_init(struct bs_arena *a, size_t limit)
{
	a->head = NULL;
	a->used = 0;
	a->limit = limit;
}

void
bs_arena_fini(struct bs_arena *a)
{
	struct bs_arena_chunk *c = a->head;

	while (c != NULL) {
		struct bs_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

void *
bs_arena_alloc(struct bs_arena *a, size_t size)
{
	struct bs_arena_chunk *c = a->head;
	size_t need;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (c == NULL || c->size - c->off < need) {
		size_t csize = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		size_t total = sizeof(*c) + csize;

		if (a->limit != 0 && a->used + total > a->limit)
			return NULL;
		c = malloc(total);
		if (c == NULL)
			return NULL;
		c->size = csize;
		c->off = 0;
		/* A large one-off block goes behind the current chunk so the
		 * current chunk's free tail stays usable. */
		if (a->head != NULL && csize > ARENA_CHUNK) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
		a->used += total;
	}
	p = c->data + c->off;
	c->off += need;
	memset(p, 0, size);
	return p;
}

void
bs_arena_adopt(struct bs_arena *parent, struct bs_arena *child)
{
	struct bs_arena_chunk *c = child->head;

	if (c == NULL)
		return;
	while (c->next != NULL)
		c = c->next;
	/* Behind the parent's current chunk, so its free tail stays in use. */
	if (parent->head != NULL) {
		c->next = parent->head->next;
		parent->head->next = child->head;
	} else {
		parent->head = child->head;
	}
	parent->used += child->used;
	child->head = NULL;
	child->used = 0;
}

char *
bs_arena_strndup(struct bs_arena *a, const char *s, size_t n)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = bs_arena_alloc(a, n + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
bs_arena_strdup(struct bs_arena *a, const char *s)
{
	return s == NULL ? NULL : bs_arena_strndup(a, s, strlen(s));
}

char *
bs_arena_printf(struct bs_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *d;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	d = bs_arena_alloc(a, (size_t)n + 1);
	if (d == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

int
bs_arena_push(struct bs_arena *a, void ***arr, size_t *n, void *item)
{
	size_t cur = *n;

	/* Capacity is 4, 8, 16, ...: reallocate when cur is 0 or reaches a
	 * power of two >= 4. */
	if (cur == 0 || (cur >= 4 && (cur & (cur - 1)) == 0)) {
		size_t cap = cur == 0 ? 4 : cur * 2;
		void **na = bs_arena_alloc(a, cap * sizeof(void *));

		if (na == NULL)
			return BS_ENOMEM;
		if (cur > 0)
			memcpy(na, *arr, cur * sizeof(void *));
		*arr = na;
	}
	(*arr)[cur] = item;
	*n = cur + 1;
	return BS_OK;
}
