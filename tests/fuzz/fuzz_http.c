/* fuzz_http: libFuzzer harness for the dashboard's request routing: any
 * method and path must get a bounded answer from the allow-list or the
 * API, never a file read built from the request. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bs_http *h;
	char method[16], *url;
	const char *ctype;
	unsigned status;
	char *body = NULL;
	size_t len, m;
	int rv;

	if (h == NULL) {
		struct bs_http_options o;

		memset(&o, 0, sizeof(o));
		o.address = "127.0.0.1";
		o.web_root = "/nonexistent";
		o.db_path = "/nonexistent/db";
		bs_analysis_options_defaults(&o.analysis);
		if (bs_http_start(&o, &h) != 0)
			return 0;
	}
	/* First line: the method; the rest: the URL. */
	for (m = 0; m < size && m < sizeof(method) - 1 && data[m] != '\n'; m++)
		method[m] = (char)data[m];
	method[m] = '\0';
	if (m < size)
		m++;
	url = malloc(size - m + 1);
	if (url == NULL)
		return 0;
	memcpy(url, data + m, size - m);
	url[size - m] = '\0';
	rv = bs_http_route(h, method, url, &status, &ctype, &body, &len);
	url[strcspn(url, "?")] = '\0'; /* the path: a query never picks a file */
	if (rv == 0 && status == 200 && strncmp(url, "/api/", 5) != 0 && strcmp(url, "/") != 0 &&
	    strcmp(url, "/index.html") != 0 && strcmp(url, "/app.js") != 0 &&
	    strcmp(url, "/style.css") != 0 && strcmp(url, "/metrics") != 0)
		__builtin_trap(); /* something outside the allow-list was served */
	free(body);
	free(url);
	return 0;
}
