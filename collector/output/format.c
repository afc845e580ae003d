/* format: the table of the report's formats. */
#include "output/format.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "output/report_json.h"
#include "output/report_text.h"

static int
format_json(const struct bs_analysis *a, struct bs_store *st, int compact, struct bs_buf *out)
{
	json_t *doc = bs_report_json(a);
	char *s = doc != NULL ? json_dumps(doc, compact ? JSON_COMPACT : JSON_INDENT(2)) : NULL;
	int rv = s != NULL ? bs_buf_puts(out, s) : BS_ENOMEM;

	(void)st;
	if (rv == 0 && !compact)
		rv = bs_buf_putc(out, '\n');
	free(s);
	json_decref(doc);
	return rv;
}

static int
format_csv(const struct bs_analysis *a, struct bs_store *st, int compact, struct bs_buf *out)
{
	(void)st;
	(void)compact;
	return bs_report_csv(a, out);
}

static int
format_html(const struct bs_analysis *a, struct bs_store *st, int compact, struct bs_buf *out)
{
	(void)compact;
	return bs_report_html(a, st, out);
}

const struct bs_format bs_formats[] = {
    {"json", "application/json", "the full audit (servers, findings, evidence)", format_json},
    {"csv", "text/csv; charset=utf-8", "one row per finding, safe to open in a spreadsheet",
        format_csv},
    {"html", "text/html; charset=utf-8", "one self-contained page to file for auditors",
        format_html},
};

const size_t bs_formats_count = sizeof(bs_formats) / sizeof(bs_formats[0]);

const struct bs_format *
bs_format_find(const char *name)
{
	for (size_t i = 0; i < bs_formats_count; i++)
		if (strcmp(bs_formats[i].name, name) == 0)
			return &bs_formats[i];
	return NULL;
}
