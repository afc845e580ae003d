/* certs: validity of the certificates that bindings actually use. A
 * certificate nobody binds is not an outage, so it raises nothing. */
#include "err.h"
#include "rules.h"

#define DAY_MS (86400LL * 1000)
#define EXPIRING_WARN_DAYS 30
#define EXPIRING_CRIT_DAYS 7

static json_t *
cert_ev(const Bindscope__V1__Certificate *c, int64_t days_left)
{
	json_t *ev = bs_rules_cert_json(c);
	json_t *used = json_array();

	for (size_t i = 0; used != NULL && i < c->n_used_by; i++)
		json_array_append_new(used, json_string(c->used_by[i]));
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
		int64_t days = left_ms / DAY_MS;
		int rv = 0;

		if (c->n_used_by == 0)
			continue;
		if (expired_rule && left_ms < 0) {
			rv = bs_rule_raise(ctx, ctx->rule->severity, cert_ev(c, days),
			    "Renew the certificate (New-ExchangeCertificate or your CA), "
			    "enable it for IIS (Enable-ExchangeCertificate -Services IIS) "
			    "and rebind every listed endpoint; for 444 use the "
			    "self-signed \"Microsoft Exchange\" certificate.",
			    "Certificate %s used by %s expired %lld days ago",
			    c->common_name[0] ? c->common_name : c->thumbprint, c->used_by[0],
			    (long long)-days);
		} else if (!expired_rule && left_ms >= 0 && days < EXPIRING_WARN_DAYS) {
			rv = bs_rule_raise(ctx,
			    days < EXPIRING_CRIT_DAYS ? BS_SEV_CRITICAL : ctx->rule->severity,
			    cert_ev(c, days),
			    "Renew before it expires and rebind every listed endpoint in "
			    "the same change window.",
			    "Certificate %s used by %s expires in %lld days",
			    c->common_name[0] ? c->common_name : c->thumbprint, c->used_by[0],
			    (long long)days);
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
