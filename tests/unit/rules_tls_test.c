/* rules_tls_test: the TLS, .NET, Extended Protection, HSTS and Auth
 * certificate rules (collector/analysis/rules/tls.c, protection.c,
 * authcert.c): each raised where it must be, with a fix carrying the
 * server's values, and silent on each known false-positive trap. Reports
 * are built in memory as the agent leaves them. */
#include "test_util.h"

#include "analysis/analyze.h"
#include "err.h"
#include "analysis/rules/rules.h"
#include "buf.h"
#include "output/consistency.h"
#include "output/gate.h"

#define NOW_MS (1800000000LL * 1000)
#define DAY (86400LL)
#define AUTH_A "A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0"
#define AUTH_B "B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0"

static const char *const protos[] = {
    "SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"};

/* Front end / back end virtual directories as Extended Protection
 * leaves them when configured. */
static const struct {
	const char *path, *token;
} vdirs[] = {
    {"Default Web Site/owa", "Require"},
    {"Default Web Site/ecp", "Require"},
    {"Default Web Site/EWS", "Allow"},
    {"Default Web Site/Microsoft-Server-ActiveSync", "Allow"},
    {"Default Web Site/Autodiscover", "None"},
    {"Default Web Site/PowerShell", "None"},
    {"Default Web Site/mapi", "Require"},
    {"Exchange Back End/owa", "Require"},
    {"Exchange Back End/EWS", "Require"},
    {"Exchange Back End/PowerShell", "Require"},
    {"Exchange Back End/Autodiscover", "None"},
    {"Exchange Back End/mapi/emsmdb", "Require"},
};

static Bindscope__V1__RegSetting *
reg(struct bs_arena *a, Bindscope__V1__RegState st, uint32_t v)
{
	Bindscope__V1__RegSetting *s = BS_NEW(a, reg_setting);

	s->key = "HKLM\\test";
	s->name = "v";
	s->state = st;
	s->dword = v;
	return s;
}

#define SET(a, v) reg((a), BINDSCOPE__V1__REG_STATE__REG_SET, (v))
#define ABSENT(a) reg((a), BINDSCOPE__V1__REG_STATE__REG_ABSENT, 0)
#define UNREAD(a) reg((a), BINDSCOPE__V1__REG_STATE__REG_UNREADABLE, 0)

static Bindscope__V1__SchannelProtocol *
proto(const bs_report *r, const char *name, const char *side)
{
	for (size_t i = 0; i < r->tls->n_protocols; i++)
		if (strcmp(r->tls->protocols[i]->protocol, name) == 0 &&
		    strcmp(r->tls->protocols[i]->side, side) == 0)
			return r->tls->protocols[i];
	fail();
	return NULL;
}

static void
set_proto(struct bs_arena *a, bs_report *r, const char *name, const char *side, int en, int dbd)
{
	Bindscope__V1__SchannelProtocol *p = proto(r, name, side);

	p->enabled = en < 0 ? ABSENT(a) : SET(a, (uint32_t)en);
	p->disabled_by_default = dbd < 0 ? ABSENT(a) : SET(a, (uint32_t)dbd);
}

static Bindscope__V1__Site *
site(struct bs_arena *a, bs_report *r, const char *name, uint32_t id, const char *info)
{
	Bindscope__V1__Site *s = BS_NEW(a, site);
	Bindscope__V1__Binding *b = BS_NEW(a, binding);

	s->name = (char *)name;
	s->id = id;
	b->protocol = "https";
	b->binding_information = (char *)info;
	b->ip = "*";
	b->port = id == 2 ? 444 : 443;
	bs_arena_push(a, (void ***)&s->bindings, &s->n_bindings, b);
	bs_arena_push(a, (void ***)&r->sites, &r->n_sites, s);
	return s;
}

static Bindscope__V1__Certificate *
auth_cert(struct bs_arena *a, bs_report *r, const char *thumb, int64_t days_left)
{
	Bindscope__V1__Certificate *c = BS_NEW(a, certificate);

	c->thumbprint = (char *)thumb;
	c->store = "My";
	c->subject = "CN=Microsoft Exchange Server Auth Certificate";
	c->common_name = "Microsoft Exchange Server Auth Certificate";
	c->exchange_auth = 1;
	c->not_before = NOW_MS / 1000 - 300 * DAY;
	c->not_after = NOW_MS / 1000 + days_left * DAY;
	bs_arena_push(a, (void ***)&r->certificates, &r->n_certificates, c);
	return c;
}

/* A Mailbox server as the example fleet's baseline: legacy protocols off,
 * TLS 1.2 on, TLS 1.3 not set, .NET on system defaults, NTLMv2 only,
 * Extended Protection configured, the fleet's Auth certificate. */
static bs_report *
server(struct bs_analysis *an, const char *host)
{
	struct bs_arena *a = &an->arena;
	bs_report *r = BS_NEW(a, report);
	Bindscope__V1__TlsSettings *t = BS_NEW(a, tls_settings);

	r->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	r->host = BS_NEW(a, host);
	r->host->hostname = (char *)host;
	r->host->domain = "corp.example";
	r->host->fqdn = bs_arena_printf(a, "%s.corp.example", host);
	r->host->exchange_build = "15.2.1544.4";
	r->host->os_build = "17763";
	bs_arena_push(a, (void ***)&r->host->exchange_roles, &r->host->n_exchange_roles, "Mailbox");
	r->tls = t;
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		for (int side = 0; side < 2; side++) {
			Bindscope__V1__SchannelProtocol *p = BS_NEW(a, schannel_protocol);
			int tls12 = strcmp(protos[i], "TLS 1.2") == 0,
			    tls13 = strcmp(protos[i], "TLS 1.3") == 0;

			p->protocol = (char *)protos[i];
			p->side = side ? "Client" : "Server";
			p->enabled = tls13 ? ABSENT(a) : SET(a, tls12 ? 1 : 0);
			p->disabled_by_default = tls13 ? ABSENT(a) : SET(a, tls12 ? 0 : 1);
			bs_arena_push(a, (void ***)&t->protocols, &t->n_protocols, p);
		}
	for (int i = 0; i < 4; i++) {
		Bindscope__V1__DotNetTls *d = BS_NEW(a, dot_net_tls);

		d->version = i < 2 ? "v4.0.30319" : "v2.0.50727";
		d->wow6432 = i % 2;
		d->system_default_tls_versions = SET(a, 1);
		d->sch_use_strong_crypto = SET(a, 1);
		bs_arena_push(a, (void ***)&t->dotnet, &t->n_dotnet, d);
	}
	t->lm_compatibility_level = SET(a, 5);
	t->suppress_extended_protection = ABSENT(a);
	t->allow_insecure_renego_clients = ABSENT(a);
	t->allow_insecure_renego_servers = ABSENT(a);
	t->cipher_suite_order = ABSENT(a);
	site(a, r, "Default Web Site", 1, "*:443:");
	site(a, r, "Exchange Back End", 2, "*:444:");
	for (size_t i = 0; i < sizeof(vdirs) / sizeof(vdirs[0]); i++) {
		Bindscope__V1__VirtualDirectory *vd = BS_NEW(a, virtual_directory);
		const char *slash = strchr(vdirs[i].path, '/');

		vd->path = (char *)vdirs[i].path;
		vd->site = bs_arena_strndup(a, vdirs[i].path, (size_t)(slash - vdirs[i].path));
		vd->vdir = (char *)slash;
		vd->token_checking = (char *)vdirs[i].token;
		vd->token_checking_set = 1;
		vd->token_checking_from = (char *)vdirs[i].path;
		bs_arena_push(a, (void ***)&r->vdirs, &r->n_vdirs, vd);
	}
	auth_cert(a, r, AUTH_A, 900);
	return r;
}

static Bindscope__V1__VirtualDirectory *
vdir(const bs_report *r, const char *path)
{
	for (size_t i = 0; i < r->n_vdirs; i++)
		if (strcmp(r->vdirs[i]->path, path) == 0)
			return r->vdirs[i];
	fail();
	return NULL;
}

static struct bs_analysis *
fleet(void)
{
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;

	bs_analysis_options_defaults(&o);
	o.now_ms = NOW_MS;
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	return a;
}

/* n baseline servers mbx01..; the caller changes some, then evaluates. */
static bs_report **
servers(struct bs_analysis *a, size_t n)
{
	bs_report **v = bs_arena_alloc(&a->arena, n * sizeof(*v));
	char name[16];

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "mbx%02zu", i + 1);
		v[i] = server(a, bs_arena_strdup(&a->arena, name));
	}
	return v;
}

static void
evaluate(struct bs_analysis *a, bs_report **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(bs_analysis_add(a, "agent", NOW_MS - 1000, v[i]), 0);
	assert_int_equal(bs_analysis_evaluate(a), 0);
}

/* The rules of the server's findings, sorted and joined: "A,B". */
static const char *
rules_of(struct bs_analysis *a, const char *host)
{
	static char out[1024];
	char fqdn[64];
	const struct bs_server *s;
	const char *ids[64];
	size_t n = 0, o = 0;

	snprintf(fqdn, sizeof(fqdn), "%s.corp.example", host);
	s = bs_analysis_find(a, fqdn);
	assert_non_null(s);
	for (size_t i = 0; i < s->n_findings && n < 64; i++)
		ids[n++] = s->findings[i]->rule->id;
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && strcmp(ids[k - 1], ids[k]) > 0; k--) {
			const char *t = ids[k];

			ids[k] = ids[k - 1];
			ids[k - 1] = t;
		}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", i ? "," : "", ids[i]);
	return out;
}

static const struct bs_finding *
find(struct bs_analysis *a, const char *host, const char *rule)
{
	char fqdn[64];
	const struct bs_server *s;

	snprintf(fqdn, sizeof(fqdn), "%s.corp.example", host);
	s = bs_analysis_find(a, fqdn);
	for (size_t i = 0; s != NULL && i < s->n_findings; i++)
		if (strcmp(s->findings[i]->rule->id, rule) == 0)
			return s->findings[i];
	return NULL;
}

static void
assert_no_placeholders(const struct bs_finding *f)
{
	json_t *p = bs_finding_placeholders(f);

	assert_non_null(p);
	if (json_array_size(p) != 0)
		fail_msg("placeholders left in %s's fix: %s", f->rule->id, f->fix);
	json_decref(p);
}

static void
test_baseline_fleet_is_clean(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 4);

	(void)state;
	evaluate(a, v, 4);
	for (int i = 1; i <= 4; i++) {
		char h[8];

		snprintf(h, sizeof(h), "mbx%02d", i);
		assert_string_equal(rules_of(a, h), "");
	}
	bs_analysis_destroy(a);
}

static void
test_half_disabled_is_its_own_finding(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);
	const struct bs_finding *f;

	(void)state;
	set_proto(&a->arena, v[1], "TLS 1.1", "Server", 0, 0);
	evaluate(a, v, 5);
	/* Disabled either way: the same state as the fleet's, so no
	 * inconsistency, only the half-written pair. */
	assert_string_equal(rules_of(a, "mbx02"), "TLS_PROTOCOL_HALF_DISABLED");
	f = find(a, "mbx02", "TLS_PROTOCOL_HALF_DISABLED");
	assert_non_null(strstr(f->title, "TLS 1.1 Server"));
	assert_non_null(strstr(f->fix, "Protocols\\TLS 1.1\\Server'"));
	assert_non_null(strstr(f->fix, "-Name 'DisabledByDefault' -Value 1"));
	assert_non_null(strstr(f->fix, "mbx02.corp.example"));
	assert_no_placeholders(f);
	bs_analysis_destroy(a);
}

static void
test_enabled_ffffffff_is_enabled(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);

	(void)state;
	/* The trap: 0xffffffff is how many guides write "on". */
	set_proto(&a->arena, v[2], "TLS 1.2", "Server", (int)0xffffffff, 0);
	set_proto(&a->arena, v[2], "TLS 1.2", "Client", (int)0xffffffff, 0);
	evaluate(a, v, 5);
	assert_string_equal(rules_of(a, "mbx03"), "");
	bs_analysis_destroy(a);
}

static void
test_tls12_off_is_critical(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);
	const struct bs_finding *f;

	(void)state;
	set_proto(&a->arena, v[0], "TLS 1.2", "Server", 0, 1);
	set_proto(&a->arena, v[0], "TLS 1.2", "Client", 0, 1);
	evaluate(a, v, 5);
	/* One inconsistency per setting: Server and Client. */
	assert_string_equal(rules_of(a, "mbx01"),
	    "TLS12_NOT_USABLE,TLS_SETTINGS_INCONSISTENT,TLS_SETTINGS_INCONSISTENT");
	f = find(a, "mbx01", "TLS12_NOT_USABLE");
	assert_int_equal(f->severity, BS_SEV_CRITICAL);
	assert_non_null(strstr(f->fix, "-Name 'Enabled' -Value 1"));
	f = find(a, "mbx01", "TLS_SETTINGS_INCONSISTENT");
	assert_string_equal(
	    json_string_value(json_object_get(f->evidence, "fleet_value")), "enabled");
	assert_non_null(strstr(f->fix, "Protocols\\TLS 1.2\\"));
	bs_analysis_destroy(a);
}

static void
test_legacy_by_policy(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);
	const struct bs_finding *f;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		set_proto(&a->arena, v[i], "TLS 1.0", "Server", 1, 0);
		set_proto(&a->arena, v[i], "TLS 1.0", "Client", 1, 0);
	}
	/* Absent: the Windows default, which enables TLS 1.1. */
	set_proto(&a->arena, v[3], "TLS 1.1", "Server", -1, -1);
	set_proto(&a->arena, v[3], "TLS 1.1", "Client", -1, -1);
	evaluate(a, v, 5);
	assert_string_equal(rules_of(a, "mbx01"), "TLS_LEGACY_ENABLED");
	f = find(a, "mbx04", "TLS_LEGACY_ENABLED");
	assert_non_null(f);
	f = find(a, "mbx01", "TLS_LEGACY_ENABLED");
	assert_non_null(strstr(f->title, "TLS 1.0 is enabled as server and client"));
	bs_analysis_destroy(a);

	/* A fleet whose policy allows TLS 1.0 raises nothing for it. */
	a = fleet();
	a->opt.rules.min_tls = 0;
	v = servers(a, 3);
	set_proto(&a->arena, v[0], "TLS 1.0", "Server", 1, 0);
	set_proto(&a->arena, v[0], "TLS 1.0", "Client", 1, 0);
	evaluate(a, v, 3);
	assert_null(find(a, "mbx01", "TLS_LEGACY_ENABLED"));
	bs_analysis_destroy(a);
}

static void
test_sides_differ(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 2);

	(void)state;
	set_proto(&a->arena, v[0], "TLS 1.1", "Client", 1, 0);
	evaluate(a, v, 2);
	assert_string_equal(rules_of(a, "mbx01"), "TLS_LEGACY_ENABLED,TLS_SIDES_DIFFER");
	bs_analysis_destroy(a);
}

static void
test_unreadable_is_never_not_set(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);

	(void)state;
	/* mbx05's export lacked the .NET keys, mbx04's the SCHANNEL key. */
	for (size_t i = 0; i < v[4]->tls->n_dotnet; i++) {
		v[4]->tls->dotnet[i]->system_default_tls_versions = UNREAD(&a->arena);
		v[4]->tls->dotnet[i]->sch_use_strong_crypto = UNREAD(&a->arena);
	}
	for (size_t i = 0; i < v[3]->tls->n_protocols; i++) {
		v[3]->tls->protocols[i]->enabled = UNREAD(&a->arena);
		v[3]->tls->protocols[i]->disabled_by_default = UNREAD(&a->arena);
	}
	evaluate(a, v, 5);
	assert_string_equal(rules_of(a, "mbx05"), "");
	assert_string_equal(rules_of(a, "mbx04"), "");
	bs_analysis_destroy(a);
}

static void
test_dotnet_values(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);
	const struct bs_finding *f;

	(void)state;
	v[1]->tls->dotnet[1]->sch_use_strong_crypto = SET(&a->arena, 0);
	evaluate(a, v, 5);
	assert_string_equal(
	    rules_of(a, "mbx02"), "DOTNET_TLS_NOT_SYSTEM_DEFAULT,TLS_SETTINGS_INCONSISTENT");
	f = find(a, "mbx02", "DOTNET_TLS_NOT_SYSTEM_DEFAULT");
	assert_non_null(strstr(f->fix,
	    "-Path 'HKLM:\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319' -Name "
	    "'SchUseStrongCrypto' -Value 1"));
	assert_null(strstr(f->fix, "SystemDefaultTlsVersions"));
	f = find(a, "mbx02", "TLS_SETTINGS_INCONSISTENT");
	assert_string_equal(json_string_value(json_object_get(f->evidence, "setting")),
	    ".NET v4.0.30319 (32-bit) SchUseStrongCrypto");
	assert_non_null(strstr(f->fix, "-Name 'SchUseStrongCrypto' -Value 1"));
	bs_analysis_destroy(a);
}

static void
test_one_of_ten_differs_in_one_value(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 10);
	const struct bs_finding *f;
	json_t *odd;

	(void)state;
	v[6]->tls->allow_insecure_renego_clients = SET(&a->arena, 1);
	evaluate(a, v, 10);
	for (int i = 1; i <= 10; i++) {
		char h[8];

		snprintf(h, sizeof(h), "mbx%02d", i);
		assert_string_equal(rules_of(a, h), i == 7 ? "TLS_SETTINGS_INCONSISTENT" : "");
	}
	f = find(a, "mbx07", "TLS_SETTINGS_INCONSISTENT");
	assert_string_equal(json_string_value(json_object_get(f->evidence, "setting")),
	    "AllowInsecureRenegoClients");
	assert_int_equal(
	    json_integer_value(json_object_get(f->evidence, "servers_with_fleet_value")), 9);
	odd = json_object_get(f->evidence, "servers_with_this_value");
	assert_int_equal(json_array_size(odd), 1);
	assert_string_equal(json_string_value(json_array_get(odd, 0)), "mbx07.corp.example");
	assert_non_null(strstr(f->fix,
	    "Remove-ItemProperty -Path "
	    "'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\"
	    "SCHANNEL' -Name 'AllowInsecureRenegoClients'"));
	assert_no_placeholders(f);
	bs_analysis_destroy(a);
}

/* What an ops lead sees of the same fleet: in the consistency view the TLS
 * property splits nine against one, the one named; the gate lists that
 * server and no other. */
static void
test_one_of_ten_in_consistency_view_and_gate(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 10);
	json_t *cons, *tls = NULL, *groups;
	struct bs_buf out;
	struct bs_gate g;

	(void)state;
	v[6]->tls->allow_insecure_renego_clients = SET(&a->arena, 1);
	evaluate(a, v, 10);
	cons = bs_consistency_json(a);
	assert_non_null(cons);
	for (size_t i = 0; i < json_array_size(cons); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(cons, i), "name")),
		        "tls") == 0)
			tls = json_array_get(cons, i);
	assert_non_null(tls);
	groups = json_object_get(tls, "groups");
	assert_int_equal(json_array_size(groups), 2);
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(groups, 0), "count")), 9);
	assert_false(json_is_true(json_object_get(json_array_get(groups, 0), "odd")));
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(groups, 1), "count")), 1);
	assert_true(json_is_true(json_object_get(json_array_get(groups, 1), "odd")));
	assert_string_equal(json_string_value(json_array_get(
	                        json_object_get(json_array_get(groups, 1), "servers"), 0)),
	    "mbx07.corp.example");
	assert_non_null(
	    strstr(json_string_value(json_object_get(json_array_get(groups, 1), "label")),
	        "renego clients=1"));
	/* The other compared properties do not single anyone out. */
	for (size_t i = 0; i < json_array_size(cons); i++)
		assert_int_equal(
		    json_array_size(json_object_get(json_array_get(cons, i), "groups")),
		    json_array_get(cons, i) == tls ? 2 : 1);
	bs_buf_init(&out, 0);
	assert_int_equal(bs_gate_render(a, BS_SEV_WARNING, NULL, &out, &g), 0);
	assert_int_equal(g.hits, 1);
	assert_non_null(strstr(out.data, "TLS_SETTINGS_INCONSISTENT"));
	assert_non_null(strstr(out.data, "mbx07.corp.example"));
	for (int i = 1; i <= 10; i++) {
		char h[32];

		snprintf(h, sizeof(h), "mbx%02d.corp.example", i);
		if (i != 7)
			assert_null(strstr(out.data, h));
	}
	bs_buf_fini(&out);
	json_decref(cons);
	bs_analysis_destroy(a);
}

static void
test_tls13_off_where_unsupported(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 4);

	(void)state;
	set_proto(&a->arena, v[0], "TLS 1.3", "Server", 0, 1);
	set_proto(&a->arena, v[0], "TLS 1.3", "Client", 0, 1);
	evaluate(a, v, 4);
	assert_string_equal(rules_of(a, "mbx01"), "");
	bs_analysis_destroy(a);
}

static void
test_ep_above_and_below(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);
	const struct bs_finding *f;

	(void)state;
	vdir(v[0], "Default Web Site/EWS")->token_checking = "Require";
	vdir(v[1], "Exchange Back End/owa")->token_checking = "None";
	evaluate(a, v, 5);
	assert_string_equal(rules_of(a, "mbx01"),
	    "EXTENDED_PROTECTION_BREAKS_CLIENTS,EXTENDED_PROTECTION_INCONSISTENT");
	f = find(a, "mbx01", "EXTENDED_PROTECTION_BREAKS_CLIENTS");
	assert_int_equal(f->severity, BS_SEV_CRITICAL);
	assert_string_equal(f->key, "Default Web Site/EWS");
	assert_non_null(strstr(f->fix, "-Location 'Default Web Site/EWS'"));
	assert_non_null(strstr(f->fix, "-Name 'tokenChecking' -Value 'Allow'"));
	assert_no_placeholders(f);
	assert_string_equal(
	    rules_of(a, "mbx02"), "EXTENDED_PROTECTION_EXPOSED,EXTENDED_PROTECTION_INCONSISTENT");
	f = find(a, "mbx02", "EXTENDED_PROTECTION_EXPOSED");
	assert_int_equal(f->severity, BS_SEV_WARNING);
	assert_non_null(strstr(f->fix, "-Value 'Require'"));
	bs_analysis_destroy(a);
}

static void
test_ep_traps(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);

	(void)state;
	/* EWS back end None behind ipSecurity allowUnlisted=false: supported. */
	vdir(v[0], "Exchange Back End/EWS")->token_checking = "None";
	vdir(v[0], "Exchange Back End/EWS")->allow_unlisted = BINDSCOPE__V1__TRI__TRI_NO;
	/* A build before Extended Protection support, nothing configured. */
	v[1]->host->exchange_build = "15.2.986.26";
	for (size_t i = 0; i < v[1]->n_vdirs; i++)
		v[1]->vdirs[i]->token_checking = "None";
	/* A build the evidence does not give (the Setup key not exported) or
	 * that does not read as one: nothing is expected, so Require is not
	 * "too strict for this build". */
	v[2]->host->exchange_build = "";
	v[3]->host->exchange_build = "CU23";
	evaluate(a, v, 5);
	assert_string_equal(rules_of(a, "mbx01"), "");
	/* The older build differs from the fleet's, and that is all. */
	assert_string_equal(rules_of(a, "mbx02"), "VERSION_DRIFT");
	for (int k = 0; k < 2; k++) {
		const char *host = k == 0 ? "mbx03" : "mbx04";

		assert_null(find(a, host, "EXTENDED_PROTECTION_BREAKS_CLIENTS"));
		assert_null(find(a, host, "EXTENDED_PROTECTION_EXPOSED"));
	}
	bs_analysis_destroy(a);
}

static void
test_ep_not_configured_is_one_finding(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 1);

	(void)state;
	for (size_t i = 0; i < v[0]->n_vdirs; i++)
		v[0]->vdirs[i]->token_checking = "None";
	evaluate(a, v, 1);
	assert_string_equal(rules_of(a, "mbx01"), "EXTENDED_PROTECTION_EXPOSED");
	assert_non_null(
	    strstr(find(a, "mbx01", "EXTENDED_PROTECTION_EXPOSED")->title, "not configured"));
	bs_analysis_destroy(a);
}

static void
test_ep_preconditions(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 3);
	const struct bs_finding *f;

	(void)state;
	v[0]->tls->lm_compatibility_level = SET(&a->arena, 2);
	v[1]->sites[1]->bindings[0]->binding_information = "10.0.0.7:444:";
	v[1]->sites[1]->bindings[0]->ip = "10.0.0.7";
	v[2]->tls->suppress_extended_protection = SET(&a->arena, 1);
	evaluate(a, v, 3);
	assert_string_equal(rules_of(a, "mbx01"), "EXTENDED_PROTECTION_PRECONDITION");
	f = find(a, "mbx01", "EXTENDED_PROTECTION_PRECONDITION");
	assert_non_null(strstr(f->fix, "'LmCompatibilityLevel' -Value 5"));
	f = find(a, "mbx02", "EXTENDED_PROTECTION_PRECONDITION");
	assert_non_null(f);
	assert_non_null(strstr(f->fix, "bindingInformation -eq '10.0.0.7:444:'"));
	f = find(a, "mbx03", "EXTENDED_PROTECTION_PRECONDITION");
	assert_non_null(strstr(f->fix, "SuppressExtendedProtection"));
	bs_analysis_destroy(a);
}

static void
test_hsts(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 4);
	Bindscope__V1__Hsts *h;

	(void)state;
	h = BS_NEW(&a->arena, hsts);
	h->enabled = BINDSCOPE__V1__TRI__TRI_YES;
	v[0]->sites[1]->hsts = h; /* the Back End */
	h = BS_NEW(&a->arena, hsts);
	h->enabled = BINDSCOPE__V1__TRI__TRI_YES;
	h->max_age = BS_NEW(&a->arena, opt_u32);
	h->max_age->value = 86400;
	v[1]->sites[0]->hsts = h;
	h = BS_NEW(&a->arena, hsts);
	h->enabled = BINDSCOPE__V1__TRI__TRI_YES;
	h->redirect_http_to_https = BINDSCOPE__V1__TRI__TRI_YES;
	h->max_age = BS_NEW(&a->arena, opt_u32);
	h->max_age->value = 31536000;
	v[2]->sites[0]->hsts = h;
	v[3]->sites[0]->sts_header = "max-age=63072000; includeSubDomains";
	evaluate(a, v, 4);
	assert_string_equal(rules_of(a, "mbx01"), "HSTS_BREAKS_EXCHANGE");
	assert_int_equal(find(a, "mbx01", "HSTS_BREAKS_EXCHANGE")->severity, BS_SEV_CRITICAL);
	assert_string_equal(rules_of(a, "mbx02"), "HSTS_MISCONFIGURED");
	assert_non_null(strstr(find(a, "mbx02", "HSTS_MISCONFIGURED")->fix, "-Value 31536000"));
	assert_string_equal(rules_of(a, "mbx03"), "HSTS_BREAKS_EXCHANGE");
	assert_string_equal(rules_of(a, "mbx04"), ""); /* a header of two years */
	bs_analysis_destroy(a);
}

static void
test_auth_certificate(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 5);
	const struct bs_finding *f;

	(void)state;
	/* mbx02 holds another one, expiring in 30 days. */
	v[1]->certificates[0]->thumbprint = AUTH_B;
	v[1]->certificates[0]->not_after = NOW_MS / 1000 + 30 * DAY;
	/* mbx03: the fleet's expires in 20 days, a newer one is staged. */
	v[2]->certificates[0]->not_after = NOW_MS / 1000 + 20 * DAY;
	auth_cert(&a->arena, v[2], AUTH_B, 700);
	/* mbx04 is an Edge server: none expected. */
	v[3]->host->exchange_roles[0] = "Edge";
	v[3]->n_certificates = 0;
	evaluate(a, v, 5);
	assert_string_equal(rules_of(a, "mbx02"), "AUTH_CERT_EXPIRING,AUTH_CERT_INCONSISTENT");
	f = find(a, "mbx02", "AUTH_CERT_INCONSISTENT");
	assert_string_equal(
	    json_string_value(json_object_get(f->evidence, "fleet_thumbprint")), AUTH_A);
	assert_non_null(strstr(f->fix, "-Thumbprint '" AUTH_A "'"));
	assert_non_null(strstr(f->fix, "-Server 'mbx02.corp.example'"));
	assert_no_placeholders(f);
	assert_string_equal(rules_of(a, "mbx03"), "");
	assert_string_equal(rules_of(a, "mbx04"), "");
	bs_analysis_destroy(a);
}

static void
test_auth_certificate_expired_is_critical(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 3);

	(void)state;
	for (int i = 0; i < 3; i++)
		v[i]->certificates[0]->not_after = NOW_MS / 1000 - 2 * DAY;
	evaluate(a, v, 3);
	assert_int_equal(find(a, "mbx01", "AUTH_CERT_EXPIRING")->severity, BS_SEV_CRITICAL);
	assert_non_null(
	    strstr(find(a, "mbx01", "AUTH_CERT_EXPIRING")->title, "expired 2 days ago"));
	bs_analysis_destroy(a);
}

static void
test_hostile_values_stay_out_of_fixes(void **state)
{
	struct bs_analysis *a = fleet();
	bs_report **v = servers(a, 1);
	const struct bs_finding *f;

	(void)state;
	v[0]->host->fqdn = "x'; Remove-Item C:\\ -Recurse #";
	vdir(v[0], "Default Web Site/owa")->path = "Default Web Site/owa'; calc #";
	vdir(v[0], "Default Web Site/owa'; calc #")->token_checking = "Allow";
	set_proto(&a->arena, v[0], "TLS 1.1", "Server", 0, 0);
	evaluate(a, v, 1);
	f = find(a, "x'; Remove-Item C:\\ -Recurse #", "TLS_PROTOCOL_HALF_DISABLED");
	(void)f;
	for (size_t i = 0; i < a->n_servers; i++)
		for (size_t k = 0; k < a->servers[i]->n_findings; k++) {
			const char *fix = a->servers[i]->findings[k]->fix;

			assert_null(strstr(fix, "Remove-Item C:"));
			assert_null(strstr(fix, "calc"));
		}
	bs_analysis_destroy(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_baseline_fleet_is_clean),
	    cmocka_unit_test(test_half_disabled_is_its_own_finding),
	    cmocka_unit_test(test_enabled_ffffffff_is_enabled),
	    cmocka_unit_test(test_tls12_off_is_critical),
	    cmocka_unit_test(test_legacy_by_policy),
	    cmocka_unit_test(test_sides_differ),
	    cmocka_unit_test(test_unreadable_is_never_not_set),
	    cmocka_unit_test(test_dotnet_values),
	    cmocka_unit_test(test_one_of_ten_differs_in_one_value),
	    cmocka_unit_test(test_one_of_ten_in_consistency_view_and_gate),
	    cmocka_unit_test(test_tls13_off_where_unsupported),
	    cmocka_unit_test(test_ep_above_and_below),
	    cmocka_unit_test(test_ep_traps),
	    cmocka_unit_test(test_ep_not_configured_is_one_finding),
	    cmocka_unit_test(test_ep_preconditions),
	    cmocka_unit_test(test_hsts),
	    cmocka_unit_test(test_auth_certificate),
	    cmocka_unit_test(test_auth_certificate_expired_is_critical),
	    cmocka_unit_test(test_hostile_values_stay_out_of_fixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
