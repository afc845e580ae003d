/* certstore: the LocalMachine certificate stores. Off Windows they are the
 * exported folders certstore/LocalMachine/<Store>/<THUMBPRINT>.cer with an
 * optional <THUMBPRINT>.json of store properties (certstore_dir.c); on a
 * live server, the system stores themselves (certstore_win32.c). Both
 * hand each certificate to the same code here. */
#ifndef BS_CERTSTORE_H
#define BS_CERTSTORE_H

#include <openssl/x509.h>
#include <stddef.h>

#include "sweep.h"

/* Parses a certificate file's bytes, PEM or DER. *out is the caller's
 * (X509_free). BS_EPARSE when it is neither. */
int bs_certstore_parse_cert(const char *data, size_t len, X509 **out);

/* Applies a store-properties JSON document ({"FriendlyName": "..",
 * "HasPrivateKey": true}) to c. On error writes the reason to why. */
int bs_certstore_parse_props(struct bs_arena *a, const char *data, size_t len,
    Bindscope__V1__Certificate *c, char *why, size_t whysz);

/* The certificates one sweep has read, kept until chains are decided;
 * index-aligned with the report certificates they became. */
struct bs_certset {
	X509 **x;
	Bindscope__V1__Certificate **c;
	size_t n, cap;
};

/* Adds x (found in store) to the report with its facts and keeps it in l;
 * l owns x from here, also on failure. *out is the report's certificate,
 * for the reader to add where it was found and its store properties. */
int bs_certset_add(struct bs_sweep *s, struct bs_certset *l, X509 *x, const char *store,
    Bindscope__V1__Certificate **out);

/* Decides chains_to_root for every kept certificate (when the Root store
 * was read) and frees what l holds. */
int bs_certset_finish(struct bs_certset *l, int have_root);

#endif
