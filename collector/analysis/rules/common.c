/* common: raising findings, and the report lookups rules share. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "analysis/rules/rules.h"

static int
rule_vraise(struct bs_rule_ctx *ctx, const char *key, enum bs_severity sev, json_t *evidence,
    const char *remediation, const char *title_fmt, va_list ap)
{
	struct bs_arena *ar = &ctx->a->arena;
	struct bs_finding *f = bs_arena_alloc(ar, sizeof(*f));
	char title[512];

	if (f == NULL) {
		json_decref(evidence);
		return BS_ENOMEM;
	}
	vsnprintf(title, sizeof(title), title_fmt, ap);
	memset(f, 0, sizeof(*f));
	f->rule = ctx->rule;
	f->severity = sev;
	f->key = bs_arena_strdup(ar, key);
	f->title = bs_arena_strdup(ar, title);
	f->remediation = bs_arena_strdup(ar, remediation != NULL ? remediation : "");
	f->evidence = evidence != NULL ? evidence : json_object();
	if (f->key == NULL || f->title == NULL || f->remediation == NULL || f->evidence == NULL ||
	    bs_arena_push(ar, (void ***)&ctx->server->findings, &ctx->server->n_findings, f) != 0) {
		json_decref(f->evidence);
		return BS_ENOMEM;
	}
	f->fix = "";
	ctx->last = f;
	f->first_seen_ms = f->last_seen_ms = ctx->server->received_at_ms;
	for (size_t i = 0; i < ctx->a->n_mutes; i++) {
		const struct bs_mute *m = ctx->a->mutes[i];

		if (strcmp(m->rule, ctx->rule->id) == 0 &&
		    (strcmp(m->server, "*") == 0 ||
		        strcasecmp(m->server, ctx->server->fqdn) == 0)) {
			f->mute = m;
			ctx->server->n_muted++;
			return 0;
		}
	}
	if (sev > ctx->server->worst)
		ctx->server->worst = sev;
	return 0;
}

int
bs_rule_raise(struct bs_rule_ctx *ctx, enum bs_severity sev, json_t *evidence,
    const char *remediation, const char *title_fmt, ...)
{
	va_list ap;
	int rv;

	va_start(ap, title_fmt);
	rv = rule_vraise(ctx, "", sev, evidence, remediation, title_fmt, ap);
	va_end(ap);
	return rv;
}

int
bs_rule_raise_for(struct bs_rule_ctx *ctx, const char *key, enum bs_severity sev, json_t *evidence,
    const char *remediation, const char *title_fmt, ...)
{
	va_list ap;
	int rv;

	va_start(ap, title_fmt);
	rv = rule_vraise(ctx, key, sev, evidence, remediation, title_fmt, ap);
	va_end(ap);
	return rv;
}

static const Bindscope__V1__Site *
rules_site(const bs_report *r, const char *name, uint32_t id)
{
	for (size_t i = 0; i < r->n_sites; i++)
		if (strcasecmp(r->sites[i]->name, name) == 0)
			return r->sites[i];
	/* Renamed sites keep their id on a standard install. */
	for (size_t i = 0; i < r->n_sites; i++)
		if (r->sites[i]->id == id)
			return r->sites[i];
	return NULL;
}

const Bindscope__V1__Site *
bs_rules_backend_site(const bs_report *r)
{
	return rules_site(r, "Exchange Back End", 2);
}

const Bindscope__V1__Site *
bs_rules_frontend_site(const bs_report *r)
{
	return rules_site(r, "Default Web Site", 1);
}

const Bindscope__V1__Certificate *
bs_rules_cert(const bs_report *r, const char *thumbprint, const char *store)
{
	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (strcasecmp(c->thumbprint, thumbprint) == 0 &&
		    (store == NULL || strcasecmp(c->store, store) == 0))
			return c;
	}
	return NULL;
}

const Bindscope__V1__SslBinding *
bs_rules_ssl(const bs_report *r, const char *endpoint)
{
	for (size_t i = 0; i < r->n_ssl_bindings; i++)
		if (strcasecmp(r->ssl_bindings[i]->endpoint, endpoint) == 0)
			return r->ssl_bindings[i];
	return NULL;
}

json_t *
bs_rules_cert_json(const Bindscope__V1__Certificate *c)
{
	json_t *names = json_array();

	for (size_t i = 0; names != NULL && i < c->n_dns_names; i++)
		json_array_append_new(names, json_string(c->dns_names[i]));
	return json_pack("{s:s, s:s, s:s, s:o, s:I, s:b, s:s}", "thumbprint", c->thumbprint,
	    "subject", c->subject, "issuer", c->issuer, "dns_names",
	    names != NULL ? names : json_array(), "not_after", (json_int_t)c->not_after,
	    "self_signed", c->self_signed == BINDSCOPE__V1__TRI__TRI_YES, "friendly_name",
	    c->friendly_name);
}

static int
rules_is_444(const char *endpoint)
{
	size_t n = strlen(endpoint);

	return n > 4 && strcmp(endpoint + n - 4, ":444") == 0;
}

const char *
bs_rules_cert_endpoint(const Bindscope__V1__Certificate *c, size_t i)
{
	size_t k = 0;

	for (int pass = 0; pass < 2; pass++)
		for (size_t j = 0; j < c->n_used_by; j++)
			if (rules_is_444(c->used_by[j]) == (pass == 0) && k++ == i)
				return c->used_by[j];
	return NULL;
}

const char *
bs_rules_cert_endpoints(const Bindscope__V1__Certificate *c, char *out, size_t outsz)
{
	size_t len = 0;

	if (outsz == 0)
		return out;
	snprintf(out, outsz, "%s", c->n_used_by == 0 ? "(none)" : "");
	for (size_t i = 0; i < c->n_used_by; i++) {
		const char *ep = bs_rules_cert_endpoint(c, i);
		char more[48];
		size_t need = strlen(ep) + (i > 0 ? 2 : 0);

		/* Room for this one, and for the tail should a later one not fit. */
		snprintf(more, sizeof(more), ", and %zu more", c->n_used_by - i - 1);
		if (len + need + (i + 1 < c->n_used_by ? strlen(more) : 0) >= outsz) {
			snprintf(more, sizeof(more), "%sand %zu more", i > 0 ? ", " : "",
			    c->n_used_by - i);
			if (len + strlen(more) < outsz)
				memcpy(out + len, more, strlen(more) + 1);
			break;
		}
		len += (size_t)snprintf(out + len, outsz - len, "%s%s", i > 0 ? ", " : "", ep);
	}
	return out;
}

json_t *
bs_rules_cert_endpoints_json(const Bindscope__V1__Certificate *c)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < c->n_used_by; i++)
		if (json_array_append_new(a, json_string(bs_rules_cert_endpoint(c, i))) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int
bs_rules_probe_failed(const Bindscope__V1__Probe *p)
{
	switch (p->result) {
	case BINDSCOPE__V1__PROBE_RESULT__PROBE_UNSPECIFIED:
	case BINDSCOPE__V1__PROBE_RESULT__PROBE_OK:
	case BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_SELF_SIGNED:
	case BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_UNTRUSTED:
	case BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_CHAIN_INCOMPLETE: return 0;
	default: return 1;
	}
}

const Bindscope__V1__Certificate *
bs_rules_site_cert(const bs_report *r, const Bindscope__V1__Site *site)
{
	for (size_t i = 0; site != NULL && i < site->n_bindings; i++) {
		const Bindscope__V1__Binding *b = site->bindings[i];

		if (strcasecmp(b->protocol, "https") == 0 &&
		    b->join == BINDSCOPE__V1__JOIN_STATUS__JOIN_OK)
			return bs_rules_cert(r, b->cert_thumbprint, NULL);
	}
	return NULL;
}
