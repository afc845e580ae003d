/* fuzz_reg_file: libFuzzer harness for the .reg export parser. */
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_registry *r = NULL;
	struct bs_reg_value v;
	const char **names;
	size_t n;
	char s[64];
	uint32_t dw;

	if (bs_registry_create(&r) != 0)
		return 0;
	bs_registry_load_reg(r, (const char *)data, size, "fuzz.reg", NULL, NULL);
	/* Exercise the lookups the sources make. */
	bs_registry_subkeys(r,
	    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo", &names,
	    &n);
	for (size_t i = 0; i < n && i < 4; i++)
		bs_registry_has_key(r, names[i]);
	bs_registry_get(r, "HKLM\\SOFTWARE\\T", "", &v);
	bs_registry_get_string(r, "HKLM\\SOFTWARE\\T", "a", s, sizeof(s));
	bs_registry_get_dword(r, "HKLM\\SOFTWARE\\T", "a", &dw);
	bs_registry_destroy(r);
	return 0;
}
