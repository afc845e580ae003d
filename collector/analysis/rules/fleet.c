/* fleet: rules about the fleet as a whole and the agents' reporting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

/* Room for a remediation text with names and thumbprints in it. */
#define REMEDY_MAX 1024

int
bs_rule_agent_stale(struct bs_rule_ctx *ctx)
{
	const struct bs_server *s = ctx->server;
	char rem[REMEDY_MAX], last[32];
	struct bs_fix fix;

	if (!s->stale)
		return 0;
	bs_time_format(s->received_at_ms, last, sizeof(last));
	snprintf(rem, sizeof(rem),
	    "On %s, check that the bindscope-agent service runs (Get-Service bindscope-agent) and "
	    "can reach the collector: its last report arrived %s. The agent logs to its [agent] "
	    "log_file (default %%ProgramData%%\\bindscope\\agent.log) and to the Application "
	    "event log (source bindscope-agent), which name the last error.",
	    s->fqdn, last[0] ? last : "never");
	bs_fix_init(&fix);
	bs_fix_line(&fix,
	    "# On %s, in an elevated PowerShell: the bindscope agent last reported %s",
	    bs_fix_fqdn(s->fqdn), last[0] ? last : "never");
	bs_fix_line(&fix, "Get-Service -Name 'bindscope-agent'");
	bs_fix_line(&fix, "Start-Service -Name 'bindscope-agent'");
	bs_fix_line(
	    &fix, "Get-Content -Path (Join-Path $env:ProgramData 'bindscope\\agent.log') -Tail 50");
	bs_fix_line(&fix,
	    "Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='bindscope-agent'} "
	    "-MaxEvents 20");
	return bs_rule_raise_fix(ctx, "", ctx->severity,
	    json_pack("{s:I, s:I}", "last_report_at_ms", (json_int_t)s->received_at_ms,
	        "stale_after_s", (json_int_t)ctx->a->opt.stale_after),
	    rem, &fix, "No report from %s for %lld minutes", s->fqdn,
	    (long long)((ctx->a->opt.now_ms - s->received_at_ms) / 60000));
}

/* The agent's watchdog limits: the key an admin raises and the value to
 * suggest, twice the limit that cut the sweep (in the key's unit), at
 * least least. The agent names the limit in its report (cut_limit, and
 * cut_limit_value in ms or KiB: divided by per); an agent older than
 * that field is read by the words of its cut-short error (agent/sweep.c:
 * "... over the 65536 KiB limit": the number divided by says_per). */
static const struct fleet_limit {
	Bindscope__V1__WatchdogLimit limit;
	unsigned per;
	const char *says;
	unsigned says_per;
	const char *key;
	unsigned least;
	const char *unit;
	const char *what;
} fleet_limits[] = {
    {BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_MEMORY, 1024, "KiB resident", 1024,
        "agent.max_memory_mib", 128, "", "its memory limit"},
    {BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_CPU, 1000, "of CPU", 1000, "agent.max_cpu", 30,
        "s", "its CPU limit"},
    {BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_WALL, 1000, "wall-clock deadline", 1,
        "agent.max_sweep_time", 300, "s", "its time limit"},
};

/* Past any limit an agent could be given: what an untrusted value is cut to. */
#define FLEET_LIMIT_MAX 1000000000ULL

/* The limit in reason ("over the N"), in the key's unit; 0 if none. */
static unsigned long long
fleet_limit_said(const char *reason, const struct fleet_limit *lim)
{
	const char *p = strstr(reason, "over the ");
	unsigned long long n = 0;

	if (p == NULL)
		return 0;
	for (p += 9; *p >= '0' && *p <= '9' && n < FLEET_LIMIT_MAX; p++)
		n = n * 10 + (unsigned)(*p - '0');
	return n / lim->says_per;
}

/* Which limit cut r's sweep and its value in the key's unit (0 when not
 * known): from the report's fields, else from the watchdog's reason. */
static const struct fleet_limit *
fleet_limit_of(const bs_report *r, const char *reason, unsigned long long *value)
{
	size_t n = sizeof(fleet_limits) / sizeof(fleet_limits[0]);

	*value = 0;
	for (size_t k = 0; k < n; k++)
		if (r->agent->cut_limit == fleet_limits[k].limit) {
			*value = r->agent->cut_limit_value / fleet_limits[k].per;
			if (*value > FLEET_LIMIT_MAX)
				*value = FLEET_LIMIT_MAX;
			return &fleet_limits[k];
		}
	if (r->agent->cut_limit != BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_NONE)
		return NULL; /* a limit newer than this collector: the reason says which */
	for (size_t k = 0; k < n; k++)
		if (strstr(reason, fleet_limits[k].says) != NULL) {
			*value = fleet_limit_said(reason, &fleet_limits[k]);
			return &fleet_limits[k];
		}
	return NULL;
}

/* A sweep the agent's watchdog cut short: what came after the cut was not
 * read, so its absence proves nothing, and the server must not look
 * clean. */
int
bs_rule_agent_sweep_cut_short(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const struct fleet_limit *lim;
	const char *reason = "", *after = "";
	unsigned long long named;
	char rem[REMEDY_MAX];
	struct bs_fix fix;

	if (r == NULL || r->agent == NULL || !r->agent->cut_short)
		return 0;
	for (size_t i = 0; i < r->n_errors; i++)
		if (strcmp(r->errors[i]->source, "watchdog") == 0) {
			reason = r->errors[i]->reason;
			after = r->errors[i]->path;
			break;
		}
	lim = fleet_limit_of(r, reason, &named);
	bs_fix_init(&fix);
	bs_fix_line(&fix,
	    "# On %s, in an elevated PowerShell: the agent's last sweep stopped at %s",
	    bs_fix_fqdn(ctx->server->fqdn), lim != NULL ? lim->what : "one of its limits");
	if (lim != NULL) {
		unsigned long long want = 2 * named;

		snprintf(rem, sizeof(rem),
		    "On %s, the bindscope agent stopped its sweep at %s, so nothing after the "
		    "cut was audited and this server's other findings are incomplete. Raise %s in "
		    "the agent's configuration (default %%ProgramData%%\\bindscope\\agent.conf) "
		    "and restart the service; the agent's peak memory and CPU per sweep are on "
		    "this server's page.",
		    ctx->server->fqdn, lim->what, lim->key);
		bs_fix_line(&fix,
		    "& (Join-Path $env:ProgramFiles 'bindscope\\bindscope-agent.exe') "
		    "config set %s %llu%s",
		    lim->key, want > lim->least ? want : (unsigned long long)lim->least, lim->unit);
	} else {
		snprintf(rem, sizeof(rem),
		    "On %s, the bindscope agent stopped its sweep at one of its limits ([agent] "
		    "max_memory_mib, max_cpu, max_sweep_time), so nothing after the cut was "
		    "audited; the evidence gives its reason. Raise that limit and restart the "
		    "service.",
		    ctx->server->fqdn);
	}
	bs_fix_line(&fix, "Restart-Service -Name 'bindscope-agent'");
	return bs_rule_raise_fix(ctx, "", ctx->severity,
	    json_pack("{s:s, s:s, s:s?, s:f, s:f}", "cut_after", after, "reason", reason, "limit",
	        lim != NULL ? lim->key : NULL, "peak_memory_mib",
	        (double)r->agent->peak_rss_kib / 1024.0, "sweep_cpu_s",
	        (double)r->agent->sweep_cpu_us / 1e6),
	    rem, &fix,
	    "The agent on %s cut its sweep short after %s: the audit of this server is "
	    "incomplete",
	    ctx->server->fqdn, after[0] != '\0' ? after : "a source");
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
	struct bs_remedy_443 to;
	char rem[REMEDY_MAX];
	struct bs_fix fix;

	if (c == NULL || c->self_signed != BINDSCOPE__V1__TRI__TRI_NO || fn->common_443 == NULL ||
	    fn->n_443 < 3 || strcmp(c->thumbprint, fn->common_443) == 0)
		return 0;
	bs_remedy_frontend_cert(ctx->a, r, c->thumbprint, &to);
	if (to.thumb == NULL || strcmp(to.thumb, fn->common_443) != 0) {
		/* Nobody to copy it from, and not here: say so, bind nothing else. */
		memset(&to, 0, sizeof(to));
		to.thumb = fn->common_443;
	}
	snprintf(rem, sizeof(rem),
	    "On %s, bind the certificate most front ends present, %s%s%s, instead of %s "
	    "(Enable-ExchangeCertificate -Server %s -Thumbprint %s -Services IIS), so clients "
	    "behind the load balancer see one certificate.",
	    r->host->fqdn, fn->common_443,
	    to.local == NULL && to.from != NULL ? ", copied from " : "",
	    to.local == NULL && to.from != NULL ? to.from : "", c->thumbprint, r->host->fqdn,
	    fn->common_443);
	bs_fix_init(&fix);
	bs_fix_begin(&fix, r, "bind the 443 certificate the other front ends present");
	if (to.local == NULL && to.from == NULL) {
		bs_fix_line(&fix,
		    "# %s is not in LocalMachine\\My here: import it (with its key) first.",
		    bs_fix_thumb(fn->common_443));
		bs_fix_line(&fix,
		    "Enable-ExchangeCertificate -Server '%s' -Thumbprint '%s' -Services IIS",
		    bs_fix_fqdn(r->host->fqdn), bs_fix_thumb(fn->common_443));
	} else {
		bs_fix_enable_443(&fix, r, &to, NULL, 0, 1);
	}
	return bs_rule_raise_fix(ctx, "", ctx->severity,
	    json_pack("{s:s, s:s, s:I}", "thumbprint", c->thumbprint, "fleet_thumbprint",
	        fn->common_443, "front_ends", (json_int_t)fn->n_443),
	    rem, &fix, "443 certificate %s differs from the one most front ends present",
	    c->thumbprint);
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
	char rem[REMEDY_MAX], which[400];
	struct bs_fix fix;
	const Bindscope__V1__Certificate *to;

	/* Properties, never thumbprints: self-signed ones differ by design. */
	/* An odd one out needs a fleet to stand out from: at least five
	 * servers, this kind at most a quarter of them. */
	if (c == NULL || c->self_signed == BINDSCOPE__V1__TRI__TRI_UNKNOWN || mine + other < 5 ||
	    mine * 4 > mine + other)
		return 0;
	json_t *ev = json_pack("{s:s, s:I, s:I}", "kind", self ? "self-signed" : "third-party",
	    "same_kind", (json_int_t)mine, "other_kind", (json_int_t)other);

	if (self) {
		/* The fleet is the odd one: the self-signed one is the default. */
		snprintf(rem, sizeof(rem),
		    "%s binds the self-signed %s on 444, Exchange's default, where %zu of the "
		    "fleet's servers bind a third-party certificate: nothing to change here unless "
		    "the fleet's policy says otherwise.",
		    r->host->fqdn, c->thumbprint, other);
		return bs_rule_raise(ctx, ctx->severity, ev, rem,
		    "444 certificate is self-signed where most of the fleet's is third-party");
	}
	/* The lone third-party one: back to the default, like the rest. */
	to = bs_remedy_backend_cert(r, ctx->a->opt.now_ms);
	if (to != NULL && to->self_signed != BINDSCOPE__V1__TRI__TRI_YES)
		to = NULL; /* only the self-signed one makes it like the rest */
	bs_remedy_backend_text(r, to, which, sizeof(which));
	snprintf(rem, sizeof(rem),
	    "%s binds the third-party %s (%s) on 444 where %zu of the fleet's servers bind "
	    "their self-signed \"Microsoft Exchange\" certificate, the default. %s, then "
	    "iisreset.",
	    r->host->fqdn, c->thumbprint, c->subject, other, which);
	bs_fix_init(&fix);
	bs_fix_begin(&fix, r, "bind the self-signed certificate on 444, as the rest of the fleet");
	bs_fix_bind_444(&fix, r, to);
	return bs_rule_raise_fix(ctx, "", ctx->severity, ev, rem, &fix,
	    "444 certificate is third-party where most of the fleet's is self-signed");
}

int
bs_rule_version_drift(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const char *b = r->host->exchange_build;
	const struct bs_fleet_norms *fn = &ctx->a->norms;
	char line[16], rem[REMEDY_MAX], what[200];
	struct bs_fix fix;

	if (b[0] == '\0')
		return 0;
	fleet_line(b, line, sizeof(line));
	for (size_t k = 0; k < fn->nbuilds; k++) {
		const char *to = fn->builds[k].build;

		if (strcmp(fn->builds[k].line, line) != 0 || to == NULL || strcmp(to, b) == 0)
			continue;
		snprintf(rem, sizeof(rem),
		    "Bring %s from Exchange build %s to %s, the build most of the fleet's %s servers "
		    "run (the cumulative and security updates of that build), before upgrading.",
		    r->host->fqdn, b, to, line);
		snprintf(what, sizeof(what), "Exchange %s; the fleet runs %s", bs_fix_build(b),
		    bs_fix_build(to));
		bs_fix_init(&fix);
		bs_fix_begin(&fix, r, what);
		bs_fix_line(&fix,
		    "# Install the cumulative update and security update that make build %s, then "
		    "check:",
		    bs_fix_build(to));
		bs_fix_line(&fix,
		    "Get-ExchangeServer -Identity '%s' | Format-List Name,AdminDisplayVersion",
		    bs_fix_fqdn(r->host->fqdn));
		bs_fix_line(
		    &fix, "Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo }");
		return bs_rule_raise_fix(ctx, "", ctx->severity,
		    json_pack("{s:s, s:s}", "build", b, "fleet_build", to), rem, &fix,
		    "Exchange build %s differs from the fleet's %s", b, to);
	}
	return 0;
}
