/* certstore_dir: the exported certificate stores of an evidence root,
 * certstore/LocalMachine/<Store>/<THUMBPRINT>.cer (DER or PEM) with an
 * optional <THUMBPRINT>.json of store properties. */
#include "certstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "fsutil.h"

#define CERTSTORE_DIR "certstore/LocalMachine"
#define CERT_FILE_MAX (1024u * 1024u)
#define PROPS_FILE_MAX (64u * 1024u)

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

static void
cs_props(struct bs_sweep *s, const char *dir, const char *relstore, const char *certname,
    Bindscope__V1__Certificate *c)
{
	char path[BS_PATH_MAX], rel[BS_PATH_MAX], why[256];
	size_t stem = strlen(certname) - 4;
	char *data;
	size_t len;

	int n = snprintf(rel, sizeof(rel), "%.*s.json", (int)stem, certname);

	if (n < 0 || (size_t)n >= sizeof(rel) || bs_fs_resolve(dir, rel, path, sizeof(path)) != 0)
		return; /* optional */
	n = snprintf(rel, sizeof(rel), "%s/%.*s.json", relstore, (int)stem, certname);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return;
	if (bs_sweep_read(s, "certstore", rel, path, PROPS_FILE_MAX, &data, &len) != 0)
		return;
	if (bs_certstore_parse_props(s->arena, data, len, c, why, sizeof(why)) != 0)
		bs_sweep_error(s, "certstore", rel, 0, "%s", why);
	free(data);
}

static int
cs_store(struct bs_sweep *s, const char *base, const char *store, struct bs_certset *l)
{
	char dir[BS_PATH_MAX], path[BS_PATH_MAX], relstore[BS_PATH_MAX], rel[BS_PATH_MAX];
	char **names = NULL;
	size_t n = 0;
	int rv;

	if (bs_path_join(dir, sizeof(dir), base, store) != 0 ||
	    bs_path_join(relstore, sizeof(relstore), CERTSTORE_DIR, store) != 0 ||
	    !bs_sweep_inside(s, "certstore", relstore, dir))
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
		if (bs_sweep_read(s, "certstore", rel, path, CERT_FILE_MAX, &data, &len) != 0)
			continue;
		rv = bs_certstore_parse_cert(data, len, &x);
		free(data);
		if (rv != 0) {
			bs_sweep_error(s, "certstore", rel, 0,
			    "not a DER or PEM X.509 certificate (%s)", bs_strerror(rv));
			continue;
		}
		if (bs_certset_add(s, l, x, store, &c) != 0 ||
		    (c->file = bs_arena_strdup(s->arena, rel)) == NULL) {
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
	}
	rv = 0;
out:
	bs_fs_names_free(names, n);
	return rv;
}

int
bs_src_certstore(struct bs_sweep *s)
{
	char base[BS_PATH_MAX];
	struct bs_certset l = {NULL, NULL, 0, 0};
	char **stores = NULL;
	size_t n = 0;
	int rv = 0, have_root = 0;

	if (bs_fs_resolve(s->root, CERTSTORE_DIR, base, sizeof(base)) != 0 ||
	    bs_fs_list(base, &stores, &n) != 0) {
		bs_sweep_error(s, "certstore", CERTSTORE_DIR, 0,
		    "folder not found: no certificates can be checked");
		return 0;
	}
	if (!bs_sweep_inside(s, "certstore", CERTSTORE_DIR, base)) {
		bs_fs_names_free(stores, n);
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
		rv = bs_certset_finish(&l, have_root);
	else
		bs_certset_finish(&l, 0);
	bs_fs_names_free(stores, n);
	return rv;
}
