/* certs: validity of the certificates that bindings actually use. A
 * certificate nobody binds is not an outage, so it raises nothing. */
#include <string.h>

#include "clock.h"
#include "err.h"
#include "analysis/rules/rules.h"

/* Room for a few endpoints in a finding's title (512 bytes). */
#define ENDPOINTS_MAX 256

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

static int
cert_validity(struct bs_rule_ctx *ctx, int expired_rule)
{
	const bs_report *r = ctx->server->report;
	int64_t now = ctx->a->opt.now_ms;

	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];
		int64_t left_ms = c->not_after * 1000 - now;
		int64_t days = bs_days_left(c->not_after, now);
		char eps[ENDPOINTS_MAX];
		int rv = 0;

		if (c->n_used_by == 0)
			continue;
		if (expired_rule && left_ms < 0) {
			rv = bs_rule_raise_for(ctx, c->thumbprint, ctx->severity, cert_ev(c, days),
			    "Renew the certificate (New-ExchangeCertificate or your CA), "
			    "enable it for IIS (Enable-ExchangeCertificate -Services IIS) "
			    "and rebind every listed endpoint; for 444 use the "
			    "self-signed \"Microsoft Exchange\" certificate.",
			    "Certificate %s used by %s expired %lld days ago",
			    c->common_name[0] ? c->common_name : c->thumbprint,
			    bs_rules_cert_endpoints(c, eps, sizeof(eps)), (long long)-days);
		} else if (!expired_rule && left_ms >= 0 &&
		    days < (int64_t)ctx->a->opt.rules.expiring_warning_days) {
			rv = bs_rule_raise_for(ctx, c->thumbprint,
			    days < (int64_t)ctx->a->opt.rules.expiring_critical_days
			        ? BS_SEV_CRITICAL
			        : ctx->severity,
			    cert_ev(c, days),
			    "Renew before it expires and rebind every listed endpoint in "
			    "the same change window.",
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

	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];
		const char *name = c->common_name[0] ? c->common_name : c->thumbprint;
		char eps[ENDPOINTS_MAX];
		int rv = 0;

		if (c->n_used_by == 0)
			continue;
		bs_rules_cert_endpoints(c, eps, sizeof(eps));
		if (which == CC_WEAK_KEY && strcmp(c->key_type, "RSA") == 0 &&
		    c->key_bits < ctx->a->opt.rules.weak_rsa_bits)
			rv = bs_rule_raise_for(ctx, c->thumbprint, ctx->severity,
			    cert_ev(c, bs_days_left(c->not_after, now)),
			    "Replace it with an RSA 2048+ or ECDSA P-256 certificate and rebind.",
			    "Certificate %s used by %s has a %u-bit RSA key", name, eps,
			    c->key_bits);
		else if (which == CC_WEAK_SIG &&
		    (strstr(c->signature_algorithm, "sha1") != NULL ||
		        strstr(c->signature_algorithm, "md5") != NULL) &&
		    c->self_signed != BINDSCOPE__V1__TRI__TRI_YES)
			rv = bs_rule_raise_for(ctx, c->thumbprint, ctx->severity,
			    cert_ev(c, bs_days_left(c->not_after, now)),
			    "Reissue it with a SHA-256 signature from your CA and rebind.",
			    "Certificate %s used by %s is signed with %s", name, eps,
			    c->signature_algorithm);
		else if (which == CC_NO_KEY && c->has_private_key == BINDSCOPE__V1__TRI__TRI_NO)
			rv = bs_rule_raise_for(ctx, c->thumbprint, ctx->severity,
			    cert_ev(c, bs_days_left(c->not_after, now)),
			    "Import the certificate with its private key (PFX) into LocalMachine\\My, or "
			    "complete the pending request (Import-ExchangeCertificate), then rebind: "
			    "without the key, TLS cannot start on the endpoint.",
			    "Certificate %s used by %s has no private key in the store", name, eps);
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
