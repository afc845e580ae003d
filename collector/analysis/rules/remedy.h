/* remedy: the PowerShell block a finding's fix carries, with this
 * server's own values in it (FQDN, binding, thumbprint, virtual
 * directory). Values come from an agent's report, so one goes into a
 * block only when it has the shape of what it stands for (a 40-digit hex
 * thumbprint, a DNS name, an IP:port, an IIS location path), always
 * single-quoted; otherwise the block keeps a <placeholder> and a comment
 * line says which evidence was missing. */
#ifndef BS_ANALYSIS_REMEDY_H
#define BS_ANALYSIS_REMEDY_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/rules/rules.h"

#define BS_FIX_MAX 4096

/* The appid http.sys bindings that IIS makes carry. */
#define BS_IIS_APPID "{4dc3e181-e14b-4a21-b022-59fc669b0914}"

/* A block being written. A line that does not fit, or that holds a
 * control or non-ASCII byte (a value that skipped its guard), spoils the
 * whole block: a block with a line missing (the "add" of a "delete, add"
 * pair) is worse than none, so bs_rule_fix then gives the finding no
 * block and the remediation text stands alone. */
struct bs_fix {
	char buf[BS_FIX_MAX];
	size_t len;
	int spoiled;
};

void bs_fix_init(struct bs_fix *f);
/* Appends one line (a newline is added). Values from a report must pass
 * through the bs_fix_* value functions below first. */
void bs_fix_line(struct bs_fix *f, const char *fmt, ...) __attribute__((format(BS_PRINTF, 2, 3)));

/* The value when it has its shape, else the placeholder ("<FQDN>",
 * "<hostname>", "<thumbprint>", "<IP:port>", "<site/vdir>", "<site name>",
 * "<IP:port:host>", "<build>"). Only printable ASCII is ever accepted, and
 * never a quote of any kind (PowerShell also ends a single-quoted string
 * at U+2018..U+201B), so callers put them between single quotes as they
 * are. */
const char *bs_fix_fqdn(const char *fqdn);
const char *bs_fix_host(const char *hostname);
const char *bs_fix_thumb(const char *thumb);
const char *bs_fix_endpoint(const char *endpoint);
const char *bs_fix_location(const char *path);
const char *bs_fix_site(const char *name);
const char *bs_fix_binding(const char *binding_information);
const char *bs_fix_build(const char *build);
/* s for a comment line when it is printable ASCII without quotes or angle
 * brackets (nothing a reader could take for code or a placeholder), else
 * otherwise. */
const char *bs_fix_comment(const char *s, const char *otherwise);

/* The certificate to bind to the Back End on 444: a certificate in My
 * that covers the FQDN, is valid at now_ms, has its private key and may
 * serve TLS; the self-signed "Microsoft Exchange" one first, then the
 * latest expiry. NULL when the evidence holds none. */
const Bindscope__V1__Certificate *bs_remedy_backend_cert(const bs_report *r, int64_t now_ms);

/* One line for the remediation text about the certificate c to bind on
 * 444 (bs_remedy_backend_cert's answer, NULL for none), into out. */
const char *bs_remedy_backend_text(
    const bs_report *r, const Bindscope__V1__Certificate *c, char *out, size_t n);

/* The first line of every block: where to run it. */
void bs_fix_begin(struct bs_fix *f, const bs_report *r, const char *what);

/* Appends the commands that bind c to 0.0.0.0:444 on this server, or,
 * when c is NULL, create the self-signed certificate first and bind the
 * one just made. */
void bs_fix_bind_444(struct bs_fix *f, const bs_report *r, const Bindscope__V1__Certificate *c);

/* The certificate the fleet's front ends present on 443, to bind on this
 * server's: the fleet's common thumbprint (with the server that has it,
 * when this one does not), else the latest-expiring valid third-party
 * certificate in this server's My. */
struct bs_remedy_443 {
	const char *thumb; /* NULL: the evidence names none */
	const Bindscope__V1__Certificate *local; /* in this server's My, or NULL */
	const char *from; /* a server that has it when this one does not */
};
void bs_remedy_frontend_cert(const struct bs_analysis *a, const bs_report *r, const char *not_thumb,
    struct bs_remedy_443 *out);
/* Appends the commands binding that choice to endpoint (importing it
 * from the server that has it first): Enable-ExchangeCertificate for
 * 0.0.0.0:443 (or NULL), else netsh for that IP:port (host:port when sni),
 * "update" when http.sys has an entry for it (exists), "add" otherwise. */
void bs_fix_enable_443(struct bs_fix *f, const bs_report *r, const struct bs_remedy_443 *c,
    const char *endpoint, int sni, int exists);

/* Appends the commands that point every endpoint c serves at the
 * certificate whose thumbprint is in the PowerShell variable $thumb. */
void bs_fix_rebind(struct bs_fix *f, const bs_report *r, const Bindscope__V1__Certificate *c);

/* Appends the renewal of c (self-signed: New-ExchangeCertificate from it;
 * third-party: the certificate request for its CA, then the import), a
 * new key of key_bits when non-zero, and the rebinding of its endpoints. */
void bs_fix_renew(
    struct bs_fix *f, const bs_report *r, const Bindscope__V1__Certificate *c, unsigned key_bits);

/* Gives the finding ctx raised last this block as its fix (none when the
 * block is spoiled). 0 or BS_ENOMEM. */
int bs_rule_fix(struct bs_rule_ctx *ctx, const struct bs_fix *f);

/* bs_rule_raise_for, then bs_rule_fix with f (NULL: no block). */
int bs_rule_raise_fix(struct bs_rule_ctx *ctx, const char *key, enum bs_severity sev,
    json_t *evidence, const char *remediation, const struct bs_fix *f, const char *title_fmt, ...)
    __attribute__((format(BS_PRINTF, 7, 8)));

#endif
