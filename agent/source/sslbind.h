/* sslbind: the http.sys certificate bindings. Readers: the registry keys
 * (sslbind.c, the source of truth on every Windows language), the text of
 * `netsh http show sslcert` (netsh.c) and, on a live server, the HTTP
 * Server API (httpsys_win32.c). They meet here, so a binding means the
 * same whoever read it. */
#ifndef BS_SSLBIND_H
#define BS_SSLBIND_H

#include <stddef.h>
#include <stdint.h>

#include "sweep.h"

struct bs_sslbind_entry {
	Bindscope__V1__SslBindingKind kind;
	const char *endpoint; /* "0.0.0.0:444", "[::]:443", "mail.contoso.com:443" */
	const uint8_t *hash; /* SslCertHash bytes; NULL when missing */
	size_t hash_len;
	const char *store; /* as read; bs_sslstore_name (sslstore.h) says what it means */
	const uint8_t *app_id; /* 16 bytes as Windows stores a GUID; may be NULL */
	const char *source; /* "registry", "netsh", "http-api" (static) */
	const char *where; /* for collection errors: the key or file */
};

/* Adds one binding to the report; *out is the report's, for the reader
 * to add what only it knows (flags). */
int bs_sslbind_push(
    struct bs_sweep *s, const struct bs_sslbind_entry *e, Bindscope__V1__SslBinding **out);

/* The registry reader (falls back to netsh/sslcert.txt when the exports
 * hold no http.sys keys). */
int bs_src_sslbind(struct bs_sweep *s);

#endif
