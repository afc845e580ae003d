/* host: who this server is (host name, domain, FQDN) and which Exchange it
 * runs, from the registry keys named in ../shared/spec/evidence-root.md. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "sweep.h"

#define KEY_TCPIP "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters"
/* Not in the evidence contract's list, but read when an export has it:
 * the AD site groups servers on the dashboard. */
#define KEY_NETLOGON "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Netlogon\\Parameters"
#define KEY_SETUP "HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup"
#define KEY_OWA "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchange OWA"
#define KEY_WINVER "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
#define KEY_V15 "HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\"

/* Exchange's role keys: a role is installed when its key exists. Edge
 * servers hold no Auth certificate, so the fleet rules need the role. */
static const struct {
	const char *key, *role;
} host_roles[] = {
    {KEY_V15 "MailboxRole", "Mailbox"},
    {KEY_V15 "ClientAccessRole", "ClientAccess"},
    {KEY_V15 "EdgeTransportRole", "Edge"},
};

static Bindscope__V1__OptU32 *
host_dword(struct bs_sweep *s, const char *key, const char *name)
{
	Bindscope__V1__OptU32 *o;
	uint32_t v;
	int rv = bs_registry_get_dword(s->reg, key, name, &v);

	if (rv == BS_EPARSE)
		bs_sweep_error(s, "host", key, 0, "value %s is not a DWORD", name);
	if (rv != 0 || (o = BS_NEW(s->arena, opt_u32)) == NULL)
		return NULL;
	o->value = v;
	return o;
}

/* First of the names that exists as a string. */
static int
host_string(
    struct bs_sweep *s, const char *key, const char *n1, const char *n2, char *out, size_t outsz)
{
	int rv = bs_registry_get_string(s->reg, key, n1, out, outsz);

	if (rv != 0 && n2 != NULL)
		rv = bs_registry_get_string(s->reg, key, n2, out, outsz);
	if (rv == BS_EPARSE)
		bs_sweep_error(s, "host", key, 0, "value %s is not a string", n1);
	if (rv != 0)
		out[0] = '\0';
	return rv;
}

static void
lower(char *p)
{
	for (; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
}

int
bs_src_host(struct bs_sweep *s)
{
	Bindscope__V1__Host *h = BS_NEW(s->arena, host);
	char hostname[256], domain[256], path[1024];

	if (h == NULL)
		return BS_ENOMEM;
	s->report->host = h;
	if (host_string(s, KEY_TCPIP, "Hostname", "NV Hostname", hostname, sizeof(hostname)) != 0 ||
	    hostname[0] == '\0') {
		bs_sweep_error(s, "host", KEY_TCPIP, 0,
		    "no Hostname value: the server's FQDN is unknown, so the report names no "
		    "server and bindscope-collector import will refuse it (add this key to "
		    "the registry exports)");
	}
	host_string(s, KEY_TCPIP, "Domain", "NV Domain", domain, sizeof(domain));
	lower(hostname);
	lower(domain);
	h->hostname = bs_arena_strdup(s->arena, hostname);
	h->domain = bs_arena_strdup(s->arena, domain);
	if (hostname[0] == '\0')
		h->fqdn = "";
	else if (domain[0] == '\0')
		h->fqdn = h->hostname;
	else
		h->fqdn = bs_arena_printf(s->arena, "%s.%s", hostname, domain);

	if (host_string(s, KEY_SETUP, "MsiInstallPath", NULL, path, sizeof(path)) == 0)
		h->install_path = bs_arena_strdup(s->arena, path);
	h->exchange_product_major = host_dword(s, KEY_SETUP, "MsiProductMajor");
	h->exchange_product_minor = host_dword(s, KEY_SETUP, "MsiProductMinor");
	h->exchange_build_major = host_dword(s, KEY_SETUP, "MsiBuildMajor");
	h->exchange_build_minor = host_dword(s, KEY_SETUP, "MsiBuildMinor");
	if (h->exchange_product_major != NULL && h->exchange_product_minor != NULL &&
	    h->exchange_build_major != NULL && h->exchange_build_minor != NULL)
		h->exchange_build = bs_arena_printf(s->arena, "%u.%u.%u.%u",
		    h->exchange_product_major->value, h->exchange_product_minor->value,
		    h->exchange_build_major->value, h->exchange_build_minor->value);
	else if (bs_registry_has_key(s->reg, KEY_SETUP))
		bs_sweep_error(
		    s, "host", KEY_SETUP, 0, "Exchange Setup key lacks the Msi version values");
	h->allow_internal_untrusted_certs = host_dword(s, KEY_OWA, "AllowInternalUntrustedCerts");
	if (bs_registry_has_key(s->reg, KEY_NETLOGON) &&
	    host_string(s, KEY_NETLOGON, "DynamicSiteName", "SiteName", path, sizeof(path)) == 0)
		h->ad_site = bs_arena_strdup(s->arena, path);
	if (host_string(s, KEY_WINVER, "CurrentBuildNumber", "CurrentBuild", path, sizeof(path)) ==
	    0)
		h->os_build = bs_arena_strdup(s->arena, path);
	if (host_string(s, KEY_WINVER, "ProductName", NULL, path, sizeof(path)) == 0)
		h->os_product = bs_arena_strdup(s->arena, path);
	for (size_t i = 0; i < sizeof(host_roles) / sizeof(host_roles[0]); i++) {
		char *role;

		if (bs_registry_key_state(s->reg, host_roles[i].key) != BS_REG_KEY_PRESENT)
			continue;
		if ((role = bs_arena_strdup(s->arena, host_roles[i].role)) == NULL ||
		    BS_PUSH(s, h->exchange_roles, h->n_exchange_roles, role) != 0)
			return BS_ENOMEM;
	}
	if (h->hostname == NULL || h->domain == NULL || h->fqdn == NULL || h->os_build == NULL ||
	    h->os_product == NULL)
		return BS_ENOMEM;
	return 0;
}
