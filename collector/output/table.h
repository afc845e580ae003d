/* table: the dashboard's server table one page at a time, filtered and
 * sorted here rather than in the browser, so 10,000 servers cost the page
 * one small answer per keystroke. The query comes from the request's
 * parameters (one table of them in table.c); a bad one is refused with an
 * error naming it. */
#ifndef BS_OUTPUT_TABLE_H
#define BS_OUTPUT_TABLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/model.h"

#define BS_TABLE_LIMIT_DEFAULT 100
#define BS_TABLE_LIMIT_MAX 1000
#define BS_TABLE_TEXT_MAX 128

/* One request parameter, decoded. */
struct bs_kv {
	const char *key, *value;
};

/* What the table shows. Strings point into the parameters given to
 * bs_table_query_parse and live as long as they do. */
struct bs_table_query {
	char text[BS_TABLE_TEXT_MAX]; /* q: lower-cased substring; "" for any */
	const char *status, *rule; /* "" for any */
	const char *prop, *value; /* a consistency group (consistency.h); prop "" for any */
	char series[8]; /* expires=SERIES:DAY (expiry.h); series "" for any */
	int64_t day;
	size_t sort; /* index of the sort column: fqdn, exchange_build, ad_site, status,
	                cert443, cert444, days, last_report_at */
	int desc;
	size_t offset, limit;
};

/* Defaults (every server, by status, the first BS_TABLE_LIMIT_DEFAULT),
 * then each parameter. Unknown parameters are ignored (a cache-busting
 * "_" among them); a bad value is BS_EINVAL with err naming it. */
int bs_table_query_parse(
    const struct bs_kv *args, size_t n, struct bs_table_query *q, char *err, size_t errsz);

/* The table's rows made once per analysis (labels, status, days to
 * expiry as clock.h's bs_days_left at now_ms, the searched text lower-cased),
 * so a request only filters, sorts and pages. It points into a, which must
 * outlive it. Caller owns *out (bs_table_index_destroy, which accepts NULL). */
struct bs_table_index;
int bs_table_index_create(const struct bs_analysis *a, int64_t now_ms, struct bs_table_index **out);
void bs_table_index_destroy(struct bs_table_index *ix);

/* {"total", "matched", "offset", "limit", "rows": [{"fqdn", "exchange_build",
 * "ad_site", "status", "cert_443", "cert_443_broken", "cert_444",
 * "cert_444_broken", "days_444", "last_report_at", "worst"}]}: a new
 * reference, NULL when out of memory. */
json_t *bs_table_json(const struct bs_table_index *ix, const struct bs_table_query *q);

#endif
