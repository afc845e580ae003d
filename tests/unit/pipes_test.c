/* pipes_test: the agent port's connection rules without a network: the
 * total and per-address caps (one over is refused, a slot freed is
 * usable again), requests in progress per connection, the login and idle
 * deadlines, and a table that stays right through many connections
 * coming and going (its deletions move entries). */
#include "test_util.h"

#include "err.h"
#include "ingest/pipes.h"

static const struct bs_pipes_limits lim = {8, 3, 2, 1000, 5000};
static const uint8_t addr_a[4] = {10, 0, 0, 1}, addr_b[4] = {10, 0, 0, 2};

static void
test_caps(void **state)
{
	struct bs_pipes *p = NULL;
	struct bs_pipes_stats st;
	uint8_t addr[4] = {10, 1, 0, 0};

	(void)state;
	assert_int_equal(bs_pipes_create(&lim, &p), 0);
	for (uint32_t id = 1; id <= 3; id++)
		assert_int_equal(bs_pipes_add(p, id, addr_a, 4, 0), 0);
	assert_int_equal(bs_pipes_add(p, 4, addr_a, 4, 0), BS_EREFUSED);
	assert_int_equal(bs_pipes_add(p, 5, addr_b, 4, 0), 0);
	bs_pipes_remove(p, 2);
	assert_int_equal(bs_pipes_add(p, 6, addr_a, 4, 0), 0);
	/* Up to the total from other addresses, then refused whatever the source. */
	for (uint32_t id = 10; id < 14; id++) {
		addr[3] = (uint8_t)id;
		assert_int_equal(bs_pipes_add(p, id, addr, 4, 0), 0);
	}
	addr[3] = 99;
	assert_int_equal(bs_pipes_add(p, 20, addr, 4, 0), BS_EREFUSED);
	bs_pipes_stats(p, &st);
	assert_int_equal(st.open, 8);
	assert_int_equal(st.by_reason[BS_PIPES_OVER_ADDRESS], 1);
	assert_int_equal(st.by_reason[BS_PIPES_OVER_TOTAL], 1);
	bs_pipes_destroy(p);
	assert_int_equal(bs_pipes_create(&(struct bs_pipes_limits){0, 1, 1, 1, 1}, &p), BS_EINVAL);
	bs_pipes_destroy(NULL);
}

static void
test_requests_and_deadlines(void **state)
{
	struct bs_pipes *p = NULL;
	struct bs_pipes_stats st;
	uint32_t ids[8];

	(void)state;
	assert_int_equal(bs_pipes_create(&lim, &p), 0);
	assert_int_equal(bs_pipes_add(p, 1, addr_a, 4, 0), 0); /* never sends */
	assert_int_equal(bs_pipes_add(p, 2, addr_a, 4, 0), 0); /* an agent */
	assert_int_equal(bs_pipes_begin(p, 2, 100), 0);
	assert_int_equal(bs_pipes_begin(p, 2, 100), 0);
	assert_int_equal(bs_pipes_begin(p, 2, 100), BS_EREFUSED); /* its share is two */
	assert_int_equal(bs_pipes_begin(p, 9, 100), BS_ENOENT);
	/* Busy connections are never idle, however long a report takes. */
	assert_int_equal(bs_pipes_expired(p, 999, ids, 8), 0);
	assert_int_equal(bs_pipes_expired(p, 1000, ids, 8), 1);
	assert_int_equal(ids[0], 1);
	assert_int_equal(bs_pipes_expired(p, 5000, ids, 8), 0); /* handed out once */
	bs_pipes_end(p, 2, 1, 2000);
	bs_pipes_end(p, 2, 0, 2000);
	/* Logged in: the idle deadline, from its last answer. */
	assert_int_equal(bs_pipes_expired(p, 6999, ids, 8), 0);
	assert_int_equal(bs_pipes_expired(p, 7000, ids, 8), 1);
	assert_int_equal(ids[0], 2);
	bs_pipes_count(p, BS_PIPES_REPLY);
	bs_pipes_stats(p, &st);
	assert_int_equal(st.by_reason[BS_PIPES_LOGIN], 1);
	assert_int_equal(st.by_reason[BS_PIPES_IDLE], 1);
	assert_int_equal(st.by_reason[BS_PIPES_OVER_REQUESTS], 1);
	assert_int_equal(st.by_reason[BS_PIPES_REPLY], 1);
	assert_string_equal(bs_pipes_reason_names[BS_PIPES_OVER_ADDRESS], "per_address");
	bs_pipes_destroy(p);
}

/* Random arrivals and departures against a plain array model. */
static void
test_churn(void **state)
{
	const struct bs_pipes_limits big = {500, 7, 4, 1000, 1000};
	static uint32_t open_ids[500];
	size_t nopen = 0;
	unsigned per[16] = {0};
	struct bs_pipes *p = NULL;
	struct bs_pipes_stats st;
	uint32_t next = 1, seed = 12345;

	(void)state;
	assert_int_equal(bs_pipes_create(&big, &p), 0);
	for (int step = 0; step < 200000; step++) {
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 2 == 0 && nopen > 0) {
			size_t k = (seed >> 4) % nopen;
			uint32_t id = open_ids[k];

			per[id % 16]--;
			bs_pipes_remove(p, id);
			open_ids[k] = open_ids[--nopen];
			assert_int_equal(bs_pipes_begin(p, id, 0), BS_ENOENT);
		} else {
			uint8_t addr = (uint8_t)(next % 16);
			int want = nopen < 500 && per[addr] < 7 ? 0 : BS_EREFUSED;

			assert_int_equal(bs_pipes_add(p, next, &addr, 1, 0), want);
			if (want == 0) {
				per[addr]++;
				open_ids[nopen++] = next;
			}
			next = next * 7 + 1; /* ids that collide in the table */
			if (next == 0)
				next = 1;
		}
	}
	bs_pipes_stats(p, &st);
	assert_int_equal(st.open, nopen);
	for (size_t k = 0; k < nopen; k++)
		assert_int_equal(bs_pipes_begin(p, open_ids[k], 0), 0);
	bs_pipes_destroy(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_requests_and_deadlines),
	    cmocka_unit_test(test_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
