/* test_sweep: a sweep with an empty report, for tests of the agent's
 * sources and the join (cmocka setup/teardown pair). */
#ifndef BS_TEST_SWEEP_H
#define BS_TEST_SWEEP_H

#include "test_util.h"

#include "sweep.h"

struct fx {
	struct bs_arena arena;
	struct bs_sweep s;
};

static inline int
sweep_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	bs_arena_init(&f->arena, 0);
	f->s.arena = &f->arena;
	f->s.report = BS_NEW(&f->arena, report);
	*state = f;
	return 0;
}

static inline int
sweep_teardown(void **state)
{
	struct fx *f = *state;

	bs_arena_fini(&f->arena);
	free(f);
	return 0;
}

#endif
