/* tlsconf: NNG TLS configurations from PEM files. */
#include "tlsconf.h"

#include <stdlib.h>

#include "err.h"
#include "fsutil.h"
#include "log.h"

#define PEM_MAX (1u << 20)

int
bs_tlsconf_create(nng_tls_mode mode, const char *ca_file, const char *cert_file,
    const char *key_file, const char *server_name, nng_tls_config **out)
{
	char *cert = NULL, *key = NULL, *ca = NULL;
	size_t n;
	int rv = BS_ECRYPTO, nrv = 0;

	*out = NULL;
	if (bs_fs_read(cert_file, PEM_MAX, &cert, &n) != 0 ||
	    bs_fs_read(key_file, PEM_MAX, &key, &n) != 0 ||
	    bs_fs_read(ca_file, PEM_MAX, &ca, &n) != 0) {
		bs_log(BS_LOG_ERROR, "tls_files",
		    "cert=\"%s\" key=\"%s\" ca=\"%s\" error=\"cannot read\"", cert_file, key_file,
		    ca_file);
		rv = BS_ENOENT;
		goto out;
	}
	if ((nrv = nng_tls_config_alloc(out, mode)) != 0 ||
	    (nrv = nng_tls_config_own_cert(*out, cert, key, NULL)) != 0 ||
	    (nrv = nng_tls_config_ca_chain(*out, ca, NULL)) != 0 ||
	    (nrv = nng_tls_config_auth_mode(*out, NNG_TLS_AUTH_MODE_REQUIRED)) != 0 ||
	    (server_name != NULL && (nrv = nng_tls_config_server_name(*out, server_name)) != 0)) {
		bs_log(BS_LOG_ERROR, "tls_config", "error=\"%s\"", nng_strerror(nrv));
		goto out;
	}
	rv = 0;
out:
	if (rv != 0 && *out != NULL) {
		nng_tls_config_free(*out);
		*out = NULL;
	}
	free(cert);
	free(key);
	free(ca);
	return rv;
}
