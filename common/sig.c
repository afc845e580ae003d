/* sig: signing and verification with OpenSSL 3 EVP, and PEM I/O. */
#include "sig.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"

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

int
bs_pem_load_key(const char *path, EVP_PKEY **out)
{
	FILE *f = fopen(path, "r");

	*out = NULL;
	if (f == NULL)
		return BS_ENOENT;
	*out = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return *out != NULL ? 0 : BS_ECRYPTO;
}

int
bs_pem_load_cert(const char *path, X509 **out)
{
	FILE *f = fopen(path, "r");

	*out = NULL;
	if (f == NULL)
		return BS_ENOENT;
	*out = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return *out != NULL ? 0 : BS_ECRYPTO;
}

int
bs_pem_write_key(const char *path, EVP_PKEY *key)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f;
	int ok;

	if (fd < 0)
		return BS_EIO;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return BS_EIO;
	}
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : BS_EIO;
}

int
bs_pem_write_cert(const char *path, X509 *cert)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return BS_EIO;
	ok = PEM_write_X509(f, cert) == 1;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : BS_EIO;
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
