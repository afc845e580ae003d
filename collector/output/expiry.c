/* expiry: the certificate roles' table and the timeline's days. */
#include "output/expiry.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "analysis/rules/rules.h"
#include "err.h"
#include "output/report_json.h"

/* One certificate role: which certificate of a report plays it. The
 * dashboard marks a series (and its certificates) whose role is "auth". */
struct series {
	const char *name, *label, *role;
	const Bindscope__V1__Certificate *(*cert)(const bs_report *r);
};

static const Bindscope__V1__Certificate *
cert_443(const bs_report *r)
{
	struct bs_site_cert sc;

	bs_report_site_cert(r, 0, &sc);
	return sc.cert;
}

static const Bindscope__V1__Certificate *
cert_444(const bs_report *r)
{
	struct bs_site_cert sc;

	bs_report_site_cert(r, 1, &sc);
	return sc.cert;
}

/* The Exchange Auth certificate that lasts longest on the server (the one
 * whose expiry stops OAuth last). */
static const Bindscope__V1__Certificate *
cert_auth(const bs_report *r)
{
	const Bindscope__V1__Certificate *best = NULL;

	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (bs_rules_is_auth_cert(c) && (best == NULL || c->not_after > best->not_after))
			best = c;
	}
	return best;
}

static const struct series series[] = {
    {"443", "443 (front end, clients)", "frontend", cert_443},
    {"444", "444 (back end, the front end's hop)", "backend", cert_444},
    {"auth", "Exchange Auth certificate (OAuth)", "auth", cert_auth},
};
#define NSERIES (sizeof(series) / sizeof(series[0]))

static const struct series *
series_find(const char *name)
{
	for (size_t i = 0; i < NSERIES; i++)
		if (strcmp(series[i].name, name) == 0)
			return &series[i];
	return NULL;
}

/* 0 and the clamped day, or BS_ENOENT. */
static int
cert_day(const Bindscope__V1__Certificate *c, int64_t now_ms, int64_t *day)
{
	int64_t d;

	if (c == NULL)
		return BS_ENOENT;
	d = bs_days_left(c->not_after, now_ms);
	if (d > BS_EXPIRY_TO_DAY)
		return BS_ENOENT;
	*day = d < BS_EXPIRY_FROM_DAY ? BS_EXPIRY_FROM_DAY : d;
	return 0;
}

int
bs_expiry_day(const struct bs_server *s, const char *name, int64_t now_ms, int64_t *day)
{
	const struct series *se = series_find(name);

	if (se == NULL)
		return BS_EINVAL;
	return cert_day(se->cert(s->report), now_ms, day);
}

/* One server's certificate on the axis. */
struct item {
	int64_t day;
	const Bindscope__V1__Certificate *c;
	const struct bs_server *s;
};

static int
item_cmp(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c;

	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if ((c = strcmp(a->c->thumbprint, b->c->thumbprint)) != 0)
		return c;
	return strcmp(a->s->fqdn, b->s->fqdn);
}

/* The certificates of items [i, end) (one day), each with its servers. */
static json_t *
day_json(const struct series *se, const struct item *it, size_t i, size_t end)
{
	json_t *certs = json_array();
	size_t ncerts = 0;

	while (certs != NULL && i < end) {
		size_t k = i;
		json_t *names = json_array();

		while (k < end && strcmp(it[k].c->thumbprint, it[i].c->thumbprint) == 0) {
			if (names != NULL && k - i < BS_EXPIRY_NAMES)
				json_array_append_new(names, json_string(it[k].s->fqdn));
			k++;
		}
		if (ncerts++ < BS_EXPIRY_CERTS)
			json_array_append_new(certs,
			    json_pack("{s:s, s:s, s:s, s:I, s:o}", "thumbprint",
			        it[i].c->thumbprint, "name",
			        it[i].c->common_name[0] ? it[i].c->common_name : it[i].c->subject,
			        "role", se->role, "count", (json_int_t)(k - i), "servers",
			        names != NULL ? names : json_array()));
		else
			json_decref(names);
		i = k;
	}
	return json_pack("{s:o, s:I}", "certs", certs != NULL ? certs : json_array(), "more_certs",
	    (json_int_t)(ncerts > BS_EXPIRY_CERTS ? ncerts - BS_EXPIRY_CERTS : 0));
}

static json_t *
series_json(const struct bs_analysis *a, const struct series *se, int64_t now_ms, struct item *it)
{
	size_t n = 0, later = 0, none = 0;
	json_t *buckets = json_array();

	for (size_t i = 0; i < a->n_servers; i++) {
		const Bindscope__V1__Certificate *c = se->cert(a->servers[i]->report);
		int64_t d;

		if (c == NULL)
			none++;
		else if (cert_day(c, now_ms, &d) != 0)
			later++;
		else
			it[n++] = (struct item){d, c, a->servers[i]};
	}
	qsort(it, n, sizeof(*it), item_cmp);
	for (size_t i = 0; buckets != NULL && i < n;) {
		size_t end = i;
		json_t *b;

		while (end < n && it[end].day == it[i].day)
			end++;
		b = day_json(se, it, i, end);
		if (b != NULL) {
			json_object_set_new(b, "day", json_integer(it[i].day));
			json_object_set_new(b, "servers", json_integer((json_int_t)(end - i)));
		}
		json_array_append_new(buckets, b);
		i = end;
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "name", se->name, "label", se->label,
	    "role", se->role, "later", (json_int_t)later, "none", (json_int_t)none, "buckets",
	    buckets != NULL ? buckets : json_array());
}

json_t *
bs_expiry_json(const struct bs_analysis *a, int64_t now_ms)
{
	struct item *it = calloc(a->n_servers > 0 ? a->n_servers : 1, sizeof(*it));
	json_t *arr = it != NULL ? json_array() : NULL;

	for (size_t i = 0; arr != NULL && i < NSERIES; i++)
		json_array_append_new(arr, series_json(a, &series[i], now_ms, it));
	free(it);
	if (arr == NULL)
		return NULL;
	return json_pack("{s:i, s:i, s:o}", "from_day", BS_EXPIRY_FROM_DAY, "to_day",
	    BS_EXPIRY_TO_DAY, "series", arr);
}
