/* fuzz_reg_file: libFuzzer harness for the .reg export parser, and the
 * sources that read what it loads (host facts, TLS settings: key states
 * of tombstones, value types, multi-strings). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "registry.h"
#include "sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_registry *r = NULL;
	struct bs_reg_value v;
	struct bs_arena a;
	struct bs_sweep s;
	const char **names;
	size_t n;
	char str[64];
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
	bs_registry_get_string(r, "HKLM\\SOFTWARE\\T", "a", str, sizeof(str));
	bs_registry_get_dword(r, "HKLM\\SOFTWARE\\T", "a", &dw);
	bs_registry_key_state(r, "HKLM\\SOFTWARE\\T\\U");
	/* The sources over the same store, as a sweep runs them. */
	memset(&s, 0, sizeof(s));
	bs_arena_init(&a, 0);
	s.arena = &a;
	s.reg = r;
	if ((s.report = BS_NEW(&a, report)) != NULL) {
		bs_src_host(&s);
		bs_src_tls_settings(&s);
	}
	bs_arena_fini(&a);
	bs_registry_destroy(r);
	return 0;
}
