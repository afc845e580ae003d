/* fuzz_zip_path: libFuzzer harness for zip entry names (evidence_path).
 * Oracle: an accepted name is relative, has no '\', ':' or control
 * character, no empty, "." or ".." component, and fits its buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evidence_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[512], why[256];
	int is_dir;
	const char *p;

	if (bs_evidence_entry_path(
	        (const char *)data, size, out, sizeof(out), &is_dir, why, sizeof(why)) != 0)
		return 0;
	if (strlen(out) >= sizeof(out) || out[0] == '/' || strchr(out, '\\') != NULL ||
	    strchr(out, ':') != NULL || (out[0] == '\0' && !is_dir))
		abort();
	for (p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
	for (p = out; *p != '\0';) {
		const char *end = strchr(p, '/');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		p += n + (end != NULL);
	}
	return 0;
}
