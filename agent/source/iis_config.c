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
