/* trend_test: findings open per severity per day (the chart that says
 * whether things get better) and back-end failures per sampled hour,
 * counted from the history's spans and the reports' samples. */
#include "test_util.h"

#include "arena.h"
#include "output/trend.h"
#include "test_fleet.h"

#define DAY_MS (86400LL * 1000)
#define HOUR_MS (3600LL * 1000)

static void
test_days(void **state)
{
	struct bs_trend_days *t = malloc(sizeof(*t));
	const int64_t today = FLEET_NOW_MS / DAY_MS * DAY_MS; /* 00:00 of now's day */
	json_t *j;

	(void)state;
	bs_trend_days_init(t, FLEET_NOW_MS, 10);
	assert_int_equal(t->n, 10);
	/* Open since two days ago at noon, still open: the last three days. */
	bs_trend_days_add(t, "critical", today - 2 * DAY_MS + 12 * HOUR_MS, 0);
	/* Open five days ago, resolved yesterday: days -5 to -1. */
	bs_trend_days_add(t, "warning", today - 5 * DAY_MS, today - DAY_MS + HOUR_MS);
	/* Older than the window and still open: every day. */
	bs_trend_days_add(t, "info", today - 400 * DAY_MS, 0);
	/* Resolved before the window: no day; an unknown severity: nowhere. */
	bs_trend_days_add(t, "warning", today - 40 * DAY_MS, today - 30 * DAY_MS);
	bs_trend_days_add(t, "serious", today - DAY_MS, 0);
	for (unsigned d = 0; d < 10; d++) {
		assert_int_equal(t->counts[0][d], d >= 7 ? 1 : 0);
		assert_int_equal(t->counts[1][d], d >= 4 && d <= 8 ? 1 : 0);
		assert_int_equal(t->counts[2][d], 1);
	}
	j = bs_trend_days_json(t);
	assert_string_equal(json_string_value(json_object_get(j, "from")), "2027-01-06");
	assert_int_equal(json_integer_value(json_object_get(j, "days")), 10);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "critical"), 9)), 1);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "warning"), 9)), 0);
	json_decref(j);
	/* At most BS_TREND_DAYS_MAX days. */
	bs_trend_days_init(t, FLEET_NOW_MS, 100000);
	assert_int_equal(t->n, BS_TREND_DAYS_MAX);
	free(t);
}

static Bindscope__V1__LogSample *
sample(struct bs_arena *a, bs_report *r, Bindscope__V1__LogKind kind, const char *name,
    int64_t start_ms, uint64_t requests, uint64_t failures)
{
	Bindscope__V1__LogSample *l = BS_NEW(a, log_sample);
	Bindscope__V1__TargetStat *t = BS_NEW(a, target_stat);

	l->kind = kind;
	l->name = (char *)name;
	l->window_start_ms = start_ms;
	l->window_end_ms = start_ms + 40 * 60 * 1000;
	t->target_server = "mbx03.corp.example";
	t->requests = requests;
	t->backend_failures = failures;
	bs_arena_push(a, (void ***)&l->targets, &l->n_targets, t);
	bs_arena_push(a, (void ***)&r->log_samples, &r->n_log_samples, l);
	return l;
}

static void
test_hours(void **state)
{
	struct bs_trend_hours *t = malloc(sizeof(*t));
	const int64_t hour = FLEET_NOW_MS / HOUR_MS * HOUR_MS;
	struct bs_arena a;
	bs_report *r1, *r2;
	json_t *j;

	(void)state;
	bs_arena_init(&a, 0);
	r1 = BS_NEW(&a, report);
	r2 = BS_NEW(&a, report);
	/* This hour: Owa and Ews; two hours ago: Owa; a W3C sample is no
	 * HttpProxy traffic; one older than the week is left out. */
	sample(&a, r1, BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY, "Owa", hour + 60000, 100, 40);
	sample(&a, r1, BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY, "Ews", hour + 120000, 50, 10);
	sample(&a, r1, BINDSCOPE__V1__LOG_KIND__LOG_W3C, "W3SVC2", hour, 999, 999);
	sample(&a, r2, BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY, "Owa", hour - 2 * HOUR_MS, 80, 0);
	sample(&a, r2, BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY, "Owa", hour - 200 * HOUR_MS, 7, 7);
	bs_trend_hours_init(t, FLEET_NOW_MS);
	bs_trend_hours_add(t, r1);
	bs_trend_hours_add(t, r2);
	/* The same log window in another report (collected again): once. */
	bs_trend_hours_add(t, r1);
	assert_int_equal(t->n, 2);
	assert_int_equal(t->h[0].hour_ms, hour - 2 * HOUR_MS);
	assert_int_equal(t->h[0].requests, 80);
	assert_int_equal(t->h[0].failures, 0);
	assert_int_equal(t->h[1].hour_ms, hour);
	assert_int_equal(t->h[1].requests, 150);
	assert_int_equal(t->h[1].failures, 50);
	j = bs_trend_hours_json(t);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "hours"), 1)),
	    "2027-01-15T08:00:00Z");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "failures"), 1)), 50);
	assert_int_equal(json_array_size(json_object_get(j, "requests")), 2);
	json_decref(j);
	bs_arena_fini(&a);
	free(t);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_days), cmocka_unit_test(test_hours))
