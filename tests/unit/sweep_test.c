/* sweep_test: the sweep reports its own cost (CPU, peak memory), and the
 * watchdog cuts a sweep short between sources when it runs over a limit,
 * saying so in the report. */
#include "test_util.h"

#include <sys/stat.h>

#include "err.h"
#include "sweep.h"

static const Bindscope__V1__CollectionError *
watchdog_error(const bs_report *r)
{
	for (size_t i = 0; i < r->n_errors; i++)
		if (strcmp(r->errors[i]->source, "watchdog") == 0)
			return r->errors[i];
	return NULL;
}

static void
test_footprint_reported_and_watchdog(void **state)
{
	char dir[64];
	struct bs_sweep_options opt;
	struct bs_arena a;
	bs_report *r = NULL;
	const Bindscope__V1__CollectionError *e;

	(void)state;
	test_tmpdir(dir, sizeof(dir)); /* an empty root: every source runs and finds little */
	memset(&opt, 0, sizeof(opt));
	opt.root = dir;
	opt.boot_id = "b";
	opt.sequence = 1;

	bs_arena_init(&a, 0);
	bs_sweep_run(&opt, &a, &r);
	assert_non_null(r);
	assert_false(r->agent->cut_short);
	assert_null(watchdog_error(r));
	assert_true(r->agent->peak_rss_kib > 0);
	bs_arena_fini(&a);

	/* A memory limit below any process: stopped after the first source.
	 * (The CPU limit takes the same path; CPU time is not asserted here
	 * because the kernel may account it in whole ticks.) */
	opt.max_rss_kib = 1;
	bs_arena_init(&a, 0);
	bs_sweep_run(&opt, &a, &r);
	assert_non_null(r);
	assert_true(r->agent->cut_short);
	e = watchdog_error(r);
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "sweep cut short after registry"));
	assert_non_null(strstr(e->reason, "KiB resident, over the 1 KiB limit"));
	assert_int_equal(r->n_sites, 0);
	assert_int_equal(r->n_certificates, 0);
	bs_arena_fini(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_footprint_reported_and_watchdog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
