/* verify: agent certificate and report signature checks. */
#include "verify.h"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pki.h"
#include "sig.h"

struct bs_verifier {
	X509_STORE *ca;
	char *revoked;
};

int
bs_verifier_create(const char *ca_file, const char *revoked_file, struct bs_verifier **out)
{
	struct bs_verifier *v = calloc(1, sizeof(*v));

	*out = NULL;
	if (v == NULL)
		return BS_ENOMEM;
	v->ca = X509_STORE_new();
	if (v->ca == NULL || X509_STORE_load_file(v->ca, ca_file) != 1) {
		bs_verifier_destroy(v);
		return BS_ECRYPTO;
	}
	if (revoked_file != NULL && (v->revoked = strdup(revoked_file)) == NULL) {
		bs_verifier_destroy(v);
		return BS_ENOMEM;
	}
	*out = v;
	return 0;
}

void
bs_verifier_destroy(struct bs_verifier *v)
{
	if (v == NULL)
		return;
	X509_STORE_free(v->ca);
	free(v->revoked);
	free(v);
}

int
bs_verifier_check(const struct bs_verifier *v, const Bindscope__V1__Envelope *env,
    const bs_report *r, char *why, size_t whysz)
{
	const unsigned char *p = env->certificate.data;
	X509 *cert = NULL;
	X509_STORE_CTX *ctx = NULL;
	char cn[256] = "";
	int rv = BS_EREFUSED;

	if (env->signature.len == 0 || env->certificate.len == 0) {
		snprintf(
		    why, whysz, "unsigned report: this collector accepts only enrolled agents");
		return BS_EREFUSED;
	}
	cert = d2i_X509(NULL, &p, (long)env->certificate.len);
	if (cert == NULL || p != env->certificate.data + env->certificate.len) {
		snprintf(why, whysz, "the agent certificate does not decode");
		goto out;
	}
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, v->ca, cert, NULL) != 1) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	if (X509_verify_cert(ctx) != 1) {
		snprintf(why, whysz, "agent certificate '%s' not accepted: %s", cn,
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		goto out;
	}
	if (bs_pki_is_revoked(v->revoked, cert)) {
		snprintf(why, whysz, "agent certificate '%s' is revoked", cn);
		goto out;
	}
	if (bs_sig_verify(cert, env->report.data, env->report.len, env->signature.data,
	        env->signature.len) != 0) {
		snprintf(why, whysz,
		    "signature does not verify: the report was altered or not signed "
		    "by '%s'",
		    cn);
		goto out;
	}
	if (r->host == NULL ||
	    X509_check_host(cert, r->host->fqdn, strlen(r->host->fqdn),
	        X509_CHECK_FLAG_NO_WILDCARDS, NULL) != 1) {
		snprintf(why, whysz, "certificate is for '%s' but the report claims '%s'", cn,
		    r->host != NULL ? r->host->fqdn : "");
		goto out;
	}
	rv = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_free(cert);
	return rv;
}
