/* fqdn: one definition of an acceptable server name. */
#include "ingest/fqdn.h"

#include <string.h>

#include "err.h"

int
bs_fqdn_check(const char *s, size_t *bad)
{
	size_t n = strlen(s);

	*bad = 0;
	if (n > 253)
		return BS_ETOOBIG;
	if (n == 0)
		return BS_EPARSE;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
			*bad = i;
			return BS_EPARSE;
		}
	}
	return 0;
}
