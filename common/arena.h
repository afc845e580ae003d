/* arena: one region per report. Every string and struct of a report comes
 * from its arena and is freed at once by bs_arena_fini, so readers never
 * track ownership of individual fields. A byte limit turns the arena into
 * a budget for unpacking untrusted input. */
#ifndef BS_ARENA_H
#define BS_ARENA_H

#include <stddef.h>

struct bs_arena_chunk;

struct bs_arena {
	struct bs_arena_chunk *head;
	size_t used; /* bytes handed out, including chunk overhead */
	size_t limit; /* 0 = unlimited */
};

void bs_arena_init(struct bs_arena *a, size_t limit);
void bs_arena_fini(struct bs_arena *a);

/* Zeroed, 16-byte aligned memory owned by the arena; NULL when the system
 * is out of memory or the limit would be passed. */
void *bs_arena_alloc(struct bs_arena *a, size_t size);
/* Copies owned by the arena. NULL input gives NULL. */
char *bs_arena_strdup(struct bs_arena *a, const char *s);
char *bs_arena_strndup(struct bs_arena *a, const char *s, size_t n);
char *bs_arena_printf(struct bs_arena *a, const char *fmt, ...)
    __attribute__((format(BS_PRINTF, 2, 3)));

/* Moves every block of child into parent (both must use no budget, or
 * the parent's budget is not enforced for them); child becomes empty.
 * Lets worker threads build in arenas of their own and hand the results
 * to the report's arena afterwards. */
void bs_arena_adopt(struct bs_arena *parent, struct bs_arena *child);

/* Appends one pointer to an arena-owned array of *n pointers (the shape
 * protobuf-c uses for repeated fields), growing it by doubling. Capacity is
 * implied by *n, so no extra field is needed. Returns 0 or BS_ENOMEM. */
int bs_arena_push(struct bs_arena *a, void ***arr, size_t *n, void *item);

#endif
