/* escape: CSV fields and HTML text from untrusted strings. */
#include "output/escape.h"

int
bs_csv_field(struct bs_buf *out, const char *s)
{
	int rv = bs_buf_putc(out, '"');

	if (rv == 0 &&
	    (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	        s[0] == '\r'))
		rv = bs_buf_putc(out, '\'');
	for (; rv == 0 && *s != '\0'; s++)
		rv = *s == '"' ? bs_buf_puts(out, "\"\"") : bs_buf_putc(out, *s);
	return rv != 0 ? rv : bs_buf_putc(out, '"');
}

int
bs_html_escape(struct bs_buf *out, const char *s)
{
	int rv = 0;

	for (; rv == 0 && *s != '\0'; s++) {
		switch (*s) {
		case '&': rv = bs_buf_puts(out, "&amp;"); break;
		case '<': rv = bs_buf_puts(out, "&lt;"); break;
		case '>': rv = bs_buf_puts(out, "&gt;"); break;
		case '"': rv = bs_buf_puts(out, "&quot;"); break;
		case '\'': rv = bs_buf_puts(out, "&#39;"); break;
		default: rv = bs_buf_putc(out, *s); break;
		}
	}
	return rv;
}
