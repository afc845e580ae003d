/* throttle_test: the failed-login table. A key fails freely a few times,
 * then is locked out for doubling times up to the ceiling; a quiet window
 * or a success starts it over; keys are independent; and however many
 * keys an attacker sprays, the table stays at its size and the keys that
 * are locked out are the last to give way. */
#include "test_util.h"

#include "err.h"
#include "http/throttle.h"

static struct bs_throttle *
make(size_t entries)
{
	struct bs_throttle_options o = {3, 60, 1, 8, entries};
	struct bs_throttle *t = NULL;

	assert_int_equal(bs_throttle_create(&o, &t), 0);
	return t;
}

static void
test_free_failures_then_doubling_lockout(void **state)
{
	struct bs_throttle *t = make(16);
	int64_t now = 1000000;
	static const unsigned want[] = {1, 2, 4, 8, 8, 8};

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(bs_throttle_wait(t, "a:10.0.0.1", now), 0);
		bs_throttle_fail(t, "a:10.0.0.1", now);
	}
	assert_int_equal(bs_throttle_wait(t, "a:10.0.0.1", now), 0); /* three were free */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bs_throttle_fail(t, "a:10.0.0.1", now);
		assert_int_equal(bs_throttle_wait(t, "a:10.0.0.1", now), want[i]);
		assert_int_equal(bs_throttle_wait(t, "a:10.0.0.1", now + want[i] * 1000 - 1), 1);
		now += want[i] * 1000; /* the lock has just ended */
		assert_int_equal(bs_throttle_wait(t, "a:10.0.0.1", now), 0);
	}
	/* Another key is not touched. */
	assert_int_equal(bs_throttle_wait(t, "u:admin", now), 0);
	bs_throttle_destroy(t);
}

static void
test_quiet_window_and_success_start_over(void **state)
{
	struct bs_throttle *t = make(16);
	int64_t now = 5000;

	(void)state;
	for (int i = 0; i < 4; i++)
		bs_throttle_fail(t, "u:admin", now);
	assert_int_equal(bs_throttle_wait(t, "u:admin", now), 1);
	/* Quiet for the window (60 s): the next failure is a free one. */
	now += 61000;
	bs_throttle_fail(t, "u:admin", now);
	assert_int_equal(bs_throttle_wait(t, "u:admin", now), 0);
	bs_throttle_fail(t, "u:admin", now);
	bs_throttle_fail(t, "u:admin", now);
	bs_throttle_fail(t, "u:admin", now);
	assert_int_equal(bs_throttle_wait(t, "u:admin", now), 1);
	/* A success forgets the failures. */
	bs_throttle_success(t, "u:admin");
	assert_int_equal(bs_throttle_count(t), 0);
	for (int i = 0; i < 3; i++)
		bs_throttle_fail(t, "u:admin", now);
	assert_int_equal(bs_throttle_wait(t, "u:admin", now), 0);
	bs_throttle_destroy(t);
}

static void
test_bounded_and_locked_keys_kept(void **state)
{
	struct bs_throttle *t = make(64);
	int64_t now = 1000;
	char key[BS_THROTTLE_KEY];

	(void)state;
	for (int i = 0; i < 4; i++)
		bs_throttle_fail(t, "a:192.0.2.7", now);
	assert_int_equal(bs_throttle_wait(t, "a:192.0.2.7", now), 1);
	/* 10,000 made-up user names, one failure each. */
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "u:guess%05d", i);
		bs_throttle_fail(t, key, now);
		assert_true(bs_throttle_count(t) <= 64);
	}
	assert_int_equal(bs_throttle_count(t), 64);
	assert_int_equal(bs_throttle_wait(t, "a:192.0.2.7", now), 1); /* still locked */
	/* A key longer than the table keeps is cut, not overflowed. */
	memset(key, 'x', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	for (int i = 0; i < 4; i++)
		bs_throttle_fail(t, key, now);
	assert_int_equal(bs_throttle_wait(t, key, now), 1);
	bs_throttle_destroy(t);
}

static void
test_bad_options_refused(void **state)
{
	struct bs_throttle_options o = {3, 60, 0, 8, 16};
	struct bs_throttle *t = NULL;

	(void)state;
	assert_int_equal(bs_throttle_create(&o, &t), BS_EINVAL);
	o.base_delay_s = 10; /* above the ceiling */
	assert_int_equal(bs_throttle_create(&o, &t), BS_EINVAL);
	o.base_delay_s = 1;
	o.max_entries = 0;
	assert_int_equal(bs_throttle_create(&o, &t), BS_EINVAL);
	assert_null(t);
	bs_throttle_destroy(NULL);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_free_failures_then_doubling_lockout),
    cmocka_unit_test(test_quiet_window_and_success_start_over),
    cmocka_unit_test(test_bounded_and_locked_keys_kept), cmocka_unit_test(test_bad_options_refused))
