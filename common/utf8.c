/* utf8: strict UTF-8 validation (RFC 3629) and decoding of the text
 * files Windows tools write (UTF-16LE with BOM, UTF-8, ANSI). */
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
bs_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = u[i];
		unsigned cp, min;
		size_t k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (u[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

static size_t
utf8_put(char *out, size_t outsz, size_t o, unsigned cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (o + n >= outsz)
		return o; /* no room: drop, keep NUL space */
	memcpy(out + o, b, n);
	return o + n;
}

/* nul_stops: a NUL code unit ends the string (registry data) rather than
 * becoming U+FFFD (file text). */
static size_t
utf16_decode(const uint8_t *in, size_t inlen, char *out, size_t outsz, int nul_stops)
{
	size_t o = 0;

	if (outsz == 0)
		return 0;
	for (size_t i = 0; i + 1 < inlen; i += 2) {
		unsigned cu = (unsigned)in[i] | ((unsigned)in[i + 1] << 8);
		unsigned cp = cu;

		if (cu == 0) {
			if (nul_stops)
				break;
			cp = 0xfffd;
		} else if (cu >= 0xd800 && cu < 0xdc00 && i + 3 < inlen) {
			unsigned lo = (unsigned)in[i + 2] | ((unsigned)in[i + 3] << 8);

			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cu - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			} else {
				cp = 0xfffd;
			}
		} else if (cu >= 0xd800 && cu < 0xe000) {
			cp = 0xfffd;
		}
		o = utf8_put(out, outsz, o, cp);
	}
	out[o] = '\0';
	return o;
}

size_t
bs_utf16le_to_utf8(const uint8_t *in, size_t inlen, char *out, size_t outsz)
{
	return utf16_decode(in, inlen, out, outsz, 1);
}

char *
bs_text_decode(const char *data, size_t len, size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)data;
	char *out;

	if (len >= 2 && u[0] == 0xff && u[1] == 0xfe) {
		size_t cap = (len - 2) / 2 * 3 + 1;

		out = malloc(cap);
		if (out != NULL)
			*outlen = utf16_decode(u + 2, len - 2, out, cap, 0);
		return out;
	}
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		u += 3;
		len -= 3;
	}
	if (bs_utf8_valid((const char *)u, len)) {
		out = malloc(len + 1);
		if (out == NULL)
			return NULL;
		memcpy(out, u, len);
		/* NUL bytes would cut lines short: make them visible instead. */
		for (size_t i = 0; i < len; i++)
			if (out[i] == '\0')
				out[i] = '?';
		out[len] = '\0';
		*outlen = len;
		return out;
	}
	out = malloc(len * 2 + 1);
	if (out != NULL) {
		size_t o = 0;

		for (size_t i = 0; i < len; i++)
			o = utf8_put(out, len * 2 + 1, o, u[i] ? u[i] : '?');
		out[o] = '\0';
		*outlen = o;
	}
	return out;
}
