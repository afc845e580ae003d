/* certstore_win32: the LocalMachine certificate stores of a live server,
 * opened read-only through CertOpenStore: My, Root, CA, WebHosting and
 * every store an http.sys binding names. Each certificate's DER goes to the same
 * facts code as an exported .cer; FriendlyName and whether a private key
 * is attached come from the context properties, as the exporter's .json
 * records them. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "certstore.h"
#include "err.h"
#include "live.h"

#define CS_MAX_PER_STORE 10000u

/* Store names as the certificate provider (Cert:\LocalMachine\...) and
 * the exporter spell them, so live and exported reports agree. */
static const char *const cs_known[] = {"My", "Root", "WebHosting", "CA", "AuthRoot",
    "TrustedPeople", "TrustedPublisher", "Disallowed", "Remote Desktop", "SmartCardRoot", "Trust",
    "REQUEST"};

static const char *
cs_canonical(const char *name)
{
	for (size_t i = 0; i < sizeof(cs_known) / sizeof(cs_known[0]); i++)
		if (strcasecmp(cs_known[i], name) == 0)
			return cs_known[i];
	return name;
}

static void
cs_props(struct bs_sweep *s, PCCERT_CONTEXT ctx, Bindscope__V1__Certificate *c)
{
	wchar_t fn[512];
	char name[1536];
	DWORD len = sizeof(fn);

	if (CertGetCertificateContextProperty(ctx, CERT_FRIENDLY_NAME_PROP_ID, fn, &len) &&
	    len >= sizeof(wchar_t)) {
		fn[len / sizeof(wchar_t) - 1] = L'\0';
		if (WideCharToMultiByte(CP_UTF8, 0, fn, -1, name, sizeof(name), NULL, NULL) > 0)
			c->friendly_name = bs_arena_strdup(s->arena, name);
	}
	len = 0;
	c->has_private_key =
	    CertGetCertificateContextProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, NULL, &len) ||
	        CertGetCertificateContextProperty(ctx, CERT_KEY_CONTEXT_PROP_ID, NULL, &len)
	    ? BINDSCOPE__V1__TRI__TRI_YES
	    : BINDSCOPE__V1__TRI__TRI_NO;
}

/* Reads one store; *exists 0 when Windows has no such store. */
static int
cs_store(struct bs_sweep *s, const char *store, struct bs_certset *l, int *exists)
{
	wchar_t w[256];
	HCERTSTORE h;
	PCCERT_CONTEXT ctx = NULL;
	unsigned n = 0;
	int rv = 0;

	*exists = 0;
	if (MultiByteToWideChar(CP_UTF8, 0, store, -1, w, 256) <= 0)
		return 0;
	h = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
	    CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG |
	        CERT_STORE_OPEN_EXISTING_FLAG,
	    w);
	if (h == NULL) {
		DWORD e = GetLastError();

		if (e != ERROR_FILE_NOT_FOUND)
			bs_sweep_error(s, "certstore", store, 0,
			    "cannot open LocalMachine\\%s (error %lu)", store, (unsigned long)e);
		return 0;
	}
	*exists = 1;
	while (rv == 0 && (ctx = CertEnumCertificatesInStore(h, ctx)) != NULL) {
		const unsigned char *p = ctx->pbCertEncoded;
		Bindscope__V1__Certificate *c;
		X509 *x;

		if (++n > CS_MAX_PER_STORE) {
			bs_sweep_error(s, "certstore", store, 0,
			    "more than %u certificates: the rest are not read", CS_MAX_PER_STORE);
			break;
		}
		x = d2i_X509(NULL, &p, (long)ctx->cbCertEncoded);
		if (x == NULL) {
			bs_sweep_error(s, "certstore", store, 0,
			    "a certificate OpenSSL cannot parse (%lu bytes)",
			    (unsigned long)ctx->cbCertEncoded);
			continue;
		}
		if ((rv = bs_certset_add(s, l, x, store, &c)) == 0)
			cs_props(s, ctx, c);
	}
	if (ctx != NULL)
		CertFreeCertificateContext(ctx);
	CertCloseStore(h, 0);
	return rv;
}

int
bs_src_certstore_live(struct bs_sweep *s)
{
	const char *names[64];
	size_t n = 0;
	struct bs_certset l = {NULL, NULL, 0, 0};
	int rv = 0, have_root = 0;

	/* CA holds the intermediates chains are built through. */
	names[n++] = "My";
	names[n++] = "Root";
	names[n++] = "CA";
	names[n++] = "WebHosting";
	for (size_t i = 0; i < s->report->n_ssl_bindings && n < 64; i++) {
		const char *st = cs_canonical(s->report->ssl_bindings[i]->store_name);
		size_t k;

		for (k = 0; k < n && strcasecmp(names[k], st) != 0; k++)
			;
		if (k == n && st[0] != '\0')
			names[n++] = st;
	}
	for (size_t i = 0; i < n && rv == 0; i++) {
		int exists;

		if ((rv = cs_store(s, names[i], &l, &exists)) != 0 || !exists)
			continue;
		have_root |= strcmp(names[i], "Root") == 0;
		if (BS_PUSH(s, s->stores, s->nstores, bs_arena_strdup(s->arena, names[i])) != 0)
			rv = BS_ENOMEM;
	}
	if (rv == 0)
		return bs_certset_finish(&l, have_root);
	bs_certset_finish(&l, 0);
	return rv;
}
