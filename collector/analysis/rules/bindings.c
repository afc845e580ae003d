/* bindings: the rules about IIS bindings, their http.sys entries and the
 * certificates they reach; the seed failure (BACKEND_CERT_NAME_MISMATCH)
 * lives here. Facts: ../shared/spec/exchange-facts.md. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "analysis/rules/rules.h"

#define BACKEND_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

static int
is_https(const Bindscope__V1__Binding *b)
{
	return strcasecmp(b->protocol, "https") == 0;
}

static json_t *
binding_json(const Bindscope__V1__Site *site, const Bindscope__V1__Binding *b)
{
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "site", site->name, "site_id",
	    (int)site->id, "protocol", b->protocol, "binding_information", b->binding_information,
	    "ssl_endpoint", b->ssl_endpoint, "cert_thumbprint", b->cert_thumbprint);
}

int
bs_rule_backend_binding_missing(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *site;
	size_t https = 0, served = 0;

	if (r->n_sites == 0)
		return 0; /* IIS configuration not read: a collection error, not this */
	site = bs_rules_backend_site(r);
	if (site == NULL) {
		if (r->host->exchange_build[0] == '\0')
			return 0; /* not an Exchange server */
		return bs_rule_raise(ctx, ctx->severity,
		    json_pack("{s:s}", "sites_found", "no site named Exchange Back End (id 2)"),
		    "Recreate the Exchange Back End site: rerun Exchange Setup in "
		    "recovery mode or follow Microsoft's guidance to recreate the "
		    "back-end virtual directories, then bind https *:444: to the "
		    "self-signed \"Microsoft Exchange\" certificate.",
		    "The Exchange Back End IIS site is missing");
	}
	for (size_t i = 0; i < site->n_bindings; i++) {
		const Bindscope__V1__Binding *b = site->bindings[i];

		if (!is_https(b))
			continue;
		https++;
		if (b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING)
			served++;
	}
	if (https > 0 && served > 0)
		return 0;
	return bs_rule_raise(ctx, ctx->severity,
	    json_pack("{s:s, s:i, s:i}", "site", site->name, "https_bindings", (int)https,
	        "served_by_http_sys", (int)served),
	    "In IIS Manager open Sites > Exchange Back End > Bindings, add (or "
	    "edit) type https, IP address \"All Unassigned\", port 444, and select "
	    "the self-signed \"Microsoft Exchange\" certificate; then run iisreset. "
	    "PowerShell: Get-ExchangeCertificate | Where-Object FriendlyName -eq "
	    "'Microsoft Exchange' shows its thumbprint; netsh http add sslcert "
	    "ipport=0.0.0.0:444 certhash=<thumbprint> appid=" BACKEND_APPID " certstorename=MY.",
	    https == 0 ? "Exchange Back End has no https binding"
	               : "No http.sys certificate binding serves Exchange Back End on 444");
}

static int
cert_not_in_store(struct bs_rule_ctx *ctx, const Bindscope__V1__Site *site, const char *which)
{
	for (size_t i = 0; site != NULL && i < site->n_bindings; i++) {
		const Bindscope__V1__Binding *b = site->bindings[i];
		const Bindscope__V1__SslBinding *sb;
		json_t *ev;

		if (!is_https(b) ||
		    (b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE &&
		        b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_STORE_MISSING))
			continue;
		sb = bs_rules_ssl(ctx->server->report, b->ssl_endpoint);
		ev = binding_json(site, b);
		if (ev != NULL && sb != NULL)
			json_object_set_new(ev, "store_name", json_string(sb->store_name));
		if (ev != NULL)
			json_object_set_new(ev, "reason",
			    json_string(b->join == BINDSCOPE__V1__JOIN_STATUS__JOIN_STORE_MISSING
			            ? "the named certificate store does not exist"
			            : "no certificate with this thumbprint in the store"));
		return bs_rule_raise(ctx, ctx->severity, ev,
		    "The certificate was deleted or renewed without rebinding. In IIS "
		    "Manager open the site's Bindings, edit the https binding and pick "
		    "a certificate that exists (Get-ExchangeCertificate lists them); "
		    "or Enable-ExchangeCertificate -Thumbprint <new> -Services IIS "
		    "for the front end. Then iisreset.",
		    "%s binding %s names certificate %s, which is not in LocalMachine\\%s", which,
		    b->ssl_endpoint, b->cert_thumbprint[0] ? b->cert_thumbprint : "(none)",
		    sb != NULL ? sb->store_name : "My");
	}
	return 0;
}

int
bs_rule_backend_cert_not_in_store(struct bs_rule_ctx *ctx)
{
	return cert_not_in_store(ctx, bs_rules_backend_site(ctx->server->report), "Back-end");
}

int
bs_rule_frontend_cert_not_in_store(struct bs_rule_ctx *ctx)
{
	return cert_not_in_store(ctx, bs_rules_frontend_site(ctx->server->report), "Front-end");
}

/* The Back End's https *:444 binding joined to a certificate, if any. */
static const Bindscope__V1__Certificate *
backend_cert(
    const bs_report *r, const Bindscope__V1__Site **site_out, const Bindscope__V1__Binding **b_out)
{
	const Bindscope__V1__Site *site = bs_rules_backend_site(r);

	for (size_t i = 0; site != NULL && i < site->n_bindings; i++) {
		const Bindscope__V1__Binding *b = site->bindings[i];
		const Bindscope__V1__SslBinding *sb;

		if (!is_https(b) || b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_OK)
			continue;
		sb = bs_rules_ssl(r, b->ssl_endpoint);
		*site_out = site;
		*b_out = b;
		return bs_rules_cert(r, b->cert_thumbprint, sb != NULL ? sb->store_name : NULL);
	}
	return NULL;
}

/* Evidence that the hop to this server actually fails: the live probe,
 * peers' HttpProxy samples naming it as target, its own W3SVC2 5xx.
 * Appends what it finds to ev; returns 1 when the hop is failing. */
static int
hop_failing(const struct bs_rule_ctx *ctx, json_t *ev)
{
	const struct bs_server *me = ctx->server;
	const bs_report *r = me->report;
	json_t *list = json_array();
	const struct bs_peer_target *pt;
	int failing = 0;

	if (list == NULL)
		return 0;
	for (size_t i = 0; i < r->n_probes; i++) {
		const Bindscope__V1__Probe *p = r->probes[i];

		if (p->port != 444 || !bs_rules_probe_failed(p))
			continue;
		json_array_append_new(list,
		    json_pack("{s:s, s:s, s:i, s:s}", "kind", "probe", "host", p->host, "port",
		        (int)p->port, "detail", p->detail));
		failing = 1;
	}
	pt = bs_rules_peer_view(ctx->a, me->fqdn);
	for (const struct bs_peer_obs *o = pt != NULL ? pt->obs : NULL; o != NULL; o = o->next) {
		if (o->failures == 0)
			continue;
		json_array_append_new(list,
		    json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "kind", "peer_httpproxy", "peer",
		        o->peer->fqdn, "protocol", o->protocol, "requests", (json_int_t)o->requests,
		        "backend_failures", (json_int_t)o->failures, "web_exception",
		        o->web_exception));
	}
	if (pt != NULL && bs_rules_over_threshold(ctx->a, pt->requests, pt->failures))
		failing = 1;
	for (size_t l = 0; l < r->n_log_samples; l++) {
		const Bindscope__V1__LogSample *ls = r->log_samples[l];
		uint64_t n5xx = 0, total = 0;

		if (ls->kind != BINDSCOPE__V1__LOG_KIND__LOG_W3C || ls->site_id != 2)
			continue;
		for (size_t k = 0; k < ls->n_statuses; k++) {
			total += ls->statuses[k]->count;
			if (ls->statuses[k]->http_status >= 500)
				n5xx += ls->statuses[k]->count;
		}
		if (n5xx == 0)
			continue;
		json_array_append_new(list,
		    json_pack("{s:s, s:s, s:I, s:I}", "kind", "backend_w3c", "log", ls->name,
		        "requests", (json_int_t)total, "status_5xx", (json_int_t)n5xx));
		if (bs_rules_over_threshold(ctx->a, total, n5xx))
			failing = 1;
	}
	json_object_set_new(ev, "hop_evidence", list);
	return failing;
}

int
bs_rule_backend_cert_name_mismatch(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *site = NULL;
	const Bindscope__V1__Binding *b = NULL;
	const Bindscope__V1__Certificate *c = backend_cert(r, &site, &b);
	const Bindscope__V1__OptU32 *untrusted = r->host->allow_internal_untrusted_certs;
	enum bs_severity sev = ctx->severity;
	json_t *ev;
	int failing;

	if (c == NULL || c->covers_fqdn != BINDSCOPE__V1__TRI__TRI_NO)
		return 0;
	ev = binding_json(site, b);
	if (ev == NULL)
		return BS_ENOMEM;
	json_object_set_new(ev, "server_fqdn", json_string(r->host->fqdn));
	json_object_set_new(ev, "certificate", bs_rules_cert_json(c));
	json_object_set_new(ev, "allow_internal_untrusted_certs",
	    untrusted != NULL ? json_integer(untrusted->value) : json_string("absent (= 1)"));
	failing = hop_failing(ctx, ev);
	if (failing)
		sev = BS_SEV_CRITICAL;
	json_object_set_new(ev, "basis",
	    json_string(failing ? "configuration and observed hop failures"
	                        : "configuration only (no failing traffic seen yet)"));
	return bs_rule_raise(ctx, sev, ev,
	    "The front end reaches this server as https://<FQDN>:444/, so the "
	    "certificate bound to 0.0.0.0:444 must cover the FQDN. Rebind the "
	    "server's self-signed \"Microsoft Exchange\" certificate: IIS Manager > "
	    "Sites > Exchange Back End > Bindings > https 444 > Edit > SSL "
	    "certificate \"Microsoft Exchange\"; or netsh http update sslcert "
	    "ipport=0.0.0.0:444 certhash=<thumbprint of Get-ExchangeCertificate | "
	    "Where-Object FriendlyName -eq 'Microsoft Exchange'> appid=" BACKEND_APPID
	    " certstorename=MY. If that certificate was deleted, create it with "
	    "New-ExchangeCertificate -SubjectName 'CN=<HOST>' -DomainName "
	    "<HOST>,<FQDN> -FriendlyName 'Microsoft Exchange' -Services None, bind "
	    "it, then iisreset.",
	    "Certificate on %s (%s) does not cover %s", b->ssl_endpoint,
	    c->common_name[0] ? c->common_name : c->thumbprint, r->host->fqdn);
}

int
bs_rule_backend_cert_not_self_signed(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *site = NULL;
	const Bindscope__V1__Binding *b = NULL;
	const Bindscope__V1__Certificate *c = backend_cert(r, &site, &b);
	json_t *ev;

	if (c == NULL || c->self_signed != BINDSCOPE__V1__TRI__TRI_NO ||
	    c->covers_fqdn != BINDSCOPE__V1__TRI__TRI_YES)
		return 0;
	ev = binding_json(site, b);
	if (ev == NULL)
		return BS_ENOMEM;
	json_object_set_new(ev, "certificate", bs_rules_cert_json(c));
	return bs_rule_raise(ctx, ctx->severity, ev,
	    "Supported as long as it covers the FQDN and is renewed before it "
	    "expires; remember to rebind 444 whenever it is renewed. The default "
	    "is the self-signed \"Microsoft Exchange\" certificate.",
	    "Exchange Back End uses a third-party certificate (%s)",
	    c->common_name[0] ? c->common_name : c->thumbprint);
}

int
bs_rule_https_binding_without_cert(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *backend = bs_rules_backend_site(r);

	for (size_t s = 0; s < r->n_sites; s++) {
		const Bindscope__V1__Site *site = r->sites[s];

		if (site == backend) /* BACKEND_BINDING_MISSING covers it */
			continue;
		for (size_t i = 0; i < site->n_bindings; i++) {
			const Bindscope__V1__Binding *b = site->bindings[i];
			char key[300];
			int rv;

			if (!is_https(b) ||
			    b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING)
				continue;

			snprintf(key, sizeof(key), "%u/%s", site->id, b->binding_information);
			rv = bs_rule_raise_for(ctx, key, ctx->severity, binding_json(site, b),
			    "Select a certificate for this binding in IIS Manager (Bindings > "
			    "Edit > SSL certificate), or for Exchange run "
			    "Enable-ExchangeCertificate -Thumbprint <thumbprint> -Services IIS; "
			    "then iisreset.",
			    "Site '%s' https binding %s has no http.sys certificate", site->name,
			    b->binding_information);
			if (rv != 0)
				return rv;
		}
	}
	return 0;
}

int
bs_rule_probe_failed(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;

	for (size_t i = 0; i < r->n_probes; i++) {
		const Bindscope__V1__Probe *p = r->probes[i];
		const ProtobufCEnumValue *ev;

		if (p->port != 444 || strcasecmp(p->sni, r->host->fqdn) != 0 ||
		    !bs_rules_probe_failed(p))
			continue;
		ev = protobuf_c_enum_descriptor_get_value(
		    &bindscope__v1__probe_result__descriptor, p->result);
		return bs_rule_raise(ctx, ctx->severity,
		    json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "host", p->host, "port",
		        (int)p->port, "name", p->sni, "result", ev != NULL ? ev->name : "?",
		        "detail", p->detail, "presented_leaf",
		        p->n_chain_thumbprints > 0 ? p->chain_thumbprints[0] : ""),
		    "The front end cannot complete TLS to this server on 444. Check that the "
		    "Exchange Back End site is started and bound (https *:444: with the "
		    "\"Microsoft Exchange\" certificate), that the certificate covers the FQDN "
		    "and is valid, and that nothing between the servers blocks 444.",
		    "Live probe of %s:444 failed: %s", p->sni, ev != NULL ? ev->name + 6 : "?");
	}
	return 0;
}

int
bs_rule_backend_binding_not_all_unassigned(struct bs_rule_ctx *ctx)
{
	const Bindscope__V1__Site *site = bs_rules_backend_site(ctx->server->report);

	for (size_t i = 0; site != NULL && i < site->n_bindings; i++) {
		const Bindscope__V1__Binding *b = site->bindings[i];

		if (!is_https(b) || b->port == 0 || (strcmp(b->ip, "*") == 0 && b->host[0] == '\0'))
			continue;
		return bs_rule_raise(ctx, ctx->severity, binding_json(site, b),
		    "Set the Exchange Back End https binding to IP address \"All Unassigned\", port "
		    "444, no host name (*:444:), with the \"Microsoft Exchange\" certificate; "
		    "with Extended Protection on, any other binding fails with SEC_E_BAD_BINDINGS.",
		    "Exchange Back End https binding is %s, not *:444:", b->binding_information);
	}
	return 0;
}

/* Two sites on the same protocol and port: the same IP:port:host, or an
 * IP-specific binding on one and all-unassigned on the other, which IIS
 * cannot register together (it disables a site). */
int
bs_rule_binding_conflict(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;

	for (size_t s1 = 0; s1 < r->n_sites; s1++) {
		for (size_t s2 = s1 + 1; s2 < r->n_sites; s2++) {
			const Bindscope__V1__Site *a = r->sites[s1], *b = r->sites[s2];

			for (size_t i = 0; i < a->n_bindings; i++) {
				for (size_t k = 0; k < b->n_bindings; k++) {
					const Bindscope__V1__Binding *x = a->bindings[i],
					                             *y = b->bindings[k];
					int same, mixed;
					json_t *ev;

					if (x->port == 0 || x->port != y->port ||
					    strcasecmp(x->protocol, y->protocol) != 0 ||
					    strcasecmp(x->host, y->host) != 0)
						continue;
					same = strcmp(x->ip, y->ip) == 0;
					mixed =
					    (strcmp(x->ip, "*") == 0) != (strcmp(y->ip, "*") == 0);
					if (!same && !mixed)
						continue;
					ev = json_pack("{s:o, s:o}", "first", binding_json(a, x),
					    "second", binding_json(b, y));
					return bs_rule_raise(ctx, ctx->severity, ev,
					    "Give each site its own IP:port:host, or use the same "
					    "all-unassigned form on both; then start both sites and check "
					    "the System log for WAS/HTTP errors about URL registration.",
					    "Sites '%s' and '%s' both bind %s port %u", a->name,
					    b->name, x->protocol, x->port);
				}
			}
		}
	}
	return 0;
}
