/* summary_test: what the dashboard's first paint and the auditor's
 * pictures are drawn from: the consistency groups (biggest first, the odd
 * ones marked), the expiry timeline (every bound certificate on one axis,
 * by role, expired ones at negative days) and the summary document. */
#include "test_util.h"

#include "err.h"
#include "output/consistency.h"
#include "output/expiry.h"
#include "output/summary.h"
#include "test_fleet.h"

static json_t *
prop(json_t *cons, const char *name)
{
	for (size_t i = 0; i < json_array_size(cons); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(cons, i), "name")),
		        name) == 0)
			return json_array_get(cons, i);
	fail_msg("no property %s", name);
	return NULL;
}

static json_t *
group(json_t *p, size_t i)
{
	return json_array_get(json_object_get(p, "groups"), i);
}

static json_int_t
num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void
test_consistency_groups(void **state)
{
	struct bs_analysis *a = fleet_make();
	json_t *cons = bs_consistency_json(a);
	json_t *build = prop(cons, "build"), *k444 = prop(cons, "kind_444"),
	       *c443 = prop(cons, "cert_443");
	char v[BS_CONSISTENCY_VALUE_MAX];

	(void)state;
	assert_int_equal(json_array_size(cons), 7);
	/* Build: four on 15.2.1544.4, the odd one out on 15.1. */
	assert_int_equal(json_array_size(json_object_get(build, "groups")), 2);
	assert_string_equal(
	    json_string_value(json_object_get(group(build, 0), "value")), "15.2.1544.4");
	assert_int_equal(num(group(build, 0), "count"), 4);
	assert_false(json_is_true(json_object_get(group(build, 0), "odd")));
	assert_int_equal(
	    json_array_size(json_object_get(group(build, 0), "servers")), BS_CONSISTENCY_NAMES);
	assert_string_equal(
	    json_string_value(json_object_get(group(build, 1), "value")), "15.1.2507.39");
	assert_true(json_is_true(json_object_get(group(build, 1), "odd")));
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(group(build, 1), "servers"), 0)),
	    "mbx04.corp.example");
	/* 444: the namespace certificate on mbx03 stands out. */
	assert_string_equal(
	    json_string_value(json_object_get(group(k444, 1), "value")), "third-party");
	assert_int_equal(num(group(k444, 1), "count"), 1);
	/* 443: one certificate everywhere, shown with its name. */
	assert_int_equal(json_array_size(json_object_get(c443, "groups")), 1);
	assert_string_equal(json_string_value(json_object_get(group(c443, 0), "label")),
	    "mail.corp.example [AAAA000000000000000000000000000000000443]");
	/* The value the table filters by. */
	assert_int_equal(bs_consistency_value(a->servers[2], "kind_444", v, sizeof(v)), 0);
	assert_string_equal(v, "third-party");
	assert_int_equal(bs_consistency_value(a->servers[2], "colour", v, sizeof(v)), BS_EINVAL);
	assert_true(bs_consistency_known("cert_443"));
	assert_false(bs_consistency_known("colour"));
	json_decref(cons);
	bs_analysis_destroy(a);
}

static json_t *
series(json_t *ex, const char *name)
{
	json_t *arr = json_object_get(ex, "series");

	for (size_t i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(arr, i), "name")),
		        name) == 0)
			return json_array_get(arr, i);
	fail_msg("no series %s", name);
	return NULL;
}

static void
test_expiry_timeline(void **state)
{
	struct bs_analysis *a = fleet_make();
	json_t *ex = bs_expiry_json(a, FLEET_NOW_MS);
	json_t *s443 = series(ex, "443"), *s444 = series(ex, "444");
	json_t *b, *c;
	int64_t day;

	(void)state;
	assert_int_equal(num(ex, "from_day"), BS_EXPIRY_FROM_DAY);
	assert_int_equal(num(ex, "to_day"), BS_EXPIRY_TO_DAY);
	/* 443: one certificate, five servers, in 400 days. */
	assert_int_equal(json_array_size(json_object_get(s443, "buckets")), 1);
	b = json_array_get(json_object_get(s443, "buckets"), 0);
	assert_int_equal(num(b, "day"), 400);
	assert_int_equal(num(b, "servers"), 5);
	c = json_array_get(json_object_get(b, "certs"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "name")), "mail.corp.example");
	assert_int_equal(num(c, "count"), 5);
	assert_int_equal(json_array_size(json_object_get(c, "servers")), BS_EXPIRY_NAMES);
	assert_string_equal(json_string_value(json_object_get(c, "role")), "frontend");
	/* 444: mbx05 expired (left of today, rounded down), mbx03 in 30 days;
	 * the self-signed ones are years away. */
	assert_int_equal(json_array_size(json_object_get(s444, "buckets")), 2);
	b = json_array_get(json_object_get(s444, "buckets"), 0);
	assert_int_equal(num(b, "day"), -21);
	c = json_array_get(json_object_get(b, "certs"), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "servers"), 0)),
	    "mbx05.corp.example");
	b = json_array_get(json_object_get(s444, "buckets"), 1);
	assert_int_equal(num(b, "day"), 30);
	assert_int_equal(num(s444, "later"), 3);
	assert_int_equal(num(s444, "none"), 0);
	assert_string_equal(json_string_value(json_object_get(s444, "role")), "backend");
	/* The day the table filters by, and the long expired gathered at the edge. */
	assert_int_equal(bs_expiry_day(a->servers[4], "444", FLEET_NOW_MS, &day), 0);
	assert_int_equal(day, -21);
	assert_int_equal(
	    bs_expiry_day(a->servers[4], "444", FLEET_NOW_MS + 200 * FLEET_DAY_S * 1000, &day), 0);
	assert_int_equal(day, BS_EXPIRY_FROM_DAY);
	assert_int_equal(bs_expiry_day(a->servers[0], "444", FLEET_NOW_MS, &day), BS_ENOENT);
	/* The Auth certificate is a series of its own; these servers hold none. */
	assert_int_equal(bs_expiry_day(a->servers[0], "auth", FLEET_NOW_MS, &day), BS_ENOENT);
	assert_int_equal(bs_expiry_day(a->servers[0], "nope", FLEET_NOW_MS, &day), BS_EINVAL);
	json_decref(ex);
	bs_analysis_destroy(a);
}

static void
test_summary_document(void **state)
{
	struct bs_analysis *a = fleet_make();
	json_t *doc = NULL, *t;

	(void)state;
	/* No store: no history, but the same shape (an empty trend). */
	assert_int_equal(bs_summary_json(a, NULL, 30, &doc), 0);
	assert_int_equal(num(doc, "servers"), 5);
	assert_int_equal(num(doc, "critical"), 1);
	assert_int_equal(num(doc, "warning"), 1);
	assert_true(json_array_size(json_object_get(doc, "rules")) > 10);
	assert_int_equal(json_array_size(json_object_get(doc, "consistency")), 7);
	assert_non_null(json_object_get(json_object_get(doc, "expiry"), "series"));
	t = json_object_get(doc, "findings_trend");
	assert_int_equal(num(t, "days"), 30);
	assert_int_equal(json_array_size(json_object_get(t, "critical")), 30);
	assert_string_equal(
	    json_string_value(json_object_get(doc, "generated_at")), "2027-01-15T08:00:00Z");
	json_decref(doc);
	assert_int_equal(bs_summary_json(a, NULL, 0, &doc), 0);
	assert_int_equal(
	    num(json_object_get(doc, "findings_trend"), "days"), BS_SUMMARY_HISTORY_DAYS);
	json_decref(doc);
	bs_analysis_destroy(a);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_consistency_groups),
    cmocka_unit_test(test_expiry_timeline), cmocka_unit_test(test_summary_document))
