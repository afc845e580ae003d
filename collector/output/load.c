/* load: store rows into the analysis model, around the rules. */
#include "output/load.h"

#include "analysis/analyze.h"
#include "store/history.h"
#include "store/mutes.h"

static int
load_report(void *arg, const char *fqdn, const char *provenance, int64_t received_at_ms,
    const uint8_t *raw, size_t len)
{
	return bs_analysis_add_raw(arg, fqdn, provenance, received_at_ms, raw, len);
}

static int
load_mute(void *arg, const struct bs_store_mute *m)
{
	return bs_analysis_add_mute(
	    arg, m->id, m->server, m->rule, m->reason, m->by, m->created_ms, m->expires_ms);
}

static int
load_change(void *arg, const struct bs_store_change *c)
{
	struct bs_server *srv = bs_analysis_find(arg, c->server);

	if (srv == NULL) /* a server whose newest report no longer decodes */
		return 0;
	return bs_analysis_add_change(
	    arg, srv, c->kind, c->object, c->before, c->after, c->at_ms, c->prev_at_ms);
}

static int
load_seen(void *arg, const struct bs_store_seen *f)
{
	bs_analysis_set_seen(arg, f->fqdn, f->rule, f->key, f->first_seen_ms, f->last_seen_ms);
	return 0;
}

int
bs_output_load(struct bs_store *st, const struct bs_analysis_options *opt, struct bs_analysis **out)
{
	struct bs_analysis *a = NULL;
	int rv;

	*out = NULL;
	if ((rv = bs_analysis_create(opt, &a)) != 0)
		return rv;
	if ((rv = bs_store_each_latest(st, load_report, a)) != 0 ||
	    (rv = bs_analysis_index(a)) != 0 ||
	    (rv = bs_store_each_mute(st, a->opt.now_ms, 0, load_mute, a)) != 0 ||
	    (rv = bs_store_changes_since(st,
	         a->opt.now_ms - (int64_t)a->opt.rules.changes_window * 1000, load_change, a)) !=
	        0 ||
	    (rv = bs_analysis_evaluate(a)) != 0 ||
	    (rv = bs_store_each_open_finding(st, load_seen, a)) != 0) {
		bs_analysis_destroy(a);
		return rv;
	}
	*out = a;
	return 0;
}
