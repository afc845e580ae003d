/* sig_test: a report signed with an agent's key verifies with its
 * certificate (EC and RSA keys alike), and nothing else does: other bytes,
 * another signature, another key's certificate. PEM files round-trip, the
 * key file is its owner's alone, and a missing or foreign file is named as
 * such. */
#include "test_util.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include "err.h"
#include "sig.h"

static const uint8_t report[] = "the serialized report";

/* A self-signed certificate for key, as pki would issue one. */
static X509 *
self_signed(EVP_PKEY *key)
{
	X509 *x = X509_new();

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)"mbx01.corp.example", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	return x;
}

static void
check_key(EVP_PKEY *key, EVP_PKEY *other, const char *want_alg)
{
	X509 *cert = self_signed(key), *other_cert = self_signed(other);
	uint8_t *sig = NULL, altered[sizeof(report)];
	size_t siglen = 0;
	const char *alg = NULL;

	assert_int_equal(bs_sig_sign(key, report, sizeof(report), &sig, &siglen, &alg), 0);
	assert_string_equal(alg, want_alg);
	assert_int_equal(bs_sig_verify(cert, report, sizeof(report), sig, siglen), 0);
	/* One byte of the report changed. */
	memcpy(altered, report, sizeof(report));
	altered[4] ^= 0x20;
	assert_int_equal(bs_sig_verify(cert, altered, sizeof(altered), sig, siglen), BS_ECRYPTO);
	/* A signature cut short, or flipped. */
	assert_int_equal(bs_sig_verify(cert, report, sizeof(report), sig, siglen - 1), BS_ECRYPTO);
	sig[siglen / 2] ^= 1;
	assert_int_equal(bs_sig_verify(cert, report, sizeof(report), sig, siglen), BS_ECRYPTO);
	sig[siglen / 2] ^= 1;
	/* Another agent's certificate. */
	assert_int_equal(
	    bs_sig_verify(other_cert, report, sizeof(report), sig, siglen), BS_ECRYPTO);
	assert_int_equal(bs_sig_verify(cert, report, sizeof(report), NULL, 0), BS_ECRYPTO);
	free(sig);
	X509_free(cert);
	X509_free(other_cert);
}

static void
test_sign_and_verify(void **state)
{
	EVP_PKEY *ec = EVP_EC_gen("P-256"), *ec2 = EVP_EC_gen("P-256");
	EVP_PKEY *rsa = EVP_RSA_gen(2048);

	(void)state;
	assert_non_null(ec);
	assert_non_null(ec2);
	assert_non_null(rsa);
	check_key(ec, ec2, "ecdsa-sha256");
	check_key(rsa, ec, "rsa-pss-sha256");
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ec2);
	EVP_PKEY_free(rsa);
}

static void
test_pem_files(void **state)
{
	char dir[64], keyp[128], certp[128], junk[128];
	EVP_PKEY *key = EVP_EC_gen("P-256"), *back = NULL;
	X509 *cert = self_signed(key), *cback = NULL;
	uint8_t *der = NULL, *sig = NULL;
	const unsigned char *p;
	size_t len = 0, siglen = 0;
	const char *alg;
	struct stat st;
	X509 *parsed;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	snprintf(keyp, sizeof(keyp), "%s/agent.key", dir);
	snprintf(certp, sizeof(certp), "%s/agent.pem", dir);
	assert_int_equal(bs_pem_write_key(keyp, key), 0);
	assert_int_equal(stat(keyp, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(bs_pem_write_cert(certp, cert), 0);
	/* What was written signs and verifies as the original. */
	assert_int_equal(bs_pem_load_key(keyp, &back), 0);
	assert_int_equal(bs_pem_load_cert(certp, &cback), 0);
	assert_int_equal(bs_sig_sign(back, report, sizeof(report), &sig, &siglen, &alg), 0);
	assert_int_equal(bs_sig_verify(cert, report, sizeof(report), sig, siglen), 0);
	assert_int_equal(X509_cmp(cert, cback), 0);
	EVP_PKEY_free(back);
	X509_free(cback);
	/* DER, as the envelope carries it. */
	assert_int_equal(bs_cert_der(cert, &der, &len), 0);
	p = der;
	parsed = d2i_X509(NULL, &p, (long)len);
	assert_non_null(parsed);
	assert_int_equal(X509_cmp(cert, parsed), 0);
	/* Missing, and not PEM at all. */
	assert_int_equal(bs_pem_load_key("/nonexistent/agent.key", &back), BS_ENOENT);
	assert_null(back);
	test_write_file("junk.pem", "not a certificate\n", junk, sizeof(junk));
	assert_int_equal(bs_pem_load_cert(junk, &cback), BS_ECRYPTO);
	assert_null(cback);
	assert_int_equal(bs_pem_load_key(certp, &back), BS_ECRYPTO); /* a cert is no key */
	free(sig);
	free(der);
	X509_free(parsed);
	X509_free(cert);
	EVP_PKEY_free(key);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_sign_and_verify), cmocka_unit_test(test_pem_files))
