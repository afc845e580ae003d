/* handshake: the TLS record framing (or SP header) of a connection's first
 * bytes, followed until the handshake is over. */
#include "ingest/handshake.h"

#include <string.h>

/* RFC 5246 6.2: a record's body is at most 2^14 bytes, plus 2,048 of
 * cipher expansion once encrypted (the client's Finished is). */
#define HS_TLS_MAX_RECORD (16384u + 2048u)
#define HS_TLS_CHANGE_CIPHER_SPEC 20u
#define HS_TLS_ALERT 21u
#define HS_TLS_HANDSHAKE 22u
#define HS_TLS_APPLICATION_DATA 23u
/* A handshake with more records than this is not one an agent makes
 * (ClientHello, Certificate, ClientKeyExchange, CertificateVerify,
 * ChangeCipherSpec, Finished, a renegotiation at most). */
#define HS_TLS_MAX_RECORDS 32u

static const uint8_t hs_sp_magic[4] = {0x00, 'S', 'P', 0x00};

void
bs_handshake_init(struct bs_handshake *h, enum bs_handshake_kind kind)
{
	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->state = BS_HANDSHAKE_MORE;
}

static enum bs_handshake_state
hs_bad(struct bs_handshake *h, const char *why)
{
	h->why = why;
	return h->state = BS_HANDSHAKE_BAD;
}

/* A whole 5-byte record header: what it says about the handshake. */
static enum bs_handshake_state
hs_tls_record(struct bs_handshake *h)
{
	unsigned type = h->hdr[0];
	size_t len = (size_t)h->hdr[3] << 8 | h->hdr[4];

	if (h->hdr[1] != 3)
		return hs_bad(h, "not a TLS record (version)");
	if (h->records == 0 && type != HS_TLS_HANDSHAKE)
		return hs_bad(h, "the first record is not a TLS handshake");
	if (type == HS_TLS_APPLICATION_DATA)
		return h->state = BS_HANDSHAKE_DONE;
	if (type != HS_TLS_HANDSHAKE && type != HS_TLS_CHANGE_CIPHER_SPEC && type != HS_TLS_ALERT)
		return hs_bad(h, "not a TLS record (content type)");
	if (len == 0 || len > HS_TLS_MAX_RECORD)
		return hs_bad(h, "TLS record length out of bounds");
	if (++h->records > HS_TLS_MAX_RECORDS)
		return hs_bad(h, "too many TLS records before the handshake ended");
	h->skip = len;
	h->have = 0;
	return BS_HANDSHAKE_MORE;
}

static enum bs_handshake_state
hs_sp(struct bs_handshake *h, const uint8_t *p, size_t n)
{
	while (n > 0 && h->have < 8) {
		h->hdr[h->have] = *p++;
		n--;
		if (h->have < sizeof(hs_sp_magic) && h->hdr[h->have] != hs_sp_magic[h->have])
			return hs_bad(h, "not an SP protocol header");
		h->have++;
	}
	if (h->have == 8)
		h->state = BS_HANDSHAKE_DONE;
	return h->state;
}

enum bs_handshake_state
bs_handshake_feed(struct bs_handshake *h, const uint8_t *p, size_t n)
{
	if (h->state != BS_HANDSHAKE_MORE)
		return h->state;
	if (h->kind == BS_HANDSHAKE_SP)
		return hs_sp(h, p, n);
	while (n > 0) {
		size_t take;

		if (h->skip > 0) {
			take = n < h->skip ? n : h->skip;
			h->skip -= take;
			p += take;
			n -= take;
			continue;
		}
		h->hdr[h->have++] = *p++;
		n--;
		if (h->have == 5 && hs_tls_record(h) != BS_HANDSHAKE_MORE)
			return h->state;
	}
	return h->state;
}
