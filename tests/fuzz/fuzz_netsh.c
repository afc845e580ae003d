/* fuzz_netsh: libFuzzer harness for `netsh http show sslcert` text. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netsh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_arena a;
	struct bs_sweep s;

	memset(&s, 0, sizeof(s));
	bs_arena_init(&a, 0);
	s.arena = &a;
	s.report = BS_NEW(&a, report);
	if (s.report != NULL)
		bs_netsh_parse(&s, (const char *)data, size, "fuzz.txt");
	bs_arena_fini(&a);
	return 0;
}
