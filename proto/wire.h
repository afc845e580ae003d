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

/* Wraps a serialised report into an Envelope (unsigned until enrollment
 * provides a key: the signature seam). */
int bs_wire_envelope(const uint8_t *report, size_t len, uint8_t **out, size_t *outlen);

/* Builds an Ack message. */
int bs_wire_ack(Bindscope__V1__AckStatus status, const char *reason, uint8_t **out, size_t *outlen);

/* A new message of type d, initialised to its defaults, in arena a. */
void *bs_wire_new(struct bs_arena *a, const ProtobufCMessageDescriptor *d);
/* BS_NEW(arena, certificate): the lower-case message name of the schema. */
#define BS_NEW(a, name) bs_wire_new((a), &bindscope__v1__##name##__descriptor)

#endif
