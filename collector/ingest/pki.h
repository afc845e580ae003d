/* pki: the collector's small certificate authority. `pki init` makes the
 * CA and the collector's server certificate; `pki issue` makes an agent's
 * key and certificate (EKU clientAuth, SAN = the server's FQDN); `pki
 * sign` turns an agent's CSR into a certificate so keys never travel;
 * `pki revoke` lists a certificate the collector must refuse. Files in
 * DIR: ca.pem ca.key server.pem server.key revoked.txt (serials, hex). */
#ifndef BS_INGEST_PKI_H
#define BS_INGEST_PKI_H

#include <openssl/x509.h>
#include <stddef.h>

/* server_names: DNS names and IP addresses for the collector's
 * certificate (localhost and 127.0.0.1 are always added). */
int bs_pki_init(
    const char *dir, const char *const *server_names, size_t n, char *why, size_t whysz);
int bs_pki_issue(const char *dir, const char *fqdn, const char *outdir, char *why, size_t whysz);
int bs_pki_sign_csr(
    const char *dir, const char *csr_path, const char *out_cert, char *why, size_t whysz);
int bs_pki_revoke(const char *dir, const char *cert_path, char *why, size_t whysz);

#endif
