/* certfacts: certificate facts through OpenSSL 3. */
#include "certfacts.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"

static char *
cf_name(struct bs_arena *a, const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long len;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		len = BIO_get_mem_data(b, &data);
		out = bs_arena_strndup(a, data, len > 0 ? (size_t)len : 0);
	}
	BIO_free(b);
	return out;
}

static char *
cf_cn(struct bs_arena *a, const X509_NAME *n)
{
	int idx = -1, last = -1;
	const ASN1_STRING *s;
	unsigned char *utf8 = NULL;
	int len;
	char *out;

	while ((idx = X509_NAME_get_index_by_NID(n, NID_commonName, idx)) >= 0)
		last = idx;
	if (last < 0)
		return "";
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, last));
	len = ASN1_STRING_to_UTF8(&utf8, s);
	if (len < 0)
		return "";
	out = bs_arena_strndup(a, (const char *)utf8, (size_t)len);
	OPENSSL_free(utf8);
	return out;
}

static int64_t
cf_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return bs_timegm(&tm);
}

static int
cf_sans(struct bs_arena *a, X509 *x, Bindscope__V1__Certificate *c)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int rv = 0;

	if (gens == NULL)
		return 0;
	for (int i = 0; i < sk_GENERAL_NAME_num(gens) && rv == 0; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char *v = NULL;

		if (g->type == GEN_DNS) {
			const ASN1_IA5STRING *s = g->d.dNSName;

			v = bs_arena_strndup(a, (const char *)ASN1_STRING_get0_data(s),
			    (size_t)ASN1_STRING_length(s));
			if (v == NULL ||
			    bs_arena_push(a, (void ***)&c->dns_names, &c->n_dns_names, v) != 0)
				rv = BS_ENOMEM;
		} else if (g->type == GEN_IPADD) {
			const unsigned char *ip = ASN1_STRING_get0_data(g->d.iPAddress);
			int n = ASN1_STRING_length(g->d.iPAddress);

			if (n == 4)
				v = bs_arena_printf(a, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
			else if (n == 16)
				v = bs_arena_printf(a, "%x:%x:%x:%x:%x:%x:%x:%x",
				    ip[0] << 8 | ip[1], ip[2] << 8 | ip[3], ip[4] << 8 | ip[5],
				    ip[6] << 8 | ip[7], ip[8] << 8 | ip[9], ip[10] << 8 | ip[11],
				    ip[12] << 8 | ip[13], ip[14] << 8 | ip[15]);
			else
				continue;
			if (v == NULL ||
			    bs_arena_push(a, (void ***)&c->ip_addresses, &c->n_ip_addresses, v) !=
			        0)
				rv = BS_ENOMEM;
		}
	}
	GENERAL_NAMES_free(gens);
	return rv;
}

static void
cf_key(struct bs_arena *a, X509 *x, Bindscope__V1__Certificate *c)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	char group[80];
	size_t glen = 0;

	if (k == NULL) {
		c->key_type = "unknown";
		return;
	}
	c->key_bits = (uint32_t)EVP_PKEY_get_bits(k);
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS: c->key_type = "RSA"; break;
	case EVP_PKEY_EC:
		c->key_type = "EC";
		if (EVP_PKEY_get_utf8_string_param(
		        k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen) == 1)
			c->ec_curve = bs_arena_strndup(a, group, glen);
		break;
	case EVP_PKEY_DSA: c->key_type = "DSA"; break;
	case EVP_PKEY_ED25519: c->key_type = "Ed25519"; break;
	default: c->key_type = "other"; break;
	}
}

int
bs_certfacts_thumbprint(X509 *x, char out[41])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (X509_digest(x, EVP_sha1(), md, &n) != 1 || n != 20)
		return BS_ECRYPTO;
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[40] = '\0';
	return 0;
}

Bindscope__V1__Tri
bs_certfacts_covers(X509 *x, const char *name)
{
	if (name == NULL || name[0] == '\0')
		return BINDSCOPE__V1__TRI__TRI_UNKNOWN;
	/* No partial wildcards ("mb*.corp"): SChannel and browsers accept
	 * only a whole left-most label. */
	return X509_check_host(x, name, strlen(name), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) ==
	        1
	    ? BINDSCOPE__V1__TRI__TRI_YES
	    : BINDSCOPE__V1__TRI__TRI_NO;
}

static Bindscope__V1__Tri
tri(int b)
{
	return b ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
}

int
bs_certfacts_fill(struct bs_arena *a, X509 *x, const char *fqdn, const char *hostname,
    Bindscope__V1__Certificate *c)
{
	char thumb[41];
	BIGNUM *bn;
	unsigned char *der = NULL;
	int derlen;
	uint32_t flags;

	if (bs_certfacts_thumbprint(x, thumb) != 0)
		return BS_ECRYPTO;
	c->thumbprint = bs_arena_strdup(a, thumb);
	c->subject = cf_name(a, X509_get_subject_name(x));
	c->issuer = cf_name(a, X509_get_issuer_name(x));
	c->common_name = cf_cn(a, X509_get_subject_name(x));
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) != NULL) {
		char *h = BN_bn2hex(bn);

		if (h != NULL)
			c->serial = bs_arena_strdup(a, h);
		OPENSSL_free(h);
		BN_free(bn);
	}
	c->not_before = cf_time(X509_get0_notBefore(x));
	c->not_after = cf_time(X509_get0_notAfter(x));
	cf_key(a, x, c);
	c->signature_algorithm = (char *)OBJ_nid2ln(X509_get_signature_nid(x));
	if (c->signature_algorithm == NULL)
		c->signature_algorithm = "unknown";
	c->self_signed = tri(X509_self_signed(x, 1) == 1);
	flags = X509_get_extension_flags(x);
	c->server_auth_eku =
	    tri(!(flags & EXFLAG_XKUSAGE) || (X509_get_extended_key_usage(x) & XKU_SSL_SERVER));
	c->is_ca = tri((flags & EXFLAG_CA) != 0);
	c->covers_fqdn = bs_certfacts_covers(x, fqdn);
	c->covers_hostname = bs_certfacts_covers(x, hostname);
	derlen = i2d_X509(x, &der);
	if (derlen > 0) {
		c->der.data = bs_arena_alloc(a, (size_t)derlen);
		if (c->der.data != NULL) {
			memcpy(c->der.data, der, (size_t)derlen);
			c->der.len = (size_t)derlen;
		}
	}
	OPENSSL_free(der);
	if (c->thumbprint == NULL || c->subject == NULL || c->issuer == NULL ||
	    c->common_name == NULL || c->der.data == NULL)
		return BS_ENOMEM;
	/* Exchange's OAuth certificate is known by its subject alone
	 * (New-ExchangeCertificate -SubjectName, Set-AuthConfig); the store
	 * tells its role, and My is the only store it lives in. */
	c->exchange_auth = strcmp(c->subject, "CN=Microsoft Exchange Server Auth Certificate") == 0;
	return cf_sans(a, x, c);
}
