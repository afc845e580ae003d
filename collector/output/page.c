/* page: index.html as served, with the first paint's answers inside it
 * and its files named by version (page.h). */
#include "output/page.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"

#define PAGE_BOOT_CLOSE "</script>"

/* s into b with every '<' as the JSON escape \u003c: inside a JSON text a
 * '<' can only be in a string, where the escape means the same, and the
 * HTML parser then never sees "</script" or "<!--" in the block. */
static int
page_put_json(struct bs_buf *b, const char *s, size_t len)
{
	size_t from = 0;
	int rv = 0;

	for (size_t i = 0; rv == 0 && i < len; i++) {
		if (s[i] != '<')
			continue;
		if ((rv = bs_buf_append(b, s + from, i - from)) == 0)
			rv = bs_buf_puts(b, "\\u003c");
		from = i + 1;
	}
	return rv != 0 ? rv : bs_buf_append(b, s + from, len - from);
}

/* ,"key":"text" (a JSON string; no '<' can be in it after escaping). */
static int
page_put_string(struct bs_buf *b, const char *key, const char *text)
{
	json_t *j = json_string(text != NULL ? text : "");
	char *enc = j != NULL ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	int rv = enc == NULL ? BS_ENOMEM : bs_buf_printf(b, ",\"%s\":", key);

	if (rv == 0)
		rv = page_put_json(b, enc, strlen(enc));
	free(enc);
	json_decref(j);
	return rv;
}

/* The first occurrence of what (NUL-terminated) in s[0..len). */
static const char *
page_find(const char *s, size_t len, const char *what)
{
	size_t n = strlen(what);

	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (memcmp(s + i, what, n) == 0)
			return s + i;
	return NULL;
}

int
bs_page_has_boot(const char *html, size_t len)
{
	const char *open = page_find(html, len, BS_PAGE_BOOT_OPEN);
	const char *body = open != NULL ? open + strlen(BS_PAGE_BOOT_OPEN) : NULL;

	return body != NULL &&
	    page_find(body, len - (size_t)(body - html), PAGE_BOOT_CLOSE) != NULL;
}

int
bs_page_boot(const char *html, size_t len, const struct bs_page_answer *summary,
    const struct bs_page_answer *table, char **out, size_t *outlen)
{
	const char *open = page_find(html, len, BS_PAGE_BOOT_OPEN);
	const char *body, *close;
	struct bs_buf b;
	int rv;

	*out = NULL;
	*outlen = 0;
	if (open == NULL)
		return BS_EPARSE;
	body = open + strlen(BS_PAGE_BOOT_OPEN);
	if ((close = page_find(body, len - (size_t)(body - html), PAGE_BOOT_CLOSE)) == NULL)
		return BS_EPARSE;
	bs_buf_init(&b, 0);
	rv = bs_buf_append(&b, html, (size_t)(body - html));
	if (rv == 0)
		rv = bs_buf_puts(&b, "{\"summary\":");
	if (rv == 0)
		rv = page_put_json(&b, summary->json, summary->len);
	if (rv == 0)
		rv = page_put_string(&b, "summary_etag", summary->etag);
	if (rv == 0)
		rv = bs_buf_puts(&b, ",\"table\":");
	if (rv == 0)
		rv = page_put_json(&b, table->json, table->len);
	if (rv == 0)
		rv = page_put_string(&b, "table_url", table->url);
	if (rv == 0)
		rv = page_put_string(&b, "table_etag", table->etag);
	if (rv == 0)
		rv = bs_buf_putc(&b, '}');
	/* What the template held in the block is replaced, not kept. */
	if (rv == 0)
		rv = bs_buf_append(&b, close, len - (size_t)(close - html));
	if (rv == 0)
		*out = bs_buf_steal(&b, outlen);
	bs_buf_fini(&b);
	return rv;
}

int
bs_page_version(const char *html, size_t len, const char *url, const char *version, char **out,
    size_t *outlen, size_t *found)
{
	char quoted[256];
	size_t qn = strlen(url) + 2, from = 0;
	struct bs_buf b;
	int rv = 0;

	*out = NULL;
	*outlen = 0;
	*found = 0;
	if (qn >= sizeof(quoted))
		return BS_EINVAL;
	quoted[0] = '"';
	memcpy(quoted + 1, url, qn - 2);
	quoted[qn - 1] = '"';
	quoted[qn] = '\0';
	bs_buf_init(&b, 0);
	for (const char *at;
	     rv == 0 && (at = page_find(html + from, len - from, quoted)) != NULL;) {
		size_t upto = (size_t)(at - html) + qn - 1; /* before the closing quote */

		rv = bs_buf_append(&b, html + from, upto - from);
		if (rv == 0)
			rv = bs_buf_printf(&b, "?v=%s", version);
		from = upto;
		(*found)++;
	}
	if (rv == 0)
		rv = bs_buf_append(&b, html + from, len - from);
	if (rv == 0)
		*out = bs_buf_steal(&b, outlen);
	bs_buf_fini(&b);
	return rv;
}
