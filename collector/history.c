/* history: the findings history, the change log and the mutes as the
 * analysis reads them. The SQL over those tables lives here (the schema is
 * in store.c). */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "err.h"
#include "log.h"
#include "rules/rules.h"
#include "store/history.h"
#include "store/mutes.h"

/* Reports per write transaction: short enough that ingest never waits
 * long for the write lock. */
#define HISTORY_BATCH 256

struct history_pass {
	struct bs_analysis *a;
	/* the report being analysed, and the arena its results go to */
	struct bs_pass_result *res;
	struct bs_server *srv;
	struct bs_arena *batch;
};

static int
history_on_change(
    void *arg, const char *kind, const char *object, const char *before, const char *after)
{
	struct history_pass *p = arg;
	struct bs_stored_change *c = bs_arena_alloc(p->batch, sizeof(*c));

	if (c == NULL || (c->kind = bs_arena_strdup(p->batch, kind)) == NULL ||
	    (c->object = bs_arena_strdup(p->batch, object)) == NULL ||
	    (c->before = bs_arena_strdup(p->batch, before)) == NULL ||
	    (c->after = bs_arena_strdup(p->batch, after)) == NULL ||
	    bs_arena_push(p->batch, (void ***)&p->res->changes, &p->res->n_changes, c) != 0)
		return BS_ENOMEM;
	/* CONFIG_CHANGED of this report sees its own changes. */
	return bs_analysis_add_change(p->a, p->srv, kind, object, before, after,
	    p->res->report->collected_ms, p->res->prev_collected_ms);
}

/* Analyses one report (no writes): its changes against the previous
 * report and its findings, kept in res. */
static int
history_compute(struct history_pass *p, struct bs_store *st, struct bs_pass_result *res)
{
	const struct bs_stored_report *row = res->report;
	struct bs_analysis *a = p->a;
	struct bs_arena saved = a->arena;
	struct bs_server srv;
	bs_report *r = NULL, *prev = NULL;
	const uint8_t *prev_raw;
	size_t prev_len;
	int rv = 0;

	/* Everything of this report lives in a scratch arena, so a pass over
	 * a bulk import stays small; the fleet context stays in the saved
	 * one, the results in the batch arena. */
	bs_arena_init(&a->arena, 0);
	memset(&srv, 0, sizeof(srv));
	p->res = res;
	p->srv = &srv;
	if (bs_wire_unpack_report(&a->arena, row->raw, row->len, &r) != 0 || r->host == NULL) {
		bs_log(BS_LOG_WARN, "stored_report_unreadable", "report_id=%lld fqdn=%s",
		    (long long)row->id, row->fqdn);
		res->unreadable = 1;
		goto out;
	}
	srv.fqdn = row->fqdn;
	srv.provenance = row->provenance;
	srv.received_at_ms = row->received_ms;
	srv.report = r;
	if ((rv = bs_store_previous(
	         st, row, &a->arena, &prev_raw, &prev_len, &res->prev_collected_ms)) != 0)
		goto out;
	if (prev_raw != NULL && bs_wire_unpack_report(&a->arena, prev_raw, prev_len, &prev) != 0)
		prev = NULL;
	if (prev != NULL && (rv = bs_changes_diff(prev, r, history_on_change, p)) != 0)
		goto out;
	if ((rv = bs_analysis_evaluate_one(a, &srv)) != 0)
		goto out;
	for (size_t i = 0; i < srv.n_findings; i++) {
		const struct bs_finding *f = srv.findings[i];
		struct bs_stored_finding *hf;

		/* Staleness is about reports that did not come: not a fact of
		 * this one. */
		if (strcmp(f->rule->id, "AGENT_STALE") == 0)
			continue;
		hf = bs_arena_alloc(p->batch, sizeof(*hf));
		if (hf == NULL || (hf->key = bs_arena_strdup(p->batch, f->key)) == NULL ||
		    (hf->title = bs_arena_strdup(p->batch, f->title)) == NULL ||
		    bs_arena_push(p->batch, (void ***)&res->findings, &res->n_findings, hf) != 0) {
			rv = BS_ENOMEM;
			goto out;
		}
		hf->rule = f->rule->id; /* static: the rule table */
		hf->severity = bs_severity_name(f->severity);
	}
out:
	for (size_t i = 0; i < srv.n_findings; i++)
		json_decref(srv.findings[i]->evidence);
	bs_arena_fini(&a->arena);
	a->arena = saved;
	p->res = NULL;
	p->srv = NULL;
	return rv;
}

int
bs_history_update(
    struct bs_store *st, const struct bs_analysis_options *opt, size_t max, size_t *done)
{
	struct history_pass p;
	int pending = 0, rv;

	*done = 0;
	memset(&p, 0, sizeof(p));
	/* Nothing new (the usual case between sweeps): no fleet load. */
	if ((rv = bs_store_any_pending(st, &pending)) != 0 || !pending)
		return rv;
	/* The fleet context: every server's newest report. */
	if ((rv = bs_analysis_run(st, opt, &p.a)) != 0)
		return rv;
	while (*done < max) {
		struct bs_arena ar;
		struct bs_stored_report *rows = NULL;
		struct bs_pass_result *res = NULL;
		size_t n = 0;

		bs_arena_init(&ar, 0);
		p.batch = &ar;
		rv = bs_store_pending(st, &ar, HISTORY_BATCH, &rows, &n);
		if (rv == 0 && n > 0 && (res = bs_arena_alloc(&ar, n * sizeof(*res))) == NULL)
			rv = BS_ENOMEM;
		/* The work outside the write lock; then one short transaction. */
		for (size_t i = 0; rv == 0 && i < n; i++) {
			res[i].report = &rows[i];
			rv = history_compute(&p, st, &res[i]);
		}
		if (rv == 0)
			rv = bs_store_history_write(st, res, n);
		bs_arena_fini(&ar);
		if (rv != 0 || n == 0)
			break;
		*done += n;
	}
	bs_analysis_destroy(p.a);
	return rv;
}

static int
history_add_mute(void *arg, const struct bs_store_mute *m)
{
	return bs_analysis_add_mute(
	    arg, m->id, m->server, m->rule, m->reason, m->by, m->created_ms, m->expires_ms);
}

static int
history_add_change(void *arg, const struct bs_store_change *c)
{
	struct bs_analysis *a = arg;
	struct bs_server *srv = bs_analysis_find(a, c->server);

	if (srv == NULL)
		return 0;
	return bs_analysis_add_change(
	    a, srv, c->kind, c->object, c->before, c->after, c->at_ms, c->prev_at_ms);
}

int
bs_history_load_inputs(struct bs_store *st, struct bs_analysis *a)
{
	int rv;

	if ((rv = bs_store_each_mute(st, a->opt.now_ms, 0, history_add_mute, a)) != 0)
		return rv;
	return bs_store_changes_since(
	    st, a->opt.now_ms - (int64_t)a->opt.rules.changes_window * 1000, history_add_change, a);
}

static int
history_set_seen(void *arg, const struct bs_store_seen *seen)
{
	struct bs_server *srv = bs_analysis_find(arg, seen->fqdn);

	for (size_t i = 0; srv != NULL && i < srv->n_findings; i++) {
		struct bs_finding *f = srv->findings[i];

		if (strcmp(f->rule->id, seen->rule) == 0 && strcmp(f->key, seen->key) == 0) {
			f->first_seen_ms = seen->first_seen_ms;
			if (seen->last_seen_ms > f->last_seen_ms)
				f->last_seen_ms = seen->last_seen_ms;
		}
	}
	return 0;
}

int
bs_history_load_seen(struct bs_store *st, struct bs_analysis *a)
{
	return bs_store_each_open_finding(st, history_set_seen, a);
}
