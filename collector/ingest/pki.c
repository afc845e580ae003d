/* pki: EC P-256 CA, server and agent certificates with OpenSSL 3. */
#include "ingest/pki.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"
#include "ingest/fqdn.h"
#include "fsutil.h"
#include "sig.h"

#define PKI_CA_DAYS 3650
#define PKI_LEAF_DAYS 825

static int
pki_path(char *out, size_t n, const char *dir, const char *file)
{
	return bs_path_join(out, n, dir, file);
}

static int
pki_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (e == NULL)
		return BS_ECRYPTO;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : BS_ECRYPTO;
}

/* A certificate for pub, signed by issuer (or self-signed when issuer is
 * NULL). san may be NULL; eku "serverAuth"/"clientAuth" or NULL for a CA. */
static X509 *
pki_cert(const char *cn, EVP_PKEY *pub, X509 *issuer, EVP_PKEY *issuer_key, const char *san,
    const char *eku, int days)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	BIGNUM *bn = BN_new();
	int ok = x != NULL && name != NULL && bn != NULL;

	/* 127-bit random serials: unique without keeping a counter. */
	ok = ok && BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	ok = ok && X509_set_version(x, 2) == 1 &&
	    X509_NAME_add_entry_by_txt(
	        name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) == 1 &&
	    X509_set_subject_name(x, name) == 1 &&
	    X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name) == 1 &&
	    X509_gmtime_adj(X509_getm_notBefore(x), -300) != NULL &&
	    X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) != NULL &&
	    X509_set_pubkey(x, pub) == 1;
	if (ok && eku == NULL) {
		ok = pki_ext(x, x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") == 0 &&
		    pki_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") == 0 &&
		    pki_ext(x, x, NID_subject_key_identifier, "hash") == 0;
	} else if (ok) {
		ok = pki_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
		    pki_ext(x, issuer, NID_key_usage, "critical,digitalSignature,keyAgreement") ==
		        0 &&
		    pki_ext(x, issuer, NID_ext_key_usage, eku) == 0 &&
		    pki_ext(x, issuer, NID_authority_key_identifier, "keyid") == 0 &&
		    (san == NULL || pki_ext(x, issuer, NID_subject_alt_name, san) == 0);
	}
	ok = ok && X509_sign(x, issuer_key, EVP_sha256()) > 0;
	X509_NAME_free(name);
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int
pki_load_ca(const char *dir, X509 **ca, EVP_PKEY **key, char *why, size_t whysz)
{
	char p[BS_PATH_MAX];

	if (pki_path(p, sizeof(p), dir, "ca.pem") != 0 || bs_pem_load_cert(p, ca) != 0) {
		snprintf(why, whysz, "%s/ca.pem: cannot load (run pki init first)", dir);
		return BS_ENOENT;
	}
	if (pki_path(p, sizeof(p), dir, "ca.key") != 0 || bs_pem_load_key(p, key) != 0) {
		snprintf(why, whysz, "%s/ca.key: cannot load", dir);
		X509_free(*ca);
		*ca = NULL;
		return BS_ENOENT;
	}
	return 0;
}

int
bs_pki_init(const char *dir, const char *const *server_names, size_t n, char *why, size_t whysz)
{
	char p[BS_PATH_MAX], san[2048], host[256];
	EVP_PKEY *cakey = NULL, *skey = NULL;
	X509 *ca = NULL, *srv = NULL;
	size_t o;
	int rv = BS_ECRYPTO;
	FILE *f;

	if (bs_fs_mkdirs(dir) != 0) {
		snprintf(why, whysz, "%s: cannot create", dir);
		return BS_EIO;
	}
	if (pki_path(p, sizeof(p), dir, "ca.key") != 0 || access(p, F_OK) == 0) {
		snprintf(why, whysz, "%s: a CA already exists; refusing to overwrite it", p);
		return BS_EINVAL;
	}
	o = (size_t)snprintf(san, sizeof(san), "DNS:localhost,IP:127.0.0.1");
	if (gethostname(host, sizeof(host)) == 0 && host[0] != '\0')
		o += (size_t)snprintf(san + o, sizeof(san) - o, ",DNS:%s", host);
	for (size_t i = 0; i < n && o < sizeof(san); i++) {
		int ip = strspn(server_names[i], "0123456789.:") == strlen(server_names[i]);

		o += (size_t)snprintf(
		    san + o, sizeof(san) - o, ",%s:%s", ip ? "IP" : "DNS", server_names[i]);
	}
	if (o >= sizeof(san)) {
		snprintf(why, whysz, "too many server names");
		return BS_EINVAL;
	}
	if ((cakey = EVP_EC_gen("P-256")) == NULL || (skey = EVP_EC_gen("P-256")) == NULL ||
	    (ca = pki_cert(
	         "bindscope collector CA", cakey, NULL, cakey, NULL, NULL, PKI_CA_DAYS)) == NULL ||
	    (srv = pki_cert("bindscope collector", skey, ca, cakey, san, "serverAuth",
	         PKI_LEAF_DAYS)) == NULL) {
		snprintf(why, whysz, "cannot make the certificates");
		goto out;
	}
	rv = BS_EIO;
	if (pki_path(p, sizeof(p), dir, "ca.key") != 0 || bs_pem_write_key(p, cakey) != 0 ||
	    pki_path(p, sizeof(p), dir, "ca.pem") != 0 || bs_pem_write_cert(p, ca) != 0 ||
	    pki_path(p, sizeof(p), dir, "server.key") != 0 || bs_pem_write_key(p, skey) != 0 ||
	    pki_path(p, sizeof(p), dir, "server.pem") != 0 || bs_pem_write_cert(p, srv) != 0 ||
	    pki_path(p, sizeof(p), dir, "revoked.txt") != 0 || (f = fopen(p, "a")) == NULL) {
		snprintf(why, whysz, "%s: cannot write", dir);
		goto out;
	}
	fclose(f);
	rv = 0;
out:
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(skey);
	X509_free(ca);
	X509_free(srv);
	return rv;
}

/* A name we certify: an acceptable server name with at least one dot. */
static int
pki_valid_fqdn(const char *s)
{
	size_t bad;

	return bs_fqdn_check(s, &bad) == 0 && strchr(s, '.') != NULL;
}

int
bs_pki_issue(const char *dir, const char *fqdn, const char *outdir, char *why, size_t whysz)
{
	char p[BS_PATH_MAX], san[300];
	EVP_PKEY *cakey = NULL, *key = NULL;
	X509 *ca = NULL, *x = NULL;
	int rv;

	if (!pki_valid_fqdn(fqdn)) {
		snprintf(why, whysz, "'%s' is not a lower-case FQDN", fqdn);
		return BS_EINVAL;
	}
	if ((rv = pki_load_ca(dir, &ca, &cakey, why, whysz)) != 0)
		return rv;
	snprintf(san, sizeof(san), "DNS:%s", fqdn);
	rv = BS_ECRYPTO;
	if ((key = EVP_EC_gen("P-256")) == NULL ||
	    (x = pki_cert(fqdn, key, ca, cakey, san, "clientAuth", PKI_LEAF_DAYS)) == NULL) {
		snprintf(why, whysz, "cannot make the certificate");
		goto out;
	}
	rv = BS_EIO;
	if (bs_fs_mkdirs(outdir) != 0 || pki_path(p, sizeof(p), outdir, "agent.key") != 0 ||
	    bs_pem_write_key(p, key) != 0 || pki_path(p, sizeof(p), outdir, "agent.pem") != 0 ||
	    bs_pem_write_cert(p, x) != 0 || pki_path(p, sizeof(p), outdir, "ca.pem") != 0 ||
	    bs_pem_write_cert(p, ca) != 0) {
		snprintf(why, whysz, "%s: cannot write", outdir);
		goto out;
	}
	rv = 0;
out:
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
	X509_free(ca);
	X509_free(x);
	return rv;
}

int
bs_pki_sign_csr(
    const char *dir, const char *csr_path, const char *out_cert, char *why, size_t whysz)
{
	EVP_PKEY *cakey = NULL, *pub;
	X509 *ca = NULL, *x = NULL;
	X509_REQ *req = NULL;
	char cn[256], san[300];
	FILE *f;
	int rv;

	if ((rv = pki_load_ca(dir, &ca, &cakey, why, whysz)) != 0)
		return rv;
	rv = BS_EPARSE;
	if ((f = fopen(csr_path, "r")) == NULL) {
		snprintf(why, whysz, "%s: cannot open", csr_path);
		rv = BS_ENOENT;
		goto out;
	}
	req = PEM_read_X509_REQ(f, NULL, NULL, NULL);
	fclose(f);
	if (req == NULL || (pub = X509_REQ_get0_pubkey(req)) == NULL ||
	    X509_REQ_verify(req, pub) != 1) {
		snprintf(why, whysz,
		    "%s: not a PEM certificate request with a valid self-signature", csr_path);
		goto out;
	}
	if (X509_NAME_get_text_by_NID(
	        X509_REQ_get_subject_name(req), NID_commonName, cn, sizeof(cn)) <= 0 ||
	    !pki_valid_fqdn(cn)) {
		snprintf(why, whysz, "%s: the request's CN must be the server's lower-case FQDN",
		    csr_path);
		goto out;
	}
	snprintf(san, sizeof(san), "DNS:%s", cn);
	/* Only the key and the FQDN are taken from the request: the
	 * extensions are ours. */
	if ((x = pki_cert(cn, pub, ca, cakey, san, "clientAuth", PKI_LEAF_DAYS)) == NULL ||
	    bs_pem_write_cert(out_cert, x) != 0) {
		snprintf(why, whysz, "%s: cannot make or write the certificate", out_cert);
		rv = BS_EIO;
		goto out;
	}
	rv = 0;
out:
	X509_REQ_free(req);
	EVP_PKEY_free(cakey);
	X509_free(ca);
	X509_free(x);
	return rv;
}

static void
pki_serial_hex(X509 *x, char *out, size_t n)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *h = bn != NULL ? BN_bn2hex(bn) : NULL;

	snprintf(out, n, "%s", h != NULL ? h : "");
	OPENSSL_free(h);
	BN_free(bn);
}

int
bs_pki_revoke(const char *dir, const char *cert_path, char *why, size_t whysz)
{
	char p[BS_PATH_MAX], serial[128];
	X509 *x = NULL;
	FILE *f;

	if (bs_pem_load_cert(cert_path, &x) != 0) {
		snprintf(why, whysz, "%s: not a PEM certificate", cert_path);
		return BS_EPARSE;
	}
	pki_serial_hex(x, serial, sizeof(serial));
	X509_free(x);
	if (pki_path(p, sizeof(p), dir, "revoked.txt") != 0 || (f = fopen(p, "a")) == NULL) {
		snprintf(why, whysz, "%s/revoked.txt: cannot write", dir);
		return BS_EIO;
	}
	fprintf(f, "%s\n", serial);
	if (fclose(f) != 0) {
		snprintf(why, whysz, "%s/revoked.txt: cannot write", dir);
		return BS_EIO;
	}
	return 0;
}
