/* fuzz_dashboard: libFuzzer harness for what the dashboard's requests
 * carry beyond the path: the If-None-Match and Accept-Encoding headers and
 * the server table's query. Lines: If-None-Match, Accept-Encoding, then
 * the query (k=v&k=v, decoded). Every input gets an answer or a named
 * refusal; a parsed query must page within its limit. The whole input,
 * as an agent's string in the answers the page carries (page.h), must
 * leave the page's boot block closed only by its own end tag and read
 * back as the same string. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "output/encode.h"
#include "output/page.h"
#include "output/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of *p (NUL-terminated in place); NULL at the end. */
static char *
next_line(char **p)
{
	char *s = *p, *nl;

	if (s == NULL)
		return NULL;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = NULL;
	}
	return s;
}

/* data as a string in both answers of a page: the block holds no '<', is
 * closed by the template's own "</script>" and reads back as data. */
static void
check_page(const uint8_t *data, size_t size)
{
	static const char tmpl[] = "<head>" BS_PAGE_BOOT_OPEN "</script></head><body></body>";
	json_t *str = json_stringn((const char *)data, size), *back;
	char *text = str != NULL ? json_dumps(str, JSON_ENCODE_ANY) : NULL, *page = NULL;
	size_t len = 0;

	if (text != NULL) {
		struct bs_page_answer a = {"/api/table", text, strlen(text), "\"t\""};
		const char *body, *close;

		if (bs_page_boot(tmpl, sizeof(tmpl) - 1, &a, &a, &page, &len) != 0)
			__builtin_trap();
		body = strstr(page, BS_PAGE_BOOT_OPEN) + strlen(BS_PAGE_BOOT_OPEN);
		close = strchr(body, '<');
		if (close == NULL || strcmp(close, "</script></head><body></body>") != 0)
			__builtin_trap();
		*(char *)close = '\0';
		back = json_loads(body, JSON_ALLOW_NUL, NULL); /* as JSON.parse does */
		if (back == NULL || !json_equal(json_object_get(back, "summary"), str))
			__builtin_trap();
		json_decref(back);
	}
	free(page);
	free(text);
	json_decref(str);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bs_analysis *an;
	static struct bs_table_index *ix;
	struct bs_kv kv[16];
	struct bs_table_query q;
	char *buf = malloc(size + 1), *p = buf, *inm, *ae, *query;
	char etag[BS_ETAG_MAX], err[160];
	size_t n = 0;

	if (buf == NULL)
		return 0;
	if (an == NULL) {
		struct bs_analysis_options o;

		bs_analysis_options_defaults(&o);
		if (bs_analysis_create(&o, &an) != 0 || bs_table_index_create(an, 0, &ix) != 0) {
			free(buf);
			return 0;
		}
	}
	check_page(data, size);
	memcpy(buf, data, size);
	buf[size] = '\0';
	inm = next_line(&p);
	ae = next_line(&p);
	query = next_line(&p);
	bs_etag("{}", 2, etag);
	(void)bs_etag_match_any(inm, etag);
	(void)bs_gzip_accepted(ae);
	while (query != NULL && *query != '\0' && n < 16) {
		char *amp = strchr(query, '&'), *eq;

		if (amp != NULL)
			*amp = '\0';
		eq = strchr(query, '=');
		if (eq != NULL)
			*eq = '\0';
		kv[n++] = (struct bs_kv){query, eq != NULL ? eq + 1 : ""};
		query = amp != NULL ? amp + 1 : NULL;
	}
	if (bs_table_query_parse(kv, n, &q, err, sizeof(err)) == 0) {
		json_t *pg = bs_table_json(ix, &q);

		if (q.limit == 0 || q.limit > BS_TABLE_LIMIT_MAX ||
		    (pg != NULL && json_array_size(json_object_get(pg, "rows")) > q.limit))
			__builtin_trap();
		json_decref(pg);
	} else if (err[0] == '\0') {
		__builtin_trap(); /* a refusal names the parameter */
	}
	free(buf);
	return 0;
}
