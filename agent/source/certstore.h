/* certstore: the LocalMachine certificate stores. Off Windows they are the
 * exported folders certstore/LocalMachine/<Store>/<THUMBPRINT>.cer with an
 * optional <THUMBPRINT>.json of store properties. */
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

#endif
