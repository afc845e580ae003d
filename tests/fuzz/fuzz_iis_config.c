/* fuzz_iis_config: libFuzzer harness for applicationHost.config parsing
 * and the bindingInformation splitter. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iis_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_arena a;
	struct bs_sweep s;
	char *str;

	memset(&s, 0, sizeof(s));
	bs_arena_init(&a, 0);
	s.arena = &a;
	s.report = BS_NEW(&a, report);
	if (s.report != NULL) {
		bs_iis_config_parse(&s, (const char *)data, size, "fuzz.config");
		str = malloc(size + 1);
		if (str != NULL) {
			Bindscope__V1__Binding *b = BS_NEW(&a, binding);

			memcpy(str, data, size);
			str[size] = '\0';
			if (b != NULL)
				bs_iis_split_binding(&a, str, b);
			free(str);
		}
	}
	bs_arena_fini(&a);
	return 0;
}
