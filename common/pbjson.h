/* pbjson: any protobuf-c message as JSON (jansson), driven by the message
 * descriptors, with the .proto field names. One converter serves the
 * agent's `collect --json` and the collector's per-server API, so the two
 * never drift from the schema. Enums appear as their value names, bytes as
 * base64, 64-bit integers as JSON integers. */
#ifndef BS_PBJSON_H
#define BS_PBJSON_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* New reference, or NULL when out of memory. Fields holding their default
 * value (0, "", empty list) are left out, as proto3 JSON does, except when
 * with_defaults is set. */
json_t *bs_pbjson_from_message(const ProtobufCMessage *msg, int with_defaults);

/* Checks that every string field in msg (recursively) is valid UTF-8 with
 * no NUL byte. Returns 1 when all are; otherwise 0 with *bad set to the
 * offending field's name. */
int bs_pbjson_strings_valid(const ProtobufCMessage *msg, const char **bad);

#endif
