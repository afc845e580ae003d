/* config: inih-driven, table-described configuration loading. */
#include "config.h"

#include <ini.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "fsutil.h"

struct cfg_ctx {
	const struct bs_cfg_key *keys;
	size_t nkeys;
	void *target;
	char why[256];
	int failed;
};

int
bs_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
bs_parse_duration(const char *s, unsigned long long *seconds)
{
	char num[32];
	size_t n = strlen(s);
	unsigned long long mult = 1, v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's':
		mult = 1;
		num[--n] = '\0';
		break;
	case 'm':
		mult = 60;
		num[--n] = '\0';
		break;
	case 'h':
		mult = 3600;
		num[--n] = '\0';
		break;
	case 'd':
		mult = 86400;
		num[--n] = '\0';
		break;
	default: break;
	}
	if (bs_parse_uint(num, 0xffffffffULL, &v) != 0)
		return -1;
	*seconds = v * mult;
	return 0;
}

/* "expected one of a, b or c" into why. */
static void
config_choices_why(const char *const *choices, char *why, size_t whysz)
{
	size_t n = 0, len;

	len = (size_t)snprintf(why, whysz, "expected one of");
	for (; choices[n] != NULL && len < whysz; n++)
		len += (size_t)snprintf(why + len, whysz - len, "%s %s",
		    n == 0 ? "" : (choices[n + 1] == NULL ? " or" : ","), choices[n]);
}

int
bs_config_set(const struct bs_cfg_key *keys, size_t nkeys, void *target, const char *section,
    const char *name, const char *value, char *why, size_t whysz)
{
	for (size_t i = 0; i < nkeys; i++) {
		const struct bs_cfg_key *k = &keys[i];
		char *field = (char *)target + k->offset;
		unsigned long long v;

		if (strcmp(k->section, section) != 0 || strcmp(k->name, name) != 0)
			continue;
		switch (k->type) {
		case BS_CFG_STRING:
			if (strlen(value) >= k->size) {
				snprintf(why, whysz, "value longer than %zu bytes", k->size - 1);
				return BS_EINVAL;
			}
			memcpy(field, value, strlen(value) + 1);
			return 0;
		case BS_CFG_UINT:
			if (bs_parse_uint(value, k->max, &v) != 0) {
				snprintf(
				    why, whysz, "expected a whole number from 0 to %u", k->max);
				return BS_EINVAL;
			}
			*(unsigned *)(void *)field = (unsigned)v;
			return 0;
		case BS_CFG_DURATION:
			if (bs_parse_duration(value, &v) != 0 || v > k->max || v == 0) {
				snprintf(why, whysz,
				    "expected a duration such as 30s, 5m, 2h "
				    "(1 s to %u s)",
				    k->max);
				return BS_EINVAL;
			}
			*(unsigned *)(void *)field = (unsigned)v;
			return 0;
		case BS_CFG_CHOICE:
			for (int c = 0; k->choices[c] != NULL; c++) {
				if (strcasecmp(value, k->choices[c]) == 0) {
					*(int *)(void *)field = c;
					return 0;
				}
			}
			config_choices_why(k->choices, why, whysz);
			return BS_EINVAL;
		case BS_CFG_BOOL:
			if (strcasecmp(value, "true") == 0 || strcasecmp(value, "yes") == 0 ||
			    strcmp(value, "1") == 0) {
				*(int *)(void *)field = 1;
			} else if (strcasecmp(value, "false") == 0 ||
			    strcasecmp(value, "no") == 0 || strcmp(value, "0") == 0) {
				*(int *)(void *)field = 0;
			} else {
				snprintf(why, whysz, "expected true or false");
				return BS_EINVAL;
			}
			return 0;
		}
	}
	snprintf(why, whysz, "unknown key");
	return BS_EINVAL;
}

static int
cfg_handler(void *user, const char *section, const char *name, const char *value)
{
	struct cfg_ctx *c = user;
	char why[200];

	if (c->failed)
		return 1; /* keep only the first error */
	if (bs_config_set(c->keys, c->nkeys, c->target, section, name, value, why, sizeof(why)) !=
	    0) {
		snprintf(c->why, sizeof(c->why), "[%s] %s: %s", section, name, why);
		c->failed = 1;
		return 0;
	}
	return 1;
}

int
bs_config_load(const char *path, const struct bs_cfg_key *keys, size_t nkeys, void *target,
    char *err, size_t errsz)
{
	struct cfg_ctx c = {keys, nkeys, target, "", 0};
	FILE *f = bs_fs_fopen(path, "r");
	int line = -1;

	if (f != NULL) {
		line = ini_parse_file(f, cfg_handler, &c);
		fclose(f);
	}
	if (line == -1) {
		snprintf(err, errsz, "%s: cannot open", path);
		return BS_ENOENT;
	}
	if (line == -2) {
		snprintf(err, errsz, "%s: out of memory", path);
		return BS_ENOMEM;
	}
	if (line > 0) {
		if (c.failed)
			snprintf(err, errsz, "%s:%d: %s", path, line, c.why);
		else
			snprintf(err, errsz, "%s:%d: syntax error", path, line);
		return BS_EINVAL;
	}
	return 0;
}
