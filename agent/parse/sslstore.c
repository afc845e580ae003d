/* sslstore: the certificate store an http.sys binding's store name means. */
#include "sslstore.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* http.sys's own default (HTTP_SERVICE_CONFIG_SSL_PARAM: a NULL
 * pSslCertStoreName means the "MY" store). */
#define SSLSTORE_DEFAULT "MY"

const char *
bs_sslstore_name(const char *raw)
{
	const char *p = raw;
	size_t n;

	if (p == NULL)
		return SSLSTORE_DEFAULT;
	while (isspace((unsigned char)*p))
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	/* netsh prints that NULL through %s: "(null)". */
	if (n == 0 || (n == 6 && strncasecmp(p, "(null)", 6) == 0))
		return SSLSTORE_DEFAULT;
	return raw;
}
