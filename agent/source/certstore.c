/* certstore: what both certificate store readers share (the exported
 * folders, certstore_dir.c, and the live Windows stores,
 * certstore_win32.c): parsing a certificate's bytes and its exported
 * properties, deriving its facts into the report, and deciding which
 * certificates chain to the Root store. */
#include "certstore.h"

#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "certfacts.h"
#include "err.h"

#define CERT_FILE_MAX (1024u * 1024u)

int
bs_certstore_parse_cert(const char *data, size_t len, X509 **out)
{
	X509 *x = NULL;

	*out = NULL;
	if (len > CERT_FILE_MAX || len > 0x7fffffff)
		return BS_ETOOBIG;
	while (len > 0 && (*data == ' ' || *data == '\t' || *data == '\r' || *data == '\n')) {
		data++;
		len--;
	}
	if (len >= 10 && memcmp(data, "-----BEGIN", 10) == 0) {
		BIO *b = BIO_new_mem_buf(data, (int)len);

		if (b == NULL)
			return BS_ENOMEM;
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	} else {
		const unsigned char *p = (const unsigned char *)data;

		x = d2i_X509(NULL, &p, (long)len);
		if (x != NULL && p != (const unsigned char *)data + len) {
			X509_free(x); /* trailing bytes: not one DER certificate */
			x = NULL;
		}
	}
	if (x == NULL)
		return BS_EPARSE;
	*out = x;
	return 0;
}

int
bs_certstore_parse_props(struct bs_arena *a, const char *data, size_t len,
    Bindscope__V1__Certificate *c, char *why, size_t whysz)
{
	json_error_t je;
	json_t *root;

	/* Windows PowerShell 5.1 writes UTF-8 with a byte-order mark. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	json_t *fn, *pk;
	int rv = 0;

	if (root == NULL) {
		snprintf(why, whysz, "invalid JSON at line %d: %s", je.line, je.text);
		return BS_EPARSE;
	}
	if (!json_is_object(root)) {
		snprintf(why, whysz, "expected a JSON object");
		rv = BS_EPARSE;
		goto out;
	}
	fn = json_object_get(root, "FriendlyName");
	pk = json_object_get(root, "HasPrivateKey");
	if (fn != NULL && !json_is_string(fn) && !json_is_null(fn)) {
		snprintf(why, whysz, "FriendlyName is not a string");
		rv = BS_EPARSE;
		goto out;
	}
	if (pk != NULL && !json_is_boolean(pk) && !json_is_null(pk)) {
		snprintf(why, whysz, "HasPrivateKey is not true or false");
		rv = BS_EPARSE;
		goto out;
	}
	if (json_is_string(fn) &&
	    (c->friendly_name = bs_arena_strdup(a, json_string_value(fn))) == NULL) {
		rv = BS_ENOMEM;
		goto out;
	}
	if (json_is_boolean(pk))
		c->has_private_key =
		    json_is_true(pk) ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
out:
	json_decref(root);
	return rv;
}

static int
certset_keep(struct bs_certset *l, X509 *x, Bindscope__V1__Certificate *c)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap == 0 ? 16 : l->cap * 2;
		X509 **nx = realloc(l->x, ncap * sizeof(*nx));
		Bindscope__V1__Certificate **nc;

		if (nx == NULL)
			return BS_ENOMEM;
		l->x = nx;
		nc = realloc(l->c, ncap * sizeof(*nc));
		if (nc == NULL)
			return BS_ENOMEM;
		l->c = nc;
		l->cap = ncap;
	}
	l->x[l->n] = x;
	l->c[l->n] = c;
	l->n++;
	return 0;
}

int
bs_certset_add(struct bs_sweep *s, struct bs_certset *l, X509 *x, const char *store,
    Bindscope__V1__Certificate **out)
{
	const Bindscope__V1__Host *h = s->report->host;
	Bindscope__V1__Certificate *c;

	*out = NULL;
	if ((c = BS_NEW(s->arena, certificate)) == NULL ||
	    bs_certfacts_fill(
	        s->arena, x, h != NULL ? h->fqdn : "", h != NULL ? h->hostname : "", c) != 0 ||
	    (c->store = bs_arena_strdup(s->arena, store)) == NULL || certset_keep(l, x, c) != 0 ||
	    BS_PUSH(s, s->report->certificates, s->report->n_certificates, c) != 0) {
		X509_free(x);
		return BS_ENOMEM;
	}
	*out = c;
	return 0;
}

/* A certificate chains when a path leads from it to a certificate of the
 * exported Root store, through any exported certificate. Validity dates
 * are left out here: expiry is its own finding. */
static int
certset_chains(struct bs_certset *l, int have_root)
{
	X509_STORE *trust = X509_STORE_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	int rv = BS_ENOMEM;

	if (trust == NULL || untrusted == NULL)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		if (strcasecmp(l->c[i]->store, "Root") == 0)
			X509_STORE_add_cert(trust, l->x[i]);
		else if (!sk_X509_push(untrusted, l->x[i]))
			goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		X509_STORE_CTX *ctx;

		if (!have_root)
			break;
		ctx = X509_STORE_CTX_new();
		if (ctx == NULL)
			goto out;
		if (X509_STORE_CTX_init(ctx, trust, l->x[i], untrusted) == 1) {
			X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
			l->c[i]->chains_to_root = X509_verify_cert(ctx) == 1
			    ? BINDSCOPE__V1__TRI__TRI_YES
			    : BINDSCOPE__V1__TRI__TRI_NO;
		}
		X509_STORE_CTX_free(ctx);
	}
	rv = 0;
out:
	sk_X509_free(untrusted);
	X509_STORE_free(trust);
	return rv;
}

int
bs_certset_finish(struct bs_certset *l, int have_root)
{
	int rv = certset_chains(l, have_root);

	for (size_t i = 0; i < l->n; i++)
		X509_free(l->x[i]);
	free(l->x);
	free(l->c);
	memset(l, 0, sizeof(*l));
	return rv;
}
