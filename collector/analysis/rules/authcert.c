/* authcert: Exchange's Auth certificate (OAuth between servers and with
 * Microsoft 365): present with the fleet's thumbprint on every Mailbox
 * server, renewed before it expires. Without Active Directory the fleet is
 * the evidence: which thumbprint most servers hold is the current one. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "analysis/rules/consistency.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

#define DAY_MS (86400LL * 1000)
/* A staged (next) certificate counts only with this much life left. */
#define AUTH_STAGED_DAYS 120

int
bs_rules_is_auth_cert(const Bindscope__V1__Certificate *c)
{
	return c->exchange_auth && strcasecmp(c->store, "My") == 0;
}

/* Edge Transport servers hold no Auth certificate. */
static int
auth_expected(const bs_report *r)
{
	for (size_t i = 0; i < r->host->n_exchange_roles; i++)
		if (strcmp(r->host->exchange_roles[i], "Edge") == 0)
			return 0;
	/* A report without a certificate store read cannot say. */
	for (size_t i = 0; i < r->n_certificates; i++)
		if (strcasecmp(r->certificates[i]->store, "My") == 0)
			return r->host->exchange_build[0] != '\0';
	return 0;
}

int
bs_rules_auth_norms(struct bs_analysis *a)
{
	if ((a->norms.auth = bs_arena_alloc(&a->arena, sizeof(*a->norms.auth))) == NULL)
		return BS_ENOMEM;
	memset(a->norms.auth, 0, sizeof(*a->norms.auth));
	for (size_t i = 0; i < a->n_servers; i++) {
		const bs_report *r = a->servers[i]->report;

		if (!auth_expected(r))
			continue;
		for (size_t k = 0; k < r->n_certificates; k++)
			if (bs_rules_is_auth_cert(r->certificates[k]) &&
			    bs_cons_add(&a->arena, a->norms.auth, "Auth certificate", "held",
			        r->certificates[k]->thumbprint, a->servers[i]) != 0)
				return BS_ENOMEM;
	}
	bs_cons_finish(a->norms.auth);
	return 0;
}

/* The thumbprint most Mailbox servers hold, and how many hold it. */
static const char *
auth_fleet(const struct bs_analysis *a, size_t *n)
{
	struct bs_cons_stat st;

	*n = 0;
	if (a->norms.auth == NULL || bs_cons_stat(a->norms.auth, "held", NULL, &st) != 0)
		return NULL;
	*n = st.n_majority;
	return st.majority;
}

int
bs_rule_auth_cert_expiring(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Certificate *cur = NULL, *next = NULL;
	int64_t now = ctx->a->opt.now_ms, days;
	size_t nfleet;
	const char *fleet = auth_fleet(ctx->a, &nfleet);
	enum bs_severity sev = ctx->severity;
	struct bs_fix f;
	int rv;

	if (!auth_expected(r))
		return 0;
	/* The current one: the fleet's when held here, else the one that
	 * lasts longest. */
	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (!bs_rules_is_auth_cert(c))
			continue;
		if (fleet != NULL && strcasecmp(c->thumbprint, fleet) == 0)
			cur = c;
	}
	for (size_t i = 0; cur == NULL && i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (bs_rules_is_auth_cert(c) && (cur == NULL || c->not_after > cur->not_after))
			cur = c;
	}
	if (cur == NULL)
		return 0; /* none at all: AUTH_CERT_INCONSISTENT says so */
	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (bs_rules_is_auth_cert(c) && c != cur && c->not_after > cur->not_after &&
		    (next == NULL || c->not_after > next->not_after))
			next = c;
	}
	days = (cur->not_after * 1000 - now) / DAY_MS;
	if (days > (int64_t)ctx->a->opt.rules.auth_cert_warning_days)
		return 0;
	if (next != NULL && (next->not_after * 1000 - now) / DAY_MS > AUTH_STAGED_DAYS)
		return 0; /* the next one is staged and will last */
	if (cur->not_after * 1000 <= now)
		sev = BS_SEV_CRITICAL;
	rv = bs_rule_raise_for(ctx, cur->thumbprint, sev,
	    json_pack("{s:s, s:I, s:I, s:s?}", "thumbprint", cur->thumbprint, "not_after",
	        (json_int_t)cur->not_after, "days_left", (json_int_t)days, "staged_thumbprint",
	        next != NULL ? next->thumbprint : NULL),
	    "Renew the Auth certificate before it expires (OWA and ECP stop working, and "
	    "hybrid OAuth with it): create a new one, publish it with Set-AuthConfig "
	    "-NewCertificateThumbprint ... -NewCertificateEffectiveDate, wait 48 hours, then "
	    "-PublishCertificate; or run CSS-Exchange's MonitorExchangeAuthCertificate.ps1.",
	    days < 0 ? "The Exchange Auth certificate %s on %s expired %lld days ago"
	             : "The Exchange Auth certificate %s on %s expires in %lld days with no newer "
	               "one staged",
	    cur->thumbprint, ctx->server->fqdn, (long long)(days < 0 ? -days : days));
	if (rv != 0)
		return rv;
	bs_fix_init(&f);
	bs_fix_line(&f, "# In the Exchange Management Shell, once for the organisation:");
	bs_fix_line(&f,
	    "$new = New-ExchangeCertificate -Server '%s' -KeySize 2048 -PrivateKeyExportable $true "
	    "-SubjectName 'cn=Microsoft Exchange Server Auth Certificate' -DomainName '*' "
	    "-FriendlyName 'Microsoft Exchange Server Auth Certificate' -Services SMTP",
	    bs_fix_fqdn(ctx->server->fqdn));
	bs_fix_line(&f,
	    "Set-AuthConfig -NewCertificateThumbprint $new.Thumbprint "
	    "-NewCertificateEffectiveDate (Get-Date)");
	bs_fix_line(&f, "Set-AuthConfig -PublishCertificate");
	bs_fix_line(&f, "Set-AuthConfig -ClearPreviousCertificate");
	bs_fix_line(&f,
	    "# Then restart the MSExchangeOWAAppPool and MSExchangeECPAppPool on every server,");
	bs_fix_line(
	    &f, "# and re-run the Hybrid Configuration Wizard if the organisation is hybrid.");
	return bs_rule_fix(ctx, &f);
}

int
bs_rule_auth_cert_inconsistent(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	size_t nfleet, held = 0;
	const char *fleet = auth_fleet(ctx->a, &nfleet);
	json_t *mine;
	struct bs_fix f;
	int rv;

	if (!auth_expected(r) || fleet == NULL || nfleet < 2)
		return 0;
	if ((mine = json_array()) == NULL)
		return BS_ENOMEM;
	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (!bs_rules_is_auth_cert(c))
			continue;
		if (strcasecmp(c->thumbprint, fleet) == 0) {
			json_decref(mine);
			return 0;
		}
		json_array_append_new(mine, json_string(c->thumbprint));
		held++;
	}
	rv = bs_rule_raise(ctx, ctx->severity,
	    json_pack("{s:s, s:I, s:o}", "fleet_thumbprint", fleet, "servers_with_it",
	        (json_int_t)nfleet, "held_here", mine),
	    "Every Mailbox server needs the organisation's Auth certificate in its "
	    "LocalMachine\\My: export it (with its private key) from a server that has it and "
	    "import it here; a different one means this server signs OAuth tokens others "
	    "cannot check.",
	    held == 0 ? "%s lacks the Exchange Auth certificate %s that %zu servers hold"
	              : "%s holds another Exchange Auth certificate than the %s that %zu servers "
	                "hold",
	    ctx->server->fqdn, fleet, nfleet);
	if (rv != 0)
		return rv;
	bs_fix_init(&f);
	bs_fix_line(&f, "# On a server that holds it, export the Auth certificate:");
	bs_fix_line(&f, "$pw = Read-Host -AsSecureString 'PFX password'");
	bs_fix_line(&f,
	    "Export-ExchangeCertificate -Thumbprint '%s' -BinaryEncoded -Password $pw | ForEach-Object "
	    "{ [IO.File]::WriteAllBytes('C:\\AuthCert.pfx', $_.FileData) }",
	    bs_fix_thumb(fleet));
	bs_fix_line(&f, "# Then import it on %s:", bs_fix_fqdn(ctx->server->fqdn));
	bs_fix_line(&f,
	    "Import-ExchangeCertificate -Server '%s' -FileData ([IO.File]::ReadAllBytes('C:\\AuthCert.pfx')) "
	    "-Password $pw -PrivateKeyExportable $true",
	    bs_fix_fqdn(ctx->server->fqdn));
	return bs_rule_fix(ctx, &f);
}
