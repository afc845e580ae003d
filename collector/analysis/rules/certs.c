/* certs: validity of the certificates that bindings actually use. A
 * certificate nobody binds is not an outage, so it raises nothing. */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

/* Room for a few endpoints in a finding's title (512 bytes). */
#define ENDPOINTS_MAX 256
/* Room for a remediation text with names, endpoints and thumbprints. */
#define REMEDY_MAX 1200

static json_t *
cert_ev(const Bindscope__V1__Certificate *c, int64_t days_left)
{
	json_t *ev = bs_rules_cert_json(c);
	json_t *used = bs_rules_cert_endpoints_json(c);

	if (ev == NULL) {
		json_decref(used);
		return NULL;
	}
	json_object_set_new(ev, "used_by", used != NULL ? used : json_array());
	json_object_set_new(ev, "days_left", json_integer(days_left));
	return ev;
}

/* 1 when every endpoint c serves is a 444 one (the Back End's). */
static int
cert_only_444(const Bindscope__V1__Certificate *c)
{
	for (size_t i = 0; i < c->n_used_by; i++) {
		size_t n = strlen(c->used_by[i]);

		if (n < 4 || strcmp(c->used_by[i] + n - 4, ":444") != 0)
			return 0;
	}
	return c->n_used_by > 0;
}

/* The renewal of c, in text and as a fix: on a Back End that already has
 * a newer certificate covering the FQDN (renewed, never rebound) binding
 * that one; else renewing c itself and rebinding its endpoints. */
static void
cert_renewal(const struct bs_rule_ctx *ctx, const Bindscope__V1__Certificate *c, const char *state,
    char *rem, size_t n, struct bs_fix *fix)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Certificate *to = bs_remedy_backend_cert(r, ctx->a->opt.now_ms);
	char eps[ENDPOINTS_MAX], what[300];

	bs_rules_cert_endpoints(c, eps, sizeof(eps));
	bs_fix_init(fix);
	snprintf(what, sizeof(what), "certificate %s %s", bs_fix_thumb(c->thumbprint), state);
	bs_fix_begin(fix, r, what);
	if (cert_only_444(c) && to != NULL && to != c && to->not_after > c->not_after) {
		char which[400];

		bs_remedy_backend_text(r, to, which, sizeof(which));
		snprintf(rem, n,
		    "On %s, certificate %s (%s) %s; it serves %s. A newer one that covers %s is "
		    "already in LocalMachine\\My. %s, then iisreset.",
		    r->host->fqdn, c->thumbprint, c->subject, state, eps, r->host->fqdn, which);
		bs_fix_bind_444(fix, r, to);
		return;
	}
	if (c->self_signed == BINDSCOPE__V1__TRI__TRI_YES)
		snprintf(rem, n,
		    "On %s, the self-signed certificate %s (%s) %s; it serves %s. Renew it "
		    "(Get-ExchangeCertificate -Server %s -Thumbprint %s | New-ExchangeCertificate) "
		    "and bind the new one on %s in the same change, then iisreset.",
		    r->host->fqdn, c->thumbprint, c->subject, state, eps, r->host->fqdn,
		    c->thumbprint, eps);
	else
		snprintf(rem, n,
		    "On %s, certificate %s (%s, issued by %s) %s; it serves %s. Request its renewal "
		    "from that CA (Get-ExchangeCertificate -Server %s -Thumbprint %s | "
		    "New-ExchangeCertificate -GenerateRequest), import the issued certificate "
		    "(Import-ExchangeCertificate) and bind it on %s in the same change, then iisreset.",
		    r->host->fqdn, c->thumbprint, c->subject, c->issuer, state, eps, r->host->fqdn,
		    c->thumbprint, eps);
	bs_fix_renew(fix, r, c, 0);
}

static int
cert_validity(struct bs_rule_ctx *ctx, int expired_rule)
{
	const bs_report *r = ctx->server->report;
	int64_t now = ctx->a->opt.now_ms;

	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];
		int64_t left_ms = c->not_after * 1000 - now;
		int64_t days = bs_days_left(c->not_after, now);
		char eps[ENDPOINTS_MAX], state[80], until[32], rem[REMEDY_MAX];
		struct bs_fix fix;
		int rv = 0;

		if (c->n_used_by == 0)
			continue;
		bs_time_format(c->not_after * 1000, until, sizeof(until));
		until[10] = '\0';
		if (expired_rule && left_ms < 0) {
			snprintf(state, sizeof(state), "expired on %s", until);
			cert_renewal(ctx, c, state, rem, sizeof(rem), &fix);
			rv = bs_rule_raise_fix(ctx, c->thumbprint, ctx->severity, cert_ev(c, days),
			    rem, &fix, "Certificate %s used by %s expired %lld days ago",
			    c->common_name[0] ? c->common_name : c->thumbprint,
			    bs_rules_cert_endpoints(c, eps, sizeof(eps)), (long long)-days);
		} else if (!expired_rule && left_ms >= 0 &&
		    days < (int64_t)ctx->a->opt.rules.expiring_warning_days) {
			snprintf(state, sizeof(state), "expires on %s", until);
			cert_renewal(ctx, c, state, rem, sizeof(rem), &fix);
			rv = bs_rule_raise_fix(ctx, c->thumbprint,
			    days < (int64_t)ctx->a->opt.rules.expiring_critical_days
			        ? BS_SEV_CRITICAL
			        : ctx->severity,
			    cert_ev(c, days), rem, &fix,
			    "Certificate %s used by %s expires in %lld days",
			    c->common_name[0] ? c->common_name : c->thumbprint,
			    bs_rules_cert_endpoints(c, eps, sizeof(eps)), (long long)days);
		}
		if (rv != 0)
			return rv;
	}
	return 0;
}

int
bs_rule_cert_expired(struct bs_rule_ctx *ctx)
{
	return cert_validity(ctx, 1);
}

int
bs_rule_cert_expiring(struct bs_rule_ctx *ctx)
{
	return cert_validity(ctx, 0);
}

/* The three checks on every certificate a binding uses. */
enum cert_check { CC_WEAK_KEY, CC_WEAK_SIG, CC_NO_KEY };

static int
cert_each_bound(struct bs_rule_ctx *ctx, enum cert_check which)
{
	const bs_report *r = ctx->server->report;
	int64_t now = ctx->a->opt.now_ms;
	unsigned bits = ctx->a->opt.rules.weak_rsa_bits > 2048 ? 4096 : 2048;

	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];
		const char *name = c->common_name[0] ? c->common_name : c->thumbprint;
		const char *fqdn = r->host->fqdn;
		char eps[ENDPOINTS_MAX], rem[REMEDY_MAX], what[200];
		struct bs_fix fix;
		int self = c->self_signed == BINDSCOPE__V1__TRI__TRI_YES;
		int rv = 0;

		if (c->n_used_by == 0)
			continue;
		bs_rules_cert_endpoints(c, eps, sizeof(eps));
		bs_fix_init(&fix);
		if (which == CC_WEAK_KEY && strcmp(c->key_type, "RSA") == 0 &&
		    c->key_bits < ctx->a->opt.rules.weak_rsa_bits) {
			snprintf(what, sizeof(what), "replace %s, whose RSA key has %u bits",
			    bs_fix_thumb(c->thumbprint), c->key_bits);
			bs_fix_begin(&fix, r, what);
			bs_fix_renew(&fix, r, c, bits);
			snprintf(rem, sizeof(rem),
			    "On %s, replace certificate %s (%s) with one with an RSA %u-bit key (%s) "
			    "and bind it on %s, then iisreset.",
			    fqdn, c->thumbprint, c->subject, bits,
			    self ? "Get-ExchangeCertificate | New-ExchangeCertificate -KeySize"
			         : "a new request to its CA with -KeySize",
			    eps);
			rv = bs_rule_raise_fix(ctx, c->thumbprint, ctx->severity,
			    cert_ev(c, bs_days_left(c->not_after, now)), rem, &fix,
			    "Certificate %s used by %s has a %u-bit RSA key", name, eps,
			    c->key_bits);
		} else if (which == CC_WEAK_SIG &&
		    (strstr(c->signature_algorithm, "sha1") != NULL ||
		        strstr(c->signature_algorithm, "md5") != NULL) &&
		    !self) {
			snprintf(what, sizeof(what), "have %s reissued with a SHA-256 signature",
			    bs_fix_thumb(c->thumbprint));
			bs_fix_begin(&fix, r, what);
			bs_fix_renew(&fix, r, c, 0);
			snprintf(rem, sizeof(rem),
			    "On %s, have certificate %s (%s) reissued by %s with a SHA-256 signature "
			    "(a new request: Get-ExchangeCertificate -Server %s -Thumbprint %s | "
			    "New-ExchangeCertificate -GenerateRequest) and bind it on %s, then iisreset.",
			    fqdn, c->thumbprint, c->subject, c->issuer, fqdn, c->thumbprint, eps);
			rv = bs_rule_raise_fix(ctx, c->thumbprint, ctx->severity,
			    cert_ev(c, bs_days_left(c->not_after, now)), rem, &fix,
			    "Certificate %s used by %s is signed with %s", name, eps,
			    c->signature_algorithm);
		} else if (which == CC_NO_KEY && c->has_private_key == BINDSCOPE__V1__TRI__TRI_NO) {
			snprintf(what, sizeof(what), "restore the private key of %s",
			    bs_fix_thumb(c->thumbprint));
			bs_fix_begin(&fix, r, what);
			bs_fix_line(
			    &fix, "certutil -repairstore my '%s'", bs_fix_thumb(c->thumbprint));
			bs_fix_line(&fix,
			    "# If certutil finds no key on this server, import the PFX "
			    "with its key (Import-ExchangeCertificate) instead.");
			bs_fix_line(&fix, "iisreset /noforce");
			snprintf(rem, sizeof(rem),
			    "On %s, certificate %s (%s) serves %s but has no private key in "
			    "LocalMachine\\My, so TLS cannot start there. Restore the key association "
			    "(certutil -repairstore my %s) if the key is on the server; else import the "
			    "certificate with its key (PFX, Import-ExchangeCertificate -Server %s) or "
			    "complete the pending request; then iisreset.",
			    fqdn, c->thumbprint, c->subject, eps, c->thumbprint, fqdn);
			rv = bs_rule_raise_fix(ctx, c->thumbprint, ctx->severity,
			    cert_ev(c, bs_days_left(c->not_after, now)), rem, &fix,
			    "Certificate %s used by %s has no private key in the store", name, eps);
		}
		if (rv != 0)
			return rv;
	}
	return 0;
}

int
bs_rule_cert_weak_key(struct bs_rule_ctx *ctx)
{
	return cert_each_bound(ctx, CC_WEAK_KEY);
}

int
bs_rule_cert_weak_signature(struct bs_rule_ctx *ctx)
{
	return cert_each_bound(ctx, CC_WEAK_SIG);
}

int
bs_rule_cert_no_private_key(struct bs_rule_ctx *ctx)
{
	return cert_each_bound(ctx, CC_NO_KEY);
}
