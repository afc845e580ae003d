/* pbjson: descriptor-driven protobuf-c to JSON conversion. */
#include "pbjson.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static json_t *
pbjson_bytes(const ProtobufCBinaryData *b)
{
	size_t outlen = 4 * ((b->len + 2) / 3) + 1;
	unsigned char *out = malloc(outlen);
	json_t *j;

	if (out == NULL)
		return NULL;
	EVP_EncodeBlock(out, b->data, (int)b->len);
	j = json_string((const char *)out);
	free(out);
	return j;
}

static json_t *
pbjson_enum(const ProtobufCEnumDescriptor *ed, int value)
{
	const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(ed, value);

	return ev != NULL ? json_string(ev->name) : json_integer(value);
}

/* One element of a field: p points at the value in the struct (or into
 * the repeated array). */
static json_t *
pbjson_value(const ProtobufCFieldDescriptor *f, const void *p, int wd)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32: return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64: return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: return json_integer((json_int_t) * (const uint64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT: return json_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE: return json_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL: return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM: return pbjson_enum(f->descriptor, *(const int *)p);
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)p;
		return json_string(s != NULL ? s : "");
	}
	case PROTOBUF_C_TYPE_BYTES: return pbjson_bytes(p);
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
		const ProtobufCMessageDescriptor *md;

		if (m == NULL)
			return json_null();
		/* A wrapper (one field named "value", like OptU32) is shown as
		 * its value, as proto3 JSON shows the well-known wrappers: its
		 * presence is the point, so 0 is printed. */
		md = m->descriptor;
		if (md->n_fields == 1 && strcmp(md->fields[0].name, "value") == 0 &&
		    md->fields[0].label != PROTOBUF_C_LABEL_REPEATED)
			return pbjson_value(
			    &md->fields[0], (const char *)m + md->fields[0].offset, wd);
		return bs_pbjson_from_message(m, wd);
	}
	}
	return json_null();
}

static size_t
pbjson_elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE: return 8;
	case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM: return sizeof(int);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
	default: return 4;
	}
}

static int
pbjson_is_default(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)p;
		return s == NULL || s[0] == '\0';
	}
	case PROTOBUF_C_TYPE_MESSAGE: return *(void *const *)p == NULL;
	case PROTOBUF_C_TYPE_BYTES: return ((const ProtobufCBinaryData *)p)->len == 0;
	default: {
		static const unsigned char zero[8];
		return memcmp(p, zero, pbjson_elem_size(f->type)) == 0;
	}
	}
}

json_t *
bs_pbjson_from_message(const ProtobufCMessage *msg, int with_defaults)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)msg;
		json_t *v;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base + f->quantifier_offset);
			const char *arr = *(char *const *)(base + f->offset);
			size_t es = pbjson_elem_size(f->type);

			if (n == 0 && !with_defaults)
				continue;
			v = json_array();
			for (size_t k = 0; v != NULL && k < n; k++)
				json_array_append_new(
				    v, pbjson_value(f, arr + k * es, with_defaults));
		} else {
			if (!with_defaults && pbjson_is_default(f, base + f->offset))
				continue;
			v = pbjson_value(f, base + f->offset, with_defaults);
		}
		if (v == NULL || json_object_set_new(obj, f->name, v) != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

int
bs_pbjson_strings_valid(const ProtobufCMessage *msg, const char **bad)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const char *base = (const char *)msg;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		size_t n = 1;
		const char *arr = base + f->offset;

		if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)(base + f->quantifier_offset);
			arr = *(char *const *)(base + f->offset);
		}
		for (size_t k = 0; k < n; k++) {
			const void *p = *(void *const *)(arr + k * sizeof(void *));

			if (p == NULL)
				continue;
			if (f->type == PROTOBUF_C_TYPE_STRING) {
				const char *s = p;

				if (!bs_utf8_valid(s, strlen(s))) {
					*bad = f->name;
					return 0;
				}
			} else if (!bs_pbjson_strings_valid(p, bad)) {
				return 0;
			}
		}
	}
	return 1;
}
