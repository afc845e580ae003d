/* verify: agent certificate and report signature checks. */
#include "ingest/verify.h"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#include "err.h"
#include "ingest/pki.h"
#include "sig.h"

/* Agent certificates verified recently, by SHA-256 of their DER: chain
 * checking costs more than the signature, and an agent sends the same
 * certificate every time. Entries expire, and revocation and the
 * certificate's validity period are checked on every report regardless. */
#define VERIFY_CACHE 4096
#define VERIFY_CACHE_SECS 300

struct verify_cached {
	unsigned char digest[32];
	time_t at;
	X509 *cert; /* parsed once: OpenSSL 3's decoders are slow and take locks */
};

struct bs_verifier {
	X509_STORE *ca;
	char *revoked;
	struct verify_cached cache[VERIFY_CACHE];
	/* The revocation list, reread when the file changes. */
	char (*serials)[72];
	size_t nserials;
	struct timespec revoked_mtime;
	off_t revoked_size;
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
	for (size_t i = 0; i < VERIFY_CACHE; i++)
		X509_free(v->cache[i].cert);
	free(v->revoked);
	free(v->serials);
	free(v);
}

/* Rereads the revocation list when its file changed. */
static void
verify_load_revoked(struct bs_verifier *v)
{
	struct stat st;
	FILE *f;
	char line[160];

	if (v->revoked == NULL || stat(v->revoked, &st) != 0)
		return;
	if (st.st_mtim.tv_sec == v->revoked_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == v->revoked_mtime.tv_nsec && st.st_size == v->revoked_size)
		return;
	if ((f = fopen(v->revoked, "r")) == NULL)
		return;
	v->nserials = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char(*ns)[72];

		line[strcspn(line, "\r\n \t")] = '\0';
		if (line[0] == '\0' || strlen(line) >= 72)
			continue;
		ns = realloc(v->serials, (v->nserials + 1) * sizeof(*v->serials));
		if (ns == NULL)
			break;
		v->serials = ns;
		memcpy(v->serials[v->nserials++], line, strlen(line) + 1);
	}
	fclose(f);
	v->revoked_mtime = st.st_mtim;
	v->revoked_size = st.st_size;
}

static int
verify_is_revoked(struct bs_verifier *v, X509 *cert)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
	int found = hex == NULL; /* cannot tell: refuse */

	verify_load_revoked(v);
	for (size_t i = 0; hex != NULL && !found && i < v->nserials; i++)
		found = strcasecmp(v->serials[i], hex) == 0;
	OPENSSL_free(hex);
	BN_free(bn);
	return found;
}

int
bs_verifier_check(struct bs_verifier *v, const Bindscope__V1__Envelope *env, const bs_report *r,
    char *why, size_t whysz, const char **code)
{
	unsigned char digest[32];
	unsigned int dlen = 0;
	struct verify_cached *slot;
	time_t now = time(NULL);
	const unsigned char *p = env->certificate.data;
	X509 *cert = NULL;
	X509_STORE_CTX *ctx = NULL;
	char cn[256] = "";
	int rv = BS_EREFUSED;

	if (env->signature.len == 0 || env->certificate.len == 0) {
		snprintf(
		    why, whysz, "unsigned report: this collector accepts only enrolled agents");
		*code = "unsigned";
		return BS_EREFUSED;
	}
	EVP_Digest(env->certificate.data, env->certificate.len, digest, &dlen, EVP_sha256(), NULL);
	slot = &v->cache[(digest[0] | digest[1] << 8) % VERIFY_CACHE];
	if (slot->cert != NULL && memcmp(slot->digest, digest, 32) == 0 &&
	    now - slot->at < VERIFY_CACHE_SECS && now >= slot->at) {
		cert = slot->cert;
		X509_up_ref(cert);
		X509_NAME_get_text_by_NID(
		    X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
		goto chain_ok;
	}
	cert = d2i_X509(NULL, &p, (long)env->certificate.len);
	if (cert == NULL || p != env->certificate.data + env->certificate.len) {
		snprintf(why, whysz, "the agent certificate does not decode");
		*code = "bad_certificate";
		goto out;
	}
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, v->ca, cert, NULL) != 1) {
		snprintf(why, whysz, "out of memory");
		*code = "internal";
		goto out;
	}
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	if (X509_verify_cert(ctx) != 1) {
		snprintf(why, whysz, "agent certificate '%s' not accepted: %s", cn,
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		*code = "untrusted";
		goto out;
	}
	memcpy(slot->digest, digest, 32);
	slot->at = now;
	X509_free(slot->cert);
	X509_up_ref(cert);
	slot->cert = cert;
chain_ok:
	/* The chain check above looked at the time too, but a cached entry
	 * may outlive the certificate's notAfter by minutes. */
	if (X509_cmp_time(X509_get0_notAfter(cert), &now) < 0 ||
	    X509_cmp_time(X509_get0_notBefore(cert), &now) > 0) {
		snprintf(why, whysz, "agent certificate '%s' not accepted: %s", cn,
		    X509_cmp_time(X509_get0_notAfter(cert), &now) < 0
		        ? "certificate has expired"
		        : "certificate is not yet valid");
		*code = "untrusted";
		goto out;
	}
	if (verify_is_revoked(v, cert)) {
		snprintf(why, whysz, "agent certificate '%s' is revoked", cn);
		*code = "revoked";
		goto out;
	}
	if (bs_sig_verify(cert, env->report.data, env->report.len, env->signature.data,
	        env->signature.len) != 0) {
		snprintf(why, whysz,
		    "signature does not verify: the report was altered or not signed "
		    "by '%s'",
		    cn);
		*code = "bad_signature";
		goto out;
	}
	if (r->host == NULL ||
	    X509_check_host(cert, r->host->fqdn, strlen(r->host->fqdn),
	        X509_CHECK_FLAG_NO_WILDCARDS, NULL) != 1) {
		snprintf(why, whysz, "certificate is for '%s' but the report claims '%s'", cn,
		    r->host != NULL ? r->host->fqdn : "");
		*code = "fqdn_mismatch";
		goto out;
	}
	/* The agent_id a report claims is the certificate's too (empty: the
	 * FQDN): nothing signed by one server speaks for another. */
	if (r->agent != NULL && r->agent->agent_id[0] != '\0' &&
	    X509_check_host(cert, r->agent->agent_id, strlen(r->agent->agent_id),
	        X509_CHECK_FLAG_NO_WILDCARDS, NULL) != 1) {
		snprintf(why, whysz,
		    "certificate is for '%s' but the report's agent_id is '%.100s'", cn,
		    r->agent->agent_id);
		*code = "agent_id_mismatch";
		goto out;
	}
	rv = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_free(cert);
	return rv;
}
