/* wire: the bytes that cross between agent and collector. Unpacking of
 * anything received goes through a byte-budgeted arena, so a hostile peer
 * cannot make us allocate without bound; the result lives in that arena
 * and is freed with it (never call protobuf-c's free_unpacked on it). */
#ifndef BS_WIRE_H
#define BS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "bindscope.pb-c.h"

typedef Bindscope__V1__Report bs_report;

/* Largest message either side accepts (NNG_OPT_RECVMAXSZ uses this too). */
#define BS_WIRE_MAX_MSG (8u * 1024u * 1024u)
/* Unpacked structs take several times the wire size. */
#define BS_WIRE_UNPACK_BUDGET (8u * BS_WIRE_MAX_MSG)

/* A protobuf-c allocator that draws from a (budgeted) arena. */
void bs_wire_allocator(struct bs_arena *a, ProtobufCAllocator *out);

/* Serialises msg into a malloc'd buffer (caller frees). */
int bs_wire_pack(const ProtobufCMessage *msg, uint8_t **out, size_t *len);

/* Each: BS_ETOOBIG over BS_WIRE_MAX_MSG, BS_EPARSE when not a valid
 * message, BS_ENOMEM when the arena's budget runs out. */
int bs_wire_unpack_report(struct bs_arena *a, const uint8_t *data, size_t len, bs_report **out);
int bs_wire_unpack_envelope(
    struct bs_arena *a, const uint8_t *data, size_t len, Bindscope__V1__Envelope **out);
int bs_wire_unpack_ack(
    struct bs_arena *a, const uint8_t *data, size_t len, Bindscope__V1__Ack **out);

/* Wraps a serialised report into an Envelope; sig/cert may be NULL (an
 * agent that is not enrolled sends unsigned reports). */
int bs_wire_envelope(const uint8_t *report, size_t len, uint8_t **out, size_t *outlen);
int bs_wire_envelope_signed(const uint8_t *report, size_t len, const uint8_t *sig, size_t siglen,
    const uint8_t *cert, size_t certlen, const char *alg, uint8_t **out, size_t *outlen);

/* The on-disk frame of a spooled envelope: "BSSPOOL1", the length (8
 * bytes, little-endian) and the SHA-256 of the data, then the data. An
 * auditor can hand a spooled file straight to `import`. */
#define BS_WIRE_FRAME_MAGIC "BSSPOOL1"
#define BS_WIRE_FRAME_HDR (8 + 8 + 32)
/* *out is malloc'd: the frame followed by data. */
int bs_wire_frame(const uint8_t *data, size_t len, uint8_t **out, size_t *outlen);
/* 1 when buf starts with the frame magic. */
int bs_wire_is_framed(const uint8_t *buf, size_t len);
/* Checks the frame; on success *data points into buf. BS_EPARSE when the
 * length or digest does not match (torn or altered). */
int bs_wire_unframe(const uint8_t *buf, size_t len, const uint8_t **data, size_t *dlen);

/* Builds an Ack message. */
int bs_wire_ack(Bindscope__V1__AckStatus status, const char *reason, uint8_t **out, size_t *outlen);

/* A new message of type d, initialised to its defaults, in arena a. */
void *bs_wire_new(struct bs_arena *a, const ProtobufCMessageDescriptor *d);
/* BS_NEW(arena, certificate): the lower-case message name of the schema. */
#define BS_NEW(a, name) bs_wire_new((a), &bindscope__v1__##name##__descriptor)

#endif
