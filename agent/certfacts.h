/* certfacts: what an auditor needs to know about one certificate, derived
 * with OpenSSL from its DER. Shared by the certificate store readers (file
 * and live) and, later, the TLS probe. */
#ifndef BS_CERTFACTS_H
#define BS_CERTFACTS_H

#include <openssl/x509.h>

#include "arena.h"
#include "wire.h"

/* Fills c from x (everything except store, file, friendly name, private
 * key, chain and usage, which depend on where the certificate was found).
 * fqdn/hostname may be empty: coverage is then TRI_UNKNOWN. Strings are
 * allocated in a. */
int bs_certfacts_fill(struct bs_arena *a, X509 *x, const char *fqdn, const char *hostname,
    Bindscope__V1__Certificate *c);

/* Upper-case hex SHA-1 of x's DER into out (41 bytes). */
int bs_certfacts_thumbprint(X509 *x, char out[41]);

/* TRI_YES if name is covered by x as a TLS client matches it (SAN DNS
 * names, else the CN; a wildcard stands for exactly one left-most label). */
Bindscope__V1__Tri bs_certfacts_covers(X509 *x, const char *name);

#endif
