/* page: the dashboard's page as it is served. index.html holds an empty
 * boot block; the page fills it with the first paint's answers (the
 * summary and the table's first page, as /api/summary and /api/table
 * would send them, with their ETags), so the browser draws the fleet in
 * its first frame with no round trip. Its script and style sheet are
 * named by version (/app.js?v=...), so a browser keeps them until they
 * change instead of fetching them again for every page. */
#ifndef BS_OUTPUT_PAGE_H
#define BS_OUTPUT_PAGE_H

#include <stddef.h>

/* index.html's boot block: this opening tag and the "</script>" after it. */
#define BS_PAGE_BOOT_OPEN "<script type=\"application/json\" id=\"bs-boot\">"

/* One answer the page carries: its URL, its JSON body, its ETag. */
struct bs_page_answer {
	const char *url;
	const char *json;
	size_t len;
	const char *etag;
};

/* html (a template of len bytes) with its boot block holding
 * {"summary": ..., "summary_etag": ..., "table": ..., "table_url": ...,
 * "table_etag": ...}, every "<" written \u003c so no answer's text can
 * end the block, into *out (malloc'd, the caller frees; *outlen bytes).
 * A template without a boot block is refused (BS_EPARSE): app.js would
 * fetch the answers itself, and the collector says so at start. */
int bs_page_boot(const char *html, size_t len, const struct bs_page_answer *summary,
    const struct bs_page_answer *table, char **out, size_t *outlen);

/* 1 when html (len bytes) has a boot block. */
int bs_page_has_boot(const char *html, size_t len);

/* html with every quoted reference "url" (src="/app.js") written
 * "url?v=version", into *out (malloc'd); *found: how many. */
int bs_page_version(const char *html, size_t len, const char *url, const char *version, char **out,
    size_t *outlen, size_t *found);

#endif
