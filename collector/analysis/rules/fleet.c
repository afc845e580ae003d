/* fleet: rules about the fleet as a whole and the agents' reporting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rules/rules.h"

int
bs_rule_agent_stale(struct bs_rule_ctx *ctx)
{
	const struct bs_server *s = ctx->server;

	if (!s->stale)
		return 0;
	return bs_rule_raise(ctx, ctx->severity,
	    json_pack("{s:I, s:I}", "last_report_at_ms", (json_int_t)s->received_at_ms,
	        "stale_after_s", (json_int_t)ctx->a->opt.stale_after),
	    "Check that the bindscope agent service runs on the server and can "
	    "reach the collector (its log names the last error).",
	    "No report from %s for %lld minutes", s->fqdn,
	    (long long)((ctx->a->opt.now_ms - s->received_at_ms) / 60000));
}

static int
fleet_strcmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Majority of a list of strings (most frequent; ties: the smallest).
 * Sorts v: O(n log n), so a fleet of 100,000 costs milliseconds. */
static const char *
fleet_majority(const char **v, size_t n)
{
	const char *best = NULL;
	size_t bestn = 0;

	qsort(v, n, sizeof(*v), fleet_strcmp);
	for (size_t i = 0; i < n;) {
		size_t k = i + 1;

		while (k < n && strcmp(v[k], v[i]) == 0)
			k++;
		if (k - i > bestn) { /* strictly more: the first (smallest) wins ties */
			best = v[i];
			bestn = k - i;
		}
		i = k;
	}
	return best;
}

/* A build's line: "15.2" of "15.2.1544.4". */
static void
fleet_line(const char *build, char *out, size_t n)
{
	const char *d = strchr(build, '.');

	d = d != NULL ? strchr(d + 1, '.') : NULL;
	snprintf(out, n, "%.*s", d != NULL ? (int)(d - build) : (int)strlen(build), build);
}

void
bs_rules_fleet_norms(struct bs_analysis *a)
{
	struct bs_fleet_norms *fn = &a->norms;
	const char **thumbs, **builds;
	size_t nt = 0;

	memset(fn, 0, sizeof(*fn));
	thumbs = bs_arena_alloc(&a->arena, (a->n_servers + 1) * sizeof(*thumbs));
	builds = bs_arena_alloc(&a->arena, (a->n_servers + 1) * sizeof(*builds));
	if (thumbs == NULL || builds == NULL)
		return;
	for (size_t i = 0; i < a->n_servers; i++) {
		const bs_report *r = a->servers[i]->report;
		const Bindscope__V1__Certificate *c443 =
		    bs_rules_site_cert(r, bs_rules_frontend_site(r));
		const Bindscope__V1__Certificate *c444 =
		    bs_rules_site_cert(r, bs_rules_backend_site(r));

		if (c443 != NULL && c443->self_signed == BINDSCOPE__V1__TRI__TRI_NO)
			thumbs[nt++] = c443->thumbprint;
		if (c444 != NULL && c444->self_signed == BINDSCOPE__V1__TRI__TRI_YES)
			fn->self_signed_444++;
		else if (c444 != NULL && c444->self_signed == BINDSCOPE__V1__TRI__TRI_NO)
			fn->third_party_444++;
	}
	fn->common_443 = fleet_majority(thumbs, nt);
	fn->n_443 = nt;
	/* Builds, per line (2016 and 2019 are not drift of each other). */
	for (size_t i = 0; i < a->n_servers; i++) {
		const char *b = a->servers[i]->report->host->exchange_build;
		char line[16];
		size_t nb = 0, k;

		if (b[0] == '\0')
			continue;
		fleet_line(b, line, sizeof(line));
		for (k = 0; k < fn->nbuilds; k++)
			if (strcmp(fn->builds[k].line, line) == 0)
				break;
		if (k < fn->nbuilds || fn->nbuilds == sizeof(fn->builds) / sizeof(fn->builds[0]))
			continue;
		for (size_t j = 0; j < a->n_servers; j++) {
			const char *bj = a->servers[j]->report->host->exchange_build;
			char lj[16];

			if (bj[0] == '\0')
				continue;
			fleet_line(bj, lj, sizeof(lj));
			if (strcmp(lj, line) == 0)
				builds[nb++] = bj;
		}
		snprintf(fn->builds[fn->nbuilds].line, sizeof(fn->builds[0].line), "%s", line);
		fn->builds[fn->nbuilds++].build = fleet_majority(builds, nb);
	}
	bs_rules_peer_index(a);
	/* Out of memory leaves a comparison unfinished: its rules then
	 * compare nothing (bs_cons_stat answers only a finished one). */
	(void)bs_rules_tls_norms(a);
	(void)bs_rules_ep_norms(a);
	(void)bs_rules_auth_norms(a);
}

int
bs_rule_frontend_cert_inconsistent(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Certificate *c = bs_rules_site_cert(r, bs_rules_frontend_site(r));
	const struct bs_fleet_norms *fn = &ctx->a->norms;

	if (c == NULL || c->self_signed != BINDSCOPE__V1__TRI__TRI_NO || fn->common_443 == NULL ||
	    fn->n_443 < 3 || strcmp(c->thumbprint, fn->common_443) == 0)
		return 0;
	return bs_rule_raise(ctx, ctx->severity,
	    json_pack("{s:s, s:s, s:I}", "thumbprint", c->thumbprint, "fleet_thumbprint",
	        fn->common_443, "front_ends", (json_int_t)fn->n_443),
	    "Bind the same certificate as the other front ends (Enable-ExchangeCertificate "
	    "-Thumbprint <fleet thumbprint> -Services IIS), so clients behind the load balancer "
	    "see one certificate.",
	    "443 certificate %s differs from the one most front ends present", c->thumbprint);
}

int
bs_rule_backend_cert_outlier(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Certificate *c = bs_rules_site_cert(r, bs_rules_backend_site(r));
	const struct bs_fleet_norms *fn = &ctx->a->norms;
	int self = c != NULL && c->self_signed == BINDSCOPE__V1__TRI__TRI_YES;
	size_t mine = self ? fn->self_signed_444 : fn->third_party_444;
	size_t other = self ? fn->third_party_444 : fn->self_signed_444;

	/* Properties, never thumbprints: self-signed ones differ by design. */
	/* An odd one out needs a fleet to stand out from: at least five
	 * servers, this kind at most a quarter of them. */
	if (c == NULL || c->self_signed == BINDSCOPE__V1__TRI__TRI_UNKNOWN || mine + other < 5 ||
	    mine * 4 > mine + other)
		return 0;
	return bs_rule_raise(ctx, ctx->severity,
	    json_pack("{s:s, s:I, s:I}", "kind", self ? "self-signed" : "third-party", "same_kind",
	        (json_int_t)mine, "other_kind", (json_int_t)other),
	    "Check why this server's Exchange Back End certificate differs in kind from the rest "
	    "of the fleet; the default is the self-signed \"Microsoft Exchange\" certificate.",
	    "444 certificate is %s where most of the fleet's is %s",
	    self ? "self-signed" : "third-party", self ? "third-party" : "self-signed");
}

int
bs_rule_version_drift(struct bs_rule_ctx *ctx)
{
	const char *b = ctx->server->report->host->exchange_build;
	const struct bs_fleet_norms *fn = &ctx->a->norms;
	char line[16];

	if (b[0] == '\0')
		return 0;
	fleet_line(b, line, sizeof(line));
	for (size_t k = 0; k < fn->nbuilds; k++) {
		if (strcmp(fn->builds[k].line, line) != 0 || fn->builds[k].build == NULL ||
		    strcmp(fn->builds[k].build, b) == 0)
			continue;
		return bs_rule_raise(ctx, ctx->severity,
		    json_pack("{s:s, s:s}", "build", b, "fleet_build", fn->builds[k].build),
		    "Bring the server to the same cumulative and security update as the rest of "
		    "the fleet before upgrading.",
		    "Exchange build %s differs from the fleet's %s", b, fn->builds[k].build);
	}
	return 0;
}
