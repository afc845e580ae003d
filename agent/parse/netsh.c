/* netsh: a line parser for `netsh http show sslcert` output. */
#include "netsh.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "sslstore.h"
#include "utf8.h"

/* What each known label means to us. Labels we do not use are still
 * listed, so that anything else is reported as unrecognised. */
enum netsh_field {
	NF_IGNORED,
	NF_IPPORT,
	NF_HOSTPORT,
	NF_CCS,
	NF_HASH,
	NF_APPID,
	NF_STORE,
	NF_SECTION, /* "Extended Properties:" */
};

static const struct {
	const char *label;
	enum netsh_field f;
} netsh_labels[] = {
    {"IP:port", NF_IPPORT},
    {"Hostname:port", NF_HOSTPORT},
    {"Central Certificate Store", NF_CCS},
    {"Certificate Hash", NF_HASH},
    {"Application ID", NF_APPID},
    {"Certificate Store Name", NF_STORE},
    {"Verify Client Certificate Revocation", NF_IGNORED},
    {"Verify Revocation Using Cached Client Certificate Only", NF_IGNORED},
    {"Usage Check", NF_IGNORED},
    {"Revocation Freshness Time", NF_IGNORED},
    {"URL Retrieval Timeout", NF_IGNORED},
    {"Ctl Identifier", NF_IGNORED},
    {"Ctl Store Name", NF_IGNORED},
    {"DS Mapper Usage", NF_IGNORED},
    {"Negotiate Client Certificate", NF_IGNORED},
    {"Reject Connections", NF_IGNORED},
    {"Disable HTTP2", NF_IGNORED},
    {"Disable QUIC", NF_IGNORED},
    {"Disable TLS1.2", NF_IGNORED},
    {"Disable TLS1.3", NF_IGNORED},
    {"Disable OCSP Stapling", NF_IGNORED},
    {"Enable Token Binding", NF_IGNORED},
    {"Log Extended Events", NF_IGNORED},
    {"Disable Legacy TLS Versions", NF_IGNORED},
    {"Enable Session Ticket", NF_IGNORED},
    {"Enable Client Certificate Negotiation", NF_IGNORED},
    {"PropertyId", NF_IGNORED},
    {"Receive Window", NF_IGNORED},
    {"Max Settings Per Frame", NF_IGNORED},
    {"Max Settings Per Minute", NF_IGNORED},
    {"Extended Properties", NF_SECTION},
};

static char *
netsh_trim(char *b, char *e)
{
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return b;
}

static int
netsh_lookup(const char *label, enum netsh_field *f)
{
	for (size_t i = 0; i < sizeof(netsh_labels) / sizeof(netsh_labels[0]); i++) {
		/* Exact match: netsh writes its labels verbatim, and a
		 * translated "IP:Port" must not half-parse a block. */
		if (strcmp(label, netsh_labels[i].label) == 0) {
			*f = netsh_labels[i].f;
			return 0;
		}
	}
	return -1;
}

static int
netsh_start(struct bs_sweep *s, Bindscope__V1__SslBinding **cur, Bindscope__V1__SslBindingKind kind,
    const char *endpoint)
{
	Bindscope__V1__SslBinding *b = BS_NEW(s->arena, ssl_binding);

	if (b == NULL)
		return BS_ENOMEM;
	b->kind = kind;
	b->source = "netsh";
	b->store_name = (char *)bs_sslstore_name(NULL);
	b->endpoint = bs_arena_strdup(s->arena, endpoint);
	if (b->endpoint == NULL ||
	    BS_PUSH(s, s->report->ssl_bindings, s->report->n_ssl_bindings, b) != 0)
		return BS_ENOMEM;
	*cur = b;
	return 0;
}

/* 40 hex digits, upper-cased; NULL when not a SHA-1. */
static char *
netsh_hash(struct bs_arena *a, const char *v)
{
	size_t n = strlen(v);
	char *out;

	if (n != 40)
		return NULL;
	out = bs_arena_strdup(a, v);
	for (size_t i = 0; out != NULL && i < n; i++) {
		if (!isxdigit((unsigned char)out[i]))
			return NULL;
		out[i] = (char)toupper((unsigned char)out[i]);
	}
	return out;
}

static int
netsh_line(struct bs_sweep *s, const char *file, unsigned line, char *text,
    Bindscope__V1__SslBinding **cur)
{
	char *sep = strstr(text, " :"), *label, *value;
	enum netsh_field f;

	if (sep == NULL) {
		/* Title lines, separators and "Extended Properties:". */
		size_t n = strlen(text);

		if (strspn(text, "-") == n || strcasecmp(text, "SSL Certificate bindings:") == 0)
			return 0;
		if (n > 0 && text[n - 1] == ':') {
			text[n - 1] = '\0';
			if (netsh_lookup(text, &f) == 0 && f == NF_SECTION)
				return 0;
		}
		bs_sweep_error(s, "sslbind", file, line,
		    "unrecognised line '%.60s' (netsh output in another language?)", text);
		return 0;
	}
	label = netsh_trim(text, sep);
	value = netsh_trim(sep + 2, sep + 2 + strlen(sep + 2));
	if (netsh_lookup(label, &f) != 0) {
		bs_sweep_error(s, "sslbind", file, line,
		    "unrecognised label '%.60s' (netsh output in another language?)", label);
		return 0;
	}
	switch (f) {
	case NF_IPPORT:
		return netsh_start(s, cur, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP, value);
	case NF_HOSTPORT:
		return netsh_start(s, cur, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI, value);
	case NF_CCS:
		return netsh_start(s, cur, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_CCS, value);
	default: break;
	}
	if (*cur == NULL) {
		if (f != NF_IGNORED && f != NF_SECTION)
			bs_sweep_error(
			    s, "sslbind", file, line, "'%s' before any IP:port line", label);
		return 0;
	}
	switch (f) {
	case NF_HASH:
		if (((*cur)->cert_hash = netsh_hash(s->arena, value)) == NULL) {
			(*cur)->cert_hash = "";
			bs_sweep_error(s, "sslbind", file, line,
			    "Certificate Hash '%.60s' is not a 40-digit SHA-1", value);
		}
		break;
	case NF_APPID: (*cur)->app_id = bs_arena_strdup(s->arena, value); break;
	case NF_STORE:
		(*cur)->store_name = bs_arena_strdup(s->arena, bs_sslstore_name(value));
		break;
	default: break;
	}
	return (*cur)->app_id == NULL || (*cur)->store_name == NULL ? BS_ENOMEM : 0;
}

int
bs_netsh_parse(struct bs_sweep *s, const char *data, size_t len, const char *file)
{
	size_t tlen = 0;
	char *text = bs_text_decode(data, len, &tlen);
	Bindscope__V1__SslBinding *cur = NULL;
	char *p, *end;
	unsigned line = 0;
	int rv = 0;

	if (text == NULL)
		return BS_ENOMEM;
	for (p = text, end = text + tlen; p < end && rv == 0;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl != NULL ? nl : end;
		char *l;

		line++;
		l = netsh_trim(p, e);
		p = nl != NULL ? nl + 1 : end;
		if (*l != '\0')
			rv = netsh_line(s, file, line, l, &cur);
	}
	free(text);
	return rv;
}
