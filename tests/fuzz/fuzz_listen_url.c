/* fuzz_listen_url: libFuzzer harness for the collector's reading of its
 * [collector] listen URL (collector/ingest/front.h, bs_front_parse_url):
 * whatever the text, a URL it takes has a host and a port that fit and
 * a port of digits only. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/front.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_front_at at;
	char *url = malloc(size + 1);

	if (url == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	if (bs_front_parse_url(url, &at) == 0 &&
	    (memchr(at.host, '\0', sizeof(at.host)) == NULL || at.port[0] == '\0' ||
	        memchr(at.port, '\0', sizeof(at.port)) == NULL ||
	        strspn(at.port, "0123456789") != strlen(at.port)))
		__builtin_trap();
	free(url);
	return 0;
}
