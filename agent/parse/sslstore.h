/* sslstore: which certificate store http.sys looks a binding's
 * certificate up in, from the store name as a reader found it: the
 * registry's SslCertStoreName, netsh's "Certificate Store Name" line or
 * the HTTP Server API's pSslCertStoreName. Every reader of http.sys
 * bindings (source/sslbind.c, parse/netsh.c) goes through it, so a
 * binding means the same whoever read it. */
#ifndef BS_SSLSTORE_H
#define BS_SSLSTORE_H

/* "MY" when raw is NULL, empty, blank or netsh's "(null)" (a binding
 * added without certstorename), raw itself otherwise. The result is raw
 * or a static string; the caller copies it when raw does not outlive it. */
const char *bs_sslstore_name(const char *raw);

#endif
