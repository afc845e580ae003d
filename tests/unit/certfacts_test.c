/* certfacts_test: certificate facts and name coverage on certificates made
 * in the test with OpenSSL, including the field's false-positive traps
 * (wildcards, FQDN-only SANs, CN fallback). */
#include "test_util.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "certfacts.h"
#include "err.h"

/* A self-signed certificate: CN cn, SAN san (NULL for none), valid
 * [now+from_days, now+to_days], RSA bits, digest md. */
static X509 *
make_cert(const char *cn, const char *san, int from_days, int to_days, int bits, const EVP_MD *md)
{
	EVP_PKEY *k = EVP_RSA_gen((unsigned)bits);
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX ctx;

	assert_non_null(k);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_gmtime_adj(X509_getm_notBefore(x), (long)from_days * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), (long)to_days * 86400);
	X509_set_pubkey(x, k);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (san != NULL) {
		X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);

		assert_non_null(e);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, k, md) > 0);
	X509_NAME_free(n);
	EVP_PKEY_free(k);
	return x;
}

static void
test_facts(void **state)
{
	struct bs_arena a;
	X509 *x = make_cert(
	    "MBX01", "DNS:MBX01,DNS:mbx01.corp.example,IP:10.0.0.5", -1, 1825, 2048, EVP_sha256());
	Bindscope__V1__Certificate *c;
	char thumb[41];

	(void)state;
	bs_arena_init(&a, 0);
	c = BS_NEW(&a, certificate);
	assert_int_equal(bs_certfacts_fill(&a, x, "mbx01.corp.example", "mbx01", c), 0);
	assert_int_equal(bs_certfacts_thumbprint(x, thumb), 0);
	assert_string_equal(c->thumbprint, thumb);
	assert_int_equal(strlen(thumb), 40);
	assert_string_equal(c->subject, "CN=MBX01");
	assert_string_equal(c->issuer, "CN=MBX01");
	assert_string_equal(c->common_name, "MBX01");
	assert_int_equal(c->n_dns_names, 2);
	assert_string_equal(c->dns_names[1], "mbx01.corp.example");
	assert_int_equal(c->n_ip_addresses, 1);
	assert_string_equal(c->ip_addresses[0], "10.0.0.5");
	assert_string_equal(c->serial, "1092");
	assert_string_equal(c->key_type, "RSA");
	assert_int_equal(c->key_bits, 2048);
	assert_string_equal(c->signature_algorithm, "sha256WithRSAEncryption");
	assert_int_equal(c->self_signed, BINDSCOPE__V1__TRI__TRI_YES);
	assert_int_equal(c->server_auth_eku, BINDSCOPE__V1__TRI__TRI_YES); /* no EKU = any */
	assert_int_equal(c->covers_fqdn, BINDSCOPE__V1__TRI__TRI_YES);
	assert_int_equal(c->covers_hostname, BINDSCOPE__V1__TRI__TRI_YES);
	assert_true(c->not_after - c->not_before > 1825LL * 86400 - 10);
	assert_true(c->der.len > 100);
	X509_free(x);
	bs_arena_fini(&a);
}

static void
test_coverage_rules(void **state)
{
	X509 *wild = make_cert("*.corp.example", "DNS:*.corp.example", -1, 30, 2048, EVP_sha256());
	X509 *fqdn_only =
	    make_cert("mbx04.corp.example", "DNS:mbx04.corp.example", -1, 30, 2048, EVP_sha256());
	X509 *ns = make_cert("mail.corp.example",
	    "DNS:mail.corp.example,DNS:autodiscover.corp.example", -1, 30, 2048, EVP_sha256());
	X509 *cn_only = make_cert("mbx09.corp.example", NULL, -1, 30, 2048, EVP_sha256());
	X509 *partial =
	    make_cert("mb*.corp.example", "DNS:mb*.corp.example", -1, 30, 2048, EVP_sha256());

	(void)state;
	/* A wildcard covers exactly one left-most label. */
	assert_int_equal(
	    bs_certfacts_covers(wild, "mbx01.corp.example"), BINDSCOPE__V1__TRI__TRI_YES);
	assert_int_equal(
	    bs_certfacts_covers(wild, "MBX01.Corp.Example"), BINDSCOPE__V1__TRI__TRI_YES);
	assert_int_equal(bs_certfacts_covers(wild, "a.b.corp.example"), BINDSCOPE__V1__TRI__TRI_NO);
	assert_int_equal(bs_certfacts_covers(wild, "corp.example"), BINDSCOPE__V1__TRI__TRI_NO);
	/* FQDN-only SAN: covers the FQDN (what the front end uses) even though
	 * the short name is absent. */
	assert_int_equal(
	    bs_certfacts_covers(fqdn_only, "mbx04.corp.example"), BINDSCOPE__V1__TRI__TRI_YES);
	assert_int_equal(bs_certfacts_covers(fqdn_only, "mbx04"), BINDSCOPE__V1__TRI__TRI_NO);
	/* The seed failure: the namespace certificate on 444. */
	assert_int_equal(bs_certfacts_covers(ns, "mbx03.corp.example"), BINDSCOPE__V1__TRI__TRI_NO);
	/* No SAN at all: the CN is used, as TLS clients do. */
	assert_int_equal(
	    bs_certfacts_covers(cn_only, "mbx09.corp.example"), BINDSCOPE__V1__TRI__TRI_YES);
	/* Partial wildcards are not honoured. */
	assert_int_equal(
	    bs_certfacts_covers(partial, "mbx01.corp.example"), BINDSCOPE__V1__TRI__TRI_NO);
	assert_int_equal(bs_certfacts_covers(wild, ""), BINDSCOPE__V1__TRI__TRI_UNKNOWN);
	X509_free(wild);
	X509_free(fqdn_only);
	X509_free(ns);
	X509_free(cn_only);
	X509_free(partial);
}

static void
test_weak_and_sha1(void **state)
{
	struct bs_arena a;
	X509 *x = make_cert("old", "DNS:old.corp.example", -400, -10, 1024, EVP_sha1());
	Bindscope__V1__Certificate *c;

	(void)state;
	bs_arena_init(&a, 0);
	c = BS_NEW(&a, certificate);
	assert_int_equal(bs_certfacts_fill(&a, x, "", "", c), 0);
	assert_int_equal(c->key_bits, 1024);
	assert_string_equal(c->signature_algorithm, "sha1WithRSAEncryption");
	assert_true(c->not_after < c->not_before + 400LL * 86400);
	assert_int_equal(c->covers_fqdn, BINDSCOPE__V1__TRI__TRI_UNKNOWN);
	X509_free(x);
	bs_arena_fini(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_facts),
	    cmocka_unit_test(test_coverage_rules),
	    cmocka_unit_test(test_weak_and_sha1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
