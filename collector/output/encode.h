/* encode: an answer's body as it is served. Its ETag is a digest of its
 * bytes, so a client holding the same snapshot is answered 304 with
 * nothing; its gzip form goes to clients that accept it (zlib). A
 * snapshot's bodies are prepared once by the upkeep thread (bs_body), a
 * per-request answer when it is made. */
#ifndef BS_OUTPUT_ENCODE_H
#define BS_OUTPUT_ENCODE_H

#include <stddef.h>

/* A strong ETag: a quoted 32-hex-digit SHA-256 prefix; its gzip form's
 * ends in -gz (each representation its own tag). */
#define BS_ETAG_MAX 40
/* Bodies smaller than this are sent as they are: gzip would not pay. */
#define BS_GZIP_MIN 1024

/* The ETag of body into out. */
void bs_etag(const void *body, size_t len, char out[BS_ETAG_MAX]);
/* The tag of etag's body gzip-encoded into out. */
void bs_etag_gzip(const char *etag, char out[BS_ETAG_MAX]);
/* 1 when an If-None-Match header names etag or its gzip form. */
int bs_etag_match_any(const char *if_none_match, const char *etag);
/* 1 when an If-None-Match header (a list of entity tags, W/ or not, or
 * "*") names etag; NULL or malformed: 0. */
int bs_etag_match(const char *if_none_match, const char *etag);
/* 1 when an Accept-Encoding header takes gzip (gzip, x-gzip or *, not at
 * q=0); NULL: 0. */
int bs_gzip_accepted(const char *accept_encoding);
/* in as one gzip member into *out (malloc'd, the caller frees). */
int bs_gzip(const void *in, size_t len, char **out, size_t *outlen);

/* A body with its ETag and, when it is large enough, its gzip form. */
struct bs_body {
	char *data, *gz; /* malloc'd; gz NULL when not worth it */
	size_t len, gzlen;
	char etag[BS_ETAG_MAX];
};
/* Takes data (malloc'd, len bytes) into b; data is freed on failure too. */
int bs_body_prepare(struct bs_body *b, char *data, size_t len);
/* Frees what b holds; accepts a zeroed b. */
void bs_body_fini(struct bs_body *b);

#endif
