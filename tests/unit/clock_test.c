/* clock_test: days to expiry, the one rounding rule behind the table's
 * "days to expiry" and a finding's "expired N days ago". */
#include "test_util.h"

#include "clock.h"

#define NOW_MS (1800000000LL * 1000)
#define DAY_S 86400LL

static void
test_days_left_rounds_down(void **state)
{
	const int64_t now_s = NOW_MS / 1000;

	(void)state;
	assert_int_equal(bs_days_left(now_s + 10 * DAY_S, NOW_MS), 10);
	assert_int_equal(bs_days_left(now_s + 10 * DAY_S + 3600, NOW_MS), 10);
	assert_int_equal(bs_days_left(now_s + DAY_S - 1, NOW_MS), 0);
	assert_int_equal(bs_days_left(now_s, NOW_MS), 0);
	/* Expired 20 days and a few hours ago: -21, never -20 (the table and
	 * the finding's text used to disagree by one here). */
	assert_int_equal(bs_days_left(now_s - 20 * DAY_S - 7200, NOW_MS), -21);
	assert_int_equal(bs_days_left(now_s - 20 * DAY_S, NOW_MS), -20);
	/* A second past expiry is already negative. */
	assert_int_equal(bs_days_left(now_s - 1, NOW_MS), -1);
	/* Milliseconds of now count too. */
	assert_int_equal(bs_days_left(now_s + DAY_S, NOW_MS + 1), 0);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_days_left_rounds_down))
