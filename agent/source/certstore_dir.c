/* certstore_dir: reads exported certificate stores from the evidence root,
 * derives each certificate's facts, and decides which chain to a
 * certificate of the exported Root store. */
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
#include "fsutil.h"

#define CERTSTORE_DIR "certstore/LocalMachine"
#define CERT_FILE_MAX (1024u * 1024u)
#define PROPS_FILE_MAX (64u * 1024u)

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
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
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
is_cert_file(const char *name)
{
	static const char *const exts[] = {".cer", ".crt", ".der", ".pem"};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (n > 4 && strcasecmp(name + n - 4, exts[i]) == 0)
			return 1;
	return 0;
}

/* Certificates kept while the sweep decides chains; index-aligned with
 * the report's certificates that came from files. */
struct cs_loaded {
	X509 **x;
	Bindscope__V1__Certificate **c;
	size_t n, cap;
};

static int
cs_keep(struct cs_loaded *l, X509 *x, Bindscope__V1__Certificate *c)
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

static void
cs_props(struct bs_sweep *s, const char *dir, const char *relstore, const char *certname,
    Bindscope__V1__Certificate *c)
{
	char path[BS_PATH_MAX], rel[BS_PATH_MAX], why[256];
	size_t stem = strlen(certname) - 4;
	char *data;
	size_t len;
	int rv;

	int n = snprintf(rel, sizeof(rel), "%.*s.json", (int)stem, certname);

	if (n < 0 || (size_t)n >= sizeof(rel) || bs_fs_resolve(dir, rel, path, sizeof(path)) != 0)
		return; /* optional */
	n = snprintf(rel, sizeof(rel), "%s/%.*s.json", relstore, (int)stem, certname);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return;
	if ((rv = bs_fs_read(path, PROPS_FILE_MAX, &data, &len)) != 0) {
		bs_sweep_error(s, "certstore", rel, 0, "cannot read: %s", bs_strerror(rv));
		return;
	}
	if (bs_certstore_parse_props(s->arena, data, len, c, why, sizeof(why)) != 0)
		bs_sweep_error(s, "certstore", rel, 0, "%s", why);
	free(data);
}

static int
cs_store(struct bs_sweep *s, const char *base, const char *store, struct cs_loaded *l)
{
	char dir[BS_PATH_MAX], path[BS_PATH_MAX], relstore[BS_PATH_MAX], rel[BS_PATH_MAX];
	const Bindscope__V1__Host *h = s->report->host;
	char **names = NULL;
	size_t n = 0;
	int rv;

	if (bs_path_join(dir, sizeof(dir), base, store) != 0 ||
	    bs_path_join(relstore, sizeof(relstore), CERTSTORE_DIR, store) != 0)
		return 0;
	if ((rv = bs_fs_list(dir, &names, &n)) != 0) {
		bs_sweep_error(s, "certstore", relstore, 0, "cannot list: %s", bs_strerror(rv));
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		Bindscope__V1__Certificate *c;
		X509 *x = NULL;
		char *data;
		size_t len, stem;

		if (!is_cert_file(names[i]))
			continue;
		if (bs_path_join(path, sizeof(path), dir, names[i]) != 0 ||
		    bs_path_join(rel, sizeof(rel), relstore, names[i]) != 0)
			continue;
		if ((rv = bs_fs_read(path, CERT_FILE_MAX, &data, &len)) != 0) {
			bs_sweep_error(s, "certstore", rel, 0, "cannot read: %s", bs_strerror(rv));
			continue;
		}
		rv = bs_certstore_parse_cert(data, len, &x);
		free(data);
		if (rv != 0) {
			bs_sweep_error(s, "certstore", rel, 0,
			    "not a DER or PEM X.509 certificate (%s)", bs_strerror(rv));
			continue;
		}
		if ((c = BS_NEW(s->arena, certificate)) == NULL ||
		    bs_certfacts_fill(s->arena, x, h != NULL ? h->fqdn : "",
		        h != NULL ? h->hostname : "", c) != 0 ||
		    (c->store = bs_arena_strdup(s->arena, store)) == NULL ||
		    (c->file = bs_arena_strdup(s->arena, rel)) == NULL || cs_keep(l, x, c) != 0) {
			X509_free(x);
			rv = BS_ENOMEM;
			goto out;
		}
		stem = strlen(names[i]) - 4;
		c->file_name_matches = stem == 40 && strncasecmp(names[i], c->thumbprint, 40) == 0
		    ? BINDSCOPE__V1__TRI__TRI_YES
		    : BINDSCOPE__V1__TRI__TRI_NO;
		if (c->file_name_matches == BINDSCOPE__V1__TRI__TRI_NO)
			bs_sweep_error(s, "certstore", rel, 0,
			    "file name does not match the certificate's SHA-1 "
			    "thumbprint %s",
			    c->thumbprint);
		cs_props(s, dir, relstore, names[i], c);
		if (BS_PUSH(s, s->report->certificates, s->report->n_certificates, c) != 0) {
			rv = BS_ENOMEM;
			goto out;
		}
	}
	rv = 0;
out:
	bs_fs_names_free(names, n);
	return rv;
}

/* A certificate chains when a path leads from it to a certificate of the
 * exported Root store, through any exported certificate. Validity dates
 * are left out here: expiry is its own finding. */
static int
cs_chains(struct cs_loaded *l, int have_root)
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
bs_src_certstore(struct bs_sweep *s)
{
	char base[BS_PATH_MAX];
	struct cs_loaded l = {NULL, NULL, 0, 0};
	char **stores = NULL;
	size_t n = 0;
	int rv = 0, have_root = 0;

	if (bs_fs_resolve(s->root, CERTSTORE_DIR, base, sizeof(base)) != 0 ||
	    bs_fs_list(base, &stores, &n) != 0) {
		bs_sweep_error(s, "certstore", CERTSTORE_DIR, 0,
		    "folder not found: no certificates can be checked");
		return 0;
	}
	for (size_t i = 0; i < n && rv == 0; i++) {
		char dir[BS_PATH_MAX];

		if (bs_path_join(dir, sizeof(dir), base, stores[i]) != 0 || !bs_fs_is_dir(dir))
			continue;
		have_root |= strcasecmp(stores[i], "Root") == 0;
		if (BS_PUSH(s, s->stores, s->nstores, bs_arena_strdup(s->arena, stores[i])) != 0) {
			rv = BS_ENOMEM;
			break;
		}
		rv = cs_store(s, base, stores[i], &l);
	}
	if (rv == 0)
		rv = cs_chains(&l, have_root);
	for (size_t i = 0; i < l.n; i++)
		X509_free(l.x[i]);
	free(l.x);
	free(l.c);
	bs_fs_names_free(stores, n);
	return rv;
}
