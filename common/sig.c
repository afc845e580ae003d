/* sig: signing and verification with OpenSSL 3 EVP, and PEM I/O. */
#include "sig.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fsutil.h"

static int
sig_is_rsa(EVP_PKEY *k)
{
	return EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA;
}

int
bs_sig_sign(
    EVP_PKEY *key, const uint8_t *data, size_t len, uint8_t **sig, size_t *siglen, const char **alg)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t *out = NULL;
	size_t n = 0;
	int rv = BS_ECRYPTO;

	*sig = NULL;
	if (ctx == NULL)
		return BS_ENOMEM;
	if (EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, key) != 1)
		goto out;
	if (sig_is_rsa(key) && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1)
		goto out;
	if (EVP_DigestSign(ctx, NULL, &n, data, len) != 1 || (out = malloc(n)) == NULL ||
	    EVP_DigestSign(ctx, out, &n, data, len) != 1)
		goto out;
	*sig = out;
	*siglen = n;
	*alg = sig_is_rsa(key) ? "rsa-pss-sha256" : "ecdsa-sha256";
	out = NULL;
	rv = 0;
out:
	free(out);
	EVP_MD_CTX_free(ctx);
	return rv;
}

int
bs_sig_verify(X509 *cert, const uint8_t *data, size_t len, const uint8_t *sig, size_t siglen)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	EVP_MD_CTX *ctx;
	EVP_PKEY_CTX *pctx = NULL;
	int ok = 0;

	if (key == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
		return BS_ECRYPTO;
	if (EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, key) == 1 &&
	    (!sig_is_rsa(key) || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1))
		ok = EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : BS_ECRYPTO;
}

/* PEM files go through memory BIOs, so the file edge (UTF-8 paths,
 * atomic private writes) stays in fsutil. */
#define SIG_PEM_MAX (1024u * 1024u)

static int
sig_read_bio(const char *path, BIO **out)
{
	char *data = NULL;
	size_t len = 0;
	int rv = bs_fs_read(path, SIG_PEM_MAX, &data, &len);

	*out = NULL;
	if (rv != 0)
		return rv;
	*out = BIO_new(BIO_s_mem());
	if (*out == NULL || BIO_write(*out, data, (int)len) != (int)len) {
		BIO_free(*out);
		*out = NULL;
		rv = BS_ENOMEM;
	}
	OPENSSL_cleanse(data, len);
	free(data);
	return rv;
}

static int
sig_write_bio(const char *path, BIO *b, int private)
{
	char *data = NULL;
	long len = BIO_get_mem_data(b, &data);

	if (len <= 0)
		return BS_EIO;
	return private ? bs_fs_write_private(path, data, (size_t)len)
	               : bs_fs_write_atomic(path, data, (size_t)len);
}

/* Each PEM type's reader and writer, in one shape for the two helpers
 * below. */
static void *
pem_read_key(BIO *b)
{
	return PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
}

static void *
pem_read_cert(BIO *b)
{
	return PEM_read_bio_X509(b, NULL, NULL, NULL);
}

static int
pem_write_key(BIO *b, void *o)
{
	return PEM_write_bio_PrivateKey(b, o, NULL, NULL, 0, NULL, NULL);
}

static int
pem_write_cert(BIO *b, void *o)
{
	return PEM_write_bio_X509(b, o);
}

static int
pem_write_req(BIO *b, void *o)
{
	return PEM_write_bio_X509_REQ(b, o);
}

static int
sig_load_pem(const char *path, void *(*read)(BIO *), void **out)
{
	BIO *b;
	int rv;

	*out = NULL;
	if ((rv = sig_read_bio(path, &b)) != 0)
		return rv;
	*out = read(b);
	BIO_free(b);
	return *out != NULL ? 0 : BS_ECRYPTO;
}

static int
sig_write_pem(const char *path, int (*write)(BIO *, void *), void *o, int private)
{
	BIO *b = BIO_new(BIO_s_mem());
	int rv = BS_EIO;

	if (b == NULL)
		return BS_ENOMEM;
	if (write(b, o) == 1)
		rv = sig_write_bio(path, b, private);
	BIO_free(b);
	return rv;
}

int
bs_pem_load_key(const char *path, EVP_PKEY **out)
{
	return sig_load_pem(path, pem_read_key, (void **)out);
}

int
bs_pem_load_cert(const char *path, X509 **out)
{
	return sig_load_pem(path, pem_read_cert, (void **)out);
}

int
bs_pem_write_key(const char *path, EVP_PKEY *key)
{
	return sig_write_pem(path, pem_write_key, key, 1);
}

int
bs_pem_write_cert(const char *path, X509 *cert)
{
	return sig_write_pem(path, pem_write_cert, cert, 0);
}

int
bs_pem_write_req(const char *path, X509_REQ *req)
{
	return sig_write_pem(path, pem_write_req, req, 0);
}

int
bs_cert_der(X509 *cert, uint8_t **der, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509(cert, &p);

	if (n <= 0)
		return BS_ECRYPTO;
	*der = malloc((size_t)n);
	if (*der == NULL) {
		OPENSSL_free(p);
		return BS_ENOMEM;
	}
	memcpy(*der, p, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(p);
	return 0;
}
