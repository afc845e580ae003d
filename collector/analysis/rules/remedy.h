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

/* A block being written; lines past BS_FIX_MAX are dropped whole. */
struct bs_fix {
	char buf[BS_FIX_MAX];
	size_t len;
};

void bs_fix_init(struct bs_fix *f);
/* Appends one line (a newline is added). Values from a report must pass
 * through the bs_fix_* value functions below first. */
void bs_fix_line(struct bs_fix *f, const char *fmt, ...) __attribute__((format(BS_PRINTF, 2, 3)));

/* The value when it has its shape, else the placeholder ("<FQDN>",
 * "<thumbprint>", "<IP:port>", "<site/vdir>"). Never quoted: callers put
 * them between single quotes, which none of the accepted characters can
 * end. */
const char *bs_fix_fqdn(const char *fqdn);
const char *bs_fix_thumb(const char *thumb);
const char *bs_fix_endpoint(const char *endpoint);
const char *bs_fix_location(const char *path);

/* The certificate to bind to the Back End on 444: a certificate in My
 * that covers the FQDN, is valid at now_ms, has its private key and may
 * serve TLS; the self-signed "Microsoft Exchange" one first, then the
 * latest expiry. NULL when the evidence holds none. */
const Bindscope__V1__Certificate *bs_remedy_backend_cert(const bs_report *r, int64_t now_ms);

/* Appends the commands that bind c to 0.0.0.0:444 on this server, or,
 * when c is NULL, create the self-signed certificate first and bind the
 * one just made. */
void bs_fix_bind_444(struct bs_fix *f, const bs_report *r, const Bindscope__V1__Certificate *c);

/* Gives the finding ctx raised last this block as its fix. 0 or BS_ENOMEM. */
int bs_rule_fix(struct bs_rule_ctx *ctx, const struct bs_fix *f);

#endif
