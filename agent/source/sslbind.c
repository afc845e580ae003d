/* sslbind: the http.sys certificate bindings, from the registry keys
 * SslBindingInfo (IP:port) and SslSniBindingInfo (host:port). The registry
 * is the source of truth: its layout is the same on every Windows
 * language, unlike `netsh http show sslcert`. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "fsutil.h"
#include "netsh.h"
#include "sslstore.h"
#include "sslbind.h"
#include "sweep.h"

#define NETSH_PATH "netsh/sslcert.txt"
#define NETSH_MAX (16u * 1024u * 1024u)
#define KEY_HTTP "HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters"

static const char hexdig[] = "0123456789ABCDEF";

static char *
sslbind_hex(struct bs_arena *a, const uint8_t *d, size_t n)
{
	char *out = bs_arena_alloc(a, n * 2 + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdig[d[i] >> 4];
		out[2 * i + 1] = hexdig[d[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

/* A GUID as Windows prints it: the first three groups are little-endian. */
static char *
sslbind_guid(struct bs_arena *a, const uint8_t *g)
{
	return bs_arena_printf(a,
	    "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}", g[3], g[2],
	    g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
	    g[15]);
}

static Bindscope__V1__OptU32 *
sslbind_dword(struct bs_sweep *s, const char *key, const char *name)
{
	Bindscope__V1__OptU32 *o;
	uint32_t v;

	if (bs_registry_get_dword(s->reg, key, name, &v) != 0 ||
	    (o = BS_NEW(s->arena, opt_u32)) == NULL)
		return NULL;
	o->value = v;
	return o;
}

int
bs_sslbind_push(
    struct bs_sweep *s, const struct bs_sslbind_entry *e, Bindscope__V1__SslBinding **out)
{
	Bindscope__V1__SslBinding *b = BS_NEW(s->arena, ssl_binding);

	*out = NULL;
	if (b == NULL)
		return BS_ENOMEM;
	b->kind = e->kind;
	b->source = (char *)e->source;
	b->endpoint = bs_arena_strdup(s->arena, e->endpoint);
	if (e->hash != NULL && e->hash_len > 0 && e->hash_len <= 64) {
		b->cert_hash = sslbind_hex(s->arena, e->hash, e->hash_len);
		if (e->hash_len != 20)
			bs_sweep_error(s, "sslbind", e->where, 0,
			    "SslCertHash is %zu bytes, not a 20-byte SHA-1", e->hash_len);
	} else {
		bs_sweep_error(s, "sslbind", e->where, 0, "SslCertHash missing or not REG_BINARY");
	}
	b->store_name = bs_arena_strdup(s->arena, bs_sslstore_name(e->store));
	if (e->app_id != NULL)
		b->app_id = sslbind_guid(s->arena, e->app_id);
	if (b->endpoint == NULL || b->store_name == NULL ||
	    BS_PUSH(s, s->report->ssl_bindings, s->report->n_ssl_bindings, b) != 0)
		return BS_ENOMEM;
	*out = b;
	return 0;
}

static int
sslbind_one(struct bs_sweep *s, const char *parent, const char *endpoint,
    Bindscope__V1__SslBindingKind kind)
{
	struct bs_sslbind_entry e = {kind, endpoint, NULL, 0, NULL, NULL, "registry", NULL};
	Bindscope__V1__SslBinding *b;
	char key[1024], store[128];
	struct bs_reg_value v;
	int rv;

	snprintf(key, sizeof(key), "%s\\%s", parent, endpoint);
	e.where = key;
	if (bs_registry_get(s->reg, key, "SslCertHash", &v) == 0 && v.type == BS_REG_BINARY) {
		e.hash = v.data;
		e.hash_len = v.len;
	}
	if (bs_registry_get_string(s->reg, key, "SslCertStoreName", store, sizeof(store)) == 0)
		e.store = store;
	if (bs_registry_get(s->reg, key, "AppId", &v) == 0 && v.type == BS_REG_BINARY &&
	    v.len == 16)
		e.app_id = v.data;
	if ((rv = bs_sslbind_push(s, &e, &b)) != 0)
		return rv;
	b->default_flags = sslbind_dword(s, key, "DefaultFlags");
	b->cert_check_mode = sslbind_dword(s, key, "DefaultSslCertCheckMode");
	return 0;
}

/* The fallback: the text of `netsh http show sslcert`, when the registry
 * exports do not hold the keys. */
static int
sslbind_netsh(struct bs_sweep *s)
{
	char path[BS_PATH_MAX];
	char *data;
	size_t len;
	int rv;

	if (s->live) {
		bs_sweep_error(s, "sslbind", KEY_HTTP "\\SslBindingInfo", 0,
		    "no http.sys certificate bindings in the registry");
		return 0;
	}
	if (bs_fs_resolve(s->root, NETSH_PATH, path, sizeof(path)) != 0) {
		bs_sweep_error(s, "sslbind", KEY_HTTP "\\SslBindingInfo", 0,
		    "key not in the registry exports and no " NETSH_PATH
		    ": http.sys certificate bindings are unknown");
		return 0;
	}
	if (bs_sweep_read(s, "sslbind", NETSH_PATH, path, NETSH_MAX, &data, &len) != 0)
		return 0;
	rv = bs_netsh_parse(s, data, len, NETSH_PATH);
	free(data);
	return rv;
}

int
bs_src_sslbind(struct bs_sweep *s)
{
	static const struct {
		const char *sub;
		Bindscope__V1__SslBindingKind kind;
	} kinds[] = {
	    {"SslBindingInfo", BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP},
	    {"SslSniBindingInfo", BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI},
	    {"SslCcsBindingInfo", BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_CCS},
	};
	char parent[512];
	int found = 0, rv;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const char **names;
		size_t n;

		snprintf(parent, sizeof(parent), "%s\\%s", KEY_HTTP, kinds[k].sub);
		if ((rv = bs_registry_subkeys(s->reg, parent, &names, &n)) != 0)
			return rv;
		if (n > 0 || bs_registry_has_key(s->reg, parent))
			found |= 1 << k;
		for (size_t i = 0; i < n; i++)
			if ((rv = sslbind_one(s, parent, names[i], kinds[k].kind)) != 0)
				return rv;
	}
	if (!found)
		return sslbind_netsh(s);
	/* SNI or CCS keys but no IP:port key: on an Exchange server that is a
	 * failed export, not a server without 0.0.0.0:443 and :444. */
	if ((found & 1) == 0 && !s->live)
		bs_sweep_error(s, "sslbind", KEY_HTTP "\\SslBindingInfo", 0,
		    "key not in the registry exports (only SNI or CCS bindings are): IP:port "
		    "bindings such as 0.0.0.0:444 are unknown; export it with reg export");
	return 0;
}
