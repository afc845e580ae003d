/* remedy: builds the PowerShell fix blocks of the findings, with the
 * server's own values where the evidence holds them. */
#include "analysis/rules/remedy.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "err.h"

#define BACKEND_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

void
bs_fix_init(struct bs_fix *f)
{
	f->buf[0] = '\0';
	f->len = 0;
}

void
bs_fix_line(struct bs_fix *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(f->buf + f->len, sizeof(f->buf) - f->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 > sizeof(f->buf) - f->len) {
		f->buf[f->len] = '\0'; /* a line that does not fit is dropped whole */
		return;
	}
	f->len += (size_t)n;
	f->buf[f->len++] = '\n';
	f->buf[f->len] = '\0';
}

/* 1 when s is non-empty, at most max long and every byte is in allowed
 * (or alphanumeric, with alnum set). */
static int
fix_shape(const char *s, size_t max, int alnum, const char *allowed)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || !((alnum && isalnum(c)) || strchr(allowed, c) != NULL))
			return 0;
	}
	return 1;
}

const char *
bs_fix_fqdn(const char *fqdn)
{
	return fqdn != NULL && fix_shape(fqdn, 253, 1, "-.") ? fqdn : "<FQDN>";
}

const char *
bs_fix_thumb(const char *thumb)
{
	return thumb != NULL && strlen(thumb) == 40 &&
	        fix_shape(thumb, 40, 0, "0123456789ABCDEFabcdef")
	    ? thumb
	    : "<thumbprint>";
}

const char *
bs_fix_endpoint(const char *endpoint)
{
	return endpoint != NULL && fix_shape(endpoint, 300, 1, "-.:[]*_") ? endpoint : "<IP:port>";
}

const char *
bs_fix_location(const char *path)
{
	return path != NULL && fix_shape(path, 300, 1, " -./_") ? path : "<site/vdir>";
}

/* Which of two usable certificates to bind: Exchange's own self-signed
 * "Microsoft Exchange" first (the supported default), then the one that
 * lasts longest. */
static int
remedy_better(const Bindscope__V1__Certificate *a, const Bindscope__V1__Certificate *b)
{
	int ea = strcmp(a->friendly_name, "Microsoft Exchange") == 0 &&
	    a->self_signed == BINDSCOPE__V1__TRI__TRI_YES;
	int eb = strcmp(b->friendly_name, "Microsoft Exchange") == 0 &&
	    b->self_signed == BINDSCOPE__V1__TRI__TRI_YES;

	if (ea != eb)
		return ea;
	return a->not_after > b->not_after;
}

const Bindscope__V1__Certificate *
bs_remedy_backend_cert(const bs_report *r, int64_t now_ms)
{
	const Bindscope__V1__Certificate *best = NULL;
	int64_t now = now_ms / 1000;

	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (strcasecmp(c->store, "My") != 0 ||
		    c->covers_fqdn != BINDSCOPE__V1__TRI__TRI_YES ||
		    c->has_private_key == BINDSCOPE__V1__TRI__TRI_NO ||
		    c->server_auth_eku == BINDSCOPE__V1__TRI__TRI_NO || c->exchange_auth ||
		    c->not_before > now || c->not_after <= now ||
		    strcmp(bs_fix_thumb(c->thumbprint), c->thumbprint) != 0)
			continue;
		if (best == NULL || remedy_better(c, best))
			best = c;
	}
	return best;
}

void
bs_fix_bind_444(struct bs_fix *f, const bs_report *r, const Bindscope__V1__Certificate *c)
{
	const char *fqdn = bs_fix_fqdn(r->host->fqdn);
	const char *host = bs_fix_fqdn(r->host->hostname);

	if (c != NULL) {
		char until[40];

		bs_time_format(c->not_after * 1000, until, sizeof(until));
		until[10] = '\0'; /* the day is enough */
		/* The friendly name is the admin's text: shown only when it is
		 * plain, and in a comment. */
		bs_fix_line(f, "# On %s: bind %s (%s, valid until %s) to the Exchange Back End",
		    fqdn, c->thumbprint,
		    strcmp(bs_fix_location(c->friendly_name), c->friendly_name) == 0
		        ? c->friendly_name
		        : "the certificate",
		    until);
		bs_fix_line(f, "$thumb = '%s'", c->thumbprint);
	} else {
		bs_fix_line(
		    f, "# On %s: no valid certificate in LocalMachine\\My covers %s;", fqdn, fqdn);
		bs_fix_line(f, "# create Exchange's self-signed one and bind it.");
		bs_fix_line(f,
		    "$cert = New-ExchangeCertificate -Server '%s' -SubjectName 'cn=%s' -DomainName "
		    "'%s','%s' -FriendlyName 'Microsoft Exchange' -PrivateKeyExportable $true "
		    "-Services None",
		    fqdn, host, host, fqdn);
		bs_fix_line(f, "$thumb = $cert.Thumbprint");
	}
	bs_fix_line(f, "netsh http delete sslcert ipport=0.0.0.0:444");
	bs_fix_line(f,
	    "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb appid='" BACKEND_APPID
	    "' certstorename=MY");
	bs_fix_line(f, "iisreset /noforce");
}

int
bs_rule_fix(struct bs_rule_ctx *ctx, const struct bs_fix *f)
{
	if (ctx->last == NULL)
		return 0;
	ctx->last->fix = bs_arena_strdup(&ctx->a->arena, f->buf);
	return ctx->last->fix == NULL ? BS_ENOMEM : 0;
}
