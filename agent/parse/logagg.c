/* logagg: bounded hash tables of status tuples and targets. */
#include "logagg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"

#define STATUS_SLOTS 1024 /* power of two, 2x the entry bound */
#define TARGET_SLOTS 2048
#define WEBEXC_MAX 8

struct st_entry {
	uint32_t http, backend, sub, win32, port;
	const char *err;
	uint64_t count;
	size_t errlen;
	int used;
};

struct tg_entry {
	char *name; /* lower case */
	size_t len;
	uint64_t requests, failures;
	const char *webexc[WEBEXC_MAX];
	uint64_t wecount[WEBEXC_MAX];
	int used;
};

struct bs_logagg {
	struct bs_arena *a;
	struct st_entry *last; /* logs repeat: the previous record's row */
	char classes[BS_LOGAGG_MAX_EXAMPLES][48];
	unsigned class_count[BS_LOGAGG_MAX_EXAMPLES];
	unsigned nclasses;
	Bindscope__V1__LogSample *ls;
	struct st_entry *st;
	size_t nst;
	struct tg_entry *tg;
	size_t ntg;
	int nomem;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int
bs_logagg_create(struct bs_arena *a, Bindscope__V1__LogSample *ls, struct bs_logagg **out)
{
	struct bs_logagg *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (g == NULL)
		return BS_ENOMEM;
	g->a = a;
	g->ls = ls;
	g->st = calloc(STATUS_SLOTS, sizeof(*g->st));
	g->tg = calloc(TARGET_SLOTS, sizeof(*g->tg));
	if (g->st == NULL || g->tg == NULL) {
		bs_logagg_destroy(g);
		return BS_ENOMEM;
	}
	*out = g;
	return 0;
}

void
bs_logagg_destroy(struct bs_logagg *g)
{
	if (g == NULL)
		return;
	free(g->st);
	free(g->tg);
	free(g);
}

static int
st_same(const struct st_entry *e, uint32_t http, uint32_t backend, const char *err, size_t errlen,
    uint32_t sub, uint32_t win32, uint32_t port)
{
	return e->http == http && e->backend == backend && e->sub == sub && e->win32 == win32 &&
	    e->port == port && strlen(e->err) == errlen && memcmp(e->err, err, errlen) == 0;
}

void
bs_logagg_status(struct bs_logagg *g, uint32_t http, uint32_t backend, const char *err,
    size_t errlen, uint32_t sub, uint32_t win32, uint32_t port)
{
	uint64_t h;
	size_t i;

	if (g->last != NULL && st_same(g->last, http, backend, err, errlen, sub, win32, port)) {
		g->last->count++;
		return;
	}
	h = ((uint64_t)http * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)backend << 17) ^
	    ((uint64_t)sub << 34) ^ ((uint64_t)win32 << 41) ^ ((uint64_t)port << 3);
	h = fnv(h, err, errlen);
	i = (size_t)h & (STATUS_SLOTS - 1);
	for (;;) {
		struct st_entry *e = &g->st[i];

		if (e->used && st_same(e, http, backend, err, errlen, sub, win32, port)) {
			e->count++;
			g->last = e;
			return;
		}
		if (!e->used) {
			int other = errlen == 7 && memcmp(err, "(other)", 7) == 0 && http == 0;

			/* Full: fold into one overflow row, which may take the
			 * one slot past the bound. */
			if (g->nst >= BS_LOGAGG_MAX_STATUSES && !other) {
				bs_logagg_status(g, 0, BS_BACKEND_ABSENT, "(other)", 7, 0, 0, 0);
				return;
			}
			e->used = 1;
			e->http = http;
			e->backend = backend;
			e->sub = sub;
			e->win32 = win32;
			e->port = port;
			e->err = bs_arena_strndup(g->a, err, errlen);
			e->errlen = errlen;
			e->count = 1;
			if (e->err == NULL) {
				e->err = "";
				e->errlen = 0;
				g->nomem = 1;
			}
			g->nst++;
			return;
		}
		i = (i + 1) & (STATUS_SLOTS - 1);
	}
}

static uint64_t
lower_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		h ^= (c >= 'A' && c <= 'Z') ? c + 32 : c;
		h *= 1099511628211ULL;
	}
	return h;
}

void
bs_logagg_target(struct bs_logagg *g, const char *target, size_t len, int failed,
    const char *webexc, size_t welen)
{
	size_t i;
	struct tg_entry *e;

	if (len == 0)
		return;
	i = (size_t)lower_hash(target, len) & (TARGET_SLOTS - 1);
	for (;;) {
		e = &g->tg[i];
		if (!e->used || (e->len == len && strncasecmp(e->name, target, len) == 0))
			break;
		i = (i + 1) & (TARGET_SLOTS - 1);
	}
	if (!e->used) {
		if (g->ntg >= BS_LOGAGG_MAX_TARGETS &&
		    !(len == 7 && memcmp(target, "(other)", 7) == 0)) {
			bs_logagg_target(g, "(other)", 7, failed, webexc, welen);
			return;
		}
		e->name = bs_arena_strndup(g->a, target, len);
		if (e->name == NULL) {
			g->nomem = 1;
			return;
		}
		for (size_t k = 0; k < len; k++)
			if (e->name[k] >= 'A' && e->name[k] <= 'Z')
				e->name[k] = (char)(e->name[k] + 32);
		e->len = len;
		e->used = 1;
		g->ntg++;
	}
	e->requests++;
	if (!failed)
		return;
	e->failures++;
	if (welen == 0)
		return;
	for (int k = 0; k < WEBEXC_MAX; k++) {
		if (e->webexc[k] == NULL) {
			e->webexc[k] = bs_arena_strndup(g->a, webexc, welen);
			e->wecount[k] = 1;
			return;
		}
		if (strlen(e->webexc[k]) == welen && memcmp(e->webexc[k], webexc, welen) == 0) {
			e->wecount[k]++;
			return;
		}
	}
}

void
bs_logagg_time(struct bs_logagg *g, int64_t ms)
{
	if (g->ls->window_start_ms == 0 || ms < g->ls->window_start_ms)
		g->ls->window_start_ms = ms;
	if (ms > g->ls->window_end_ms)
		g->ls->window_end_ms = ms;
}

void
bs_logagg_skip(struct bs_logagg *g, const char *reason)
{
	char *r;

	g->ls->lines_skipped++;
	if (g->ls->n_skip_reasons >= BS_LOGAGG_MAX_REASONS)
		return;
	for (size_t i = 0; i < g->ls->n_skip_reasons; i++)
		if (strcmp(g->ls->skip_reasons[i], reason) == 0)
			return;
	r = bs_arena_strdup(g->a, reason);
	if (r == NULL ||
	    bs_arena_push(g->a, (void ***)&g->ls->skip_reasons, &g->ls->n_skip_reasons, r) != 0)
		g->nomem = 1;
}

/* Index of cls in the class table, adding it when there is room; -1
 * when the table is full. */
static int
logagg_class(const struct bs_logagg *g, const char *cls)
{
	for (unsigned i = 0; i < g->nclasses; i++)
		if (strcmp(g->classes[i], cls) == 0)
			return (int)i;
	return g->nclasses < BS_LOGAGG_MAX_EXAMPLES ? (int)g->nclasses : -1;
}

int
bs_logagg_want_example(const struct bs_logagg *g, const char *cls)
{
	int i = logagg_class(g, cls);

	return g->ls->n_examples < BS_LOGAGG_MAX_EXAMPLES && i >= 0 &&
	    ((unsigned)i == g->nclasses || g->class_count[i] < BS_LOGAGG_CLASS_EXAMPLES);
}

void
bs_logagg_example(struct bs_logagg *g, const char *cls, const char *line, size_t len)
{
	char *e;
	int i;

	if (!bs_logagg_want_example(g, cls))
		return;
	i = logagg_class(g, cls);
	if ((unsigned)i == g->nclasses) {
		snprintf(g->classes[i], sizeof(g->classes[i]), "%s", cls);
		g->nclasses++;
	}
	g->class_count[i]++;
	e = bs_arena_strndup(g->a, line, len > 1024 ? 1024 : len);
	if (e == NULL ||
	    bs_arena_push(g->a, (void ***)&g->ls->examples, &g->ls->n_examples, e) != 0)
		g->nomem = 1;
}

static int
st_cmp(const void *x, const void *y)
{
	const Bindscope__V1__StatusCount *a = *(Bindscope__V1__StatusCount *const *)x;
	const Bindscope__V1__StatusCount *b = *(Bindscope__V1__StatusCount *const *)y;
	uint32_t ab = a->backend_status ? a->backend_status->value : UINT32_MAX;
	uint32_t bb = b->backend_status ? b->backend_status->value : UINT32_MAX;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->http_status != b->http_status)
		return a->http_status < b->http_status ? -1 : 1;
	if (ab != bb)
		return ab < bb ? -1 : 1;
	if (a->sub_status != b->sub_status)
		return a->sub_status < b->sub_status ? -1 : 1;
	if (a->win32_status != b->win32_status)
		return a->win32_status < b->win32_status ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return strcmp(a->error_code, b->error_code);
}

static int
tg_cmp(const void *x, const void *y)
{
	const Bindscope__V1__TargetStat *a = *(Bindscope__V1__TargetStat *const *)x;
	const Bindscope__V1__TargetStat *b = *(Bindscope__V1__TargetStat *const *)y;

	if (a->requests != b->requests)
		return a->requests > b->requests ? -1 : 1;
	return strcmp(a->target_server, b->target_server);
}

int
bs_logagg_finish(struct bs_logagg *g)
{
	Bindscope__V1__LogSample *ls = g->ls;

	for (size_t i = 0; i < STATUS_SLOTS && !g->nomem; i++) {
		const struct st_entry *e = &g->st[i];
		Bindscope__V1__StatusCount *sc;

		if (!e->used)
			continue;
		sc = BS_NEW(g->a, status_count);
		if (sc == NULL)
			return BS_ENOMEM;
		sc->http_status = e->http;
		if (e->backend != BS_BACKEND_ABSENT) {
			sc->backend_status = BS_NEW(g->a, opt_u32);
			if (sc->backend_status == NULL)
				return BS_ENOMEM;
			sc->backend_status->value = e->backend;
		}
		sc->error_code = (char *)e->err;
		sc->sub_status = e->sub;
		sc->win32_status = e->win32;
		sc->port = e->port;
		sc->count = e->count;
		if (bs_arena_push(g->a, (void ***)&ls->statuses, &ls->n_statuses, sc) != 0)
			return BS_ENOMEM;
	}
	for (size_t i = 0; i < TARGET_SLOTS && !g->nomem; i++) {
		const struct tg_entry *e = &g->tg[i];
		Bindscope__V1__TargetStat *t;
		uint64_t best = 0;

		if (!e->used)
			continue;
		t = BS_NEW(g->a, target_stat);
		if (t == NULL)
			return BS_ENOMEM;
		t->target_server = e->name;
		t->requests = e->requests;
		t->backend_failures = e->failures;
		for (int k = 0; k < WEBEXC_MAX && e->webexc[k] != NULL; k++) {
			if (e->wecount[k] > best) {
				best = e->wecount[k];
				t->top_web_exception = (char *)e->webexc[k];
			}
		}
		if (bs_arena_push(g->a, (void ***)&ls->targets, &ls->n_targets, t) != 0)
			return BS_ENOMEM;
	}
	if (g->nomem)
		return BS_ENOMEM;
	if (ls->n_statuses > 1)
		qsort(ls->statuses, ls->n_statuses, sizeof(*ls->statuses), st_cmp);
	if (ls->n_targets > 1)
		qsort(ls->targets, ls->n_targets, sizeof(*ls->targets), tg_cmp);
	return 0;
}

int
bs_log_uint(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
log_ymd(const char *s, int64_t *days)
{
	int y, m, d;

	if (s[4] != '-' || s[7] != '-' || digits(s, 4, &y) != 0 || digits(s + 5, 2, &m) != 0 ||
	    digits(s + 8, 2, &d) != 0 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

static int
log_hms(const char *s, int64_t *secs)
{
	int h, mi, se;

	if (s[2] != ':' || s[5] != ':' || digits(s, 2, &h) != 0 || digits(s + 3, 2, &mi) != 0 ||
	    digits(s + 6, 2, &se) != 0 || h > 23 || mi > 59 || se > 60)
		return -1;
	*secs = h * 3600 + mi * 60 + se;
	return 0;
}

int
bs_log_time_iso(const char *s, size_t n, int64_t *ms)
{
	/* A log holds one or two dates: remember the last one parsed. */
	static _Thread_local char last_date[10];
	static _Thread_local int64_t last_days;
	static _Thread_local int have_last;
	int64_t days, secs;
	int frac = 0;

	if (n < 19 || s[10] != 'T')
		return -1;
	if (have_last && memcmp(s, last_date, 10) == 0) {
		days = last_days;
	} else {
		if (log_ymd(s, &days) != 0)
			return -1;
		memcpy(last_date, s, 10);
		last_days = days;
		have_last = 1;
	}
	if (log_hms(s + 11, &secs) != 0)
		return -1;
	if (n > 19 && s[19] == '.') {
		size_t k = 20;
		int scale = 100;

		for (; k < n && s[k] >= '0' && s[k] <= '9'; k++) {
			frac += (s[k] - '0') * scale;
			scale /= 10;
		}
	}
	*ms = (days * 86400 + secs) * 1000 + frac;
	return 0;
}

int
bs_log_time_w3c(const char *date, size_t dn, const char *time, size_t tn, int64_t *ms)
{
	int64_t days, secs;

	if (dn != 10 || tn < 8 || log_ymd(date, &days) != 0 || log_hms(time, &secs) != 0)
		return -1;
	*ms = (days * 86400 + secs) * 1000;
	return 0;
}
