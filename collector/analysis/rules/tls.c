/* tls: the rules about the server's SCHANNEL protocols and .NET TLS
 * settings, and their agreement across the fleet
 * (../shared/spec/tls-and-protection.md). A value is read in one of three
 * states; "unreadable" never counts as "not set". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "analysis/rules/consistency.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

#define KEY_PROTOCOLS                                                                              \
	"HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols"
#define KEY_SCHANNEL "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"

/* The protocols in order, with what Windows does when nothing is set
 * (Windows Server 2012 R2 to 2022: SSL off, TLS 1.0 to 1.2 on) and the
 * [rules] min_tls index from which a protocol is allowed. */
static const struct {
	const char *name;
	int default_on;
	int legacy_below; /* legacy when min_tls > this (SSL: always) */
} tls_protos[] = {
    {"SSL 2.0", 0, -1},
    {"SSL 3.0", 0, -1},
    {"TLS 1.0", 1, 0},
    {"TLS 1.1", 1, 1},
    {"TLS 1.2", 1, 2},
    {"TLS 1.3", 1, 3},
};
#define TLS_NPROTOS (sizeof(tls_protos) / sizeof(tls_protos[0]))

enum tls_state {
	TLS_UNREAD, /* a value could not be read */
	TLS_DEFAULT, /* neither value set: the OS default */
	TLS_ON,
	TLS_OFF,
	TLS_ON_NOT_DEFAULT, /* enabled but DisabledByDefault: only on request */
	TLS_UNSUPPORTED, /* TLS 1.3 where Windows or Exchange lacks it */
};

static const char *const tls_state_names[] = {
    "not read", "OS default", "enabled", "disabled", "enabled, off by default", "unsupported"};

/* Index of a protocol name in tls_protos (the report's string is not
 * trusted further than this comparison), or -1. */
static int
tls_proto_index(const char *name)
{
	for (size_t i = 0; i < TLS_NPROTOS; i++)
		if (strcmp(tls_protos[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* "15.2.1748.10" -> comparable parts; 0 when not a build. */
static int
tls_build(const char *b, unsigned v[4])
{
	const char *p = b;

	for (int i = 0; i < 4; i++) {
		char *e;
		unsigned long x = strtoul(p, &e, 10);

		if (e == p || (i < 3 && *e != '.') || (i == 3 && *e != '\0'))
			return 0;
		v[i] = (unsigned)x;
		p = e + 1;
	}
	return 1;
}

int
bs_rules_build_at_least(const char *build, unsigned a, unsigned b, unsigned c, unsigned d)
{
	unsigned v[4], w[4] = {a, b, c, d};

	if (!tls_build(build, v))
		return 0;
	for (int i = 0; i < 4; i++)
		if (v[i] != w[i])
			return v[i] > w[i];
	return 1;
}

/* TLS 1.3: Exchange 2019 CU15 and Exchange SE, on Windows Server 2022
 * (build 20348) or later. */
static int
tls13_supported(const bs_report *r)
{
	unsigned long os = strtoul(r->host->os_build, NULL, 10);

	return os >= 20348 && bs_rules_build_at_least(r->host->exchange_build, 15, 2, 1748, 10);
}

static int
tls_set(const Bindscope__V1__RegSetting *v)
{
	return v != NULL && v->state == BINDSCOPE__V1__REG_STATE__REG_SET;
}

static int
tls_unread(const Bindscope__V1__RegSetting *v)
{
	return v == NULL || v->state == BINDSCOPE__V1__REG_STATE__REG_UNREADABLE ||
	    v->state == BINDSCOPE__V1__REG_STATE__REG_STATE_UNSPECIFIED;
}

static enum tls_state
tls_state(const bs_report *r, const Bindscope__V1__SchannelProtocol *p)
{
	const Bindscope__V1__RegSetting *en = p->enabled, *dbd = p->disabled_by_default;

	if (strcmp(p->protocol, "TLS 1.3") == 0 && !tls13_supported(r))
		return TLS_UNSUPPORTED;
	if (tls_unread(en) || tls_unread(dbd))
		return TLS_UNREAD;
	if (tls_set(en) && en->dword == 0)
		return TLS_OFF; /* any non-zero Enabled is on: 0xffffffff is common */
	if (tls_set(dbd) && dbd->dword != 0)
		return TLS_ON_NOT_DEFAULT;
	if (tls_set(en))
		return TLS_ON;
	return TLS_DEFAULT;
}

/* Whether an application that asks for nothing special gets it. */
static int
tls_usable(const Bindscope__V1__SchannelProtocol *p, enum tls_state st)
{
	int k = tls_proto_index(p->protocol);

	if (st == TLS_DEFAULT)
		return k >= 0 && tls_protos[k].default_on;
	return st == TLS_ON;
}

const char *
bs_rules_tls_state(const bs_report *r, const Bindscope__V1__SchannelProtocol *p, int *usable)
{
	enum tls_state st = tls_state(r, p);

	*usable = tls_usable(p, st);
	return tls_state_names[st];
}

static const char *
tls_value_text(struct bs_arena *a, const Bindscope__V1__RegSetting *v)
{
	switch (v != NULL ? v->state : BINDSCOPE__V1__REG_STATE__REG_UNREADABLE) {
	case BINDSCOPE__V1__REG_STATE__REG_SET: return bs_arena_printf(a, "0x%x", v->dword);
	case BINDSCOPE__V1__REG_STATE__REG_ABSENT: return "absent";
	default: return "not read";
	}
}

static json_t *
tls_proto_json(struct bs_arena *a, const bs_report *r, const Bindscope__V1__SchannelProtocol *p)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "protocol", p->protocol, "side", p->side,
	    "state", tls_state_names[tls_state(r, p)], "Enabled", tls_value_text(a, p->enabled),
	    "DisabledByDefault", tls_value_text(a, p->disabled_by_default));
}

/* The PowerShell that sets one protocol side to on (1, 0) or off (0, 1). */
static void
tls_fix_proto(struct bs_fix *f, int k, const char *side, int on)
{
	bs_fix_line(f, "$k = '" KEY_PROTOCOLS "\\%s\\%s'", tls_protos[k].name,
	    strcmp(side, "Client") == 0 ? "Client" : "Server");
	bs_fix_line(f, "New-Item -Path $k -Force | Out-Null");
	bs_fix_line(f,
	    "New-ItemProperty -Path $k -Name 'Enabled' -Value %d -PropertyType DWord -Force | Out-Null",
	    on);
	bs_fix_line(f,
	    "New-ItemProperty -Path $k -Name 'DisabledByDefault' -Value %d -PropertyType DWord -Force | Out-Null",
	    !on);
}

static void
tls_fix_tail(struct bs_fix *f)
{
	bs_fix_line(
	    f, "# SCHANNEL reads these at start: restart the server in a maintenance window,");
	bs_fix_line(f, "# and make every Exchange server the same (TLS_SETTINGS_INCONSISTENT).");
}

int
bs_rule_tls_half_disabled(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	struct bs_arena *a = &ctx->a->arena;

	for (size_t i = 0; r->tls != NULL && i < r->tls->n_protocols; i++) {
		const Bindscope__V1__SchannelProtocol *p = r->tls->protocols[i];
		int k = tls_proto_index(p->protocol), rv;
		int half = tls_set(p->enabled) && tls_set(p->disabled_by_default) &&
		    ((p->enabled->dword == 0) == (p->disabled_by_default->dword == 0));
		struct bs_fix f;
		int on;

		if (k < 0 || !half || tls_state(r, p) == TLS_UNSUPPORTED)
			continue;
		/* Which way to resolve it: as the fleet's policy wants it. */
		on = tls_protos[k].legacy_below >= ctx->a->opt.rules.min_tls;
		rv = bs_rule_raise_for(ctx,
		    bs_arena_printf(a, "%s %s", tls_protos[k].name, p->side), ctx->severity,
		    tls_proto_json(a, r, p),
		    on ? "Set Enabled=1 and DisabledByDefault=0 for the protocol (it is allowed)."
		       : "Set Enabled=0 and DisabledByDefault=1 for the protocol (the fleet's "
		         "policy disallows it).",
		    "%s %s is half-disabled on %s (Enabled=%s, DisabledByDefault=%s)",
		    tls_protos[k].name, p->side, ctx->server->fqdn, tls_value_text(a, p->enabled),
		    tls_value_text(a, p->disabled_by_default));
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s: %s %s fully %s", bs_fix_fqdn(ctx->server->fqdn),
		    tls_protos[k].name, p->side, on ? "enabled" : "disabled");
		tls_fix_proto(&f, k, p->side, on);
		tls_fix_tail(&f);
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	return 0;
}

/* Server and Client entries of protocol k, or NULL. */
static void
tls_sides_of(const bs_report *r, int k, const Bindscope__V1__SchannelProtocol **server,
    const Bindscope__V1__SchannelProtocol **client)
{
	*server = *client = NULL;
	for (size_t i = 0; r->tls != NULL && i < r->tls->n_protocols; i++) {
		const Bindscope__V1__SchannelProtocol *p = r->tls->protocols[i];

		if (tls_proto_index(p->protocol) != k)
			continue;
		if (strcmp(p->side, "Server") == 0)
			*server = p;
		else if (strcmp(p->side, "Client") == 0)
			*client = p;
	}
}

int
bs_rule_tls_sides_differ(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	struct bs_arena *a = &ctx->a->arena;

	for (int k = 0; k < (int)TLS_NPROTOS; k++) {
		const Bindscope__V1__SchannelProtocol *sv, *cl;
		enum tls_state ss, cs;
		json_t *ev;
		struct bs_fix f;
		int on, rv;

		tls_sides_of(r, k, &sv, &cl);
		if (sv == NULL || cl == NULL)
			continue;
		ss = tls_state(r, sv);
		cs = tls_state(r, cl);
		if (ss == TLS_UNREAD || cs == TLS_UNREAD || ss == TLS_UNSUPPORTED ||
		    tls_usable(sv, ss) == tls_usable(cl, cs))
			continue;
		ev = json_pack("{s:o, s:o}", "server", tls_proto_json(a, r, sv), "client",
		    tls_proto_json(a, r, cl));
		on = tls_protos[k].legacy_below >= ctx->a->opt.rules.min_tls;
		rv = bs_rule_raise_for(ctx, tls_protos[k].name, ctx->severity, ev,
		    "Give the protocol the same state on both sides: Exchange is a TLS server "
		    "(clients, other servers) and a TLS client (the proxy hop, AD, other "
		    "Exchange servers).",
		    "%s is %s as server but %s as client on %s", tls_protos[k].name,
		    tls_state_names[ss], tls_state_names[cs], ctx->server->fqdn);
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s: %s %s on both sides", bs_fix_fqdn(ctx->server->fqdn),
		    tls_protos[k].name, on ? "enabled" : "disabled");
		tls_fix_proto(&f, k, "Server", on);
		tls_fix_proto(&f, k, "Client", on);
		tls_fix_tail(&f);
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	return 0;
}

int
bs_rule_tls12_unusable(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	struct bs_arena *a = &ctx->a->arena;
	const Bindscope__V1__SchannelProtocol *sv, *cl;
	int k = tls_proto_index("TLS 1.2"), bad_s, bad_c, rv;
	struct bs_fix f;

	tls_sides_of(r, k, &sv, &cl);
	bad_s = sv != NULL && tls_state(r, sv) != TLS_UNREAD && !tls_usable(sv, tls_state(r, sv));
	bad_c = cl != NULL && tls_state(r, cl) != TLS_UNREAD && !tls_usable(cl, tls_state(r, cl));
	if (!bad_s && !bad_c)
		return 0;
	rv = bs_rule_raise(ctx, ctx->severity,
	    json_pack("{s:o?, s:o?}", "server", sv != NULL ? tls_proto_json(a, r, sv) : NULL,
	        "client", cl != NULL ? tls_proto_json(a, r, cl) : NULL),
	    "Enable TLS 1.2 as server and client (Enabled=1, DisabledByDefault=0): Exchange "
	    "needs it for clients, the proxy hop and Active Directory.",
	    "TLS 1.2 is not usable %s on %s",
	    bad_s && bad_c ? "as server or client"
	        : bad_s    ? "as server"
	                   : "as client",
	    ctx->server->fqdn);
	if (rv != 0)
		return rv;
	bs_fix_init(&f);
	bs_fix_line(&f, "# On %s: TLS 1.2 enabled on both sides", bs_fix_fqdn(ctx->server->fqdn));
	tls_fix_proto(&f, k, "Server", 1);
	tls_fix_proto(&f, k, "Client", 1);
	tls_fix_tail(&f);
	return bs_rule_fix(ctx, &f);
}

int
bs_rule_tls_legacy_enabled(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	struct bs_arena *a = &ctx->a->arena;
	static const char *const allowed[] = {"1.0", "1.1", "1.2"};

	for (int k = 0; k < (int)TLS_NPROTOS; k++) {
		const Bindscope__V1__SchannelProtocol *sv, *cl;
		int on_s, on_c, rv;
		struct bs_fix f;

		if (tls_protos[k].legacy_below >= ctx->a->opt.rules.min_tls)
			continue; /* allowed by the fleet's policy */
		tls_sides_of(r, k, &sv, &cl);
		on_s = sv != NULL && tls_usable(sv, tls_state(r, sv));
		on_c = cl != NULL && tls_usable(cl, tls_state(r, cl));
		if (!on_s && !on_c)
			continue;
		rv = bs_rule_raise_for(ctx, tls_protos[k].name, ctx->severity,
		    json_pack("{s:o?, s:o?, s:s}", "server",
		        sv != NULL ? tls_proto_json(a, r, sv) : NULL, "client",
		        cl != NULL ? tls_proto_json(a, r, cl) : NULL, "policy_min_tls",
		        allowed[ctx->a->opt.rules.min_tls]),
		    "Disable the protocol on both sides once every client and partner speaks TLS "
		    "1.2 (check the HttpProxy and IIS logs' TLS versions first); the fleet's "
		    "policy is [rules] min_tls.",
		    "%s is enabled %s on %s%s", tls_protos[k].name,
		    on_s && on_c ? "as server and client"
		        : on_s   ? "as server"
		                 : "as client",
		    ctx->server->fqdn,
		    (sv != NULL && tls_state(r, sv) == TLS_DEFAULT) ||
		            (cl != NULL && tls_state(r, cl) == TLS_DEFAULT)
		        ? " (not set: the Windows default enables it)"
		        : "");
		if (rv != 0)
			return rv;
		bs_fix_init(&f);
		bs_fix_line(&f, "# On %s: %s disabled on both sides",
		    bs_fix_fqdn(ctx->server->fqdn), tls_protos[k].name);
		tls_fix_proto(&f, k, "Server", 0);
		tls_fix_proto(&f, k, "Client", 0);
		tls_fix_tail(&f);
		if ((rv = bs_rule_fix(ctx, &f)) != 0)
			return rv;
	}
	return 0;
}

/* The .NET keys the fix may name (the report's version string is matched
 * against these, never copied into a command). */
static const char *
tls_dotnet_key(const Bindscope__V1__DotNetTls *d)
{
	if (strcmp(d->version, "v4.0.30319") == 0)
		return d->wow6432
		    ? "HKLM:\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319"
		    : "HKLM:\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319";
	if (strcmp(d->version, "v2.0.50727") == 0)
		return d->wow6432
		    ? "HKLM:\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v2.0.50727"
		    : "HKLM:\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727";
	return NULL;
}

int
bs_rule_dotnet_tls(struct bs_rule_ctx *ctx)
{
	const bs_report *r = ctx->server->report;
	struct bs_arena *a = &ctx->a->arena;
	json_t *bad = NULL;
	struct bs_fix f;
	size_t n = 0;
	int rv;

	bs_fix_init(&f);
	bs_fix_line(&f, "# On %s: .NET uses the OS's TLS versions and strong crypto",
	    bs_fix_fqdn(ctx->server->fqdn));
	for (size_t i = 0; r->tls != NULL && i < r->tls->n_dotnet; i++) {
		const Bindscope__V1__DotNetTls *d = r->tls->dotnet[i];
		const Bindscope__V1__RegSetting *v[2] = {
		    d->system_default_tls_versions, d->sch_use_strong_crypto};
		static const char *const names[2] = {
		    "SystemDefaultTlsVersions", "SchUseStrongCrypto"};
		const char *key = tls_dotnet_key(d);

		for (int j = 0; j < 2; j++) {
			/* Not read says nothing; absent is .NET's default, 0. */
			if (key == NULL || tls_unread(v[j]) || (tls_set(v[j]) && v[j]->dword == 1))
				continue;
			if (bad == NULL && (bad = json_array()) == NULL)
				return BS_ENOMEM;
			json_array_append_new(bad,
			    json_pack("{s:s, s:b, s:s, s:s}", "version", d->version, "wow6432",
			        (int)d->wow6432, "name", names[j], "value",
			        tls_value_text(a, v[j])));
			bs_fix_line(&f,
			    "New-ItemProperty -Path '%s' -Name '%s' -Value 1 -PropertyType DWord -Force "
			    "| Out-Null",
			    key, names[j]);
			n++;
		}
	}
	if (bad == NULL)
		return 0;
	bs_fix_line(&f, "# Then restart the server (or at least IIS and the Exchange services).");
	rv = bs_rule_raise(ctx, ctx->severity, json_pack("{s:o}", "values", bad),
	    "Set SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1 in both .NET Framework "
	    "keys, in the 64-bit and the 32-bit (Wow6432Node) view.",
	    "%zu .NET TLS value%s not set to 1 on %s", n, n == 1 ? " is" : "s are",
	    ctx->server->fqdn);
	return rv != 0 ? rv : bs_rule_fix(ctx, &f);
}

/* --- the fleet --- */

static const char *
tls_setting_value(struct bs_arena *a, const Bindscope__V1__RegSetting *v, int text)
{
	if (tls_unread(v))
		return NULL;
	if (!tls_set(v))
		return "absent";
	return text ? bs_arena_printf(a, "\"%s\"", v->text) : bs_arena_printf(a, "%u", v->dword);
}

/* Every (key, value) this server contributes to the TLS comparison. The
 * callback form keeps the norms and the rule reading the same pairs. */
static int
tls_pairs(struct bs_analysis *an, const struct bs_server *s,
    int (*fn)(void *arg, const char *key, const char *value), void *arg)
{
	const bs_report *r = s->report;
	struct bs_arena *a = &an->arena;
	const Bindscope__V1__TlsSettings *t = r->tls;
	int rv;

	if (t == NULL)
		return 0;
	for (size_t i = 0; i < t->n_protocols; i++) {
		const Bindscope__V1__SchannelProtocol *p = t->protocols[i];
		enum tls_state st = tls_state(r, p);
		int k = tls_proto_index(p->protocol);

		if (k < 0 || st == TLS_UNREAD)
			continue;
		/* The effective state: Enabled=1 and 0xffffffff agree, and a
		 * setting equal to the OS default agrees with none. */
		if (st == TLS_DEFAULT)
			st = tls_protos[k].default_on ? TLS_ON : TLS_OFF;
		if ((rv = fn(arg, bs_arena_printf(a, "%s %s", tls_protos[k].name, p->side),
		         tls_state_names[st])) != 0)
			return rv;
	}
	for (size_t i = 0; i < t->n_dotnet; i++) {
		const Bindscope__V1__DotNetTls *d = t->dotnet[i];
		const char *v1 = tls_setting_value(a, d->system_default_tls_versions, 0);
		const char *v2 = tls_setting_value(a, d->sch_use_strong_crypto, 0);

		if (tls_dotnet_key(d) == NULL)
			continue;
		if (v1 != NULL &&
		    (rv = fn(arg,
		         bs_arena_printf(a, ".NET %s%s SystemDefaultTlsVersions", d->version,
		             d->wow6432 ? " (32-bit)" : ""),
		         v1)) != 0)
			return rv;
		if (v2 != NULL &&
		    (rv = fn(arg,
		         bs_arena_printf(a, ".NET %s%s SchUseStrongCrypto", d->version,
		             d->wow6432 ? " (32-bit)" : ""),
		         v2)) != 0)
			return rv;
	}
	{
		const char *v;

		if ((v = tls_setting_value(a, t->allow_insecure_renego_clients, 0)) != NULL &&
		    (rv = fn(arg, "AllowInsecureRenegoClients", v)) != 0)
			return rv;
		if ((v = tls_setting_value(a, t->allow_insecure_renego_servers, 0)) != NULL &&
		    (rv = fn(arg, "AllowInsecureRenegoServers", v)) != 0)
			return rv;
		if ((v = tls_setting_value(a, t->cipher_suite_order, 1)) != NULL &&
		    (rv = fn(arg, "Cipher suite order (policy)", v)) != 0)
			return rv;
	}
	return 0;
}

struct tls_norm_arg {
	struct bs_analysis *a;
	const struct bs_server *s;
};

static int
tls_norm_add(void *arg, const char *key, const char *value)
{
	struct tls_norm_arg *na = arg;

	return bs_cons_add(&na->a->arena, na->a->norms.tls,
	    strncmp(key, ".NET", 4) == 0 ? ".NET" : "TLS", key, value, na->s);
}

int
bs_rules_tls_norms(struct bs_analysis *a)
{
	int rv;

	if ((a->norms.tls = bs_arena_alloc(&a->arena, sizeof(*a->norms.tls))) == NULL)
		return BS_ENOMEM;
	memset(a->norms.tls, 0, sizeof(*a->norms.tls));
	for (size_t i = 0; i < a->n_servers; i++) {
		struct tls_norm_arg na = {a, a->servers[i]};

		if ((rv = tls_pairs(a, a->servers[i], tls_norm_add, &na)) != 0)
			return rv;
	}
	bs_cons_finish(a->norms.tls);
	return 0;
}

/* One registry value to value ("absent": removed), as PowerShell. */
static void
tls_fix_value(struct bs_fix *f, const char *path, const char *name, const char *value)
{
	if (strcmp(value, "absent") == 0)
		bs_fix_line(f,
		    "Remove-ItemProperty -Path '%s' -Name '%s' -ErrorAction SilentlyContinue", path,
		    name);
	else
		bs_fix_line(f,
		    "New-ItemProperty -Path '%s' -Name '%s' -Value %s -PropertyType DWord -Force | "
		    "Out-Null",
		    path, name, value);
}

/* The commands that give setting key (as tls_pairs names it) the value
 * the fleet has. Only names and values of our own tables, and numbers,
 * reach the block; the cipher order only when it is a plain list. */
static void
tls_fix_to(struct bs_fix *f, const char *key, const char *value)
{
	static const char *const dn[] = {"SystemDefaultTlsVersions", "SchUseStrongCrypto"};
	static const char *const renego[] = {
	    "AllowInsecureRenegoClients", "AllowInsecureRenegoServers"};
	int numeric = strcmp(value, "absent") == 0 || strspn(value, "0123456789") == strlen(value);

	for (int k = 0; k < (int)TLS_NPROTOS; k++)
		for (int side = 0; side < 2; side++) {
			char name[32];

			snprintf(name, sizeof(name), "%s %s", tls_protos[k].name,
			    side ? "Client" : "Server");
			if (strcmp(key, name) != 0)
				continue;
			if (strcmp(value, "enabled") == 0 || strcmp(value, "disabled") == 0) {
				tls_fix_proto(f, k, side ? "Client" : "Server", value[0] == 'e');
				tls_fix_tail(f);
			} else {
				bs_fix_line(f,
				    "# The fleet's state (%s) is not one value pair: compare the "
				    "TLS matrix of a server that has it.",
				    value);
			}
			return;
		}
	for (size_t i = 0; i < 2; i++)
		if (strcmp(key, renego[i]) == 0 && numeric) {
			tls_fix_value(f, KEY_SCHANNEL, renego[i], value);
			return;
		}
	if (strncmp(key, ".NET ", 5) == 0 && numeric) {
		Bindscope__V1__DotNetTls d = BINDSCOPE__V1__DOT_NET_TLS__INIT;
		char version[16];
		const char *rest = key + 5, *sp = strchr(rest, ' ');

		if (sp == NULL || (size_t)(sp - rest) >= sizeof(version))
			return;
		snprintf(version, sizeof(version), "%.*s", (int)(sp - rest), rest);
		d.version = version;
		d.wow6432 = strstr(key, "(32-bit)") != NULL;
		for (size_t i = 0; i < 2; i++) {
			size_t kl = strlen(key), nl = strlen(dn[i]);

			if (kl > nl && strcmp(key + kl - nl, dn[i]) == 0 &&
			    tls_dotnet_key(&d) != NULL)
				tls_fix_value(f, tls_dotnet_key(&d), dn[i], value);
		}
		return;
	}
	if (strcmp(key, "Cipher suite order (policy)") == 0) {
		size_t n = strlen(value);

		if (strcmp(value, "absent") == 0)
			bs_fix_line(f,
			    "Remove-Item -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\"
			    "Configuration\\SSL\\00010002' -Recurse -ErrorAction SilentlyContinue");
		else if (n > 2 &&
		    strspn(value + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_,") == n - 2)
			bs_fix_line(f,
			    "New-ItemProperty -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\"
			    "Configuration\\SSL\\00010002' -Name 'Functions' -Value '%.*s' "
			    "-PropertyType String -Force | Out-Null",
			    (int)(n - 2), value + 1);
		else
			bs_fix_line(f,
			    "# The fleet's cipher order is not a plain list: copy it from a "
			    "server that has it (gpresult shows the policy).");
		bs_fix_line(
		    f, "# A policy set by Group Policy comes back: change the GPO instead.");
	}
}

/* Servers needed before a minority value counts as odd. */
#define TLS_FLEET_MIN 3

static int
tls_odd(void *arg, const char *key, const char *value)
{
	struct bs_rule_ctx *ctx = arg;
	const struct bs_cons *c = ctx->a->norms.tls;
	struct bs_cons_stat st;
	struct bs_fix f;
	json_t *ev;
	int rv;

	if (c == NULL || bs_cons_stat(c, key, value, &st) != 0 || st.total < TLS_FLEET_MIN ||
	    strcmp(st.majority, value) == 0 || st.n_value >= st.n_majority)
		return 0;
	ev = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "setting", key, "value", value,
	    "fleet_value", st.majority, "servers_with_fleet_value", (json_int_t)st.n_majority,
	    "servers_compared", (json_int_t)st.total, "servers_with_this_value",
	    bs_cons_servers(c, &st, 20));
	rv = bs_rule_raise_for(ctx, key, ctx->severity, ev,
	    "Microsoft's Extended Protection prerequisites require the same TLS settings on "
	    "every Exchange server (load balancers and the proxy hop depend on it): set this "
	    "server's value to the fleet's, or change the fleet deliberately.",
	    "%s is %s on %s; %zu of %zu servers have %s", key, value, ctx->server->fqdn,
	    st.n_majority, st.total, st.majority);
	if (rv != 0)
		return rv;
	bs_fix_init(&f);
	bs_fix_line(
	    &f, "# On %s: %s to the fleet's %s", bs_fix_fqdn(ctx->server->fqdn), key, st.majority);
	tls_fix_to(&f, key, st.majority);
	return bs_rule_fix(ctx, &f);
}

int
bs_rule_tls_inconsistent(struct bs_rule_ctx *ctx)
{
	return tls_pairs(ctx->a, ctx->server, tls_odd, ctx);
}
