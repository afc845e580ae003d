/* wire: packing and budgeted unpacking of the bindscope messages. */
#include "wire.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static void *
wire_alloc(void *data, size_t size)
{
	return bs_arena_alloc(data, size);
}

static void
wire_free(void *data, void *p)
{
	(void)data; /* freed with the arena */
	(void)p;
}

void
bs_wire_allocator(struct bs_arena *a, ProtobufCAllocator *out)
{
	out->alloc = wire_alloc;
	out->free = wire_free;
	out->allocator_data = a;
}

int
bs_wire_pack(const ProtobufCMessage *msg, uint8_t **out, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = malloc(n > 0 ? n : 1);

	if (buf == NULL)
		return BS_ENOMEM;
	*len = protobuf_c_message_pack(msg, buf);
	*out = buf;
	return 0;
}

/* The arena, and whether it refused an allocation: protobuf-c says only
 * that an unpack failed, not why. */
struct wire_budget {
	struct bs_arena *a;
	int refused;
};

static void *
wire_budget_alloc(void *data, size_t size)
{
	struct wire_budget *b = data;
	void *p = bs_arena_alloc(b->a, size);

	if (p == NULL)
		b->refused = 1;
	return p;
}

static int
wire_unpack(const ProtobufCMessageDescriptor *d, struct bs_arena *a, const uint8_t *data,
    size_t len, ProtobufCMessage **out)
{
	struct wire_budget b = {a, 0};
	ProtobufCAllocator alloc = {wire_budget_alloc, wire_free, &b};
	ProtobufCMessage *m;

	*out = NULL;
	if (len > BS_WIRE_MAX_MSG)
		return BS_ETOOBIG;
	m = protobuf_c_message_unpack(d, &alloc, len, data);
	if (m == NULL)
		return b.refused ? BS_ENOMEM : BS_EPARSE;
	*out = m;
	return 0;
}

int
bs_wire_unpack_report(struct bs_arena *a, const uint8_t *data, size_t len, bs_report **out)
{
	return wire_unpack(
	    &bindscope__v1__report__descriptor, a, data, len, (ProtobufCMessage **)out);
}

int
bs_wire_unpack_envelope(
    struct bs_arena *a, const uint8_t *data, size_t len, Bindscope__V1__Envelope **out)
{
	return wire_unpack(
	    &bindscope__v1__envelope__descriptor, a, data, len, (ProtobufCMessage **)out);
}

int
bs_wire_unpack_ack(struct bs_arena *a, const uint8_t *data, size_t len, Bindscope__V1__Ack **out)
{
	return wire_unpack(&bindscope__v1__ack__descriptor, a, data, len, (ProtobufCMessage **)out);
}

int
bs_wire_envelope(const uint8_t *report, size_t len, uint8_t **out, size_t *outlen)
{
	Bindscope__V1__Envelope env = BINDSCOPE__V1__ENVELOPE__INIT;

	env.report.data = (uint8_t *)report;
	env.report.len = len;
	return bs_wire_pack(&env.base, out, outlen);
}

int
bs_wire_envelope_signed(const uint8_t *report, size_t len, const uint8_t *sig, size_t siglen,
    const uint8_t *cert, size_t certlen, const char *alg, uint8_t **out, size_t *outlen)
{
	Bindscope__V1__Envelope env = BINDSCOPE__V1__ENVELOPE__INIT;

	env.report.data = (uint8_t *)report;
	env.report.len = len;
	env.signature.data = (uint8_t *)sig;
	env.signature.len = sig != NULL ? siglen : 0;
	env.certificate.data = (uint8_t *)cert;
	env.certificate.len = cert != NULL ? certlen : 0;
	env.signature_alg = (char *)(alg != NULL ? alg : "");
	return bs_wire_pack(&env.base, out, outlen);
}

int
bs_wire_ack(Bindscope__V1__AckStatus status, const char *reason, uint8_t **out, size_t *outlen)
{
	Bindscope__V1__Ack ack = BINDSCOPE__V1__ACK__INIT;

	ack.status = status;
	ack.reason = (char *)(reason != NULL ? reason : "");
	return bs_wire_pack(&ack.base, out, outlen);
}

void *
bs_wire_new(struct bs_arena *a, const ProtobufCMessageDescriptor *d)
{
	void *m = bs_arena_alloc(a, d->sizeof_message);

	if (m != NULL)
		protobuf_c_message_init(d, m);
	return m;
}

int
bs_wire_frame(const uint8_t *data, size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t *buf = malloc(BS_WIRE_FRAME_HDR + len);
	unsigned int mdlen = 0;

	if (buf == NULL)
		return BS_ENOMEM;
	memcpy(buf, BS_WIRE_FRAME_MAGIC, 8);
	for (int i = 0; i < 8; i++)
		buf[8 + i] = (uint8_t)((uint64_t)len >> (8 * i));
	if (EVP_Digest(data, len, buf + 16, &mdlen, EVP_sha256(), NULL) != 1) {
		free(buf);
		return BS_ECRYPTO;
	}
	memcpy(buf + BS_WIRE_FRAME_HDR, data, len);
	*out = buf;
	*outlen = BS_WIRE_FRAME_HDR + len;
	return 0;
}

int
bs_wire_is_framed(const uint8_t *buf, size_t len)
{
	return len >= 8 && memcmp(buf, BS_WIRE_FRAME_MAGIC, 8) == 0;
}

int
bs_wire_unframe(const uint8_t *buf, size_t len, const uint8_t **data, size_t *dlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	uint64_t want = 0;

	if (len < BS_WIRE_FRAME_HDR || !bs_wire_is_framed(buf, len))
		return BS_EPARSE;
	for (int i = 0; i < 8; i++)
		want |= (uint64_t)buf[8 + i] << (8 * i);
	if (want != len - BS_WIRE_FRAME_HDR ||
	    EVP_Digest(buf + BS_WIRE_FRAME_HDR, len - BS_WIRE_FRAME_HDR, md, &mdlen, EVP_sha256(),
	        NULL) != 1 ||
	    memcmp(md, buf + 16, 32) != 0)
		return BS_EPARSE;
	*data = buf + BS_WIRE_FRAME_HDR;
	*dlen = len - BS_WIRE_FRAME_HDR;
	return 0;
}
