/* trend: findings per day and back-end failures per sampled hour. */
#include "output/trend.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "clock.h"
#include "err.h"
#include "store/history.h"

#define DAY_MS (86400LL * 1000)
#define HOUR_MS (3600LL * 1000)

static const char *const sev_names[3] = {"critical", "warning", "info"};

/* Floor division: day and hour numbers of times before 1970 too. */
static int64_t
floor_div(int64_t x, int64_t d)
{
	return x / d - (x % d != 0 && x < 0);
}

void
bs_trend_days_init(struct bs_trend_days *t, int64_t now_ms, unsigned days)
{
	memset(t, 0, sizeof(*t));
	t->n = days == 0 ? 1 : days > BS_TREND_DAYS_MAX ? BS_TREND_DAYS_MAX : days;
	t->first_day = floor_div(now_ms, DAY_MS) - (int64_t)t->n + 1;
}

void
bs_trend_days_add(
    struct bs_trend_days *t, const char *severity, int64_t first_ms, int64_t resolved_ms)
{
	int64_t from = floor_div(first_ms, DAY_MS) - t->first_day;
	int64_t to =
	    resolved_ms > 0 ? floor_div(resolved_ms, DAY_MS) - t->first_day : (int64_t)t->n - 1;
	int sev = -1;

	for (int i = 0; i < 3; i++)
		if (strcmp(severity, sev_names[i]) == 0)
			sev = i;
	if (sev < 0 || (resolved_ms > 0 && resolved_ms < first_ms))
		return;
	if (from < 0)
		from = 0;
	if (to > (int64_t)t->n - 1)
		to = (int64_t)t->n - 1;
	for (int64_t d = from; d <= to; d++)
		t->counts[sev][d]++;
}

json_t *
bs_trend_days_json(const struct bs_trend_days *t)
{
	char from[32];
	json_t *o;

	bs_time_format(t->first_day * DAY_MS, from, sizeof(from));
	from[10] = '\0'; /* the date */
	o = json_pack("{s:s, s:I}", "from", from, "days", (json_int_t)t->n);
	for (int s = 0; o != NULL && s < 3; s++) {
		json_t *arr = json_array();

		for (unsigned d = 0; arr != NULL && d < t->n; d++)
			json_array_append_new(arr, json_integer(t->counts[s][d]));
		json_object_set_new(o, sev_names[s], arr != NULL ? arr : json_array());
	}
	return o;
}

static int
trend_span(void *arg, const struct bs_store_span *f)
{
	bs_trend_days_add(arg, f->severity, f->opened_ms, f->closed_ms);
	return 0;
}

int
bs_trend_findings(
    struct bs_store *st, const char *fqdn, int64_t now_ms, unsigned days, json_t **out)
{
	struct bs_trend_days *t = malloc(sizeof(*t));
	int rv;

	*out = NULL;
	if (t == NULL)
		return BS_ENOMEM;
	bs_trend_days_init(t, now_ms, days);
	rv = bs_store_finding_spans(st, fqdn, t->first_day * DAY_MS, trend_span, t);
	if (rv == 0 && (*out = bs_trend_days_json(t)) == NULL)
		rv = BS_ENOMEM;
	free(t);
	return rv;
}

void
bs_trend_hours_init(struct bs_trend_hours *t, int64_t now_ms)
{
	memset(t, 0, sizeof(*t));
	t->since_ms = (floor_div(now_ms, HOUR_MS) - BS_TREND_HOURS + 1) * HOUR_MS;
}

/* The slot of hour_ms, kept in order; NULL when every slot is taken. */
static size_t
hours_slot(struct bs_trend_hours *t, int64_t hour_ms)
{
	size_t i = 0;

	while (i < t->n && t->h[i].hour_ms < hour_ms)
		i++;
	if (i < t->n && t->h[i].hour_ms == hour_ms)
		return i;
	if (t->n == sizeof(t->h) / sizeof(t->h[0]))
		return (size_t)-1;
	memmove(&t->h[i + 1], &t->h[i], (t->n - i) * sizeof(t->h[0]));
	t->n++;
	t->h[i].hour_ms = hour_ms;
	t->h[i].requests = t->h[i].failures = 0;
	return i;
}

/* 1 when the sample (log, window) was added before; else remembers it. */
static int
hours_seen(struct bs_trend_hours *t, const Bindscope__V1__LogSample *l)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p = l->name;
	size_t i;

	for (; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ (uint64_t)l->window_start_ms) * 1099511628211ULL;
	h = (h ^ (uint64_t)l->window_end_ms) * 1099511628211ULL;
	if (h == 0)
		h = 1;
	if (t->n_seen >= BS_TREND_SEEN_SLOTS / 2)
		return 0; /* full: count it rather than lose it */
	for (i = h & (BS_TREND_SEEN_SLOTS - 1); t->seen[i] != 0;
	     i = (i + 1) & (BS_TREND_SEEN_SLOTS - 1))
		if (t->seen[i] == h)
			return 1;
	t->seen[i] = h;
	t->n_seen++;
	return 0;
}

void
bs_trend_hours_add(struct bs_trend_hours *t, const bs_report *r)
{
	for (size_t i = 0; i < r->n_log_samples; i++) {
		const Bindscope__V1__LogSample *l = r->log_samples[i];
		size_t k;

		if (l->kind != BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY || l->window_start_ms <= 0 ||
		    l->window_start_ms < t->since_ms || hours_seen(t, l))
			continue;
		if ((k = hours_slot(t, floor_div(l->window_start_ms, HOUR_MS) * HOUR_MS)) ==
		    (size_t)-1)
			continue;
		for (size_t j = 0; j < l->n_targets; j++) {
			t->h[k].requests += l->targets[j]->requests;
			t->h[k].failures += l->targets[j]->backend_failures;
		}
	}
}

json_t *
bs_trend_hours_json(const struct bs_trend_hours *t)
{
	json_t *hours = json_array(), *req = json_array(), *fail = json_array();

	for (size_t i = 0; hours != NULL && req != NULL && fail != NULL && i < t->n; i++) {
		char when[32];

		bs_time_format(t->h[i].hour_ms, when, sizeof(when));
		json_array_append_new(hours, json_string(when));
		json_array_append_new(req, json_integer((json_int_t)t->h[i].requests));
		json_array_append_new(fail, json_integer((json_int_t)t->h[i].failures));
	}
	if (hours == NULL || req == NULL || fail == NULL) {
		json_decref(hours);
		json_decref(req);
		json_decref(fail);
		return NULL;
	}
	return json_pack("{s:o, s:o, s:o}", "hours", hours, "requests", req, "failures", fail);
}

static int
trend_report(void *arg, const char *fqdn, const char *provenance, int64_t received_at_ms,
    const uint8_t *raw, size_t len)
{
	struct bs_trend_hours *t = arg;
	struct bs_arena ar;
	bs_report *r = NULL;

	(void)fqdn;
	(void)provenance;
	(void)received_at_ms;
	bs_arena_init(&ar, 0);
	/* A stored report that no longer decodes adds nothing. */
	if (len > 0 && bs_wire_unpack_report(&ar, raw, len, &r) == 0)
		bs_trend_hours_add(t, r);
	bs_arena_fini(&ar);
	return 0;
}

int
bs_trend_traffic(struct bs_store *st, const char *fqdn, int64_t now_ms, json_t **out)
{
	struct bs_trend_hours *t = malloc(sizeof(*t));
	int rv;

	*out = NULL;
	if (t == NULL)
		return BS_ENOMEM;
	bs_trend_hours_init(t, now_ms);
	/* A report's samples end before it is received: look an hour further back. */
	rv = bs_store_each_report_since(
	    st, fqdn, t->since_ms - HOUR_MS, BS_TREND_REPORTS_MAX, trend_report, t);
	if (rv == 0 && (*out = bs_trend_hours_json(t)) == NULL)
		rv = BS_ENOMEM;
	free(t);
	return rv;
}
