/* pass: one stored report's changes and findings, computed in a scratch
 * arena so a pass over a bulk import stays small. */
#include "analysis/pass.h"

#include <string.h>

#include "analysis/analyze.h"
#include "analysis/changes.h"
#include "analysis/rules/rules.h"
#include "err.h"
#include "log.h"

struct pass_ctx {
	struct bs_analysis *a;
	struct bs_server *srv;
	struct bs_arena *out;
	struct bs_pass_result *res;
};

static int
pass_on_change(
    void *arg, const char *kind, const char *object, const char *before, const char *after)
{
	struct pass_ctx *p = arg;
	struct bs_stored_change *c = bs_arena_alloc(p->out, sizeof(*c));

	if (c == NULL || (c->kind = bs_arena_strdup(p->out, kind)) == NULL ||
	    (c->object = bs_arena_strdup(p->out, object)) == NULL ||
	    (c->before = bs_arena_strdup(p->out, before)) == NULL ||
	    (c->after = bs_arena_strdup(p->out, after)) == NULL ||
	    bs_arena_push(p->out, (void ***)&p->res->changes, &p->res->n_changes, c) != 0)
		return BS_ENOMEM;
	/* CONFIG_CHANGED of this report sees its own changes. */
	return bs_analysis_add_change(p->a, p->srv, kind, object, before, after,
	    p->res->report->collected_ms, p->res->prev_collected_ms);
}

static int
pass_findings(struct pass_ctx *p)
{
	for (size_t i = 0; i < p->srv->n_findings; i++) {
		const struct bs_finding *f = p->srv->findings[i];
		struct bs_stored_finding *sf;

		/* Staleness is about reports that did not come: not a fact of
		 * this one. */
		if (strcmp(f->rule->id, "AGENT_STALE") == 0)
			continue;
		sf = bs_arena_alloc(p->out, sizeof(*sf));
		if (sf == NULL || (sf->key = bs_arena_strdup(p->out, f->key)) == NULL ||
		    (sf->title = bs_arena_strdup(p->out, f->title)) == NULL ||
		    bs_arena_push(p->out, (void ***)&p->res->findings, &p->res->n_findings, sf) !=
		        0)
			return BS_ENOMEM;
		sf->rule = f->rule->id; /* static: the rule table */
		sf->severity = bs_severity_name(f->severity);
	}
	return 0;
}

int
bs_pass_report(struct bs_analysis *fleet, const uint8_t *prev_raw, size_t prev_len,
    struct bs_arena *out, struct bs_pass_result *res)
{
	const struct bs_stored_report *row = res->report;
	struct bs_arena saved = fleet->arena;
	struct bs_server srv;
	struct pass_ctx p = {fleet, &srv, out, res};
	bs_report *r = NULL, *prev = NULL;
	int rv = 0;

	/* This report's structures go to a scratch arena in place of the
	 * fleet's, which is put back untouched. */
	bs_arena_init(&fleet->arena, 0);
	memset(&srv, 0, sizeof(srv));
	if (bs_wire_unpack_report(&fleet->arena, row->raw, row->len, &r) != 0 || r->host == NULL) {
		bs_log(BS_LOG_WARN, "stored_report_unreadable", "report_id=%lld fqdn=%s",
		    (long long)row->id, row->fqdn);
		res->unreadable = 1;
		goto out;
	}
	srv.fqdn = row->fqdn;
	srv.provenance = row->provenance;
	srv.received_at_ms = row->received_ms;
	srv.report = r;
	if (prev_raw != NULL &&
	    bs_wire_unpack_report(&fleet->arena, prev_raw, prev_len, &prev) != 0)
		prev = NULL; /* unreadable: no diff, as for a first report */
	if ((prev == NULL || (rv = bs_changes_diff(prev, r, pass_on_change, &p)) == 0) &&
	    (rv = bs_analysis_evaluate_one(fleet, &srv)) == 0)
		rv = pass_findings(&p);
out:
	for (size_t i = 0; i < srv.n_findings; i++)
		json_decref(srv.findings[i]->evidence);
	bs_arena_fini(&fleet->arena);
	fleet->arena = saved;
	return rv;
}
