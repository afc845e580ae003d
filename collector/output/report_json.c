/* report_json: builds the report document from an analysis. */
#include "output/report_json.h"
#include "output/protection_json.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "pbjson.h"
#include "analysis/rules/rules.h"

static json_t *
time_json(int64_t ms)
{
	char buf[32];

	bs_time_format(ms, buf, sizeof(buf));
	return buf[0] ? json_string(buf) : json_null();
}

const char *
bs_report_status(const struct bs_server *s)
{
	if (s->worst == BS_SEV_CRITICAL)
		return "critical";
	if (s->stale)
		return "stale";
	if (s->worst == BS_SEV_WARNING)
		return "warning";
	return "clean";
}

static json_t *
mute_json(const struct bs_mute *m)
{
	if (m == NULL)
		return json_null();
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)m->id, "server",
	    m->server, "rule", m->rule, "reason", m->reason, "by", m->by, "since",
	    time_json(m->created_ms), "until", time_json(m->expires_ms));
}

static json_t *
finding_json(const struct bs_server *s, const struct bs_finding *f)
{
	/* A NULL string would make json_pack fail, and the finding vanish. */
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:{s:s, s:o}, s:s, s:o, s:o, s:o}",
	    "rule", f->rule->id, "severity", bs_severity_name(f->severity), "server", s->fqdn,
	    "key", f->key, "title", f->title, "evidence", f->evidence, "remediation",
	    f->remediation, "fix", "powershell", f->fix != NULL ? f->fix : "", "placeholders",
	    bs_finding_placeholders(f), "doc", f->rule->anchor, "first_seen",
	    time_json(f->first_seen_ms), "last_seen", time_json(f->last_seen_ms), "muted",
	    mute_json(f->mute));
}

static json_t *
changes_json(const struct bs_server *s)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < s->n_changes; i++) {
		const struct bs_change *c = s->changes[i];

		json_array_append_new(arr,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "server", s->fqdn, "kind",
		        c->kind, "object", c->object, "before", c->before, "after", c->after,
		        "seen_at", time_json(c->at_ms), "previous_report_at",
		        time_json(c->prev_at_ms)));
	}
	return arr != NULL ? arr : json_array();
}

void
bs_report_site_cert(const bs_report *r, int backend, struct bs_site_cert *out)
{
	const Bindscope__V1__Site *site =
	    backend ? bs_rules_backend_site(r) : bs_rules_frontend_site(r);

	memset(out, 0, sizeof(*out));
	out->kind = "missing";
	out->backend = backend;
	for (size_t i = 0; site != NULL && i < site->n_bindings; i++) {
		const Bindscope__V1__Binding *b = site->bindings[i];

		if (strcmp(b->protocol, "https") != 0)
			continue;
		out->binding = b;
		out->cert = b->join == BINDSCOPE__V1__JOIN_STATUS__JOIN_OK
		    ? bs_rules_cert(r, b->cert_thumbprint, NULL)
		    : NULL;
		if (out->cert != NULL)
			out->kind = out->cert->self_signed == BINDSCOPE__V1__TRI__TRI_YES
			    ? "self-signed"
			    : "third-party";
		return;
	}
}

void
bs_report_site_cert_label(const struct bs_site_cert *sc, char *out, size_t n)
{
	if (sc->cert == NULL)
		snprintf(out, n, "missing");
	else
		snprintf(out, n, "%s: %s%s", sc->kind,
		    sc->cert->common_name[0] ? sc->cert->common_name : sc->cert->thumbprint,
		    sc->cert->covers_fqdn == BINDSCOPE__V1__TRI__TRI_NO && sc->backend
		        ? " (does not cover the FQDN)"
		        : "");
}

/* The certificate behind the first https binding of a site, summarised
 * for the server table. */
static json_t *
site_cert_json(const bs_report *r, int backend)
{
	struct bs_site_cert sc;
	const Bindscope__V1__Certificate *c;

	bs_report_site_cert(r, backend, &sc);
	if ((c = sc.cert) == NULL && sc.binding != NULL)
		return json_pack("{s:s, s:s, s:s}", "kind", "missing", "binding",
		    sc.binding->binding_information, "thumbprint", sc.binding->cert_thumbprint);
	if (c == NULL)
		return json_pack("{s:s}", "kind", "missing");
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "kind", sc.kind, "binding",
	    sc.binding->binding_information, "thumbprint", c->thumbprint, "subject", c->subject,
	    "common_name", c->common_name, "not_after", (json_int_t)c->not_after, "covers_fqdn",
	    c->covers_fqdn == BINDSCOPE__V1__TRI__TRI_YES);
}

json_t *
bs_report_json_server(const struct bs_server *s, int detail)
{
	const bs_report *r = s->report;
	json_t *findings = json_array();
	json_t *o;

	for (size_t i = 0; findings != NULL && i < s->n_findings; i++)
		json_array_append_new(findings, finding_json(s, s->findings[i]));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:i}", "fqdn",
	    s->fqdn, "hostname", r->host->hostname, "domain", r->host->domain, "exchange_build",
	    r->host->exchange_build, "provenance", s->provenance, "last_report_at",
	    time_json(s->received_at_ms), "status", bs_report_status(s), "worst_severity",
	    bs_severity_name(s->worst), "cert_443", site_cert_json(r, 0), "cert_444",
	    site_cert_json(r, 1), "findings", findings != NULL ? findings : json_array(),
	    "collection_errors", (int)r->n_errors);
	if (o != NULL)
		json_object_set_new(o, "ad_site", json_string(r->host->ad_site));
	if (o != NULL && r->agent != NULL)
		json_object_set_new(o, "agent",
		    json_pack("{s:s, s:I, s:f, s:b, s:I, s:I}", "version", r->agent->agent_version,
		        "sweep_cpu_ms", (json_int_t)(r->agent->sweep_cpu_us / 1000),
		        "peak_memory_mib", (double)r->agent->peak_rss_kib / 1024.0, "cut_short",
		        r->agent->cut_short, "spooled_reports",
		        (json_int_t)r->agent->spooled_reports, "dropped_reports",
		        (json_int_t)r->agent->dropped_reports));
	if (o != NULL) {
		json_object_set_new(o, "muted_findings", json_integer((json_int_t)s->n_muted));
		json_object_set_new(o, "recent_changes", changes_json(s));
	}
	if (o != NULL && detail) {
		json_object_set_new(o, "report", bs_pbjson_from_message(&r->base, 0));
		json_object_set_new(o, "protection", bs_protection_json(s));
	}
	return o;
}

json_t *
bs_report_json_summary(const struct bs_analysis *a)
{
	json_t *rules = json_object();
	json_int_t crit = 0, warn = 0, stale = 0, clean = 0, muted = 0;
	int64_t newest = 0;

	if (rules == NULL)
		return NULL;
	for (size_t k = 0; k < bs_rules_count; k++)
		json_object_set_new(rules, bs_rules[k].id, json_integer(0));
	for (size_t i = 0; i < a->n_servers; i++) {
		const struct bs_server *s = a->servers[i];
		const char *st = bs_report_status(s);

		if (strcmp(st, "critical") == 0)
			crit++;
		else if (strcmp(st, "warning") == 0)
			warn++;
		else if (strcmp(st, "stale") == 0)
			stale++;
		else
			clean++;
		if (s->received_at_ms > newest)
			newest = s->received_at_ms;
		for (size_t k = 0; k < s->n_findings; k++) {
			json_t *n = json_object_get(rules, s->findings[k]->rule->id);

			if (s->findings[k]->mute != NULL) {
				muted++;
				continue;
			}
			json_integer_set(n, json_integer_value(n) + 1);
		}
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "servers",
	    (json_int_t)a->n_servers, "critical", crit, "warning", warn, "stale", stale, "clean",
	    clean, "muted_findings", muted, "newest_report_at", time_json(newest),
	    "findings_per_rule", rules);
}

json_t *
bs_report_json_findings(const struct bs_analysis *a)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < a->n_servers; i++)
		for (size_t k = 0; k < a->servers[i]->n_findings; k++)
			json_array_append_new(
			    arr, finding_json(a->servers[i], a->servers[i]->findings[k]));
	return arr;
}

json_t *
bs_report_json(const struct bs_analysis *a)
{
	json_t *servers = json_array();

	for (size_t i = 0; servers != NULL && i < a->n_servers; i++)
		json_array_append_new(servers, bs_report_json_server(a->servers[i], 0));
	json_t *mutes = json_array();

	for (size_t i = 0; mutes != NULL && i < a->n_mutes; i++)
		json_array_append_new(mutes, mute_json(a->mutes[i]));
	return json_pack("{s:o, s:s, s:o, s:o, s:o}", "generated_at", time_json(a->generated_at_ms),
	    "collector_version", BS_VERSION, "summary", bs_report_json_summary(a), "active_mutes",
	    mutes != NULL ? mutes : json_array(), "servers",
	    servers != NULL ? servers : json_array());
}
