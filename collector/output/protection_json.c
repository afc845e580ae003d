/* protection_json: the TLS matrix and the Extended Protection table of one
 * server, from the report and the rules' own reading of it. */
#include "output/protection_json.h"

#include <stdio.h>
#include <string.h>

#include "analysis/rules/rules.h"

static json_t *
prot_value(const Bindscope__V1__RegSetting *v)
{
	char buf[16];

	if (v == NULL || v->state == BINDSCOPE__V1__REG_STATE__REG_UNREADABLE ||
	    v->state == BINDSCOPE__V1__REG_STATE__REG_STATE_UNSPECIFIED)
		return json_string("not read");
	if (v->state == BINDSCOPE__V1__REG_STATE__REG_ABSENT)
		return json_string("absent");
	snprintf(buf, sizeof(buf), "0x%x", v->dword);
	return json_string(buf);
}

static const char *
prot_ep_verdict(const char *expected, const char *effective)
{
	static const char *const order = "NoneAllowRequire";
	const char *e, *h;

	if (expected == NULL)
		return "not compared";
	if (strcmp(expected, effective) == 0)
		return "as expected";
	e = strstr(order, expected);
	h = strstr(order, effective);
	if (e == NULL || h == NULL)
		return "unknown value";
	return h > e ? "above: breaks clients" : "below: exposed";
}

json_t *
bs_protection_json(const struct bs_server *s)
{
	const bs_report *r = s->report;
	json_t *m = json_array(), *dn = json_array(), *ep = json_array();

	for (size_t i = 0; m != NULL && r->tls != NULL && i < r->tls->n_protocols; i++) {
		const Bindscope__V1__SchannelProtocol *p = r->tls->protocols[i];
		int usable;
		const char *st = bs_rules_tls_state(r, p, &usable);

		json_array_append_new(m,
		    json_pack("{s:s, s:s, s:s, s:b, s:o, s:o}", "protocol", p->protocol, "side",
		        p->side, "state", st, "usable", usable, "enabled", prot_value(p->enabled),
		        "disabled_by_default", prot_value(p->disabled_by_default)));
	}
	for (size_t i = 0; dn != NULL && r->tls != NULL && i < r->tls->n_dotnet; i++) {
		const Bindscope__V1__DotNetTls *d = r->tls->dotnet[i];

		json_array_append_new(dn,
		    json_pack("{s:s, s:b, s:o, s:o}", "version", d->version, "wow6432",
		        (int)d->wow6432, "SystemDefaultTlsVersions",
		        prot_value(d->system_default_tls_versions), "SchUseStrongCrypto",
		        prot_value(d->sch_use_strong_crypto)));
	}
	for (size_t i = 0; ep != NULL && i < r->n_vdirs; i++) {
		const Bindscope__V1__VirtualDirectory *vd = r->vdirs[i];
		const char *effective, *expected = bs_rules_ep_expected(r, vd, &effective);

		json_array_append_new(ep,
		    json_pack("{s:s, s:s, s:s?, s:s, s:s, s:b, s:s, s:s, s:s}", "location",
		        vd->path, "token_checking", vd->token_checking, "expected", expected,
		        "effective", effective, "verdict", prot_ep_verdict(expected, effective),
		        "set_here", (int)vd->token_checking_set, "inherited_from",
		        vd->token_checking_set           ? ""
		            : vd->token_checking_from[0] ? vd->token_checking_from
		                                         : "(IIS default)",
		        "ssl_flags", vd->ssl_flags, "allow_unlisted",
		        vd->allow_unlisted == BINDSCOPE__V1__TRI__TRI_NO        ? "false"
		            : vd->allow_unlisted == BINDSCOPE__V1__TRI__TRI_YES ? "true"
		                                                                : "not set"));
	}
	if (m == NULL || dn == NULL || ep == NULL) {
		json_decref(m);
		json_decref(dn);
		json_decref(ep);
		return NULL;
	}
	return json_pack(
	    "{s:o, s:o, s:o}", "tls_matrix", m, "dotnet", dn, "extended_protection", ep);
}
