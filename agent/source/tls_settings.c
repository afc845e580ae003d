/* tls_settings: the server's TLS, .NET, NTLM and renegotiation settings
 * from the registry (../shared/spec/tls-and-protection.md), each value in
 * one of three states: set (with its value), absent (the OS default
 * applies) or unreadable (never guessed as "not set"). The collector's TLS
 * and Extended Protection rules read nothing else. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "sweep.h"
#include "utf8.h"

#define KEY_SCHANNEL "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
#define KEY_LSA "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa"
#define KEY_CIPHERS                                                                                \
	"HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
#define TLS_TEXT_MAX 8192

static const char *const tls_protocols[] = {
    "SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"};
static const char *const tls_sides[] = {"Server", "Client"};

/* The .NET keys, both views: where each framework reads its TLS defaults. */
static const struct {
	const char *version;
	int wow6432;
	const char *key;
} tls_dotnet[] = {
    {"v4.0.30319", 0, "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"},
    {"v4.0.30319", 1, "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319"},
    {"v2.0.50727", 0, "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727"},
    {"v2.0.50727", 1, "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v2.0.50727"},
};

static const char *
tls_type_name(enum bs_reg_type t)
{
	switch (t) {
	case BS_REG_SZ: return "REG_SZ";
	case BS_REG_EXPAND_SZ: return "REG_EXPAND_SZ";
	case BS_REG_BINARY: return "REG_BINARY";
	case BS_REG_DWORD: return "REG_DWORD";
	case BS_REG_MULTI_SZ: return "REG_MULTI_SZ";
	case BS_REG_QWORD: return "REG_QWORD";
	default: return "an unknown type";
	}
}

/* Single-byte string data as UTF-8 into out (outsz > 0): as it is when it
 * is UTF-8 (a "Name"="text" line), else read as Latin-1 (REGEDIT4's ANSI
 * hex), so the report never carries bytes the collector refuses. */
static size_t
tls_bytes(const uint8_t *in, size_t n, char *out, size_t outsz)
{
	size_t o = 0;
	int utf8 = bs_utf8_valid((const char *)in, n);

	for (size_t i = 0; i < n; i++) {
		size_t need = utf8 || in[i] < 0x80 ? 1 : 2;

		if (o + need >= outsz)
			break;
		if (need == 1) {
			out[o++] = (char)in[i];
		} else {
			out[o++] = (char)(0xc0 | in[i] >> 6);
			out[o++] = (char)(0x80 | (in[i] & 0x3f));
		}
	}
	out[o] = '\0';
	return o;
}

/* REG_SZ or REG_MULTI_SZ as UTF-8, the strings of a multi-string joined
 * with ",". Strings from a text line are UTF-8 already; hex(7) of a
 * REGEDIT4 file is ANSI bytes with NUL between the strings, so every
 * string is kept there too, not only the first. */
static void
tls_text(const struct bs_reg_value *v, char *out, size_t outsz)
{
	size_t o = 0, unit = v->utf16 ? 2 : 1;

	out[0] = '\0';
	for (size_t i = 0; i + unit <= v->len && o + 1 < outsz;) {
		size_t j = i;

		while (
		    j + unit <= v->len && (v->data[j] != 0 || (unit == 2 && v->data[j + 1] != 0)))
			j += unit;
		if (j > i) {
			if (o > 0)
				out[o++] = ',';
			if (unit == 2) {
				o += bs_utf16le_to_utf8(v->data + i, j - i, out + o, outsz - o);
			} else {
				o += tls_bytes(v->data + i, j - i, out + o, outsz - o);
			}
		}
		i = j + unit;
	}
}

/* One value: its state, and with it the value or why it is unknown. */
static Bindscope__V1__RegSetting *
tls_setting(struct bs_sweep *s, const char *key, const char *name, int text)
{
	Bindscope__V1__RegSetting *rs = BS_NEW(s->arena, reg_setting);
	struct bs_reg_value v;
	char buf[TLS_TEXT_MAX];

	if (rs == NULL)
		return NULL;
	rs->key = bs_arena_strdup(s->arena, key);
	rs->name = bs_arena_strdup(s->arena, name);
	switch (bs_registry_key_state(s->reg, key)) {
	case BS_REG_KEY_ABSENT: rs->state = BINDSCOPE__V1__REG_STATE__REG_ABSENT; break;
	case BS_REG_KEY_UNKNOWN:
		rs->state = BINDSCOPE__V1__REG_STATE__REG_UNREADABLE;
		rs->reason = s->live ? "the key could not be read"
		                     : "the key is not in the registry exports";
		break;
	case BS_REG_KEY_PRESENT:
		if (bs_registry_get(s->reg, key, name, &v) != 0) {
			rs->state = BINDSCOPE__V1__REG_STATE__REG_ABSENT;
		} else if (!text && v.type == BS_REG_DWORD && v.len == 4) {
			rs->state = BINDSCOPE__V1__REG_STATE__REG_SET;
			rs->dword = (uint32_t)v.data[0] | (uint32_t)v.data[1] << 8 |
			    (uint32_t)v.data[2] << 16 | (uint32_t)v.data[3] << 24;
		} else if (text && (v.type == BS_REG_SZ || v.type == BS_REG_MULTI_SZ)) {
			rs->state = BINDSCOPE__V1__REG_STATE__REG_SET;
			tls_text(&v, buf, sizeof(buf));
			rs->text = bs_arena_strdup(s->arena, buf);
		} else {
			/* Windows itself ignores a value of the wrong type; we say
			 * so rather than guess what the admin meant. */
			rs->state = BINDSCOPE__V1__REG_STATE__REG_UNREADABLE;
			rs->reason = bs_arena_printf(s->arena, "%s where %s is expected",
			    tls_type_name(v.type), text ? "REG_SZ or REG_MULTI_SZ" : "REG_DWORD");
			bs_sweep_error(s, "tls_settings", key, 0, "value %s: %s", name, rs->reason);
		}
		break;
	}
	if (rs->key == NULL || rs->name == NULL || rs->text == NULL || rs->reason == NULL)
		return NULL;
	return rs;
}

int
bs_src_tls_settings(struct bs_sweep *s)
{
	Bindscope__V1__TlsSettings *t = BS_NEW(s->arena, tls_settings);
	char key[512];

	if (t == NULL)
		return BS_ENOMEM;
	for (size_t p = 0; p < sizeof(tls_protocols) / sizeof(tls_protocols[0]); p++) {
		for (size_t d = 0; d < sizeof(tls_sides) / sizeof(tls_sides[0]); d++) {
			Bindscope__V1__SchannelProtocol *sp = BS_NEW(s->arena, schannel_protocol);

			snprintf(key, sizeof(key), "%s\\Protocols\\%s\\%s", KEY_SCHANNEL,
			    tls_protocols[p], tls_sides[d]);
			if (sp == NULL ||
			    (sp->enabled = tls_setting(s, key, "Enabled", 0)) == NULL ||
			    (sp->disabled_by_default =
			            tls_setting(s, key, "DisabledByDefault", 0)) == NULL)
				return BS_ENOMEM;
			sp->protocol = (char *)tls_protocols[p];
			sp->side = (char *)tls_sides[d];
			if (BS_PUSH(s, t->protocols, t->n_protocols, sp) != 0)
				return BS_ENOMEM;
		}
	}
	for (size_t i = 0; i < sizeof(tls_dotnet) / sizeof(tls_dotnet[0]); i++) {
		Bindscope__V1__DotNetTls *dn = BS_NEW(s->arena, dot_net_tls);

		if (dn == NULL ||
		    (dn->system_default_tls_versions = tls_setting(
		         s, tls_dotnet[i].key, "SystemDefaultTlsVersions", 0)) == NULL ||
		    (dn->sch_use_strong_crypto =
		            tls_setting(s, tls_dotnet[i].key, "SchUseStrongCrypto", 0)) == NULL)
			return BS_ENOMEM;
		dn->version = (char *)tls_dotnet[i].version;
		dn->wow6432 = tls_dotnet[i].wow6432;
		if (BS_PUSH(s, t->dotnet, t->n_dotnet, dn) != 0)
			return BS_ENOMEM;
	}
	if ((t->lm_compatibility_level = tls_setting(s, KEY_LSA, "LmCompatibilityLevel", 0)) ==
	        NULL ||
	    (t->suppress_extended_protection =
	            tls_setting(s, KEY_LSA, "SuppressExtendedProtection", 0)) == NULL ||
	    (t->allow_insecure_renego_clients =
	            tls_setting(s, KEY_SCHANNEL, "AllowInsecureRenegoClients", 0)) == NULL ||
	    (t->allow_insecure_renego_servers =
	            tls_setting(s, KEY_SCHANNEL, "AllowInsecureRenegoServers", 0)) == NULL ||
	    (t->cipher_suite_order = tls_setting(s, KEY_CIPHERS, "Functions", 1)) == NULL)
		return BS_ENOMEM;
	s->report->tls = t;
	return 0;
}
