/* consistency: the compared properties' table and the grouping. */
#include "output/consistency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rules/rules.h"
#include "clock.h"
#include "err.h"
#include "output/report_json.h"

/* One compared property: its value (what groups and filters) and the
 * label people read for it. */
struct prop {
	const char *name, *label;
	void (*value)(const struct bs_server *s, char *value, char *label, size_t n);
};

static void
prop_cert_443(const struct bs_server *s, char *value, char *label, size_t n)
{
	struct bs_site_cert sc;

	bs_report_site_cert(s->report, 0, &sc);
	if (sc.cert == NULL) {
		snprintf(value, n, "missing");
		snprintf(label, n, "missing");
		return;
	}
	snprintf(value, n, "%s", sc.cert->thumbprint);
	snprintf(label, n, "%s [%s]", sc.cert->common_name[0] ? sc.cert->common_name : "?",
	    sc.cert->thumbprint);
}

static void
prop_kind_444(const struct bs_server *s, char *value, char *label, size_t n)
{
	struct bs_site_cert sc;

	bs_report_site_cert(s->report, 1, &sc);
	snprintf(value, n, "%s", sc.kind);
	snprintf(label, n, "%s", sc.kind);
}

static void
prop_build(const struct bs_server *s, char *value, char *label, size_t n)
{
	const char *b = s->report->host->exchange_build;

	snprintf(value, n, "%s", b[0] ? b : "unknown");
	snprintf(label, n, "%s", b[0] ? b : "unknown");
}

/* Appends "text" to out (n bytes) with a separator; cut when full. */
static void
prop_cat(char *out, size_t n, const char *sep, const char *text)
{
	size_t l = strlen(out);

	if (l + 1 < n)
		snprintf(out + l, n - l, "%s%s", l > 0 ? sep : "", text);
}

/* A value too long for its buffer still groups apart: the tail becomes a
 * hash of the whole. */
static void
prop_value_of(const char *whole, char *value, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;

	if (strlen(whole) < n) {
		snprintf(value, n, "%s", whole);
		return;
	}
	for (const char *p = whole; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(value, n, "%.*s#%016llx", (int)(n - 18), whole, h);
}

static const char *
prop_reg(const Bindscope__V1__RegSetting *v, char *buf, size_t n)
{
	if (v == NULL || v->state == BINDSCOPE__V1__REG_STATE__REG_UNREADABLE ||
	    v->state == BINDSCOPE__V1__REG_STATE__REG_STATE_UNSPECIFIED)
		return "not read";
	if (v->state == BINDSCOPE__V1__REG_STATE__REG_ABSENT)
		return "absent";
	if (v->text[0] != '\0')
		return v->text;
	snprintf(buf, n, "%u", v->dword);
	return buf;
}

/* TLS: the protocols usable per side, renegotiation and the cipher policy;
 * the value spells every protocol side's state. */
static void
prop_tls(const struct bs_server *s, char *value, char *label, size_t n)
{
	const bs_report *r = s->report;
	const Bindscope__V1__TlsSettings *t = r->tls;
	char whole[2048] = "", server[96] = "", client[96] = "", buf[16];
	int read = 0;

	label[0] = '\0';
	for (size_t i = 0; t != NULL && i < t->n_protocols; i++) {
		const Bindscope__V1__SchannelProtocol *p = t->protocols[i];
		int usable;
		const char *st = bs_rules_tls_state(r, p, &usable);
		char one[96];

		read |= strcmp(st, "not read") != 0;
		snprintf(one, sizeof(one), "%s %s=%s", p->protocol, p->side, st);
		prop_cat(whole, sizeof(whole), ";", one);
		if (usable)
			prop_cat(strcmp(p->side, "Client") == 0 ? client : server, sizeof(server),
			    ", ", p->protocol);
	}
	if (t == NULL || !read) {
		snprintf(value, n, "not read");
		snprintf(label, n, "not read");
		return;
	}
	snprintf(label, n, "Server: %s · Client: %s", server[0] ? server : "none",
	    client[0] ? client : "none");
	{
		const char *rc = prop_reg(t->allow_insecure_renego_clients, buf, sizeof(buf));
		char one[160];

		snprintf(one, sizeof(one), "renego clients=%s", rc);
		prop_cat(whole, sizeof(whole), ";", one);
		if (strcmp(rc, "absent") != 0)
			prop_cat(label, n, " · ", one);
		rc = prop_reg(t->allow_insecure_renego_servers, buf, sizeof(buf));
		snprintf(one, sizeof(one), "renego servers=%s", rc);
		prop_cat(whole, sizeof(whole), ";", one);
		if (strcmp(rc, "absent") != 0)
			prop_cat(label, n, " · ", one);
		rc = prop_reg(t->cipher_suite_order, buf, sizeof(buf));
		prop_cat(whole, sizeof(whole), ";ciphers=", rc);
		if (strcmp(rc, "absent") != 0)
			prop_cat(label, n, " · ", "cipher suite policy set");
	}
	prop_value_of(whole, value, n);
}

/* .NET: the eight values; the label names those that are not 1. */
static void
prop_dotnet(const struct bs_server *s, char *value, char *label, size_t n)
{
	const Bindscope__V1__TlsSettings *t = s->report->tls;
	char whole[1024] = "", buf[16];
	int read = 0;

	label[0] = '\0';
	for (size_t i = 0; t != NULL && i < t->n_dotnet; i++) {
		const Bindscope__V1__DotNetTls *d = t->dotnet[i];
		const Bindscope__V1__RegSetting *v[2] = {
		    d->system_default_tls_versions, d->sch_use_strong_crypto};
		static const char *const names[2] = {
		    "SystemDefaultTlsVersions", "SchUseStrongCrypto"};

		for (int k = 0; k < 2; k++) {
			const char *x = prop_reg(v[k], buf, sizeof(buf));
			char one[128];

			snprintf(one, sizeof(one), "%s%s %s=%s", d->version,
			    d->wow6432 ? " (32-bit)" : "", names[k], x);
			prop_cat(whole, sizeof(whole), ";", one);
			read |= strcmp(x, "not read") != 0;
			if (strcmp(x, "1") != 0 && strcmp(x, "not read") != 0)
				prop_cat(label, n, ", ", one);
		}
	}
	if (!read) {
		snprintf(value, n, "not read");
		snprintf(label, n, "not read");
		return;
	}
	if (label[0] == '\0')
		snprintf(label, n, "all 1");
	prop_value_of(whole, value, n);
}

/* Extended Protection: each directory's value as it protects; the label
 * names the directories that are not as expected. */
static void
prop_ep(const struct bs_server *s, char *value, char *label, size_t n)
{
	const bs_report *r = s->report;
	char whole[4096] = "";

	label[0] = '\0';
	for (size_t i = 0; i < r->n_vdirs; i++) {
		const Bindscope__V1__VirtualDirectory *vd = r->vdirs[i];
		const char *eff, *want = bs_rules_ep_expected(r, vd, &eff);
		char one[160];

		if (want == NULL)
			continue;
		snprintf(one, sizeof(one), "%s=%s", vd->path, eff);
		prop_cat(whole, sizeof(whole), ";", one);
		if (strcmp(want, eff) != 0) {
			snprintf(one, sizeof(one), "%s %s (expected %s)", vd->path, eff, want);
			prop_cat(label, n, ", ", one);
		}
	}
	if (whole[0] == '\0') {
		snprintf(value, n, "no virtual directories");
		snprintf(label, n, "no virtual directories read");
		return;
	}
	if (label[0] == '\0')
		snprintf(label, n, "as expected for build %s", r->host->exchange_build);
	prop_value_of(whole, value, n);
}

/* The Auth certificates held, by thumbprint. */
static void
prop_auth(const struct bs_server *s, char *value, char *label, size_t n)
{
	const bs_report *r = s->report;
	char whole[512] = "", lab[512] = "";

	for (size_t i = 0; i < r->host->n_exchange_roles; i++)
		if (strcmp(r->host->exchange_roles[i], "Edge") == 0) {
			snprintf(value, n, "Edge");
			snprintf(label, n, "Edge server (none expected)");
			return;
		}
	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];
		char day[40], one[96];

		if (!bs_rules_is_auth_cert(c))
			continue;
		prop_cat(whole, sizeof(whole), ",", c->thumbprint);
		bs_time_format(c->not_after * 1000, day, sizeof(day));
		day[10] = '\0';
		snprintf(one, sizeof(one), "%s (until %s)", c->thumbprint, day);
		prop_cat(lab, sizeof(lab), ", ", one);
	}
	if (whole[0] == '\0') {
		snprintf(value, n, "none");
		snprintf(label, n, "none");
		return;
	}
	prop_value_of(whole, value, n);
	snprintf(label, n, "%s", lab);
}

static const struct prop props[] = {
    {"cert_443", "443 certificate", prop_cert_443},
    {"kind_444", "444 certificate kind", prop_kind_444},
    {"build", "Exchange build", prop_build},
    {"tls", "TLS protocols, renegotiation, cipher policy", prop_tls},
    {"dotnet", ".NET TLS settings", prop_dotnet},
    {"extended_protection", "Extended Protection", prop_ep},
    {"auth_cert", "Exchange Auth certificate", prop_auth},
};
#define NPROPS (sizeof(props) / sizeof(props[0]))

int
bs_consistency_known(const char *name)
{
	for (size_t i = 0; i < NPROPS; i++)
		if (strcmp(props[i].name, name) == 0)
			return 1;
	return 0;
}

int
bs_consistency_value(const struct bs_server *s, const char *name, char *out, size_t n)
{
	char label[BS_CONSISTENCY_VALUE_MAX];

	out[0] = '\0';
	for (size_t i = 0; i < NPROPS; i++) {
		if (strcmp(props[i].name, name) == 0) {
			props[i].value(s, out, label, n);
			return 0;
		}
	}
	return BS_EINVAL;
}

/* One server's value, for sorting into groups. */
struct member {
	char value[BS_CONSISTENCY_VALUE_MAX];
	char label[BS_CONSISTENCY_VALUE_MAX];
	const struct bs_server *s;
};

/* A run of equal values in the sorted members. */
struct group {
	const char *value;
	size_t first, count;
};

static int
member_cmp(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	int c = strcmp(a->value, b->value);

	return c != 0 ? c : strcmp(a->s->fqdn, b->s->fqdn);
}

static int
group_cmp(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->value, b->value);
}

/* A cut value may end inside a UTF-8 sequence, which JSON refuses:
 * drop the incomplete tail. */
static void
prop_utf8_trim(char *s)
{
	size_t n = strlen(s), k = n;

	while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	if (k > 0 && (unsigned char)s[k - 1] >= 0xC0) {
		unsigned char lead = (unsigned char)s[k - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;

		if (n - (k - 1) < need)
			s[k - 1] = '\0';
	}
}

static json_t *
prop_json(const struct bs_analysis *a, const struct prop *p, struct member *m, struct group *g)
{
	size_t ng = 0;
	json_t *groups = json_array();

	for (size_t i = 0; i < a->n_servers; i++) {
		m[i].s = a->servers[i];
		p->value(a->servers[i], m[i].value, m[i].label, sizeof(m[i].value));
		prop_utf8_trim(m[i].value);
		prop_utf8_trim(m[i].label);
	}
	qsort(m, a->n_servers, sizeof(*m), member_cmp);
	for (size_t i = 0; i < a->n_servers; i++) {
		if (i == 0 || strcmp(m[i].value, m[i - 1].value) != 0)
			g[ng++] = (struct group){m[i].value, i, 0};
		g[ng - 1].count++;
	}
	qsort(g, ng, sizeof(*g), group_cmp);
	for (size_t k = 0; groups != NULL && k < ng && k < BS_CONSISTENCY_GROUPS; k++) {
		json_t *names = json_array();

		for (size_t i = 0; names != NULL && i < g[k].count && i < BS_CONSISTENCY_NAMES; i++)
			json_array_append_new(names, json_string(m[g[k].first + i].s->fqdn));
		json_array_append_new(groups,
		    json_pack("{s:s, s:s, s:I, s:b, s:o}", "value", m[g[k].first].value, "label",
		        m[g[k].first].label, "count", (json_int_t)g[k].count, "odd",
		        g[k].count < g[0].count, "servers", names != NULL ? names : json_array()));
	}
	return json_pack("{s:s, s:s, s:I, s:o, s:I}", "name", p->name, "label", p->label, "servers",
	    (json_int_t)a->n_servers, "groups", groups != NULL ? groups : json_array(),
	    "more_groups",
	    (json_int_t)(ng > BS_CONSISTENCY_GROUPS ? ng - BS_CONSISTENCY_GROUPS : 0));
}

json_t *
bs_consistency_json(const struct bs_analysis *a)
{
	size_t n = a->n_servers > 0 ? a->n_servers : 1;
	struct member *m = calloc(n, sizeof(*m));
	struct group *g = calloc(n, sizeof(*g));
	json_t *out = m != NULL && g != NULL ? json_array() : NULL;

	for (size_t i = 0; out != NULL && i < NPROPS; i++)
		json_array_append_new(out, prop_json(a, &props[i], m, g));
	free(m);
	free(g);
	return out;
}
