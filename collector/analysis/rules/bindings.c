/* bindings: the rules about IIS bindings, their http.sys entries and the
 * certificates they reach; the seed failure (BACKEND_CERT_NAME_MISMATCH)
 * lives here. Facts: ../shared/spec/exchange-facts.md. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "err.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

/* Room for a remediation text with a few names and thumbprints in it. */
#define REMEDY_MAX 1024

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

/* The certificate to bind on 444 here, and the text saying which. */
static const Bindscope__V1__Certificate *
remedy_444(const struct bs_rule_ctx *ctx, char *text, size_t n)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Certificate *c = bs_remedy_backend_cert(r, ctx->a->opt.now_ms);

	bs_remedy_backend_text(r, c, text, n);
	return c;
}

int
bs_rule_backend_binding_missing(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *site;
	const Bindscope__V1__Certificate *c;
	size_t https = 0, served = 0;
	char rem[REMEDY_MAX], which[400];
	struct bs_fix fix;

	if (r->n_sites == 0)
		return 0; /* IIS configuration not read: a collection error, not this */
	site = bs_rules_backend_site(r);
	c = remedy_444(ctx, which, sizeof(which));
	if (site == NULL) {
		if (r->host->exchange_build[0] == '\0')
			return 0; /* not an Exchange server */
		snprintf(rem, sizeof(rem),
		    "%s has no Exchange Back End site, so front ends cannot reach "
		    "https://%s:444/. Recreate it: rerun Exchange Setup in recovery mode or follow "
		    "Microsoft's guidance to recreate the back-end virtual directories; then %s "
		    "(https, All Unassigned, port 444) and run iisreset.",
		    r->host->fqdn, r->host->fqdn, which);
		return bs_rule_raise(ctx, ctx->severity,
		    json_pack("{s:s}", "sites_found", "no site named Exchange Back End (id 2)"),
		    rem, "The Exchange Back End IIS site is missing");
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
	snprintf(rem, sizeof(rem),
	    "On %s, site '%s' %s, so front ends cannot reach https://%s:444/. %s: in IIS Manager "
	    "open Sites > %s > Bindings, add (or edit) type https, IP address \"All Unassigned\", "
	    "port 444, select that certificate, then run iisreset.",
	    r->host->fqdn, site->name,
	    https == 0 ? "has no https binding" : "has no http.sys certificate binding on 444",
	    r->host->fqdn, which, site->name);
	bs_fix_init(&fix);
	if (https == 0) {
		bs_fix_begin(&fix, r, "give the Exchange Back End its https binding *:444:");
		bs_fix_line(&fix, "Import-Module WebAdministration");
		bs_fix_line(&fix,
		    "New-WebBinding -Name '%s' -Protocol https -IPAddress '*' -Port 444",
		    bs_fix_site(site->name));
	} else {
		bs_fix_begin(
		    &fix, r, "bind a certificate to 0.0.0.0:444 for the Exchange Back End");
	}
	bs_fix_bind_444(&fix, r, c);
	return bs_rule_raise_fix(ctx, "", ctx->severity,
	    json_pack("{s:s, s:i, s:i}", "site", site->name, "https_bindings", (int)https,
	        "served_by_http_sys", (int)served),
	    rem, &fix, "%s",
	    https == 0 ? "Exchange Back End has no https binding"
	               : "No http.sys certificate binding serves Exchange Back End on 444");
}

static int
cert_not_in_store(struct bs_rule_ctx *ctx, const Bindscope__V1__Site *site, const char *which)
{
	const bs_report *r = ctx->server->report;
	int backend = strcmp(which, "Back-end") == 0;

	for (size_t i = 0; site != NULL && i < site->n_bindings; i++) {
		const Bindscope__V1__Binding *b = site->bindings[i];
		const Bindscope__V1__SslBinding *sb;
		char rem[REMEDY_MAX], what[400];
		struct bs_fix fix;
		json_t *ev;

		if (!is_https(b) ||
		    (b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE &&
		        b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_STORE_MISSING))
			continue;
		sb = bs_rules_ssl(r, b->ssl_endpoint);
		ev = binding_json(site, b);
		if (ev != NULL && sb != NULL)
			json_object_set_new(ev, "store_name", json_string(sb->store_name));
		if (ev != NULL)
			json_object_set_new(ev, "reason",
			    json_string(b->join == BINDSCOPE__V1__JOIN_STATUS__JOIN_STORE_MISSING
			            ? "the named certificate store does not exist"
			            : "no certificate with this thumbprint in the store"));
		bs_fix_init(&fix);
		if (backend) {
			const Bindscope__V1__Certificate *c = remedy_444(ctx, what, sizeof(what));

			bs_fix_begin(&fix, r, "the certificate http.sys names for 444 is gone");
			bs_fix_bind_444(&fix, r, c);
		} else {
			struct bs_remedy_443 c;

			bs_remedy_frontend_cert(ctx->a, r, b->cert_thumbprint, &c);
			if (c.thumb == NULL)
				snprintf(what, sizeof(what),
				    "No other front end and no valid certificate in LocalMachine\\My "
				    "says which one to bind: pick the namespace certificate and run "
				    "Enable-ExchangeCertificate -Server %s -Thumbprint <its thumbprint> "
				    "-Services IIS",
				    r->host->fqdn);
			else
				snprintf(what, sizeof(what), "Bind %s%s%s to %s", c.thumb,
				    c.local == NULL ? ", copied from " : "",
				    c.local == NULL ? c.from : "", b->ssl_endpoint);
			bs_fix_begin(&fix, r, "the certificate http.sys names for 443 is gone");
			bs_fix_enable_443(&fix, r, &c, b->ssl_endpoint,
			    sb != NULL &&
			        sb->kind == BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI,
			    sb != NULL);
		}
		snprintf(rem, sizeof(rem),
		    "On %s, the http.sys binding %s names certificate %s, which is not in "
		    "LocalMachine\\%s: it was deleted or renewed without rebinding. %s (or in IIS "
		    "Manager edit the https binding of site '%s' and pick it), then run iisreset.",
		    r->host->fqdn, b->ssl_endpoint,
		    b->cert_thumbprint[0] ? b->cert_thumbprint : "(none)",
		    sb != NULL ? sb->store_name : "My", what, site->name);
		return bs_rule_raise_fix(ctx, "", ctx->severity, ev, rem, &fix,
		    "%s binding %s names certificate %s, which is not in LocalMachine\\%s", which,
		    b->ssl_endpoint, b->cert_thumbprint[0] ? b->cert_thumbprint : "(none)",
		    sb != NULL ? sb->store_name : "My");
	}
	return 0;
}

/* A store name for a Cert:\ path: letters and digits only, else My. */
static const char *
store_for_path(const Bindscope__V1__SslBinding *sb)
{
	const char *n = sb != NULL ? sb->store_name : NULL;

	if (n == NULL || n[0] == '\0' || strlen(n) > 32)
		return "My";
	for (const char *p = n; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p))
			return "My";
	return n;
}

/* 1 when a binding in list (binding_json's) names thumb already. */
static int
thumb_seen(json_t *list, const char *thumb)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *t =
		    json_string_value(json_object_get(json_array_get(list, i), "cert_thumbprint"));

		if (t != NULL && strcasecmp(t, thumb) == 0)
			return 1;
	}
	return 0;
}

/* No certificate store was read (not exported, or not readable), so the
 * certificates the Back End's and the Default Web Site's bindings name
 * were not checked at all: the server must not look clean, and nothing
 * may call them missing (that is BACKEND_CERT_NOT_IN_STORE, an outage). */
int
bs_rule_cert_stores_not_read(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *sites[2] = {bs_rules_backend_site(r), bs_rules_frontend_site(r)};
	const char *reason = "";
	char rem[REMEDY_MAX], names[256] = "";
	size_t n = 0, used = 0;
	struct bs_fix fix;
	json_t *list = json_array();
	int seen;

	if (list == NULL)
		return BS_ENOMEM;
	bs_fix_init(&fix);
	bs_fix_begin(&fix, r,
	    "its certificate stores were not read; look at each certificate its bindings name");
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; sites[k] != NULL && i < sites[k]->n_bindings; i++) {
			const Bindscope__V1__Binding *b = sites[k]->bindings[i];

			if (!is_https(b) ||
			    b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_STORES_NOT_READ)
				continue;
			if (used < sizeof(names))
				used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
				    n > 0 ? ", " : "", b->ssl_endpoint);
			n++;
			seen = thumb_seen(list, b->cert_thumbprint);
			json_array_append_new(list, binding_json(sites[k], b));
			if (seen)
				continue; /* one look per certificate */
			bs_fix_line(&fix,
			    "Get-Item -Path 'Cert:\\LocalMachine\\%s\\%s' | Format-List Subject, "
			    "NotAfter, DnsNameList, HasPrivateKey",
			    store_for_path(bs_rules_ssl(r, b->ssl_endpoint)),
			    bs_fix_thumb(b->cert_thumbprint));
		}
	if (n == 0) {
		json_decref(list);
		return 0;
	}
	for (size_t i = 0; i < r->n_errors; i++)
		if (strcmp(r->errors[i]->source, "certstore") == 0) {
			reason = r->errors[i]->reason;
			break;
		}
	bs_fix_line(&fix,
	    "# Then collect again with the stores: Export-BindscopeEvidence.ps1 writes certstore\\, "
	    "the agent reads them as LocalSystem (its log says why it could not)");
	snprintf(rem, sizeof(rem),
	    "On %s, no certificate store was read%s%s, so the certificates that %s name were not "
	    "checked: whether they exist, expire or cover the server's name is unknown, and this "
	    "server's certificate findings are incomplete. Collect its evidence again with the "
	    "certificate stores; meanwhile the commands show each certificate on the server.",
	    r->host->fqdn, reason[0] != '\0' ? ": " : "", reason, names);
	return bs_rule_raise_fix(ctx, "", ctx->severity,
	    json_pack("{s:o, s:s}", "bindings", list, "reason", reason), rem, &fix,
	    "The certificates of %s were not checked: no certificate store was read (%s)",
	    r->host->fqdn, names);
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
	const Bindscope__V1__Certificate *c = backend_cert(r, &site, &b), *to;
	const Bindscope__V1__OptU32 *untrusted = r->host->allow_internal_untrusted_certs;
	enum bs_severity sev = ctx->severity;
	char rem[REMEDY_MAX], which[400];
	struct bs_fix fix;
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
	to = remedy_444(ctx, which, sizeof(which));
	snprintf(rem, sizeof(rem),
	    "The front end reaches this server as https://%s:444/, so the certificate bound to "
	    "%s must cover %s; %s (%s) does not. %s: IIS Manager > Sites > %s > Bindings > "
	    "https 444 > Edit > SSL certificate, or the netsh commands of the fix; then iisreset.",
	    r->host->fqdn, b->ssl_endpoint, r->host->fqdn, c->thumbprint, c->subject, which,
	    site->name);
	bs_fix_init(&fix);
	bs_fix_begin(&fix, r, "the certificate on 0.0.0.0:444 does not cover this server's name");
	bs_fix_bind_444(&fix, r, to);
	return bs_rule_raise_fix(ctx, "", sev, ev, rem, &fix,
	    "Certificate on %s (%s) does not cover %s", b->ssl_endpoint,
	    c->common_name[0] ? c->common_name : c->thumbprint, r->host->fqdn);
}

int
bs_rule_backend_cert_not_self_signed(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *site = NULL;
	const Bindscope__V1__Binding *b = NULL;
	const Bindscope__V1__Certificate *c = backend_cert(r, &site, &b), *own;
	char rem[REMEDY_MAX], until[32], alt[200] = "";
	json_t *ev;

	if (c == NULL || c->self_signed != BINDSCOPE__V1__TRI__TRI_NO ||
	    c->covers_fqdn != BINDSCOPE__V1__TRI__TRI_YES)
		return 0;
	ev = binding_json(site, b);
	if (ev == NULL)
		return BS_ENOMEM;
	json_object_set_new(ev, "certificate", bs_rules_cert_json(c));
	own = bs_remedy_backend_cert(r, ctx->a->opt.now_ms);
	if (own != NULL && own != c && own->self_signed == BINDSCOPE__V1__TRI__TRI_YES)
		snprintf(alt, sizeof(alt), " (on this server: %s)", own->thumbprint);
	bs_time_format(c->not_after * 1000, until, sizeof(until));
	until[10] = '\0';
	snprintf(rem, sizeof(rem),
	    "Supported: %s (%s) covers %s. It must be renewed before %s and 0.0.0.0:444 rebound "
	    "to the renewed one in the same change, which is how the name-mismatch outage "
	    "usually starts. The default is the self-signed \"Microsoft Exchange\" "
	    "certificate%s.",
	    c->thumbprint, c->subject, r->host->fqdn, until, alt);
	return bs_rule_raise(ctx, ctx->severity, ev, rem,
	    "Exchange Back End uses a third-party certificate (%s)",
	    c->common_name[0] ? c->common_name : c->thumbprint);
}

/* The http.sys key an https binding needs: host:port with SNI, else
 * IP:port (0.0.0.0 for all unassigned). */
static void
binding_endpoint(const Bindscope__V1__Binding *b, char *out, size_t n, int *sni)
{
	*sni = (b->ssl_flags & 1u) != 0 && b->host[0] != '\0';
	if (b->ssl_endpoint[0] != '\0')
		snprintf(out, n, "%s", b->ssl_endpoint);
	else if (*sni)
		snprintf(out, n, "%s:%u", b->host, b->port);
	else
		snprintf(out, n, "%s:%u",
		    strcmp(b->ip, "*") == 0 || b->ip[0] == '\0' ? "0.0.0.0" : b->ip, b->port);
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
			struct bs_remedy_443 c;
			char key[300], ep[300], rem[REMEDY_MAX];
			struct bs_fix fix;
			int rv, sni;

			if (!is_https(b) ||
			    b->join != BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING)
				continue;

			snprintf(key, sizeof(key), "%u/%s", site->id, b->binding_information);
			binding_endpoint(b, ep, sizeof(ep), &sni);
			/* On 443 the fleet's namespace certificate is the one; for
			 * another port nothing in the evidence says which. */
			memset(&c, 0, sizeof(c));
			if (b->port == 443)
				bs_remedy_frontend_cert(ctx->a, r, NULL, &c);
			bs_fix_init(&fix);
			bs_fix_begin(&fix, r, "give the https binding a certificate in http.sys");
			if (b->port != 443)
				bs_fix_line(&fix,
				    "# Nothing in the evidence says which certificate site "
				    "'%s' should serve on port %u.",
				    bs_fix_site(site->name), b->port);
			bs_fix_enable_443(&fix, r, &c, ep, sni, 0);
			snprintf(rem, sizeof(rem),
			    "On %s, site '%s' has the https binding %s but http.sys has no certificate "
			    "for %s, so IIS cannot start TLS there. %s%s%s; or in IIS Manager "
			    "(Bindings > Edit > SSL certificate). Then iisreset.",
			    r->host->fqdn, site->name, b->binding_information, ep,
			    c.thumb != NULL ? "Bind " : "Select the certificate for it",
			    c.thumb != NULL ? c.thumb : "",
			    c.thumb != NULL && c.local == NULL
			        ? " (copied from the other front end)"
			        : "");
			rv = bs_rule_raise_fix(ctx, key, ctx->severity, binding_json(site, b), rem,
			    &fix, "Site '%s' https binding %s has no http.sys certificate",
			    site->name, b->binding_information);
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
	const Bindscope__V1__Site *be = bs_rules_backend_site(r);
	const char *site = bs_fix_site(be != NULL ? be->name : "Exchange Back End");

	for (size_t i = 0; i < r->n_probes; i++) {
		const Bindscope__V1__Probe *p = r->probes[i];
		const ProtobufCEnumValue *ev;
		const Bindscope__V1__Certificate *c;
		char rem[REMEDY_MAX], which[400];
		struct bs_fix fix;

		if (p->port != 444 || strcasecmp(p->sni, r->host->fqdn) != 0 ||
		    !bs_rules_probe_failed(p))
			continue;
		ev = protobuf_c_enum_descriptor_get_value(
		    &bindscope__v1__probe_result__descriptor, p->result);
		c = remedy_444(ctx, which, sizeof(which));
		bs_fix_init(&fix);
		switch (p->result) {
		case BINDSCOPE__V1__PROBE_RESULT__PROBE_DNS_FAILURE:
			bs_fix_begin(&fix, r, "its name does not resolve; register it in DNS");
			bs_fix_line(&fix, "ipconfig /registerdns");
			bs_fix_line(&fix, "# then, from a front end:");
			bs_fix_line(&fix, "Resolve-DnsName -Name '%s'", bs_fix_fqdn(r->host->fqdn));
			snprintf(rem, sizeof(rem),
			    "%s does not resolve in DNS, so front ends cannot reach https://%s:444/. "
			    "Register the server's A record (ipconfig /registerdns on %s) and check "
			    "with Resolve-DnsName %s from a front end.",
			    r->host->fqdn, r->host->fqdn, r->host->fqdn, r->host->fqdn);
			break;
		case BINDSCOPE__V1__PROBE_RESULT__PROBE_REFUSED:
		case BINDSCOPE__V1__PROBE_RESULT__PROBE_TIMEOUT:
		case BINDSCOPE__V1__PROBE_RESULT__PROBE_UNREACHABLE:
			bs_fix_begin(
			    &fix, r, "nothing answers on 444; start the Exchange Back End");
			bs_fix_line(&fix, "Import-Module WebAdministration");
			bs_fix_line(
			    &fix, "Get-Website -Name '%s' | Format-List Name,State,Bindings", site);
			bs_fix_line(&fix, "Start-Website -Name '%s'", site);
			bs_fix_line(&fix, "netsh http show sslcert ipport=0.0.0.0:444");
			bs_fix_line(&fix, "# then, from a front end:");
			bs_fix_line(&fix, "Test-NetConnection -ComputerName '%s' -Port 444",
			    bs_fix_fqdn(r->host->fqdn));
			snprintf(rem, sizeof(rem),
			    "Nothing completes a connection to %s:444 (%s). Check on %s that site '%s' "
			    "is started and bound to https *:444:, and that no firewall between the "
			    "servers blocks 444 (Test-NetConnection %s -Port 444 from a front end).",
			    r->host->fqdn, p->detail, r->host->fqdn,
			    be != NULL ? be->name : "Exchange Back End", r->host->fqdn);
			break;
		default:
			bs_fix_begin(
			    &fix, r, "TLS to 444 fails; bind a certificate that covers the name");
			bs_fix_line(&fix, "netsh http show sslcert ipport=0.0.0.0:444");
			bs_fix_bind_444(&fix, r, c);
			snprintf(rem, sizeof(rem),
			    "The front end cannot complete TLS to %s on 444 (%s). %s, then iisreset; "
			    "the self-signed \"Microsoft Exchange\" certificate is what front ends "
			    "expect there.",
			    r->host->fqdn, p->detail, which);
			break;
		}
		return bs_rule_raise_fix(ctx, "", ctx->severity,
		    json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "host", p->host, "port",
		        (int)p->port, "name", p->sni, "result", ev != NULL ? ev->name : "?",
		        "detail", p->detail, "presented_leaf",
		        p->n_chain_thumbprints > 0 ? p->chain_thumbprints[0] : ""),
		    rem, &fix, "Live probe of %s:444 failed: %s", p->sni,
		    ev != NULL ? ev->name + 6 : "?");
	}
	return 0;
}

/* Removes the binding b of site, in a fix. */
static void
fix_remove_binding(
    struct bs_fix *f, const Bindscope__V1__Site *site, const Bindscope__V1__Binding *b)
{
	bs_fix_line(f, "Remove-WebBinding -Name '%s' -Protocol %s -BindingInformation '%s'",
	    bs_fix_site(site->name), is_https(b) ? "https" : "http",
	    bs_fix_binding(b->binding_information));
}

/* The Back End's binding b made *:444: again, with the certificate. */
static void
fix_backend_all_unassigned(struct bs_rule_ctx *ctx, struct bs_fix *f,
    const Bindscope__V1__Site *site, const Bindscope__V1__Binding *b)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__SslBinding *sb = bs_rules_ssl(r, b->ssl_endpoint);

	fix_remove_binding(f, site, b);
	bs_fix_line(f, "New-WebBinding -Name '%s' -Protocol https -IPAddress '*' -Port 444",
	    bs_fix_site(site->name));
	if (sb != NULL && strcmp(sb->endpoint, "0.0.0.0:444") != 0)
		bs_fix_line(f, "netsh http delete sslcert %s='%s'",
		    sb->kind == BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI ? "hostnameport"
		                                                                 : "ipport",
		    bs_fix_endpoint(sb->endpoint));
	bs_fix_bind_444(f, r, bs_remedy_backend_cert(r, ctx->a->opt.now_ms));
}

static int
binding_all_unassigned(const Bindscope__V1__Binding *b)
{
	return strcmp(b->ip, "*") == 0 && b->host[0] == '\0';
}

int
bs_rule_backend_binding_not_all_unassigned(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	const Bindscope__V1__Site *site = bs_rules_backend_site(r);

	for (size_t i = 0; site != NULL && i < site->n_bindings; i++) {
		const Bindscope__V1__Binding *b = site->bindings[i];
		char rem[REMEDY_MAX], which[400];
		struct bs_fix fix;

		if (!is_https(b) || b->port == 0 || binding_all_unassigned(b))
			continue;
		remedy_444(ctx, which, sizeof(which));
		snprintf(rem, sizeof(rem),
		    "On %s, replace the https binding %s of site '%s' with IP address \"All Unassigned\", "
		    "port 444, no host name (*:444:). %s. With Extended Protection on, any other "
		    "binding fails with SEC_E_BAD_BINDINGS.",
		    r->host->fqdn, b->binding_information, site->name, which);
		bs_fix_init(&fix);
		bs_fix_begin(&fix, r, "make the Exchange Back End's https binding *:444:");
		bs_fix_line(&fix, "Import-Module WebAdministration");
		fix_backend_all_unassigned(ctx, &fix, site, b);
		return bs_rule_raise_fix(ctx, "", ctx->severity, binding_json(site, b), rem, &fix,
		    "Exchange Back End https binding is %s, not *:444:", b->binding_information);
	}
	return 0;
}

/* Which of two colliding bindings stays: the Back End's on 444, then the
 * Default Web Site's, then the first site's. */
static int
binding_rank(const bs_report *r, const Bindscope__V1__Site *site, const Bindscope__V1__Binding *b)
{
	if (site == bs_rules_backend_site(r) && b->port == 444)
		return 3;
	if (site == bs_rules_frontend_site(r))
		return 2;
	return 1;
}

static int
binding_conflict_raise(struct bs_rule_ctx *ctx, const Bindscope__V1__Site *a,
    const Bindscope__V1__Binding *x, const Bindscope__V1__Site *b, const Bindscope__V1__Binding *y)
{
	const bs_report *r = ctx->server->report;
	int keep_a = binding_rank(r, a, x) >= binding_rank(r, b, y);
	const Bindscope__V1__Site *ks = keep_a ? a : b, *ls = keep_a ? b : a;
	const Bindscope__V1__Binding *kb = keep_a ? x : y, *lb = keep_a ? y : x;
	int fix_backend = binding_rank(r, ks, kb) == 3 && !binding_all_unassigned(kb);
	char rem[REMEDY_MAX];
	struct bs_fix fix;
	json_t *ev;

	snprintf(rem, sizeof(rem),
	    "On %s, sites '%s' (%s) and '%s' (%s) both bind %s port %u, which IIS cannot register "
	    "together: it disables one. Remove %s from '%s' (give that site its own port or host "
	    "name if it still needs one)%s, start '%s', and check the System log for WAS/HTTP "
	    "errors about URL registration.",
	    r->host->fqdn, a->name, x->binding_information, b->name, y->binding_information,
	    x->protocol, x->port, lb->binding_information, ls->name,
	    fix_backend ? " and make the Exchange Back End's binding *:444:" : "", ks->name);
	bs_fix_init(&fix);
	bs_fix_begin(&fix, r, "two sites bind the same port; keep it on one");
	bs_fix_line(&fix, "Import-Module WebAdministration");
	fix_remove_binding(&fix, ls, lb);
	bs_fix_line(&fix,
	    "# Give '%s' its own port or host name if it still needs one (New-WebBinding).",
	    bs_fix_site(ls->name));
	if (fix_backend)
		fix_backend_all_unassigned(ctx, &fix, ks, kb);
	bs_fix_line(&fix, "Start-Website -Name '%s'", bs_fix_site(ks->name));
	ev = json_pack("{s:o, s:o}", "first", binding_json(a, x), "second", binding_json(b, y));
	return bs_rule_raise_fix(ctx, "", ctx->severity, ev, rem, &fix,
	    "Sites '%s' and '%s' both bind %s port %u", a->name, b->name, x->protocol, x->port);
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

					if (x->port == 0 || x->port != y->port ||
					    strcasecmp(x->protocol, y->protocol) != 0 ||
					    strcasecmp(x->host, y->host) != 0)
						continue;
					same = strcmp(x->ip, y->ip) == 0;
					mixed =
					    (strcmp(x->ip, "*") == 0) != (strcmp(y->ip, "*") == 0);
					if (!same && !mixed)
						continue;
					return binding_conflict_raise(ctx, a, x, b, y);
				}
			}
		}
	}
	return 0;
}
