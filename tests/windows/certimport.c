/* certimport: a test helper for the Wine tests. Adds one certificate file
 * (DER or PEM) to a LocalMachine system store the way an admin's import
 * leaves it: CertAddEncodedCertificateToStore, a FriendlyName property,
 * and, when asked, key-provider properties so the certificate shows a
 * private key.
 *   certimport.exe STORE FILE [FRIENDLY-NAME] [--private-key] */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
fail(const char *what)
{
	fprintf(stderr, "certimport: %s failed (error %lu)\n", what, (unsigned long)GetLastError());
	return 1;
}

int wmain(int argc, wchar_t **argv);

int
wmain(int argc, wchar_t **argv)
{
	HCERTSTORE st;
	PCCERT_CONTEXT ctx = NULL;
	BYTE *data, *der;
	DWORD dlen = 0;
	FILE *f;
	long n;
	int pk = argc > 4 && wcscmp(argv[4], L"--private-key") == 0;

	if (argc < 3)
		return fprintf(stderr, "usage: certimport STORE FILE [FRIENDLY] [--private-key]\n"),
		       2;
	if ((f = _wfopen(argv[2], L"rb")) == NULL)
		return fail("open");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n)
		return fail("read");
	fclose(f);
	data[n] = 0;
	/* PEM is decoded; anything else is taken as DER. */
	if (!CryptStringToBinaryA(
	        (const char *)data, (DWORD)n, CRYPT_STRING_BASE64HEADER, NULL, &dlen, NULL, NULL)) {
		der = data;
		dlen = (DWORD)n;
	} else {
		der = malloc(dlen);
		if (der == NULL ||
		    !CryptStringToBinaryA((const char *)data, (DWORD)n, CRYPT_STRING_BASE64HEADER,
		        der, &dlen, NULL, NULL))
			return fail("CryptStringToBinary");
	}
	st = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
	    CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_OPEN_EXISTING_FLAG, argv[1]);
	if (st == NULL)
		st = CertOpenStore(
		    CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, argv[1]);
	if (st == NULL)
		return fail("CertOpenStore");
	if (!CertAddEncodedCertificateToStore(
	        st, X509_ASN_ENCODING, der, dlen, CERT_STORE_ADD_REPLACE_EXISTING, &ctx))
		return fail("CertAddEncodedCertificateToStore");
	if (argc > 3 && argv[3][0] != L'\0') {
		CRYPT_DATA_BLOB b = {
		    (DWORD)((wcslen(argv[3]) + 1) * sizeof(wchar_t)), (BYTE *)argv[3]};

		if (!CertSetCertificateContextProperty(ctx, CERT_FRIENDLY_NAME_PROP_ID, 0, &b))
			return fail("FriendlyName");
	}
	if (pk) {
		CRYPT_KEY_PROV_INFO kp;

		memset(&kp, 0, sizeof(kp));
		kp.pwszContainerName = L"bindscope-test";
		kp.pwszProvName = (LPWSTR)MS_ENHANCED_PROV_W;
		kp.dwProvType = PROV_RSA_FULL;
		kp.dwFlags = CRYPT_MACHINE_KEYSET;
		kp.dwKeySpec = AT_KEYEXCHANGE;
		if (!CertSetCertificateContextProperty(ctx, CERT_KEY_PROV_INFO_PROP_ID, 0, &kp))
			return fail("key provider info");
	}
	CertFreeCertificateContext(ctx);
	CertCloseStore(st, 0);
	if (der != data)
		free(der);
	free(data);
	return 0;
}
