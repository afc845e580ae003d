/* encode: ETags, conditional requests and gzip. */
#include "output/encode.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
/* next_in const: the input is never written. */
#define ZLIB_CONST
#include <zlib.h>

#include "err.h"

void
bs_etag(const void *body, size_t len, char out[BS_ETAG_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t k = 0;

	if (EVP_Digest(body, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 16) {
		memset(md, 0, sizeof(md));
		mdlen = 16;
	}
	out[k++] = '"';
	for (unsigned i = 0; i < 16; i++) {
		out[k++] = hex[md[i] >> 4];
		out[k++] = hex[md[i] & 15];
	}
	out[k++] = '"';
	out[k] = '\0';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

int
bs_etag_match(const char *h, const char *etag)
{
	size_t elen = strlen(etag);

	if (h == NULL)
		return 0;
	/* Weak comparison (RFC 9110 13.1.2): W/ does not matter. */
	while (*h != '\0') {
		const char *end;

		while (is_space(*h) || *h == ',')
			h++;
		if (*h == '*')
			return 1;
		if (h[0] == 'W' && h[1] == '/')
			h += 2;
		if (*h != '"')
			return 0;
		end = strchr(h + 1, '"');
		if (end == NULL)
			return 0;
		if ((size_t)(end + 1 - h) == elen && memcmp(h, etag, elen) == 0)
			return 1;
		h = end + 1;
		while (is_space(*h))
			h++;
		if (*h != '\0' && *h != ',')
			return 0;
	}
	return 0;
}

void
bs_etag_gzip(const char *etag, char out[BS_ETAG_MAX])
{
	size_t n = strlen(etag);

	if (n < 2 || n + 3 >= BS_ETAG_MAX) {
		snprintf(out, BS_ETAG_MAX, "%s", etag);
		return;
	}
	memmove(out, etag, n - 1); /* out may be etag */
	memcpy(out + n - 1, "-gz\"", 5);
}

int
bs_etag_match_any(const char *h, const char *etag)
{
	char gz[BS_ETAG_MAX];

	bs_etag_gzip(etag, gz);
	return bs_etag_match(h, etag) || bs_etag_match(h, gz);
}

/* 1 when the parameters after a coding ("; q=0.000") say q=0. */
static int
q_zero(const char *p, const char *end)
{
	while (p < end && (is_space(*p) || *p == ';'))
		p++;
	if (end - p < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
		return 0;
	p += 2;
	if (p == end || *p != '0')
		return 0;
	for (p++; p < end && (*p == '.' || *p == '0'); p++)
		;
	while (p < end && is_space(*p))
		p++;
	return p == end;
}

int
bs_gzip_accepted(const char *h)
{
	int gzip = -1, star = -1; /* -1 unnamed, 0 refused, 1 accepted */

	if (h == NULL)
		return 0;
	while (*h != '\0') {
		const char *end = strchr(h, ','), *tok, *tend;

		if (end == NULL)
			end = h + strlen(h);
		while (h < end && is_space(*h))
			h++;
		tok = h;
		while (h < end && *h != ';' && !is_space(*h))
			h++;
		tend = h;
		/* Content codings are case-insensitive (RFC 9110 8.4.1). */
		if (((size_t)(tend - tok) == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    ((size_t)(tend - tok) == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
			gzip = !q_zero(h, end);
		else if (tend - tok == 1 && *tok == '*')
			star = !q_zero(h, end);
		h = *end != '\0' ? end + 1 : end;
	}
	return gzip == 1 || (gzip == -1 && star == 1);
}

int
bs_gzip(const void *in, size_t len, char **out, size_t *outlen)
{
	z_stream zs;
	uLong cap;
	char *buf;
	int zr;

	*out = NULL;
	*outlen = 0;
	if (len > UINT32_MAX / 2)
		return BS_ETOOBIG;
	memset(&zs, 0, sizeof(zs));
	/* 15 + 16: a gzip header and trailer rather than zlib's. */
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return BS_ENOMEM;
	cap = deflateBound(&zs, (uLong)len);
	if ((buf = malloc(cap)) == NULL) {
		deflateEnd(&zs);
		return BS_ENOMEM;
	}
	zs.next_in = (const Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)buf;
	zs.avail_out = (uInt)cap;
	zr = deflate(&zs, Z_FINISH);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(buf);
		*outlen = 0;
		return BS_ENOMEM;
	}
	*out = buf;
	return 0;
}

int
bs_body_prepare(struct bs_body *b, char *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	if (data == NULL)
		return BS_ENOMEM;
	b->data = data;
	b->len = len;
	bs_etag(data, len, b->etag);
	/* Without the gzip form the body is still served, as it is. */
	if (len >= BS_GZIP_MIN && bs_gzip(data, len, &b->gz, &b->gzlen) != 0)
		b->gz = NULL;
	return 0;
}

void
bs_body_fini(struct bs_body *b)
{
	free(b->data);
	free(b->gz);
	memset(b, 0, sizeof(*b));
}
