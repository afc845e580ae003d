/* fuzz_cert: libFuzzer harness for certificate files (DER/PEM), the facts
 * derived from them, and the store-properties JSON. */
#include <stddef.h>
#include <stdint.h>

#include "certfacts.h"
#include "certstore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_arena a;
	Bindscope__V1__Certificate *c;
	X509 *x = NULL;
	char why[128];

	bs_arena_init(&a, 0);
	c = BS_NEW(&a, certificate);
	if (c != NULL) {
		if (bs_certstore_parse_cert((const char *)data, size, &x) == 0) {
			bs_certfacts_fill(&a, x, "mbx01.corp.example", "mbx01", c);
			X509_free(x);
		}
		bs_certstore_parse_props(&a, (const char *)data, size, c, why, sizeof(why));
	}
	bs_arena_fini(&a);
	return 0;
}
