/* table: the server table's parameters, filter, sort and page. */
#include "output/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
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

/* One server as the table shows and searches it, made once per index. */
struct trow {
	const struct bs_server *s;
	const char *status, *l443, *l444;
	const char *hay; /* the searched fields, lower-cased, one per line */
	int rank; /* status order: critical first */
	int broken443, broken444;
	int has444;
	int64_t days444;
	const struct bs_finding *worst; /* not muted */
};

struct bs_table_index {
	struct bs_arena arena;
	struct trow *rows;
	size_t n;
	int64_t now_ms;
	/* The rows in each sort column's order, ascending (ties by FQDN), so
	 * a request only walks one of them. */
	const struct trow **order[NSORTS];
};

static int
status_rank(const char *st)
{
	static const char *const order[] = {"critical", "warning", "stale", "clean"};

	for (int i = 0; i < 4; i++)
		if (strcmp(st, order[i]) == 0)
			return i;
	return 9;
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

/* Appends s lower-cased and a newline. */
static int
hay_put(struct bs_buf *b, const char *s)
{
	int rv = 0;

	for (; rv == 0 && *s != '\0'; s++)
		rv = bs_buf_putc(b, (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s));
	return rv != 0 ? rv : bs_buf_putc(b, '\n');
}

static int
trow_fill(struct bs_table_index *ix, struct trow *r, const struct bs_server *s, struct bs_buf *b)
{
	const Bindscope__V1__Host *h = s->report->host;
	struct bs_site_cert c443, c444;
	char l[BS_CONSISTENCY_VALUE_MAX];
	int rv = 0;

	r->s = s;
	r->status = bs_report_status(s);
	r->rank = status_rank(r->status);
	r->worst = row_worst(s);
	bs_report_site_cert(s->report, 0, &c443);
	bs_report_site_cert(s->report, 1, &c444);
	bs_report_site_cert_label(&c443, l, sizeof(l));
	r->l443 = bs_arena_strdup(&ix->arena, l);
	bs_report_site_cert_label(&c444, l, sizeof(l));
	r->l444 = bs_arena_strdup(&ix->arena, l);
	r->broken443 = c443.cert == NULL;
	r->broken444 = c444.cert == NULL || c444.cert->covers_fqdn == BINDSCOPE__V1__TRI__TRI_NO;
	r->has444 = c444.cert != NULL;
	r->days444 = c444.cert != NULL ? bs_days_left(c444.cert->not_after, ix->now_ms) : INT64_MAX;
	bs_buf_reset(b);
	rv |= hay_put(b, s->fqdn);
	rv |= hay_put(b, h->exchange_build);
	rv |= hay_put(b, h->ad_site);
	rv |= hay_put(b, r->l443 != NULL ? r->l443 : "");
	rv |= hay_put(b, r->l444 != NULL ? r->l444 : "");
	if (c443.cert != NULL)
		rv |= hay_put(b, c443.cert->thumbprint);
	if (c444.cert != NULL)
		rv |= hay_put(b, c444.cert->thumbprint);
	for (size_t k = 0; k < s->n_findings; k++)
		rv |= hay_put(b, s->findings[k]->title);
	if (rv != 0 || r->l443 == NULL || r->l444 == NULL ||
	    (r->hay = bs_arena_strndup(&ix->arena, b->data, b->len)) == NULL)
		return BS_ENOMEM;
	return 0;
}

static int index_orders(struct bs_table_index *ix);

int
bs_table_index_create(const struct bs_analysis *a, int64_t now_ms, struct bs_table_index **out)
{
	struct bs_table_index *ix = calloc(1, sizeof(*ix));
	struct bs_buf b;
	int rv = 0;

	*out = NULL;
	if (ix == NULL)
		return BS_ENOMEM;
	bs_arena_init(&ix->arena, 0);
	ix->now_ms = now_ms;
	ix->rows =
	    bs_arena_alloc(&ix->arena, (a->n_servers > 0 ? a->n_servers : 1) * sizeof(*ix->rows));
	bs_buf_init(&b, 0);
	for (size_t i = 0; ix->rows != NULL && rv == 0 && i < a->n_servers; i++)
		if ((rv = trow_fill(ix, &ix->rows[i], a->servers[i], &b)) == 0)
			ix->n++;
	bs_buf_fini(&b);
	if (ix->rows != NULL && rv == 0)
		rv = index_orders(ix);
	if (ix->rows == NULL || rv != 0) {
		bs_table_index_destroy(ix);
		return BS_ENOMEM;
	}
	*out = ix;
	return 0;
}

void
bs_table_index_destroy(struct bs_table_index *ix)
{
	if (ix == NULL)
		return;
	bs_arena_fini(&ix->arena);
	free(ix);
}

static int
row_matches(const struct bs_table_index *ix, const struct trow *r, const struct bs_table_query *q)
{
	const struct bs_server *s = r->s;

	if (q->status[0] != '\0' && strcmp(r->status, q->status) != 0)
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

		if (bs_expiry_day(s, q->series, ix->now_ms, &d) != 0 || d != q->day)
			return 0;
	}
	return q->text[0] == '\0' || strstr(r->hay, q->text) != NULL;
}

/* A matching row with its sort key. */
struct ord {
	const struct trow *r;
	int64_t num;
	const char *text;
};

static void
ord_key(struct ord *o, size_t sort)
{
	const struct trow *r = o->r;
	const Bindscope__V1__Host *h = r->s->report->host;

	o->text = "";
	o->num = 0;
	switch (sort) {
	case SORT_FQDN: o->text = r->s->fqdn; break;
	case SORT_BUILD: o->text = h->exchange_build; break;
	case SORT_SITE: o->text = h->ad_site; break;
	case SORT_STATUS: o->num = r->rank; break;
	case SORT_443: o->text = r->l443; break;
	case SORT_444: o->text = r->l444; break;
	case SORT_DAYS: o->num = r->days444; break;
	default: o->num = r->s->received_at_ms; break;
	}
}

static int
ord_cmp(const void *x, const void *y)
{
	const struct ord *a = x, *b = y;
	int c;

	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	if ((c = strcmp(a->text, b->text)) != 0)
		return c;
	return strcmp(a->r->s->fqdn, b->r->s->fqdn);
}

static json_t *
row_json(const struct trow *r)
{
	const struct bs_server *s = r->s;
	const Bindscope__V1__Host *h = s->report->host;
	const struct bs_finding *w = r->worst;
	char last[32];
	json_t *o;

	bs_time_format(s->received_at_ms, last, sizeof(last));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b, s:s}", "fqdn", s->fqdn,
	    "exchange_build", h->exchange_build, "ad_site", h->ad_site, "status", r->status,
	    "cert_443", r->l443, "cert_443_broken", r->broken443, "cert_444", r->l444,
	    "cert_444_broken", r->broken444, "last_report_at", last);
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "days_444", r->has444 ? json_integer(r->days444) : json_null());
	json_object_set_new(o, "worst",
	    w != NULL ? json_pack("{s:s, s:s, s:s}", "rule", w->rule->id, "severity",
	                    bs_severity_name(w->severity), "title", w->title)
	              : json_null());
	return o;
}

static int
index_orders(struct bs_table_index *ix)
{
	struct ord *ord = malloc((ix->n > 0 ? ix->n : 1) * sizeof(*ord));

	if (ord == NULL)
		return BS_ENOMEM;
	for (size_t k = 0; k < NSORTS; k++) {
		ix->order[k] =
		    bs_arena_alloc(&ix->arena, (ix->n > 0 ? ix->n : 1) * sizeof(*ix->order[k]));
		if (ix->order[k] == NULL) {
			free(ord);
			return BS_ENOMEM;
		}
		for (size_t i = 0; i < ix->n; i++) {
			ord[i].r = &ix->rows[i];
			ord_key(&ord[i], k);
		}
		qsort(ord, ix->n, sizeof(*ord), ord_cmp);
		for (size_t i = 0; i < ix->n; i++)
			ix->order[k][i] = ord[i].r;
	}
	free(ord);
	return 0;
}

json_t *
bs_table_json(const struct bs_table_index *ix, const struct bs_table_query *q)
{
	json_t *list = json_array();
	size_t n = 0;

	if (list == NULL)
		return NULL;
	/* Descending is the ascending order walked backwards, ties included. */
	for (size_t i = 0; i < ix->n; i++) {
		const struct trow *r = ix->order[q->sort][q->desc ? ix->n - 1 - i : i];

		if (!row_matches(ix, r, q))
			continue;
		if (n >= q->offset && n < q->offset + q->limit)
			json_array_append_new(list, row_json(r));
		n++;
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:o}", "total", (json_int_t)ix->n, "matched",
	    (json_int_t)n, "offset", (json_int_t)q->offset, "limit", (json_int_t)q->limit, "rows",
	    list);
}
