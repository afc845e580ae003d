/* tlsconf: the NNG TLS configuration both programs build from PEM files:
 * our certificate and key, the CA the peer must chain to, peer
 * authentication required. NNG 1.5.2 (mbedTLS 2.28) speaks TLS 1.2. */
#ifndef BS_TLSCONF_H
#define BS_TLSCONF_H

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>

/* server_name: the name the peer's certificate must carry (client mode
 * only; NULL for a server). Errors are logged with the file names. The
 * caller owns *out (nng_tls_config_free). */
int bs_tlsconf_create(nng_tls_mode mode, const char *ca_file, const char *cert_file,
    const char *key_file, const char *server_name, nng_tls_config **out);

#endif
