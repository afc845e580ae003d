/* table: the server table's parameters, filter, sort and page. */
#include "output/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "output/consistency.h"
#include "output/expiry.h"
#include "output/report_json.h"

/* The sort columns, as the dashboard's column buttons name them. */
static const char *const table_sorts[] = {
    "fqdn", "exchange_build", "ad_site", "status", "cert443", "cert444", "days", "last_report_at"};
#define NSORTS (sizeof(table_sorts) / sizeof(table_sorts[0]))
enum { SORT_FQDN, SORT_BUILD, SORT_SITE, SORT_STATUS, SORT_443, SORT_444, SORT_DAYS, SORT_LAST };

static void
table_err(char *err, size_t n, const char *key, const char *value, const char *why)
{
	snprintf(err, n, "%s=%.64s: %s", key, value, why);
}

/* A decimal count up to max; 0 on success. */
static int
table_count(const char *v, size_t max, size_t *out)
{
	size_t n = 0;

	if (*v == '\0')
		return BS_EINVAL;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9' || n > (max - (size_t)(*v - '0')) / 10)
			return BS_EINVAL;
		n = n * 10 + (size_t)(*v - '0');
	}
	*out = n;
	return 0;
}

static int
set_text(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	size_t len = strlen(v), i = 0;

	if (len >= sizeof(q->text)) {
		table_err(err, n, "q", v, "longer than 127 bytes");
		return BS_EINVAL;
	}
	/* Trimmed and lower-cased once here; matched case-insensitively. */
	while (*v == ' ')
		v++;
	for (; *v != '\0'; v++)
		q->text[i++] = (char)(*v >= 'A' && *v <= 'Z' ? *v - 'A' + 'a' : *v);
	while (i > 0 && q->text[i - 1] == ' ')
		i--;
	q->text[i] = '\0';
	return 0;
}

static int
set_status(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	static const char *const ok[] = {"", "critical", "warning", "stale", "clean"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(v, ok[i]) == 0) {
			q->status = v;
			return 0;
		}
	table_err(err, n, "status", v, "not critical, warning, stale or clean");
	return BS_EINVAL;
}

static int
set_rule(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	if (v[0] != '\0' && bs_rule_find(v) == NULL) {
		table_err(err, n, "rule", v, "no such rule");
		return BS_EINVAL;
	}
	q->rule = v;
	return 0;
}

static int
set_prop(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	if (v[0] != '\0' && !bs_consistency_known(v)) {
		table_err(err, n, "prop", v, "no such property");
		return BS_EINVAL;
	}
	q->prop = v;
	return 0;
}

static int
set_value(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	(void)err;
	(void)n;
	q->value = v;
	return 0;
}

/* SERIES:DAY, DAY a whole number of days (negative: expired). */
static int
set_expires(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	const char *colon = strchr(v, ':');
	const char *d;
	size_t mag;
	int neg;

	if (v[0] == '\0') {
		q->series[0] = '\0';
		return 0;
	}
	if (colon == NULL || colon == v || (size_t)(colon - v) >= sizeof(q->series)) {
		table_err(err, n, "expires", v, "not SERIES:DAY");
		return BS_EINVAL;
	}
	d = colon + 1;
	neg = *d == '-';
	if (table_count(d + neg, 100000, &mag) != 0) {
		table_err(err, n, "expires", v, "DAY is not a whole number of days");
		return BS_EINVAL;
	}
	memcpy(q->series, v, (size_t)(colon - v));
	q->series[colon - v] = '\0';
	q->day = neg ? -(int64_t)mag : (int64_t)mag;
	return 0;
}

static int
set_sort(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	for (size_t i = 0; i < NSORTS; i++)
		if (strcmp(v, table_sorts[i]) == 0) {
			q->sort = i;
			return 0;
		}
	table_err(err, n, "sort", v, "no such column");
	return BS_EINVAL;
}

static int
set_dir(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	if (strcmp(v, "asc") != 0 && strcmp(v, "desc") != 0) {
		table_err(err, n, "dir", v, "not asc or desc");
		return BS_EINVAL;
	}
	q->desc = v[0] == 'd';
	return 0;
}

static int
set_offset(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	if (table_count(v, (size_t)1 << 30, &q->offset) != 0) {
		table_err(err, n, "offset", v, "not a count");
		return BS_EINVAL;
	}
	return 0;
}

static int
set_limit(struct bs_table_query *q, const char *v, char *err, size_t n)
{
	if (table_count(v, BS_TABLE_LIMIT_MAX, &q->limit) != 0 || q->limit == 0) {
		table_err(err, n, "limit", v, "not a count from 1 to 1000");
		return BS_EINVAL;
	}
	return 0;
}

static const struct {
	const char *key;
	int (*set)(struct bs_table_query *q, const char *v, char *err, size_t n);
} table_params[] = {
    {"q", set_text},
    {"status", set_status},
    {"rule", set_rule},
    {"prop", set_prop},
    {"value", set_value},
    {"expires", set_expires},
    {"sort", set_sort},
    {"dir", set_dir},
    {"offset", set_offset},
    {"limit", set_limit},
};

int
bs_table_query_parse(
    const struct bs_kv *args, size_t n, struct bs_table_query *q, char *err, size_t errsz)
{
	memset(q, 0, sizeof(*q));
	q->status = q->rule = q->prop = q->value = "";
	q->sort = SORT_STATUS;
	q->limit = BS_TABLE_LIMIT_DEFAULT;
	err[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *v = args[i].value != NULL ? args[i].value : "";

		for (size_t k = 0; k < sizeof(table_params) / sizeof(table_params[0]); k++) {
			int rv;

			if (strcmp(args[i].key, table_params[k].key) == 0 &&
			    (rv = table_params[k].set(q, v, err, errsz)) != 0)
				return rv;
		}
	}
	return 0;
}

/* 1 when hay holds needle (lower case) in any case. */
static int
has_text(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);

	for (; *hay != '\0'; hay++) {
		size_t i = 0;

		while (i < nl && hay[i] != '\0' &&
		    (hay[i] >= 'A' && hay[i] <= 'Z' ? hay[i] - 'A' + 'a' : hay[i]) == needle[i])
			i++;
		if (i == nl)
			return 1;
	}
	return nl == 0;
}

/* What one server shows in the table. */
struct row {
	const struct bs_server *s;
	struct bs_site_cert c443, c444;
	char l443[BS_CONSISTENCY_VALUE_MAX], l444[BS_CONSISTENCY_VALUE_MAX];
	const char *text; /* sort text */
	int64_t num; /* sort number */
};

static void
row_fill(struct row *r, const struct bs_server *s)
{
	r->s = s;
	bs_report_site_cert(s->report, 0, &r->c443);
	bs_report_site_cert(s->report, 1, &r->c444);
	bs_report_site_cert_label(&r->c443, r->l443, sizeof(r->l443));
	bs_report_site_cert_label(&r->c444, r->l444, sizeof(r->l444));
}

static int
row_matches(const struct row *r, const struct bs_table_query *q, int64_t now_ms)
{
	const struct bs_server *s = r->s;
	const Bindscope__V1__Host *h = s->report->host;

	if (q->status[0] != '\0' && strcmp(bs_report_status(s), q->status) != 0)
		return 0;
	if (q->rule[0] != '\0') {
		size_t k = 0;

		while (k < s->n_findings && strcmp(s->findings[k]->rule->id, q->rule) != 0)
			k++;
		if (k == s->n_findings)
			return 0;
	}
	if (q->prop[0] != '\0') {
		char v[BS_CONSISTENCY_VALUE_MAX];

		if (bs_consistency_value(s, q->prop, v, sizeof(v)) != 0 || strcmp(v, q->value) != 0)
			return 0;
	}
	if (q->series[0] != '\0') {
		int64_t d;

		if (bs_expiry_day(s, q->series, now_ms, &d) != 0 || d != q->day)
			return 0;
	}
	if (q->text[0] == '\0')
		return 1;
	if (has_text(s->fqdn, q->text) || has_text(h->exchange_build, q->text) ||
	    has_text(h->ad_site, q->text) || has_text(r->l443, q->text) ||
	    has_text(r->l444, q->text) ||
	    (r->c443.cert != NULL && has_text(r->c443.cert->thumbprint, q->text)) ||
	    (r->c444.cert != NULL && has_text(r->c444.cert->thumbprint, q->text)))
		return 1;
	for (size_t k = 0; k < s->n_findings; k++)
		if (has_text(s->findings[k]->title, q->text))
			return 1;
	return 0;
}

static int
status_rank(const struct bs_server *s)
{
	static const char *const order[] = {"critical", "warning", "stale", "clean"};
	const char *st = bs_report_status(s);

	for (int i = 0; i < 4; i++)
		if (strcmp(st, order[i]) == 0)
			return i;
	return 9;
}

static void
row_key(struct row *r, size_t sort, int64_t now_ms)
{
	const Bindscope__V1__Host *h = r->s->report->host;

	r->text = "";
	r->num = 0;
	switch (sort) {
	case SORT_FQDN: r->text = r->s->fqdn; break;
	case SORT_BUILD: r->text = h->exchange_build; break;
	case SORT_SITE: r->text = h->ad_site; break;
	case SORT_STATUS: r->num = status_rank(r->s); break;
	case SORT_443: r->text = r->l443; break;
	case SORT_444: r->text = r->l444; break;
	case SORT_DAYS:
		r->num = r->c444.cert != NULL ? bs_days_left(r->c444.cert->not_after, now_ms)
		                              : INT64_MAX;
		break;
	default: r->num = r->s->received_at_ms; break;
	}
}

static int
row_cmp(const void *x, const void *y)
{
	const struct row *a = *(const struct row *const *)x, *b = *(const struct row *const *)y;
	int c;

	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	if ((c = strcmp(a->text, b->text)) != 0)
		return c;
	return strcmp(a->s->fqdn, b->s->fqdn);
}

static const struct bs_finding *
row_worst(const struct bs_server *s)
{
	const struct bs_finding *w = NULL;

	for (size_t k = 0; k < s->n_findings; k++)
		if (s->findings[k]->mute == NULL &&
		    (w == NULL || s->findings[k]->severity > w->severity))
			w = s->findings[k];
	return w;
}

static json_t *
row_json(const struct row *r, int64_t now_ms)
{
	const struct bs_server *s = r->s;
	const Bindscope__V1__Host *h = s->report->host;
	const struct bs_finding *w = row_worst(s);
	char last[32];
	json_t *o;

	bs_time_format(s->received_at_ms, last, sizeof(last));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b, s:s}", "fqdn", s->fqdn,
	    "exchange_build", h->exchange_build, "ad_site", h->ad_site, "status",
	    bs_report_status(s), "cert_443", r->l443, "cert_443_broken", r->c443.cert == NULL,
	    "cert_444", r->l444, "cert_444_broken",
	    r->c444.cert == NULL || r->c444.cert->covers_fqdn == BINDSCOPE__V1__TRI__TRI_NO,
	    "last_report_at", last);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "days_444",
	    r->c444.cert != NULL ? json_integer(bs_days_left(r->c444.cert->not_after, now_ms))
	                         : json_null());
	json_object_set_new(o, "worst",
	    w != NULL ? json_pack("{s:s, s:s, s:s}", "rule", w->rule->id, "severity",
	                    bs_severity_name(w->severity), "title", w->title)
	              : json_null());
	return o;
}

json_t *
bs_table_json(const struct bs_analysis *a, const struct bs_table_query *q, int64_t now_ms)
{
	size_t cap = a->n_servers > 0 ? a->n_servers : 1, n = 0;
	struct row *rows = malloc(cap * sizeof(*rows));
	struct row **order = malloc(cap * sizeof(*order));
	json_t *list = rows != NULL && order != NULL ? json_array() : NULL;
	json_t *out = NULL;

	for (size_t i = 0; list != NULL && i < a->n_servers; i++) {
		row_fill(&rows[n], a->servers[i]);
		if (row_matches(&rows[n], q, now_ms)) {
			row_key(&rows[n], q->sort, now_ms);
			order[n] = &rows[n];
			n++;
		}
	}
	if (list != NULL) {
		qsort(order, n, sizeof(*order), row_cmp);
		/* Descending is the ascending order reversed, ties included. */
		for (size_t i = 0; q->desc && i < n / 2; i++) {
			struct row *t = order[i];

			order[i] = order[n - 1 - i];
			order[n - 1 - i] = t;
		}
		for (size_t i = q->offset; i < n && i < q->offset + q->limit; i++)
			json_array_append_new(list, row_json(order[i], now_ms));
		out = json_pack("{s:I, s:I, s:I, s:I, s:o}", "total", (json_int_t)a->n_servers,
		    "matched", (json_int_t)n, "offset", (json_int_t)q->offset, "limit",
		    (json_int_t)q->limit, "rows", list);
	}
	free(rows);
	free(order);
	return out;
}
