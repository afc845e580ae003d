/* traffic: the rules that read the HttpProxy samples: a back end the other
 * servers' front ends cannot reach, and a front end that sees its proxied
 * requests fail. The peer index is built once per analysis, so the
 * cross-server lookups stay linear in fleet size. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

/* Room for a remediation text with a few server names in it. */
#define REMEDY_MAX 1200
/* Servers a fix block names one by one; the evidence lists them all. */
#define FIX_NAMES_MAX 8

static size_t
traffic_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ULL;
	return h;
}

/* The slot holding target, or the empty slot where it belongs. */
static struct bs_peer_target **
traffic_slot(const struct bs_fleet_norms *fn, const char *target)
{
	size_t i = traffic_hash(target) & (fn->peer_cap - 1);

	while (fn->peer_slots[i] != NULL && strcasecmp(fn->peer_slots[i]->target, target) != 0)
		i = (i + 1) & (fn->peer_cap - 1);
	return &fn->peer_slots[i];
}

void
bs_rules_peer_index(struct bs_analysis *a)
{
	struct bs_fleet_norms *fn = &a->norms;
	size_t nobs = 0, cap = 16;

	for (size_t i = 0; i < a->n_servers; i++) {
		const bs_report *r = a->servers[i]->report;

		for (size_t l = 0; l < r->n_log_samples; l++)
			if (r->log_samples[l]->kind == BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY)
				nobs += r->log_samples[l]->n_targets;
	}
	while (cap < nobs * 2)
		cap *= 2;
	fn->peer_slots = bs_arena_alloc(&a->arena, cap * sizeof(*fn->peer_slots));
	if (fn->peer_slots == NULL)
		return; /* no index: the rules that need it see no peers */
	memset(fn->peer_slots, 0, cap * sizeof(*fn->peer_slots));
	fn->peer_cap = cap;
	for (size_t i = 0; i < a->n_servers; i++) {
		const struct bs_server *peer = a->servers[i];
		const bs_report *r = peer->report;

		for (size_t l = 0; l < r->n_log_samples; l++) {
			const Bindscope__V1__LogSample *ls = r->log_samples[l];

			if (ls->kind != BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY)
				continue;
			for (size_t t = 0; t < ls->n_targets; t++) {
				const Bindscope__V1__TargetStat *ts = ls->targets[t];
				struct bs_peer_target **slot;
				struct bs_peer_obs *o;

				/* A server proxying to itself is its own front end's
				 * business (PROXY_BACKEND_ERRORS), not peer evidence. */
				if (ts->target_server[0] == '\0' ||
				    strcasecmp(ts->target_server, peer->fqdn) == 0)
					continue;
				slot = traffic_slot(fn, ts->target_server);
				if (*slot == NULL) {
					*slot = bs_arena_alloc(&a->arena, sizeof(**slot));
					if (*slot == NULL)
						return;
					memset(*slot, 0, sizeof(**slot));
					(*slot)->target = ts->target_server;
				}
				o = bs_arena_alloc(&a->arena, sizeof(*o));
				if (o == NULL)
					return;
				o->peer = peer;
				o->protocol = ls->name;
				o->requests = ts->requests;
				o->failures = ts->backend_failures;
				o->web_exception = ts->top_web_exception;
				o->next = (*slot)->obs;
				(*slot)->obs = o;
				(*slot)->requests += ts->requests;
				(*slot)->failures += ts->backend_failures;
			}
		}
	}
}

const struct bs_peer_target *
bs_rules_peer_view(const struct bs_analysis *a, const char *fqdn)
{
	if (a->norms.peer_cap == 0)
		return NULL;
	return *traffic_slot(&a->norms, fqdn);
}

int
bs_rules_over_threshold(const struct bs_analysis *a, uint64_t requests, uint64_t failures)
{
	const struct bs_rules_config *rc = &a->opt.rules;

	return requests > 0 && requests >= rc->peer_min_requests &&
	    failures * 100 >= requests * rc->peer_min_fail_pct;
}

/* Appends ", item (extra)" to the list in buf (n bytes), cut when full. */
static void
traffic_list_add(char *buf, size_t n, const char *item, const char *extra)
{
	size_t len = strlen(buf);

	if (len + 1 < n)
		snprintf(buf + len, n - len, "%s%s%s%s%s", len > 0 ? ", " : "", item,
		    extra[0] ? " (" : "", extra, extra[0] ? ")" : "");
}

/* The Back End certificate bound here, if any. */
static const Bindscope__V1__Certificate *
traffic_bound_444(const bs_report *r)
{
	return bs_rules_site_cert(r, bs_rules_backend_site(r));
}

int
bs_rule_backend_unreachable_from_peers(struct bs_rule_ctx *ctx)
{
	const struct bs_peer_target *pt = bs_rules_peer_view(ctx->a, ctx->server->fqdn);
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *be = bs_rules_backend_site(r);
	const Bindscope__V1__Certificate *to, *bound;
	const char *first_peer = NULL;
	char rem[REMEDY_MAX], names[400] = "", which[400];
	size_t named = 0;
	int trust = 0;
	struct bs_fix fix;
	json_t *peers, *ev;

	if (pt == NULL || !bs_rules_over_threshold(ctx->a, pt->requests, pt->failures))
		return 0;
	peers = json_array();
	for (const struct bs_peer_obs *o = pt->obs; peers != NULL && o != NULL; o = o->next) {
		if (o->failures == 0)
			continue;
		json_array_append_new(peers,
		    json_pack("{s:s, s:s, s:I, s:I, s:s}", "peer", o->peer->fqdn, "protocol",
		        o->protocol, "requests", (json_int_t)o->requests, "backend_failures",
		        (json_int_t)o->failures, "web_exception", o->web_exception));
		trust |= strcasecmp(o->web_exception, "TrustFailure") == 0;
		if (first_peer == NULL)
			first_peer = o->peer->fqdn;
		if (named < FIX_NAMES_MAX && strstr(names, o->peer->fqdn) == NULL) {
			traffic_list_add(names, sizeof(names), o->peer->fqdn, o->web_exception);
			named++;
		}
	}
	ev = json_pack("{s:I, s:I, s:I, s:I, s:o}", "requests", (json_int_t)pt->requests,
	    "backend_failures", (json_int_t)pt->failures, "threshold_requests",
	    (json_int_t)ctx->a->opt.rules.peer_min_requests, "threshold_fail_pct",
	    (json_int_t)ctx->a->opt.rules.peer_min_fail_pct, "peers",
	    peers != NULL ? peers : json_array());
	to = bs_remedy_backend_cert(r, ctx->a->opt.now_ms);
	bound = traffic_bound_444(r);
	bs_remedy_backend_text(r, to, which, sizeof(which));
	snprintf(rem, sizeof(rem),
	    "Fix %s: other servers' front ends (%s) fail to proxy to its Exchange Back End "
	    "(https://%s:444/). On %s check that the certificate bound to 0.0.0.0:444 covers "
	    "%s and exists in LocalMachine\\My (netsh http show sslcert ipport=0.0.0.0:444), "
	    "that site '%s' is started, and that 444 is reachable from the peers "
	    "(Test-NetConnection %s -Port 444 on %s). TrustFailure means the certificate, "
	    "ConnectFailure the listener or a firewall. For the certificate: %s.",
	    r->host->fqdn, names[0] ? names : "see the evidence", r->host->fqdn, r->host->fqdn,
	    r->host->fqdn, be != NULL ? be->name : "Exchange Back End", r->host->fqdn,
	    first_peer != NULL ? first_peer : "a peer", which);
	bs_fix_init(&fix);
	bs_fix_begin(&fix, r, "the other front ends cannot reach this server's Back End");
	bs_fix_line(&fix, "Import-Module WebAdministration");
	bs_fix_line(&fix, "Get-Website -Name '%s' | Format-List Name,State,Bindings",
	    bs_fix_site(be != NULL ? be->name : "Exchange Back End"));
	bs_fix_line(&fix, "Start-Website -Name '%s'",
	    bs_fix_site(be != NULL ? be->name : "Exchange Back End"));
	bs_fix_line(&fix, "netsh http show sslcert ipport=0.0.0.0:444");
	/* TrustFailure is the certificate: rebinding one that already is the
	 * right one would change nothing. */
	if (trust && (bound == NULL || bound != to))
		bs_fix_bind_444(&fix, r, to);
	if (first_peer != NULL) {
		bs_fix_line(
		    &fix, "# On %s, one of the front ends that failed:", bs_fix_fqdn(first_peer));
		bs_fix_line(&fix, "Test-NetConnection -ComputerName '%s' -Port 444",
		    bs_fix_fqdn(r->host->fqdn));
	}
	return bs_rule_raise_fix(ctx, "", ctx->severity, ev, rem, &fix,
	    "%llu of %llu requests proxied to this server by other servers failed",
	    (unsigned long long)pt->failures, (unsigned long long)pt->requests);
}

/* Per target: requests and failures over every protocol of this server's
 * own HttpProxy samples. */
struct traffic_target {
	const char *target;
	uint64_t requests, failures;
	const char *web_exception;
};

int
bs_rule_proxy_backend_errors(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	struct traffic_target *tt = NULL;
	size_t ntt = 0, cap = 0;
	uint64_t req = 0, fail = 0;
	json_t *targets = NULL, *ev;
	char rem[REMEDY_MAX], names[400] = "";
	struct bs_fix fix;
	int rv = 0;

	for (size_t l = 0; l < r->n_log_samples; l++) {
		const Bindscope__V1__LogSample *ls = r->log_samples[l];

		if (ls->kind != BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY)
			continue;
		cap += ls->n_targets;
	}
	if (cap == 0)
		return 0;
	tt = bs_arena_alloc(&ctx->a->arena, cap * sizeof(*tt));
	if (tt == NULL)
		return BS_ENOMEM;
	for (size_t l = 0; l < r->n_log_samples; l++) {
		const Bindscope__V1__LogSample *ls = r->log_samples[l];

		if (ls->kind != BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY)
			continue;
		for (size_t t = 0; t < ls->n_targets; t++) {
			const Bindscope__V1__TargetStat *ts = ls->targets[t];
			size_t k;

			for (k = 0; k < ntt; k++)
				if (strcasecmp(tt[k].target, ts->target_server) == 0)
					break;
			if (k == ntt) {
				tt[ntt].target = ts->target_server;
				tt[ntt].requests = tt[ntt].failures = 0;
				tt[ntt].web_exception = ts->top_web_exception;
				ntt++;
			}
			tt[k].requests += ts->requests;
			tt[k].failures += ts->backend_failures;
		}
	}
	targets = json_array();
	if (targets == NULL)
		return BS_ENOMEM;
	bs_fix_init(&fix);
	bs_fix_begin(&fix, r, "this front end fails to proxy to these back ends; test each hop");
	for (size_t k = 0; k < ntt; k++) {
		const struct bs_peer_target *pt;
		int blamed;

		if (!bs_rules_over_threshold(ctx->a, tt[k].requests, tt[k].failures))
			continue;
		/* A fleet server that the peers together cannot reach carries
		 * BACKEND_UNREACHABLE_FROM_PEERS itself: the fault is there, and
		 * repeating it on every front end (its own included) would hide
		 * where. */
		pt = bs_rules_peer_view(ctx->a, tt[k].target);
		blamed = pt != NULL && bs_analysis_find(ctx->a, tt[k].target) != NULL &&
		    bs_rules_over_threshold(ctx->a, pt->requests, pt->failures);
		if (blamed)
			continue;
		req += tt[k].requests;
		fail += tt[k].failures;
		if (json_array_size(targets) < FIX_NAMES_MAX) {
			int known = bs_analysis_find(ctx->a, tt[k].target) != NULL;

			bs_fix_line(&fix, "# %s (%s): %s", bs_fix_fqdn(tt[k].target),
			    strcmp(bs_fix_location(tt[k].web_exception), tt[k].web_exception) == 0
			        ? tt[k].web_exception
			        : "failing",
			    strcasecmp(tt[k].target, ctx->server->fqdn) == 0
			        ? "this server's own Back End; see its other findings"
			        : known
			        ? "in the fleet; see its findings"
			        : "no bindscope agent; check its 0.0.0.0:444 certificate there");
			bs_fix_line(&fix, "Test-NetConnection -ComputerName '%s' -Port 444",
			    bs_fix_fqdn(tt[k].target));
			traffic_list_add(names, sizeof(names), tt[k].target, "");
		}
		json_array_append_new(targets,
		    json_pack("{s:s, s:I, s:I, s:s}", "target", tt[k].target, "requests",
		        (json_int_t)tt[k].requests, "backend_failures", (json_int_t)tt[k].failures,
		        "web_exception", tt[k].web_exception));
	}
	if (json_array_size(targets) == 0) {
		json_decref(targets);
		return 0;
	}
	ev = json_pack("{s:o, s:I, s:I}", "targets", targets, "threshold_requests",
	    (json_int_t)ctx->a->opt.rules.peer_min_requests, "threshold_fail_pct",
	    (json_int_t)ctx->a->opt.rules.peer_min_fail_pct);
	snprintf(rem, sizeof(rem),
	    "%s's front end fails to proxy to %s. For each target check that the certificate on "
	    "its 0.0.0.0:444 binding covers its FQDN, its Exchange Back End site is started, and "
	    "444 is reachable from %s (Test-NetConnection to each, as in the fix). Targets without a "
	    "bindscope agent cannot be checked from the collector: install one there.",
	    r->host->fqdn, names, r->host->fqdn);
	rv = bs_rule_raise_fix(ctx, "", ctx->severity, ev, rem, &fix,
	    "Front end sees %llu of %llu proxied requests fail (%zu target%s)",
	    (unsigned long long)fail, (unsigned long long)req, json_array_size(targets),
	    json_array_size(targets) == 1 ? "" : "s");
	return rv;
}
