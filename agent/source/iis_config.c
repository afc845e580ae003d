/* iis_config: streams applicationHost.config through expat and keeps the
 * sites, their bindings and their log folders. */
#include "iis_config.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "err.h"
#include "fsutil.h"
#include "iis_protection.h"

#define IIS_CONFIG_PATH "Windows/System32/inetsrv/config/applicationHost.config"
#define IIS_CONFIG_MAX (32u * 1024u * 1024u)
#define IIS_DEPTH_MAX 64
#define IIS_DEFAULT_LOGDIR "%SystemDrive%\\inetpub\\logs\\LogFiles"

/* Where the parser is: element names on the path that matter to us. */
enum iis_el {
	EL_OTHER,
	EL_CONFIGURATION,
	EL_APPHOST,
	EL_SITES,
	EL_SITE_DEFAULTS,
	EL_SITE,
	EL_BINDINGS,
	EL_BINDING,
	EL_LOGFILE,
	EL_HSTS, /* <site><hsts> */
	EL_LOCATION,
	EL_WEBSERVER, /* system.webServer, at the server level or in a location */
	EL_SECURITY,
	EL_ACCESS,
	EL_AUTHN,
	EL_WINAUTH,
	EL_EXTPROT,
	EL_IPSEC,
	EL_HTTPPROTO,
	EL_HEADERS,
	EL_HEADER_ADD,
	EL_HEADER_REMOVE,
	EL_HEADER_CLEAR,
};

/* Element nesting below system.webServer: (parent, name) -> element. */
static const struct {
	enum iis_el parent;
	const char *name;
	enum iis_el el;
} iis_webserver_tree[] = {
    {EL_WEBSERVER, "security", EL_SECURITY},
    {EL_SECURITY, "access", EL_ACCESS},
    {EL_SECURITY, "authentication", EL_AUTHN},
    {EL_SECURITY, "ipSecurity", EL_IPSEC},
    {EL_AUTHN, "windowsAuthentication", EL_WINAUTH},
    {EL_WINAUTH, "extendedProtection", EL_EXTPROT},
    {EL_WEBSERVER, "httpProtocol", EL_HTTPPROTO},
    {EL_HTTPPROTO, "customHeaders", EL_HEADERS},
    {EL_HEADERS, "add", EL_HEADER_ADD},
    {EL_HEADERS, "remove", EL_HEADER_REMOVE},
    {EL_HEADERS, "clear", EL_HEADER_CLEAR},
};

struct iis_parse {
	struct bs_sweep *s;
	XML_Parser xp;
	const char *file;
	enum iis_el stack[IIS_DEPTH_MAX];
	int depth;
	Bindscope__V1__Site *site;
	const char *site_logdir; /* per-site <logFile directory> */
	const char *default_logdir;
	struct bs_iis_locs locs; /* per-location security settings */
	struct bs_iis_loc *loc; /* the <location> (or server level) being read */
	int nomem;
};

static const char *
iis_attr(const XML_Char **attrs, const char *name)
{
	for (int i = 0; attrs[i] != NULL; i += 2)
		if (strcmp(attrs[i], name) == 0)
			return attrs[i + 1];
	return NULL;
}

static enum iis_el
iis_classify(const struct iis_parse *p, const char *name)
{
	enum iis_el parent = p->depth > 0 ? p->stack[p->depth - 1] : EL_OTHER;

	if (p->depth == 0)
		return strcmp(name, "configuration") == 0 ? EL_CONFIGURATION : EL_OTHER;
	if (parent == EL_CONFIGURATION && strcmp(name, "system.applicationHost") == 0)
		return EL_APPHOST;
	if (parent == EL_APPHOST && strcmp(name, "sites") == 0)
		return EL_SITES;
	if (parent == EL_SITES && strcmp(name, "site") == 0)
		return EL_SITE;
	if (parent == EL_SITES && strcmp(name, "siteDefaults") == 0)
		return EL_SITE_DEFAULTS;
	if ((parent == EL_SITE || parent == EL_SITE_DEFAULTS) && strcmp(name, "logFile") == 0)
		return EL_LOGFILE;
	if (parent == EL_SITE && strcmp(name, "bindings") == 0)
		return EL_BINDINGS;
	if (parent == EL_BINDINGS && strcmp(name, "binding") == 0)
		return EL_BINDING;
	if (parent == EL_SITE && strcmp(name, "hsts") == 0)
		return EL_HSTS;
	if (parent == EL_CONFIGURATION && strcmp(name, "location") == 0)
		return EL_LOCATION;
	if ((parent == EL_CONFIGURATION || parent == EL_LOCATION) &&
	    strcmp(name, "system.webServer") == 0)
		return EL_WEBSERVER;
	for (size_t i = 0; i < sizeof(iis_webserver_tree) / sizeof(iis_webserver_tree[0]); i++)
		if (iis_webserver_tree[i].parent == parent &&
		    strcmp(iis_webserver_tree[i].name, name) == 0)
			return iis_webserver_tree[i].el;
	return EL_OTHER;
}

static unsigned
iis_line(const struct iis_parse *p)
{
	return (unsigned)XML_GetCurrentLineNumber(p->xp);
}

int
bs_iis_split_binding(struct bs_arena *a, const char *info, Bindscope__V1__Binding *b)
{
	const char *ip_s, *ip_e, *port_s, *p;
	unsigned long long port;
	char num[8];
	size_t pn;

	if (info[0] == '[') {
		ip_s = info + 1;
		ip_e = strchr(ip_s, ']');
		if (ip_e == NULL || ip_e[1] != ':')
			return BS_EPARSE;
		port_s = ip_e + 2;
	} else {
		ip_s = info;
		ip_e = strchr(info, ':');
		if (ip_e == NULL)
			return BS_EPARSE;
		port_s = ip_e + 1;
	}
	p = strchr(port_s, ':');
	if (p == NULL)
		return BS_EPARSE;
	pn = (size_t)(p - port_s);
	if (pn == 0 || pn >= sizeof(num))
		return BS_EPARSE;
	memcpy(num, port_s, pn);
	num[pn] = '\0';
	if (bs_parse_uint(num, 65535, &port) != 0 || port == 0)
		return BS_EPARSE;
	if (ip_e == ip_s || (ip_e - ip_s == 1 && *ip_s == '*'))
		b->ip = "*";
	else if (info[0] == '[')
		b->ip = bs_arena_printf(a, "[%.*s]", (int)(ip_e - ip_s), ip_s);
	else
		b->ip = bs_arena_strndup(a, ip_s, (size_t)(ip_e - ip_s));
	b->port = (uint32_t)port;
	b->host = bs_arena_strdup(a, p + 1);
	return b->ip == NULL || b->host == NULL ? BS_ENOMEM : 0;
}

static void
iis_site(struct iis_parse *p, const XML_Char **attrs)
{
	Bindscope__V1__Site *site = BS_NEW(p->s->arena, site);
	const char *name = iis_attr(attrs, "name");
	const char *id = iis_attr(attrs, "id");
	const char *autostart = iis_attr(attrs, "serverAutoStart");
	unsigned long long v = 0;

	if (site == NULL) {
		p->nomem = 1;
		return;
	}
	site->name = bs_arena_strdup(p->s->arena, name != NULL ? name : "");
	if (name == NULL)
		bs_sweep_error(
		    p->s, "iis_config", p->file, iis_line(p), "<site> without a name attribute");
	if (id == NULL || bs_parse_uint(id, 0xffffffffULL, &v) != 0)
		bs_sweep_error(p->s, "iis_config", p->file, iis_line(p),
		    "site '%s' has a missing or non-numeric id", name ? name : "");
	site->id = (uint32_t)v;
	if (autostart != NULL)
		site->server_auto_start = strcasecmp(autostart, "false") == 0
		    ? BINDSCOPE__V1__TRI__TRI_NO
		    : BINDSCOPE__V1__TRI__TRI_YES;
	p->site = site;
	p->site_logdir = NULL;
	if (site->name == NULL ||
	    BS_PUSH(p->s, p->s->report->sites, p->s->report->n_sites, site) != 0)
		p->nomem = 1;
}

static void
iis_binding(struct iis_parse *p, const XML_Char **attrs)
{
	Bindscope__V1__Binding *b = BS_NEW(p->s->arena, binding);
	const char *proto = iis_attr(attrs, "protocol");
	const char *info = iis_attr(attrs, "bindingInformation");
	const char *flags = iis_attr(attrs, "sslFlags");
	unsigned long long v;

	if (b == NULL || p->site == NULL) {
		p->nomem = b == NULL;
		return;
	}
	b->protocol = bs_arena_strdup(p->s->arena, proto != NULL ? proto : "");
	b->binding_information = bs_arena_strdup(p->s->arena, info != NULL ? info : "");
	if (b->protocol == NULL || b->binding_information == NULL) {
		p->nomem = 1;
		return;
	}
	if (flags != NULL) {
		if (bs_parse_uint(flags, 0xffffffffULL, &v) == 0)
			b->ssl_flags = (uint32_t)v;
		else
			bs_sweep_error(p->s, "iis_config", p->file, iis_line(p),
			    "site '%s': sslFlags '%s' is not a number", p->site->name, flags);
	}
	if (strcasecmp(b->protocol, "http") == 0 || strcasecmp(b->protocol, "https") == 0) {
		int rv = bs_iis_split_binding(p->s->arena, b->binding_information, b);

		if (rv == BS_ENOMEM)
			p->nomem = 1;
		else if (rv != 0)
			bs_sweep_error(p->s, "iis_config", p->file, iis_line(p),
			    "site '%s': bindingInformation '%s' is not IP:PORT:HOST", p->site->name,
			    b->binding_information);
		b->join = strcasecmp(b->protocol, "https") == 0
		    ? BINDSCOPE__V1__JOIN_STATUS__JOIN_UNSPECIFIED
		    : BINDSCOPE__V1__JOIN_STATUS__JOIN_NOT_HTTPS;
	} else {
		b->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_NOT_HTTPS;
	}
	if (BS_PUSH(p->s, p->site->bindings, p->site->n_bindings, b) != 0)
		p->nomem = 1;
}

/* IIS booleans: "true"/"false" in any case; anything else is named. */
static Bindscope__V1__Tri
iis_bool(struct iis_parse *p, const XML_Char **attrs, const char *name)
{
	const char *v = iis_attr(attrs, name);

	if (v == NULL)
		return BINDSCOPE__V1__TRI__TRI_UNKNOWN;
	if (strcasecmp(v, "true") == 0)
		return BINDSCOPE__V1__TRI__TRI_YES;
	if (strcasecmp(v, "false") == 0)
		return BINDSCOPE__V1__TRI__TRI_NO;
	bs_sweep_error(
	    p->s, "iis_config", p->file, iis_line(p), "%s=\"%s\" is not true or false", name, v);
	return BINDSCOPE__V1__TRI__TRI_UNKNOWN;
}

static void
iis_hsts(struct iis_parse *p, const XML_Char **attrs)
{
	Bindscope__V1__Hsts *h;
	const char *age = iis_attr(attrs, "max-age");
	unsigned long long v;

	if (p->site == NULL)
		return;
	if ((h = BS_NEW(p->s->arena, hsts)) == NULL) {
		p->nomem = 1;
		return;
	}
	h->enabled = iis_bool(p, attrs, "enabled");
	h->include_subdomains = iis_bool(p, attrs, "includeSubDomains");
	h->preload = iis_bool(p, attrs, "preload");
	h->redirect_http_to_https = iis_bool(p, attrs, "redirectHttpToHttps");
	if (age != NULL) {
		if (bs_parse_uint(age, 0xffffffffULL, &v) != 0)
			bs_sweep_error(p->s, "iis_config", p->file, iis_line(p),
			    "site '%s': hsts max-age '%s' is not a number of seconds",
			    p->site->name, age);
		else if ((h->max_age = BS_NEW(p->s->arena, opt_u32)) != NULL)
			h->max_age->value = (uint32_t)v;
		else
			p->nomem = 1;
	}
	p->site->hsts = h;
}

/* extendedProtection@tokenChecking in IIS's spelling (its schema matches
 * enum values in any case); a value IIS does not know is named and kept
 * as written, so it is never read as one it is not. */
static const char *
iis_token_checking(struct iis_parse *p, const char *v)
{
	static const char *const values[] = {"None", "Allow", "Require"};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (strcasecmp(v, values[i]) == 0)
			return values[i];
	bs_sweep_error(p->s, "iis_config", p->file, iis_line(p),
	    "extendedProtection tokenChecking=\"%s\" is not None, Allow or Require", v);
	return v;
}

/* The location settings apply to: a <location path>, else the server. */
static struct bs_iis_loc *
iis_loc(struct iis_parse *p)
{
	if (p->loc == NULL && (p->loc = bs_iis_loc_get(p->s->arena, &p->locs, "")) == NULL)
		p->nomem = 1;
	return p->loc;
}

/* The settings of system.webServer that Extended Protection and HSTS
 * depend on; everything else in it is ignored. */
static void
iis_webserver(struct iis_parse *p, enum iis_el el, const XML_Char **attrs)
{
	struct bs_iis_loc *l;
	const char *v;

	if (el == EL_HEADER_ADD || el == EL_HEADER_REMOVE) {
		v = iis_attr(attrs, "name");
		if (v == NULL || strcasecmp(v, "Strict-Transport-Security") != 0)
			return;
	}
	if ((l = iis_loc(p)) == NULL)
		return;
	switch (el) {
	case EL_EXTPROT:
		if ((v = iis_attr(attrs, "tokenChecking")) == NULL)
			break;
		if ((l->token_checking = bs_arena_strdup(p->s->arena, iis_token_checking(p, v))) ==
		    NULL)
			p->nomem = 1;
		break;
	case EL_ACCESS:
		if ((v = iis_attr(attrs, "sslFlags")) != NULL &&
		    (l->ssl_flags = bs_arena_strdup(p->s->arena, v)) == NULL)
			p->nomem = 1;
		break;
	case EL_IPSEC:
		switch (iis_bool(p, attrs, "allowUnlisted")) {
		case BINDSCOPE__V1__TRI__TRI_YES: l->allow_unlisted = 1; break;
		case BINDSCOPE__V1__TRI__TRI_NO: l->allow_unlisted = 0; break;
		default: break;
		}
		break;
	case EL_HEADER_ADD:
		v = iis_attr(attrs, "value");
		l->sts_set = 1;
		if ((l->sts = bs_arena_strdup(p->s->arena, v != NULL ? v : "")) == NULL)
			p->nomem = 1;
		break;
	case EL_HEADER_REMOVE:
	case EL_HEADER_CLEAR:
		/* Removes what a parent level added: the header is off here. */
		l->sts = "";
		l->sts_set = 1;
		break;
	default: break;
	}
}

static void XMLCALL
iis_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct iis_parse *p = ud;
	enum iis_el el;

	if (p->depth >= IIS_DEPTH_MAX) {
		p->depth++; /* too deep to matter; keep counting to unwind */
		return;
	}
	el = iis_classify(p, name);
	p->stack[p->depth++] = el;
	switch (el) {
	case EL_SITE: iis_site(p, attrs); break;
	case EL_BINDING: iis_binding(p, attrs); break;
	case EL_HSTS: iis_hsts(p, attrs); break;
	case EL_LOCATION: {
		const char *path = iis_attr(attrs, "path");

		/* path "" or "." is the server level, as in IIS. */
		if (path == NULL || strcmp(path, ".") == 0)
			path = "";
		if ((p->loc = bs_iis_loc_get(p->s->arena, &p->locs, path)) == NULL)
			p->nomem = 1;
		break;
	}
	case EL_EXTPROT:
	case EL_ACCESS:
	case EL_IPSEC:
	case EL_HEADER_ADD:
	case EL_HEADER_REMOVE:
	case EL_HEADER_CLEAR: iis_webserver(p, el, attrs); break;
	case EL_LOGFILE: {
		const char *dir = iis_attr(attrs, "directory");

		if (dir == NULL)
			break;
		if (p->stack[p->depth - 2] == EL_SITE)
			p->site_logdir = bs_arena_strdup(p->s->arena, dir);
		else
			p->default_logdir = bs_arena_strdup(p->s->arena, dir);
		break;
	}
	default: break;
	}
	if (p->nomem)
		XML_StopParser(p->xp, XML_FALSE);
}

static void XMLCALL
iis_end(void *ud, const XML_Char *name)
{
	struct iis_parse *p = ud;

	(void)name;
	if (p->depth == 0)
		return;
	p->depth--;
	if (p->depth < IIS_DEPTH_MAX && p->stack[p->depth] == EL_LOCATION)
		p->loc = NULL;
	if (p->depth < IIS_DEPTH_MAX && p->stack[p->depth] == EL_SITE && p->site != NULL) {
		/* The site's own logFile wins; siteDefaults may come after the
		 * sites, so the default is applied at the end. */
		if (p->site_logdir != NULL)
			p->site->log_directory = bs_arena_printf(
			    p->s->arena, "%s\\W3SVC%u", p->site_logdir, p->site->id);
		p->site = NULL;
	}
}

/* Expands the environment variables IIS writes into its paths, as they
 * are on the server (%SystemDrive% is C: on every Exchange install we read:
 * the evidence root stands for C:\). Unknown variables are kept. */
static char *
iis_expand(struct bs_arena *a, const char *in)
{
	static const struct {
		const char *var;
		const char *val;
	} vars[] = {
	    {"%SystemDrive%", "C:"},
	    {"%SystemRoot%", "C:\\Windows"},
	    {"%windir%", "C:\\Windows"},
	    {"%ProgramFiles%", "C:\\Program Files"},
	};
	char out[2048];
	size_t o = 0;

	while (*in != '\0' && o + 1 < sizeof(out)) {
		size_t k;

		for (k = 0; k < sizeof(vars) / sizeof(vars[0]); k++) {
			size_t vl = strlen(vars[k].var);

			if (strncasecmp(in, vars[k].var, vl) == 0) {
				size_t l = strlen(vars[k].val);

				if (o + l + 1 >= sizeof(out))
					break;
				memcpy(out + o, vars[k].val, l);
				o += l;
				in += vl;
				break;
			}
		}
		if (k == sizeof(vars) / sizeof(vars[0]))
			out[o++] = *in++;
	}
	out[o] = '\0';
	return bs_arena_strdup(a, out);
}

int
bs_iis_config_parse(struct bs_sweep *s, const char *xml, size_t len, const char *file)
{
	struct iis_parse p;
	int rv = 0;

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.file = file;
	p.xp = XML_ParserCreate("UTF-8");
	if (p.xp == NULL)
		return BS_ENOMEM;
	XML_SetUserData(p.xp, &p);
	XML_SetElementHandler(p.xp, iis_start, iis_end);
	if (XML_Parse(p.xp, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR) {
		if (p.nomem) {
			rv = BS_ENOMEM;
			goto out;
		}
		bs_sweep_error(s, "iis_config", file, (unsigned)XML_GetCurrentLineNumber(p.xp),
		    "invalid XML: %s (sites before this point are kept)",
		    XML_ErrorString(XML_GetErrorCode(p.xp)));
		rv = BS_EPARSE;
	}
	if (bs_iis_protection_resolve(s, &p.locs) != 0) {
		rv = BS_ENOMEM;
		goto out;
	}
	{
		char *def = iis_expand(
		    s->arena, p.default_logdir != NULL ? p.default_logdir : IIS_DEFAULT_LOGDIR);

		for (size_t i = 0; def != NULL && i < s->report->n_sites; i++) {
			Bindscope__V1__Site *site = s->report->sites[i];

			if (site->log_directory[0] == '\0')
				site->log_directory =
				    bs_arena_printf(s->arena, "%s\\W3SVC%u", def, site->id);
			else
				site->log_directory = iis_expand(s->arena, site->log_directory);
		}
	}
out:
	XML_ParserFree(p.xp);
	return rv;
}

int
bs_src_iis_config(struct bs_sweep *s)
{
	char path[BS_PATH_MAX];
	char *data = NULL;
	size_t len;
	int rv;

	if (bs_fs_resolve(s->root, IIS_CONFIG_PATH, path, sizeof(path)) != 0) {
		bs_sweep_error(s, "iis_config", IIS_CONFIG_PATH, 0,
		    "file not found: IIS sites and bindings are unknown");
		return 0;
	}
	if (bs_sweep_read(s, "iis_config", IIS_CONFIG_PATH, path, IIS_CONFIG_MAX, &data, &len) != 0)
		return 0;
	rv = bs_iis_config_parse(s, data, len, IIS_CONFIG_PATH);
	free(data);
	return rv == BS_ENOMEM ? rv : 0;
}
