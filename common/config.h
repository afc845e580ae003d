/* config: INI files (parsed by inih) mapped onto a program's config struct
 * by a table of keys. Unknown sections or keys and bad values are errors
 * that name the file, line and key, so a typo never silently falls back to
 * a default. */
#ifndef BS_CONFIG_H
#define BS_CONFIG_H

#include <stddef.h>

enum bs_cfg_type {
	BS_CFG_STRING, /* char[size] at offset */
	BS_CFG_UINT, /* unsigned at offset, 0..max */
	BS_CFG_BOOL, /* int at offset: true/false/yes/no/1/0 */
	BS_CFG_DURATION, /* unsigned seconds: "90", "30s", "5m", "2h", "1d" */
	BS_CFG_CHOICE, /* int at offset: the index of the value in choices */
};

struct bs_cfg_key {
	const char *section;
	const char *name;
	enum bs_cfg_type type;
	size_t offset;
	size_t size; /* BS_CFG_STRING: capacity of the char array */
	unsigned max; /* BS_CFG_UINT / BS_CFG_DURATION: inclusive upper bound */
	const char *const *choices; /* BS_CFG_CHOICE: NULL-terminated, case-insensitive */
};

/* Applies path's keys to target. On error returns BS_EINVAL (or BS_ENOENT
 * when the file cannot be opened) and writes "file:line: key: reason" into
 * err. */
int bs_config_load(const char *path, const struct bs_cfg_key *keys, size_t nkeys, void *target,
    char *err, size_t errsz);

/* Sets one key from text (used for command-line overrides too). */
int bs_config_set(const struct bs_cfg_key *keys, size_t nkeys, void *target, const char *section,
    const char *name, const char *value, char *why, size_t whysz);

/* Parses a duration as BS_CFG_DURATION does; 0 on success. */
int bs_parse_duration(const char *s, unsigned long long *seconds);
/* Parses a whole unsigned decimal number no larger than max; 0 on success. */
int bs_parse_uint(const char *s, unsigned long long max, unsigned long long *out);

#endif
