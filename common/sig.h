/* sig: report signatures and the PEM files behind them. An agent signs
 * the serialized report with its enrolled key; the collector checks the
 * signature with the certificate sent alongside, after checking that
 * certificate against its CA. NNG 1.5.2 cannot tell the collector who the
 * TLS peer was, so this signature is what ties a report to a server. */
#ifndef BS_SIG_H
#define BS_SIG_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>
#include <stdint.h>

/* Signs data with key (ECDSA with SHA-256, or RSA-PSS with SHA-256).
 * *sig is malloc'd (caller frees); *alg names the algorithm (static). */
int bs_sig_sign(EVP_PKEY *key, const uint8_t *data, size_t len, uint8_t **sig, size_t *siglen,
    const char **alg);
/* 0 when sig is cert's key's signature of data; BS_ECRYPTO otherwise. */
int bs_sig_verify(X509 *cert, const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen);

/* PEM files. Keys are written 0600. Loaded objects are the caller's. */
int bs_pem_load_key(const char *path, EVP_PKEY **out);
int bs_pem_load_cert(const char *path, X509 **out);
int bs_pem_write_key(const char *path, EVP_PKEY *key);
int bs_pem_write_cert(const char *path, X509 *cert);
int bs_pem_write_req(const char *path, X509_REQ *req);
/* A certificate's DER encoding (malloc'd). */
int bs_cert_der(X509 *cert, uint8_t **der, size_t *len);

#endif
