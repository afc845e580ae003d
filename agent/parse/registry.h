/* registry: the agent's read-only view of the Windows registry. Off
 * Windows it is filled from `reg export` files (reg_file.c); on a live
 * server the live reader (reg_win32.c) copies the same keys from the
 * Windows registry into it, so the sources that use it never know which
 * they have, and both give the same report. Key paths are matched case-insensitively
 * and "HKEY_LOCAL_MACHINE\" and "HKLM\" are the same root. */
#ifndef BS_REGISTRY_H
#define BS_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "utf8.h"

enum bs_reg_type {
	BS_REG_NONE = 0,
	BS_REG_SZ = 1,
	BS_REG_EXPAND_SZ = 2,
	BS_REG_BINARY = 3,
	BS_REG_DWORD = 4,
	BS_REG_MULTI_SZ = 7,
	BS_REG_QWORD = 11,
};

struct bs_reg_value {
	enum bs_reg_type type;
	/* BS_REG_SZ from a text line: UTF-8, NUL-terminated. Everything else:
	 * the raw bytes as Windows stores them (UTF-16LE for hex(2)/hex(7)
	 * in version 5 files). */
	const uint8_t *data;
	size_t len;
	int utf16; /* string bytes are UTF-16LE */
};

struct bs_registry;

/* Called for every problem found while loading: file, 1-based line, why. */
typedef void (*bs_reg_error_fn)(void *arg, const char *file, unsigned line, const char *reason);

int bs_registry_create(struct bs_registry **out);
void bs_registry_destroy(struct bs_registry *r);

/* Parses one .reg export (UTF-16LE with BOM, UTF-8, or REGEDIT4 ANSI)
 * and merges its keys; later files win per value. Problems are reported
 * through err and parsing goes on with the next line; returns BS_EPARSE
 * only when the file is not a registry export at all. */
int bs_registry_load_reg(struct bs_registry *r, const char *data, size_t len, const char *file,
    bs_reg_error_fn err, void *arg);

/* Adds key (and with name, sets its value to a copy of v): how the live
 * reader (reg_win32.c) fills the same store from the Windows registry.
 * name NULL only creates the key. */
int bs_registry_put(
    struct bs_registry *r, const char *key, const char *name, const struct bs_reg_value *v);

/* Records that key (and everything below it) does not exist on the
 * server: a `[-KEY]` line of an export, or the live reader finding none. */
int bs_registry_put_absent(struct bs_registry *r, const char *key);

/* What the store knows of a key. Keys are read with their subtrees, so a
 * key below a present one that is not itself present is absent. */
enum bs_reg_key_state {
	BS_REG_KEY_UNKNOWN = 0, /* never read: not exported, or not readable */
	BS_REG_KEY_PRESENT = 1,
	BS_REG_KEY_ABSENT = 2,
};
enum bs_reg_key_state bs_registry_key_state(const struct bs_registry *r, const char *key);

/* 1 if the key exists. */
int bs_registry_has_key(const struct bs_registry *r, const char *key);

/* Looks up a value ("" names the default value). The returned data is
 * owned by the registry. Returns 0 or BS_ENOENT. */
int bs_registry_get(
    const struct bs_registry *r, const char *key, const char *name, struct bs_reg_value *out);

/* Names of the direct subkeys of key, sorted; the array and strings are
 * owned by the registry and valid until the next load. */
int bs_registry_subkeys(
    const struct bs_registry *r, const char *key, const char ***names, size_t *n);

/* Convenience readers. String: REG_SZ/REG_EXPAND_SZ as UTF-8 into out.
 * DWORD: REG_DWORD. Each returns 0, BS_ENOENT, or BS_EPARSE when the
 * value has another type. */
int bs_registry_get_string(
    const struct bs_registry *r, const char *key, const char *name, char *out, size_t outsz);
int bs_registry_get_dword(
    const struct bs_registry *r, const char *key, const char *name, uint32_t *out);

#endif
