/* table_test: the server table's pages as the dashboard asks for them:
 * filters, sorts, paging, days to expiry, and bad parameters refused with
 * the parameter named. */
#include "test_util.h"

#include "err.h"
#include "output/table.h"
#include "test_fleet.h"

static struct bs_analysis *an;
static struct bs_table_index *ix;

static int
setup(void **state)
{
	(void)state;
	an = fleet_make();
	return bs_table_index_create(an, FLEET_NOW_MS, &ix);
}

static int
teardown(void **state)
{
	(void)state;
	bs_table_index_destroy(ix);
	bs_analysis_destroy(an);
	return 0;
}

/* The page for a query string "k=v&k=v" (no escapes); fails on a bad one. */
static json_t *
page(const char *query)
{
	char buf[256], err[160];
	struct bs_kv kv[16];
	struct bs_table_query q;
	size_t n = 0;
	char *p = buf;

	snprintf(buf, sizeof(buf), "%s", query);
	while (p != NULL && *p != '\0' && n < 16) {
		char *amp = strchr(p, '&'), *eq;

		if (amp != NULL)
			*amp = '\0';
		eq = strchr(p, '=');
		*eq = '\0';
		kv[n++] = (struct bs_kv){p, eq + 1};
		p = amp != NULL ? amp + 1 : NULL;
	}
	if (bs_table_query_parse(kv, n, &q, err, sizeof(err)) != 0)
		fail_msg("%s: %s", query, err);
	return bs_table_json(ix, &q);
}

static const char *
row_fqdn(json_t *pg, size_t i)
{
	return json_string_value(
	    json_object_get(json_array_get(json_object_get(pg, "rows"), i), "fqdn"));
}

static size_t
matched(json_t *pg)
{
	return (size_t)json_integer_value(json_object_get(pg, "matched"));
}

static size_t
nrows(json_t *pg)
{
	return json_array_size(json_object_get(pg, "rows"));
}

static void
test_defaults_by_status(void **state)
{
	json_t *pg = page("");

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(pg, "total")), 5);
	assert_int_equal(matched(pg), 5);
	assert_int_equal(nrows(pg), 5);
	/* Critical first (mbx05: expired), then warning (mbx03: 444 name mismatch). */
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(pg, "rows"), 0), "status")),
	    "critical");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(pg, "rows"), 4), "status")),
	    "clean");
	json_decref(pg);
}

static void
test_filters(void **state)
{
	json_t *pg;

	(void)state;
	/* Text, in any case, over names, builds, certificates, thumbprints, findings. */
	pg = page("q=MBX03");
	assert_int_equal(matched(pg), 1);
	assert_string_equal(row_fqdn(pg, 0), "mbx03.corp.example");
	json_decref(pg);
	pg = page("q=bbbb0000");
	assert_int_equal(matched(pg), 1);
	json_decref(pg);
	pg = page("q=does not cover");
	assert_int_equal(matched(pg), 1);
	assert_string_equal(row_fqdn(pg, 0), "mbx03.corp.example");
	json_decref(pg);
	pg = page("q=nothing-like-this");
	assert_int_equal(matched(pg), 0);
	assert_int_equal(nrows(pg), 0);
	json_decref(pg);
	pg = page("status=clean");
	assert_int_equal(matched(pg), 3);
	json_decref(pg);
	pg = page("rule=CERT_EXPIRED");
	assert_int_equal(matched(pg), 1);
	assert_string_equal(row_fqdn(pg, 0), "mbx05.corp.example");
	json_decref(pg);
	/* A consistency group and an expiry timeline mark. */
	pg = page("prop=build&value=15.1.2507.39");
	assert_int_equal(matched(pg), 1);
	assert_string_equal(row_fqdn(pg, 0), "mbx04.corp.example");
	json_decref(pg);
	pg = page("prop=kind_444&value=third-party");
	assert_int_equal(matched(pg), 1);
	assert_string_equal(row_fqdn(pg, 0), "mbx03.corp.example");
	json_decref(pg);
	pg = page("expires=444:-21");
	assert_int_equal(matched(pg), 1);
	assert_string_equal(row_fqdn(pg, 0), "mbx05.corp.example");
	json_decref(pg);
	pg = page("expires=443:400&status=clean");
	assert_int_equal(matched(pg), 3);
	json_decref(pg);
}

static void
test_days_one_rule(void **state)
{
	json_t *pg = page("q=mbx05");
	json_t *row = json_array_get(json_object_get(pg, "rows"), 0);
	json_t *w = json_object_get(row, "worst");

	(void)state;
	/* Expired 20 days and 12 hours ago: -21 in the table and "expired 21
	 * days ago" in the finding. */
	assert_int_equal(json_integer_value(json_object_get(row, "days_444")), -21);
	assert_string_equal(json_string_value(json_object_get(w, "rule")), "CERT_EXPIRED");
	assert_non_null(
	    strstr(json_string_value(json_object_get(w, "title")), "expired 21 days ago"));
	json_decref(pg);
}

static void
test_sort_and_pages(void **state)
{
	json_t *pg;

	(void)state;
	pg = page("sort=fqdn");
	assert_string_equal(row_fqdn(pg, 0), "mbx01.corp.example");
	assert_string_equal(row_fqdn(pg, 4), "mbx05.corp.example");
	json_decref(pg);
	pg = page("sort=fqdn&dir=desc");
	assert_string_equal(row_fqdn(pg, 0), "mbx05.corp.example");
	json_decref(pg);
	pg = page("sort=days");
	assert_string_equal(row_fqdn(pg, 0), "mbx05.corp.example");
	assert_string_equal(row_fqdn(pg, 1), "mbx03.corp.example");
	json_decref(pg);
	pg = page("sort=exchange_build");
	assert_string_equal(row_fqdn(pg, 0), "mbx04.corp.example");
	json_decref(pg);
	/* Pages: matched counts all, rows only the page. */
	pg = page("sort=fqdn&offset=2&limit=2");
	assert_int_equal(matched(pg), 5);
	assert_int_equal(nrows(pg), 2);
	assert_string_equal(row_fqdn(pg, 0), "mbx03.corp.example");
	assert_string_equal(row_fqdn(pg, 1), "mbx04.corp.example");
	json_decref(pg);
	pg = page("sort=fqdn&offset=4&limit=2");
	assert_int_equal(nrows(pg), 1);
	json_decref(pg);
	pg = page("offset=50");
	assert_int_equal(matched(pg), 5);
	assert_int_equal(nrows(pg), 0);
	json_decref(pg);
	/* A filtered page pages the matches. */
	pg = page("status=clean&sort=fqdn&dir=desc&offset=1&limit=1");
	assert_int_equal(matched(pg), 3);
	assert_string_equal(row_fqdn(pg, 0), "mbx02.corp.example");
	json_decref(pg);
}

static void
test_bad_parameters(void **state)
{
	static const struct {
		const char *key, *value, *want;
	} bad[] = {
	    {"sort", "bogus", "sort=bogus: no such column"},
	    {"dir", "up", "dir=up: not asc or desc"},
	    {"limit", "0", "limit=0"},
	    {"limit", "1001", "limit=1001"},
	    {"limit", "", "limit=: not a count"},
	    {"offset", "-1", "offset=-1: not a count"},
	    {"offset", "99999999999999999999", "offset=9999"},
	    {"status", "broken", "status=broken"},
	    {"rule", "NO_SUCH_RULE", "rule=NO_SUCH_RULE: no such rule"},
	    {"prop", "colour", "prop=colour: no such property"},
	    {"expires", "444", "expires=444: not SERIES:DAY"},
	    {"expires", "444:soon", "expires=444:soon: DAY is not a whole number"},
	    {"expires", ":5", "expires=:5: not SERIES:DAY"},
	};
	char longq[200];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct bs_kv kv = {bad[i].key, bad[i].value};
		struct bs_table_query q;
		char err[160];

		assert_int_equal(bs_table_query_parse(&kv, 1, &q, err, sizeof(err)), BS_EINVAL);
		if (strstr(err, bad[i].want) == NULL)
			fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].want);
	}
	memset(longq, 'a', sizeof(longq) - 1);
	longq[sizeof(longq) - 1] = '\0';
	{
		struct bs_kv kv[] = {{"q", longq}, {"_", "123"}};
		struct bs_table_query q;
		char err[160];

		assert_int_equal(bs_table_query_parse(kv, 1, &q, err, sizeof(err)), BS_EINVAL);
		assert_non_null(strstr(err, "q=aaaa"));
		/* Unknown parameters (a cache buster) are ignored. */
		assert_int_equal(bs_table_query_parse(kv + 1, 1, &q, err, sizeof(err)), 0);
	}
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_defaults_by_status),
    cmocka_unit_test(test_filters), cmocka_unit_test(test_days_one_rule),
    cmocka_unit_test(test_sort_and_pages), cmocka_unit_test(test_bad_parameters))
