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

void
bs_fix_init(struct bs_fix *f)
{
	f->buf[0] = '\0';
	f->len = 0;
	f->spoiled = 0;
}

void
bs_fix_line(struct bs_fix *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->spoiled)
		return;
	va_start(ap, fmt);
	n = vsnprintf(f->buf + f->len, sizeof(f->buf) - f->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 > sizeof(f->buf) - f->len) {
		f->buf[f->len] = '\0';
		f->spoiled = 1;
		return;
	}
	/* The guards let only printable ASCII through; anything else here is
	 * a value that skipped them (a newline would start a new command). */
	for (size_t i = f->len; i < f->len + (size_t)n; i++) {
		unsigned char c = (unsigned char)f->buf[i];

		if (c < 0x20 || c >= 0x7f) {
			f->buf[f->len] = '\0';
			f->spoiled = 1;
			return;
		}
	}
	f->len += (size_t)n;
	f->buf[f->len++] = '\n';
	f->buf[f->len] = '\0';
}

/* 1 when s is non-empty, at most max long and every byte is in allowed
 * (or alphanumeric, with alnum set). Never a quote, never a byte >= 0x80:
 * PowerShell takes U+2018..U+201B for single quotes too. */
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
bs_fix_host(const char *hostname)
{
	return hostname != NULL && fix_shape(hostname, 63, 1, "-") ? hostname : "<hostname>";
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

const char *
bs_fix_site(const char *name)
{
	return name != NULL && fix_shape(name, 200, 1, " -._") ? name : "<site name>";
}

const char *
bs_fix_binding(const char *binding_information)
{
	return binding_information != NULL && fix_shape(binding_information, 300, 1, "-.:[]*_")
	    ? binding_information
	    : "<IP:port:host>";
}

const char *
bs_fix_build(const char *build)
{
	return build != NULL && fix_shape(build, 32, 0, "0123456789.") ? build : "<build>";
}

const char *
bs_fix_comment(const char *s, const char *otherwise)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > 300)
		return otherwise;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ||
		    strchr("'\"`<>", s[i]) != NULL)
			return otherwise;
	return s;
}

static int
remedy_is_exchange_default(const Bindscope__V1__Certificate *c)
{
	return strcmp(c->friendly_name, "Microsoft Exchange") == 0 &&
	    c->self_signed == BINDSCOPE__V1__TRI__TRI_YES;
}

/* Which of two usable certificates to bind: Exchange's own self-signed
 * "Microsoft Exchange" first (the supported default), then the one that
 * lasts longest. */
static int
remedy_better(const Bindscope__V1__Certificate *a, const Bindscope__V1__Certificate *b)
{
	int ea = remedy_is_exchange_default(a), eb = remedy_is_exchange_default(b);

	if (ea != eb)
		return ea;
	return a->not_after > b->not_after;
}

/* 1 when c may serve TLS from LocalMachine\My at now (seconds). */
static int
remedy_usable(const Bindscope__V1__Certificate *c, int64_t now)
{
	return strcasecmp(c->store, "My") == 0 &&
	    c->has_private_key != BINDSCOPE__V1__TRI__TRI_NO &&
	    c->server_auth_eku != BINDSCOPE__V1__TRI__TRI_NO && !c->exchange_auth &&
	    c->not_before <= now && c->not_after > now &&
	    strcmp(bs_fix_thumb(c->thumbprint), c->thumbprint) == 0;
}

const Bindscope__V1__Certificate *
bs_remedy_backend_cert(const bs_report *r, int64_t now_ms)
{
	const Bindscope__V1__Certificate *best = NULL;

	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (c->covers_fqdn != BINDSCOPE__V1__TRI__TRI_YES ||
		    !remedy_usable(c, now_ms / 1000))
			continue;
		if (best == NULL || remedy_better(c, best))
			best = c;
	}
	return best;
}

/* "2030-01-31" of a certificate's NotAfter. */
static const char *
remedy_day(int64_t unix_s, char *out, size_t n)
{
	bs_time_format(unix_s * 1000, out, n);
	if (n > 10)
		out[10] = '\0'; /* the day is enough */
	return out;
}

const char *
bs_remedy_backend_text(const bs_report *r, const Bindscope__V1__Certificate *c, char *out, size_t n)
{
	char until[40];

	if (c == NULL) {
		snprintf(out, n,
		    "No valid certificate in LocalMachine\\My on %s covers %s: create Exchange's "
		    "self-signed \"Microsoft Exchange\" certificate with New-ExchangeCertificate and "
		    "bind it to 0.0.0.0:444",
		    r->host->fqdn, r->host->fqdn);
		return out;
	}
	snprintf(out, n, "Bind %s certificate %s (%s, valid until %s) to 0.0.0.0:444",
	    remedy_is_exchange_default(c) ? "the self-signed \"Microsoft Exchange\"" : "the",
	    c->thumbprint, c->subject, remedy_day(c->not_after, until, sizeof(until)));
	return out;
}

void
bs_fix_begin(struct bs_fix *f, const bs_report *r, const char *what)
{
	bs_fix_line(f, "# On %s, in an elevated Exchange Management Shell: %s",
	    bs_fix_fqdn(r->host->fqdn), what);
}

void
bs_fix_bind_444(struct bs_fix *f, const bs_report *r, const Bindscope__V1__Certificate *c)
{
	const char *fqdn = bs_fix_fqdn(r->host->fqdn);
	const char *host = bs_fix_host(r->host->hostname);
	char label[64];

	/* A report without the short name still has it as the FQDN's first
	 * label. */
	if (host[0] == '<' && fqdn[0] != '<') {
		snprintf(label, sizeof(label), "%.*s", (int)strcspn(fqdn, "."), fqdn);
		host = bs_fix_host(label);
	}
	if (c != NULL) {
		char until[40];

		bs_fix_line(f,
		    "# Bind %s (%s, valid until %s) to the Exchange Back End (0.0.0.0:444)",
		    bs_fix_thumb(c->thumbprint),
		    bs_fix_comment(c->friendly_name, "no friendly name"),
		    remedy_day(c->not_after, until, sizeof(until)));
		bs_fix_line(f, "$thumb = '%s'", bs_fix_thumb(c->thumbprint));
	} else {
		bs_fix_line(f, "# No valid certificate in LocalMachine\\My covers %s;", fqdn);
		bs_fix_line(f, "# create Exchange's self-signed one and bind it.");
		bs_fix_line(f,
		    "$cert = New-ExchangeCertificate -Server '%s' -SubjectName 'cn=%s' -DomainName "
		    "'%s','%s' -FriendlyName 'Microsoft Exchange' -PrivateKeyExportable $true "
		    "-Services None",
		    fqdn, host, host, fqdn);
		bs_fix_line(f, "$thumb = $cert.Thumbprint");
	}
	bs_fix_line(f, "netsh http delete sslcert ipport=0.0.0.0:444");
	/* Quoted: a bare {...} is a script block to PowerShell. */
	bs_fix_line(f,
	    "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb appid='" BS_IIS_APPID
	    "' certstorename=MY");
	bs_fix_line(f, "iisreset /noforce");
}

void
bs_remedy_frontend_cert(const struct bs_analysis *a, const bs_report *r, const char *not_thumb,
    struct bs_remedy_443 *out)
{
	const char *common = a->norms.common_443;
	int64_t now = a->opt.now_ms / 1000;

	memset(out, 0, sizeof(*out));
	if (not_thumb == NULL)
		not_thumb = "";
	if (common != NULL && strcasecmp(common, not_thumb) != 0 &&
	    strcmp(bs_fix_thumb(common), common) == 0) {
		out->thumb = common;
		out->local = bs_rules_cert(r, common, "My");
		for (size_t i = 0; out->local == NULL && i < a->n_servers; i++) {
			const bs_report *pr = a->servers[i]->report;
			const Bindscope__V1__Certificate *pc =
			    bs_rules_site_cert(pr, bs_rules_frontend_site(pr));

			if (pr != r && pc != NULL && strcasecmp(pc->thumbprint, common) == 0 &&
			    strcmp(bs_fix_fqdn(a->servers[i]->fqdn), a->servers[i]->fqdn) == 0) {
				out->from = a->servers[i]->fqdn;
				break;
			}
		}
		if (out->local != NULL || out->from != NULL)
			return;
		memset(out, 0, sizeof(*out));
	}
	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (c->self_signed != BINDSCOPE__V1__TRI__TRI_NO || !remedy_usable(c, now) ||
		    strcasecmp(c->thumbprint, not_thumb) == 0)
			continue;
		if (out->local == NULL || c->not_after > out->local->not_after)
			out->local = c;
	}
	out->thumb = out->local != NULL ? out->local->thumbprint : NULL;
}

void
bs_fix_enable_443(struct bs_fix *f, const bs_report *r, const struct bs_remedy_443 *c,
    const char *endpoint, int sni, int exists)
{
	const char *fqdn = bs_fix_fqdn(r->host->fqdn);

	if (c->thumb == NULL) {
		bs_fix_line(f,
		    "# No certificate to bind in the evidence: no other front end presents a "
		    "third-party one, and no valid one is in LocalMachine\\My. Fill in its "
		    "thumbprint.");
	} else if (c->local == NULL) {
		bs_fix_line(f, "# %s is what the other front ends present; copy it from %s.",
		    bs_fix_thumb(c->thumb), bs_fix_fqdn(c->from));
		bs_fix_line(f, "$pw = Read-Host -AsSecureString 'Password for the exported key'");
		bs_fix_line(f,
		    "$pfx = Export-ExchangeCertificate -Server '%s' -Thumbprint '%s' -BinaryEncoded "
		    "-Password $pw",
		    bs_fix_fqdn(c->from), bs_fix_thumb(c->thumb));
		bs_fix_line(f,
		    "Import-ExchangeCertificate -Server '%s' -FileData $pfx.FileData -Password $pw "
		    "-PrivateKeyExportable $true",
		    fqdn);
	} else {
		bs_fix_line(f, "# Bind %s (%s) to %s", bs_fix_thumb(c->thumb),
		    bs_fix_comment(c->local->subject, "no subject"),
		    bs_fix_endpoint(endpoint != NULL ? endpoint : "0.0.0.0:443"));
	}
	if (endpoint == NULL || strcmp(endpoint, "0.0.0.0:443") == 0)
		bs_fix_line(f,
		    "Enable-ExchangeCertificate -Server '%s' -Thumbprint '%s' -Services IIS", fqdn,
		    bs_fix_thumb(c->thumb));
	else
		bs_fix_line(f,
		    "netsh http %s sslcert %s='%s' certhash='%s' appid='" BS_IIS_APPID
		    "' certstorename=MY",
		    exists ? "update" : "add", sni ? "hostnameport" : "ipport",
		    bs_fix_endpoint(endpoint), bs_fix_thumb(c->thumb));
}

void
bs_fix_rebind(struct bs_fix *f, const bs_report *r, const Bindscope__V1__Certificate *c)
{
	for (size_t i = 0; i < c->n_used_by; i++) {
		const char *ep = bs_rules_cert_endpoint(c, i);
		const Bindscope__V1__SslBinding *sb = bs_rules_ssl(r, ep);

		if (strcmp(ep, "0.0.0.0:443") == 0) {
			bs_fix_line(f,
			    "Enable-ExchangeCertificate -Server '%s' -Thumbprint $thumb -Services IIS",
			    bs_fix_fqdn(r->host->fqdn));
		} else if (sb != NULL &&
		    sb->kind == BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_CCS) {
			bs_fix_line(f,
			    "# %s is served from the Central Certificate Store: replace its file",
			    bs_fix_endpoint(ep));
		} else {
			bs_fix_line(f,
			    "netsh http update sslcert %s='%s' certhash=$thumb appid='" BS_IIS_APPID
			    "' certstorename=MY",
			    sb != NULL &&
			            sb->kind == BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI
			        ? "hostnameport"
			        : "ipport",
			    bs_fix_endpoint(ep));
		}
	}
	if (c->n_used_by > 0)
		bs_fix_line(f, "iisreset /noforce");
}

void
bs_fix_renew(
    struct bs_fix *f, const bs_report *r, const Bindscope__V1__Certificate *c, unsigned key_bits)
{
	const char *fqdn = bs_fix_fqdn(r->host->fqdn);
	const char *thumb = bs_fix_thumb(c->thumbprint);
	char eps[256], size[32] = "";

	if (key_bits > 0)
		snprintf(size, sizeof(size), " -KeySize %u", key_bits);
	bs_rules_cert_endpoints(c, eps, sizeof(eps));
	if (c->self_signed == BINDSCOPE__V1__TRI__TRI_YES) {
		bs_fix_line(f,
		    "# Renew the self-signed %s and bind the new one where it is bound: %s", thumb,
		    bs_fix_comment(eps, "its endpoints"));
		bs_fix_line(f,
		    "$new = Get-ExchangeCertificate -Server '%s' -Thumbprint '%s' | "
		    "New-ExchangeCertificate -Force -PrivateKeyExportable $true%s",
		    fqdn, thumb, size);
	} else {
		bs_fix_line(f,
		    "# %s is issued by %s: request a new one from that CA, then bind it "
		    "where the old one is bound: %s",
		    thumb, bs_fix_comment(c->issuer, "its CA"),
		    bs_fix_comment(eps, "its endpoints"));
		bs_fix_line(f,
		    "$req = Get-ExchangeCertificate -Server '%s' -Thumbprint '%s' | "
		    "New-ExchangeCertificate -GenerateRequest -PrivateKeyExportable $true%s",
		    fqdn, thumb, size);
		bs_fix_line(f, "$reqFile = Join-Path $env:TEMP '%s-renewal.req'", thumb);
		bs_fix_line(f,
		    "[System.IO.File]::WriteAllBytes($reqFile, "
		    "[System.Text.Encoding]::Unicode.GetBytes($req))");
		bs_fix_line(f, "# Send $reqFile to the CA; with the certificate file it issues:");
		bs_fix_line(f,
		    "$new = Import-ExchangeCertificate -Server '%s' -FileData "
		    "([System.IO.File]::ReadAllBytes('<issued certificate file>')) "
		    "-PrivateKeyExportable $true",
		    fqdn);
	}
	bs_fix_line(f, "$thumb = $new.Thumbprint");
	bs_fix_rebind(f, r, c);
}

int
bs_rule_fix(struct bs_rule_ctx *ctx, const struct bs_fix *f)
{
	if (ctx->last == NULL)
		return 0;
	/* A spoiled block is left out whole: the remediation text stands. */
	ctx->last->fix = bs_arena_strdup(&ctx->a->arena, f->spoiled ? "" : f->buf);
	return ctx->last->fix == NULL ? BS_ENOMEM : 0;
}

int
bs_rule_raise_fix(struct bs_rule_ctx *ctx, const char *key, enum bs_severity sev, json_t *evidence,
    const char *remediation, const struct bs_fix *f, const char *title_fmt, ...)
{
	char title[512];
	va_list ap;
	int rv;

	va_start(ap, title_fmt);
	vsnprintf(title, sizeof(title), title_fmt, ap);
	va_end(ap);
	rv = bs_rule_raise_for(ctx, key, sev, evidence, remediation, "%s", title);
	if (rv == 0 && f != NULL)
		rv = bs_rule_fix(ctx, f);
	return rv;
}
