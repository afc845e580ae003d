/* protection: Extended Protection per virtual directory (expected values
 * by front end / back end and build), its preconditions, its agreement
 * between servers of one role and build, and HSTS on the Exchange sites
 * (../shared/spec/tls-and-protection.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "analysis/rules/consistency.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

#define HSTS_MIN_AGE 31536000u /* one year */
#define EP_SECTION "system.webServer/security/authentication/windowsAuthentication"

enum ep_level { EP_NONE = 0, EP_ALLOW = 1, EP_REQUIRE = 2, EP_UNKNOWN = 3 };
static const char *const ep_names[] = {"None", "Allow", "Require", "?"};

/* Expected tokenChecking once Extended Protection is configured, by the
 * virtual directory's first path segment. Back-end directories not listed
 * are back-end-only ones: Require. */
static const struct {
	const char *vdir;
	enum ep_level front, back;
} ep_expected[] = {
    {"api", EP_REQUIRE, EP_REQUIRE},
    {"ecp", EP_REQUIRE, EP_REQUIRE},
    {"owa", EP_REQUIRE, EP_REQUIRE},
    {"rpc", EP_REQUIRE, EP_REQUIRE},
    {"autodiscover", EP_NONE, EP_NONE},
    {"ews", EP_ALLOW, EP_REQUIRE},
    {"microsoft-server-activesync", EP_ALLOW, EP_REQUIRE},
    {"oab", EP_ALLOW, EP_REQUIRE},
    {"powershell", EP_NONE, EP_REQUIRE},
    {"mapi", EP_REQUIRE, EP_REQUIRE},
};

static enum ep_level
ep_level(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcasecmp(s, ep_names[i]) == 0)
			return (enum ep_level)i;
	return EP_UNKNOWN;
}

/* The first builds of each line with Extended Protection support. */
static int
ep_supported(const char *build)
{
	return bs_rules_build_at_least(build, 15, 2, 1118, 11) ||
	    (!bs_rules_build_at_least(build, 15, 2, 0, 0) &&
	        bs_rules_build_at_least(build, 15, 1, 2507, 11)) ||
	    (!bs_rules_build_at_least(build, 15, 1, 0, 0) &&
	        bs_rules_build_at_least(build, 15, 0, 1497, 38));
}

/* A build the evidence gives and that reads as Exchange's (8.x is 2007):
 * without one nothing can be expected of a directory, and an empty build
 * (the Setup key not exported) must not pass for "too old". */
static int
ep_build_known(const char *build)
{
	return bs_rules_build_at_least(build, 8, 0, 0, 0);
}

enum ep_side { EP_FRONT, EP_BACK, EP_OTHER };

static enum ep_side
ep_side(const bs_report *r, const Bindscope__V1__VirtualDirectory *vd)
{
	const Bindscope__V1__Site *fe = bs_rules_frontend_site(r), *be = bs_rules_backend_site(r);

	if (fe != NULL && strcasecmp(vd->site, fe->name) == 0)
		return EP_FRONT;
	if (be != NULL && strcasecmp(vd->site, be->name) == 0)
		return EP_BACK;
	return EP_OTHER;
}

/* What vd should be set to on this build; EP_UNKNOWN: nothing expected
 * (a front-end directory Exchange does not own). */
static enum ep_level
ep_expect(const bs_report *r, const Bindscope__V1__VirtualDirectory *vd, enum ep_side side)
{
	const char *seg = vd->vdir[0] == '/' ? vd->vdir + 1 : vd->vdir;
	size_t n = strcspn(seg, "/");

	if (side == EP_OTHER || !ep_build_known(r->host->exchange_build))
		return EP_UNKNOWN;
	if (!ep_supported(r->host->exchange_build))
		return EP_NONE;
	for (size_t i = 0; i < sizeof(ep_expected) / sizeof(ep_expected[0]); i++)
		if (strlen(ep_expected[i].vdir) == n &&
		    strncasecmp(ep_expected[i].vdir, seg, n) == 0)
			return side == EP_FRONT ? ep_expected[i].front : ep_expected[i].back;
	return side == EP_BACK ? EP_REQUIRE : EP_UNKNOWN;
}

/* tokenChecking as it protects: the back-end EWS directory at None with
 * ipSecurity allowUnlisted="false" is the supported alternative to
 * Require (Microsoft's guidance for EWS hybrid), so it counts as Require. */
static enum ep_level
ep_effective(const Bindscope__V1__VirtualDirectory *vd, enum ep_side side)
{
	enum ep_level l = ep_level(vd->token_checking);
	const char *seg = vd->vdir[0] == '/' ? vd->vdir + 1 : vd->vdir;

	if (l == EP_NONE && side == EP_BACK && strcasecmp(seg, "ews") == 0 &&
	    vd->allow_unlisted == BINDSCOPE__V1__TRI__TRI_NO)
		return EP_REQUIRE;
	return l;
}

const char *
bs_rules_ep_expected(
    const bs_report *r, const Bindscope__V1__VirtualDirectory *vd, const char **effective)
{
	enum ep_side side = ep_side(r, vd);
	enum ep_level want = ep_expect(r, vd, side);

	*effective = ep_names[ep_effective(vd, side)];
	return want == EP_UNKNOWN ? NULL : ep_names[want];
}

/* 1 when Extended Protection is on anywhere on the server. */
static int
ep_on(const bs_report *r)
{
	for (size_t i = 0; i < r->n_vdirs; i++)
		if (ep_side(r, r->vdirs[i]) != EP_OTHER &&
		    ep_level(r->vdirs[i]->token_checking) > EP_NONE &&
		    ep_level(r->vdirs[i]->token_checking) != EP_UNKNOWN)
			return 1;
	return 0;
}

static json_t *
ep_vdir_json(const Bindscope__V1__VirtualDirectory *vd, enum ep_level expected)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "location", vd->path, "token_checking",
	    vd->token_checking, "expected", ep_names[expected], "set_here",
	    (int)vd->token_checking_set, "inherited_from",
	    vd->token_checking_from[0] ? vd->token_checking_from : "(IIS default)",
	    "ip_allow_unlisted",
	    vd->allow_unlisted == BINDSCOPE__V1__TRI__TRI_NO        ? "false"
	        : vd->allow_unlisted == BINDSCOPE__V1__TRI__TRI_YES ? "true"
	                                                            : "not set");
}

static void
ep_fix_set(struct bs_fix *f, const Bindscope__V1__VirtualDirectory *vd, enum ep_level want)
{
	bs_fix_line(f,
	    "Set-WebConfigurationProperty -PSPath 'IIS:\\' -Location '%s' -Filter '" EP_SECTION
	    "/extendedProtection' -Name 'tokenChecking' -Value '%s'",
	    bs_fix_location(vd->path), ep_names[want]);
}

/* Above (too strict, breaks clients) or below (exposed) the expected. */
static int
ep_compare(struct bs_rule_ctx *ctx, int above)
{
	const bs_report *r = ctx->server->report;
	int on = ep_on(r);

	for (size_t i = 0; i < r->n_vdirs; i++) {
		const Bindscope__V1__VirtualDirectory *vd = r->vdirs[i];
		enum ep_side side = ep_side(r, vd);
		enum ep_level want = ep_expect(r, vd, side), have = ep_effective(vd, side);
		struct bs_fix f;
		int rv;

		if (want == EP_UNKNOWN || have == EP_UNKNOWN || have == want)
			continue;
		if (above != (have > want))
			continue;
		/* Not configured at all is one finding (below), not one per
		 * directory. */
		if (!above && !on)
			continue;
		rv = bs_rule_raise_for(ctx, vd->path, ctx->severity, ep_vdir_json(vd, want),
		    above ? "Lower tokenChecking to the expected value: clients that cannot "
		            "send channel binding (or pass a TLS-terminating device) fail."
		          : "Raise tokenChecking to the expected value (or run Microsoft's "
		            "ExchangeExtendedProtectionManagement.ps1 on the server).",
		    "Extended Protection on %s is %s%s, expected %s on build %s", vd->path,
		    vd->token_checking, vd->token_checking_set ? "" : " (inherited)",
		    ep_names[want], r->host->exchange_build);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s:", bs_fix_fqdn(ctx->server->fqdn));
		ep_fix_set(&f, vd, want);
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	if (!above && !on && ep_supported(r->host->exchange_build) && r->n_vdirs > 0) {
		struct bs_fix f;
		int rv = bs_rule_raise_for(ctx, "server", ctx->severity,
		    json_pack("{s:s, s:I}", "build", r->host->exchange_build, "virtual_directories",
		        (json_int_t)r->n_vdirs),
		    "Configure Extended Protection with Microsoft's "
		    "ExchangeExtendedProtectionManagement.ps1 after checking its prerequisites "
		    "(same TLS settings on every server, Back End binding *:444:, NTLMv2).",
		    "Extended Protection is not configured on %s (build %s supports it)",
		    ctx->server->fqdn, r->host->exchange_build);

		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(
		    &f, "# On %s, from the CSS-Exchange release:", bs_fix_fqdn(ctx->server->fqdn));
		bs_fix_line(&f,
		    ".\\ExchangeExtendedProtectionManagement.ps1 -ExchangeServerNames '%s'",
		    bs_fix_fqdn(ctx->server->fqdn));
		return bs_rule_fix(ctx, &f);
	}
	return 0;
}

int
bs_rule_ep_breaks_clients(struct bs_rule_ctx *ctx)
{
	return ep_compare(ctx, 1);
}

int
bs_rule_ep_exposed(struct bs_rule_ctx *ctx)
{
	return ep_compare(ctx, 0);
}

static int
ep_reg_set(const Bindscope__V1__RegSetting *v)
{
	return v != NULL && v->state == BINDSCOPE__V1__REG_STATE__REG_SET;
}

int
bs_rule_ep_precondition(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *be = bs_rules_backend_site(r);
	const char *fqdn = bs_fix_fqdn(ctx->server->fqdn);
	int rv;

	if (!ep_on(r))
		return 0;
	for (size_t i = 0; be != NULL && i < be->n_bindings; i++) {
		const Bindscope__V1__Binding *b = be->bindings[i];
		struct bs_fix f;

		if (strcasecmp(b->protocol, "https") != 0 ||
		    (strcmp(b->ip, "*") == 0 && b->port == 444 && b->host[0] == '\0'))
			continue;
		rv = bs_rule_raise_for(ctx, "binding", ctx->severity,
		    json_pack("{s:s, s:s}", "site", be->name, "binding_information",
		        b->binding_information),
		    "Extended Protection needs the Back End https binding to be exactly "
		    "All Unassigned on 444 (else SEC_E_BAD_BINDINGS, 401s with sc-win32-status "
		    "2148074310 in W3SVC2).",
		    "Extended Protection is on but the Back End binding is %s, not *:444:",
		    b->binding_information);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s:", fqdn);
		bs_fix_line(&f, "Import-Module WebAdministration");
		bs_fix_line(&f,
		    "Get-WebBinding -Name 'Exchange Back End' -Protocol https | Where-Object "
		    "bindingInformation -eq '%s' | Remove-WebBinding",
		    bs_fix_endpoint(b->binding_information));
		bs_fix_line(&f,
		    "New-WebBinding -Name 'Exchange Back End' -Protocol https -IPAddress '*' -Port 444");
		bs_fix_bind_444(&f, r, bs_remedy_backend_cert(r, ctx->a->opt.now_ms));
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	if (r->tls != NULL && ep_reg_set(r->tls->suppress_extended_protection) &&
	    r->tls->suppress_extended_protection->dword != 0) {
		struct bs_fix f;

		rv = bs_rule_raise_for(ctx, "SuppressExtendedProtection", ctx->severity,
		    json_pack("{s:I}", "SuppressExtendedProtection",
		        (json_int_t)r->tls->suppress_extended_protection->dword),
		    "SuppressExtendedProtection turns channel binding off in LSA: Extended "
		    "Protection in IIS then fails authentication. Remove the value.",
		    "Extended Protection is on but Lsa SuppressExtendedProtection is %u on %s",
		    r->tls->suppress_extended_protection->dword, ctx->server->fqdn);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s, then restart the server:", fqdn);
		bs_fix_line(&f,
		    "Remove-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa' -Name 'SuppressExtendedProtection'");
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	if (r->tls != NULL && ep_reg_set(r->tls->lm_compatibility_level) &&
	    r->tls->lm_compatibility_level->dword < 3) {
		struct bs_fix f;

		rv = bs_rule_raise_for(ctx, "LmCompatibilityLevel", ctx->severity,
		    json_pack("{s:I}", "LmCompatibilityLevel",
		        (json_int_t)r->tls->lm_compatibility_level->dword),
		    "Extended Protection needs NTLMv2: LmCompatibilityLevel 3 or more (5 is "
		    "Microsoft's recommendation; absent means 3).",
		    "Extended Protection is on but LmCompatibilityLevel is %u on %s",
		    r->tls->lm_compatibility_level->dword, ctx->server->fqdn);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f,
		    "# On %s (a Group Policy setting wins: change the GPO if one sets it):", fqdn);
		bs_fix_line(&f,
		    "New-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa' -Name 'LmCompatibilityLevel' -Value 5 -PropertyType DWord -Force | Out-Null");
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	return 0;
}

/* --- the fleet: same role and build, same Extended Protection --- */

/* "Mailbox,ClientAccess 15.2.1544.4": the servers that should match. */
static const char *
ep_class(struct bs_arena *a, const bs_report *r)
{
	char roles[128] = "";
	size_t o = 0;

	for (size_t i = 0; i < r->host->n_exchange_roles && o + 1 < sizeof(roles); i++)
		o += (size_t)snprintf(
		    roles + o, sizeof(roles) - o, "%s%s", i ? "," : "", r->host->exchange_roles[i]);
	return bs_arena_printf(
	    a, "%s %s", roles[0] ? roles : "(roles unknown)", r->host->exchange_build);
}

/* The comparison key of one directory: class, site side, directory (not
 * the site's name: renamed sites still compare). */
static const char *
ep_key(struct bs_arena *a, const char *cls, enum ep_side side,
    const Bindscope__V1__VirtualDirectory *vd)
{
	return bs_arena_printf(
	    a, "%s|%s %s", cls, side == EP_FRONT ? "front end" : "back end", vd->vdir);
}

int
bs_rules_ep_norms(struct bs_analysis *a)
{
	if ((a->norms.ep = bs_arena_alloc(&a->arena, sizeof(*a->norms.ep))) == NULL)
		return BS_ENOMEM;
	memset(a->norms.ep, 0, sizeof(*a->norms.ep));
	for (size_t i = 0; i < a->n_servers; i++) {
		const bs_report *r = a->servers[i]->report;
		const char *cls;

		if (r->host->exchange_build[0] == '\0' || r->n_vdirs == 0)
			continue;
		if ((cls = ep_class(&a->arena, r)) == NULL)
			return BS_ENOMEM;
		for (size_t k = 0; k < r->n_vdirs; k++) {
			const Bindscope__V1__VirtualDirectory *vd = r->vdirs[k];
			enum ep_side side = ep_side(r, vd);
			enum ep_level l = ep_effective(vd, side);
			const char *key;

			if (side == EP_OTHER || l == EP_UNKNOWN)
				continue;
			key = ep_key(&a->arena, cls, side, vd);
			if (key == NULL ||
			    bs_cons_add(&a->arena, a->norms.ep, "Extended Protection", key,
			        ep_names[l], a->servers[i]) != 0)
				return BS_ENOMEM;
		}
	}
	bs_cons_finish(a->norms.ep);
	return 0;
}

int
bs_rule_ep_inconsistent(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	struct bs_arena *a = &ctx->a->arena;
	const char *cls;
	int rv;

	if (ctx->a->norms.ep == NULL || r->host->exchange_build[0] == '\0' ||
	    (cls = ep_class(a, r)) == NULL)
		return 0;
	for (size_t k = 0; k < r->n_vdirs; k++) {
		const Bindscope__V1__VirtualDirectory *vd = r->vdirs[k];
		enum ep_side side = ep_side(r, vd);
		enum ep_level l = ep_effective(vd, side);
		struct bs_cons_stat st;
		const char *key;
		struct bs_fix f;

		if (side == EP_OTHER || l == EP_UNKNOWN)
			continue;
		key = ep_key(a, cls, side, vd);
		if (key == NULL || bs_cons_stat(ctx->a->norms.ep, key, ep_names[l], &st) != 0 ||
		    st.total < 3 || strcmp(st.majority, ep_names[l]) == 0 ||
		    st.n_value >= st.n_majority)
			continue;
		rv = bs_rule_raise_for(ctx, vd->path, ctx->severity,
		    json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "location", vd->path,
		        "token_checking", vd->token_checking, "fleet_value", st.majority, "class",
		        cls, "servers_with_fleet_value", (json_int_t)st.n_majority,
		        "servers_compared", (json_int_t)st.total, "servers_with_this_value",
		        bs_cons_servers(ctx->a->norms.ep, &st, 20)),
		    "Servers of the same role and build should protect each virtual directory "
		    "alike; set this one as the others are (or fix the others).",
		    "Extended Protection on %s is %s; %zu of %zu servers of this role and build "
		    "have %s",
		    vd->path, vd->token_checking, st.n_majority, st.total, st.majority);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f,
		    "# On %s, as the rest of its role and build:", bs_fix_fqdn(ctx->server->fqdn));
		ep_fix_set(&f, vd, ep_level(st.majority));
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	return 0;
}

/* --- HSTS --- */

static int
hsts_on(const Bindscope__V1__Site *s)
{
	return s->hsts != NULL && s->hsts->enabled == BINDSCOPE__V1__TRI__TRI_YES;
}

/* max-age of a Strict-Transport-Security header value; 0 when none. */
static unsigned long
hsts_header_age(const char *v)
{
	const char *p = strstr(v, "max-age=");

	if (p == NULL)
		return 0;
	p += 8;
	if (*p == '"')
		p++;
	return strtoul(p, NULL, 10);
}

int
bs_rule_hsts_breaks_exchange(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *be = bs_rules_backend_site(r), *fe = bs_rules_frontend_site(r);
	const char *fqdn = bs_fix_fqdn(ctx->server->fqdn);
	struct bs_fix f;
	int rv;

	if (be != NULL && (hsts_on(be) || be->sts_header[0] != '\0')) {
		rv = bs_rule_raise_for(ctx, "backend", ctx->severity,
		    json_pack("{s:s, s:b, s:s}", "site", be->name, "hsts_enabled", hsts_on(be),
		        "sts_header", be->sts_header),
		    "HSTS belongs on the Default Web Site only: on the Exchange Back End it "
		    "breaks the front end's proxy hop. Turn it off there.",
		    "HSTS is on for the Exchange Back End site on %s", ctx->server->fqdn);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s:", fqdn);
		if (hsts_on(be))
			bs_fix_line(&f,
			    "Set-WebConfigurationProperty -PSPath 'IIS:\\' -Filter \"system.applicationHost/sites/site[@name='Exchange Back End']/hsts\" -Name 'enabled' -Value $false");
		if (be->sts_header[0] != '\0')
			bs_fix_line(&f,
			    "Remove-WebConfigurationProperty -PSPath 'IIS:\\' -Location 'Exchange Back End' -Filter 'system.webServer/httpProtocol/customHeaders' -Name '.' -AtElement @{name='Strict-Transport-Security'}");
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	if (fe != NULL && fe->hsts != NULL &&
	    fe->hsts->redirect_http_to_https == BINDSCOPE__V1__TRI__TRI_YES) {
		rv = bs_rule_raise_for(ctx, "redirect", ctx->severity,
		    json_pack("{s:s}", "site", fe->name),
		    "redirectHttpToHttps on the Default Web Site redirects Exchange's own http "
		    "traffic and breaks it; redirect with an HTTP Redirect rule on the site root "
		    "only, as Microsoft's guidance shows.",
		    "HSTS redirectHttpToHttps is on for the Default Web Site on %s",
		    ctx->server->fqdn);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s:", fqdn);
		bs_fix_line(&f,
		    "Set-WebConfigurationProperty -PSPath 'IIS:\\' -Filter \"system.applicationHost/sites/site[@name='Default Web Site']/hsts\" -Name 'redirectHttpToHttps' -Value $false");
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	return 0;
}

int
bs_rule_hsts_misconfigured(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *fe = bs_rules_frontend_site(r);
	const char *fqdn = bs_fix_fqdn(ctx->server->fqdn);
	unsigned long age = 0;
	struct bs_fix f;
	int rv;

	if (fe == NULL)
		return 0;
	if (hsts_on(fe) && fe->sts_header[0] != '\0') {
		rv = bs_rule_raise_for(ctx, "both", ctx->severity,
		    json_pack("{s:s, s:s}", "site", fe->name, "sts_header", fe->sts_header),
		    "HSTS is set twice (the <hsts> element and a Strict-Transport-Security custom "
		    "header): browsers get two headers. Keep the <hsts> element.",
		    "HSTS is set both as <hsts> and as a custom header on the Default Web Site of %s",
		    ctx->server->fqdn);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s:", fqdn);
		bs_fix_line(&f,
		    "Remove-WebConfigurationProperty -PSPath 'IIS:\\' -Location 'Default Web Site' -Filter 'system.webServer/httpProtocol/customHeaders' -Name '.' -AtElement @{name='Strict-Transport-Security'}");
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	if (hsts_on(fe))
		age = fe->hsts->max_age != NULL ? fe->hsts->max_age->value : 0;
	else if (fe->sts_header[0] != '\0')
		age = hsts_header_age(fe->sts_header);
	else
		return 0;
	if (age >= HSTS_MIN_AGE)
		return 0;
	rv = bs_rule_raise_for(ctx, "max-age", ctx->severity,
	    json_pack("{s:s, s:I, s:I}", "site", fe->name, "max_age", (json_int_t)age, "minimum",
	        (json_int_t)HSTS_MIN_AGE),
	    "Set max-age to at least one year (31536000 seconds), as Microsoft's HSTS "
	    "guidance for Exchange says.",
	    "HSTS max-age is %lu seconds on the Default Web Site of %s (under a year)", age,
	    ctx->server->fqdn);
	if (rv != 0)
		return rv;
	bs_fix_init(&f);
	bs_fix_line(&f, "# On %s:", fqdn);
	if (hsts_on(fe))
		bs_fix_line(&f,
		    "Set-WebConfigurationProperty -PSPath 'IIS:\\' -Filter \"system.applicationHost/sites/site[@name='Default Web Site']/hsts\" -Name 'max-age' -Value 31536000");
	else
		bs_fix_line(&f,
		    "Set-WebConfigurationProperty -PSPath 'IIS:\\' -Location 'Default Web Site' -Filter \"system.webServer/httpProtocol/customHeaders/add[@name='Strict-Transport-Security']\" -Name 'value' -Value 'max-age=31536000'");
	return bs_rule_fix(ctx, &f);
}
