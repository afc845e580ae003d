/* reg_file: the registry as `reg export` writes it (.reg files), parsed
 * with a cursor over each logical line; see ../shared/spec/evidence-root.md.
 * Keys from several files merge into one bs_registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "err.h"
#include "registry.h"
#include "utf8.h"

struct reg_val {
	char *name; /* "" = default value */
	struct bs_reg_value v;
};

struct reg_key {
	char *path; /* normalised: "HKLM\..." without trailing backslash */
	struct reg_val **vals;
	size_t nvals;
	int deleted;
};

struct bs_registry {
	struct bs_arena arena;
	struct reg_key **keys;
	size_t nkeys;
	char **absent; /* normalised keys known not to exist, with their subtrees */
	size_t nabsent;
};

/* Parse state of one file. */
struct reg_parse {
	struct bs_registry *r;
	const char *file;
	bs_reg_error_fn err;
	void *arg;
	int v5; /* "Windows Registry Editor Version 5.00" (else REGEDIT4) */
	struct reg_key *cur;
	unsigned line;
};

int
bs_registry_create(struct bs_registry **out)
{
	struct bs_registry *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return BS_ENOMEM;
	bs_arena_init(&r->arena, 0);
	*out = r;
	return 0;
}

void
bs_registry_destroy(struct bs_registry *r)
{
	if (r == NULL)
		return;
	bs_arena_fini(&r->arena);
	free(r);
}

/* --- key store --- */

static const struct {
	const char *longname;
	const char *shortname;
} reg_roots[] = {
    {"HKEY_LOCAL_MACHINE", "HKLM"},
    {"HKEY_CURRENT_USER", "HKCU"},
    {"HKEY_USERS", "HKU"},
    {"HKEY_CLASSES_ROOT", "HKCR"},
    {"HKEY_CURRENT_CONFIG", "HKCC"},
};

/* Normalises a key path into out: short root name, no trailing '\'. */
static void
reg_norm(const char *in, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < sizeof(reg_roots) / sizeof(reg_roots[0]); i++) {
		size_t ln = strlen(reg_roots[i].longname);

		if (n >= ln && strncasecmp(in, reg_roots[i].longname, ln) == 0 &&
		    (n == ln || in[ln] == '\\')) {
			o = strlen(reg_roots[i].shortname);
			memcpy(out, reg_roots[i].shortname, o);
			in += ln;
			n -= ln;
			break;
		}
	}
	while (n > 0 && in[n - 1] == '\\')
		n--;
	if (o + n >= outsz)
		n = outsz - o - 1;
	memcpy(out + o, in, n);
	out[o + n] = '\0';
}

static struct reg_key *
reg_find(const struct bs_registry *r, const char *norm)
{
	for (size_t i = 0; i < r->nkeys; i++)
		if (!r->keys[i]->deleted && strcasecmp(r->keys[i]->path, norm) == 0)
			return r->keys[i];
	return NULL;
}

static struct reg_key *
reg_open(struct bs_registry *r, const char *norm)
{
	struct reg_key *k = reg_find(r, norm);

	if (k != NULL)
		return k;
	k = bs_arena_alloc(&r->arena, sizeof(*k));
	if (k == NULL || (k->path = bs_arena_strdup(&r->arena, norm)) == NULL)
		return NULL;
	if (bs_arena_push(&r->arena, (void ***)&r->keys, &r->nkeys, k) != 0)
		return NULL;
	return k;
}

static void
reg_delete_tree(struct bs_registry *r, const char *norm)
{
	size_t n = strlen(norm);

	for (size_t i = 0; i < r->nkeys; i++) {
		const char *p = r->keys[i]->path;

		if (strncasecmp(p, norm, n) == 0 && (p[n] == '\0' || p[n] == '\\'))
			r->keys[i]->deleted = 1;
	}
}

/* Sets (or with del, removes) value name of key k; v's bytes must already
 * live in the registry's arena. */
static int
reg_key_set(struct bs_registry *r, struct reg_key *k, const char *name,
    const struct bs_reg_value *v, int del)
{
	struct reg_val *nv;

	for (size_t i = 0; i < k->nvals; i++) {
		struct reg_val *rv = k->vals[i];

		if (strcasecmp(rv->name, name) == 0) {
			if (del)
				k->vals[i] = k->vals[--k->nvals];
			else
				rv->v = *v;
			return 0;
		}
	}
	if (del)
		return 0;
	nv = bs_arena_alloc(&r->arena, sizeof(*nv));
	if (nv == NULL || (nv->name = bs_arena_strdup(&r->arena, name)) == NULL)
		return BS_ENOMEM;
	nv->v = *v;
	return bs_arena_push(&r->arena, (void ***)&k->vals, &k->nvals, nv);
}

/* --- line parsing --- */

static void
reg_fail(struct reg_parse *ps, const char *fmt, const char *detail)
{
	char why[256];

	snprintf(why, sizeof(why), fmt, detail);
	if (ps->err != NULL)
		ps->err(ps->arg, ps->file, ps->line, why);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses a quoted string at *p (the opening quote), unescaping \\ and \".
 * Result in the registry arena; *p moves past the closing quote. */
static char *
reg_quoted(struct reg_parse *ps, const char **p)
{
	const char *s = *p + 1;
	size_t n = 0;
	char *out, *o;

	for (const char *q = s; *q != '"'; q++) {
		if (*q == '\0')
			return NULL;
		if (*q == '\\' && q[1] != '\0')
			q++;
		n++;
	}
	out = bs_arena_alloc(&ps->r->arena, n + 1);
	if (out == NULL)
		return NULL;
	o = out;
	while (*s != '"') {
		if (*s == '\\' && s[1] != '\0')
			s++;
		*o++ = *s++;
	}
	*o = '\0';
	*p = s + 1;
	return out;
}

static int
reg_hexlist(struct reg_parse *ps, const char *s, struct bs_reg_value *v)
{
	size_t cap = strlen(s) / 2 + 1, n = 0;
	uint8_t *d = bs_arena_alloc(&ps->r->arena, cap);

	if (d == NULL)
		return BS_ENOMEM;
	for (;;) {
		int hi, lo;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0) {
			reg_fail(ps, "bad hex byte in value data near '%.8s'", s);
			return BS_EPARSE;
		}
		d[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == ',')
			s++;
		else if (*s != '\0') {
			reg_fail(ps, "expected ',' between hex bytes near '%.8s'", s);
			return BS_EPARSE;
		}
	}
	v->data = d;
	v->len = n;
	return 0;
}

static int
reg_value_line(struct reg_parse *ps, const char *s)
{
	struct bs_reg_value v = {BS_REG_NONE, NULL, 0, 0};
	char *name;
	int del = 0;

	if (ps->cur == NULL) {
		reg_fail(ps, "%svalue before any [key] line", "");
		return BS_EPARSE;
	}
	if (*s == '@') {
		name = "";
		s++;
	} else if ((name = reg_quoted(ps, &s)) == NULL) {
		reg_fail(ps, "%sunterminated value name", "");
		return BS_EPARSE;
	}
	while (*s == ' ')
		s++;
	if (*s != '=') {
		reg_fail(ps, "expected '=' after value name \"%s\"", name);
		return BS_EPARSE;
	}
	s++;
	while (*s == ' ')
		s++;
	if (*s == '"') {
		char *str = reg_quoted(ps, &s);

		if (str == NULL) {
			reg_fail(ps, "unterminated string for value \"%s\"", name);
			return BS_EPARSE;
		}
		v.type = BS_REG_SZ;
		v.data = (const uint8_t *)str;
		v.len = strlen(str);
	} else if (*s == '-' && s[1] == '\0') {
		del = 1;
	} else if (strncasecmp(s, "dword:", 6) == 0) {
		uint32_t dw = 0;
		uint8_t *d;
		size_t nd = 0;

		for (s += 6; *s != '\0'; s++, nd++) {
			int h = hexval(*s);

			if (h < 0 || nd == 8) {
				reg_fail(ps, "bad dword data for value \"%s\"", name);
				return BS_EPARSE;
			}
			dw = dw << 4 | (uint32_t)h;
		}
		if (nd == 0) {
			reg_fail(ps, "empty dword data for value \"%s\"", name);
			return BS_EPARSE;
		}
		d = bs_arena_alloc(&ps->r->arena, 4);
		if (d == NULL)
			return BS_ENOMEM;
		d[0] = (uint8_t)dw;
		d[1] = (uint8_t)(dw >> 8);
		d[2] = (uint8_t)(dw >> 16);
		d[3] = (uint8_t)(dw >> 24);
		v.type = BS_REG_DWORD;
		v.data = d;
		v.len = 4;
	} else if (strncasecmp(s, "hex", 3) == 0) {
		unsigned type = BS_REG_BINARY;
		int rv;

		s += 3;
		if (*s == '(') {
			int nd = 0;

			type = 0;
			for (s++; hexval(*s) >= 0 && nd < 8; s++, nd++)
				type = type << 4 | (unsigned)hexval(*s);
			if (*s != ')' || nd == 0) {
				reg_fail(ps, "bad hex(type) for value \"%s\"", name);
				return BS_EPARSE;
			}
			s++;
		}
		if (*s != ':') {
			reg_fail(ps, "expected ':' after hex for value \"%s\"", name);
			return BS_EPARSE;
		}
		if ((rv = reg_hexlist(ps, s + 1, &v)) != 0)
			return rv;
		v.type = (enum bs_reg_type)type;
		v.utf16 = ps->v5 &&
		    (type == BS_REG_SZ || type == BS_REG_EXPAND_SZ || type == BS_REG_MULTI_SZ);
	} else {
		reg_fail(ps, "unrecognised data for value \"%s\"", name);
		return BS_EPARSE;
	}

	return reg_key_set(ps->r, ps->cur, name, &v, del);
}

static int
reg_key_line(struct reg_parse *ps, char *s, size_t n)
{
	char norm[1024];
	int del = 0;

	if (n < 2 || s[n - 1] != ']') {
		reg_fail(ps, "%skey line without closing ']'", "");
		ps->cur = NULL;
		return BS_EPARSE;
	}
	s++;
	n -= 2;
	if (n > 0 && *s == '-') {
		del = 1;
		s++;
		n--;
	}
	if (n == 0 || n >= sizeof(norm) - 8) {
		reg_fail(ps, "%sempty or overlong key name", "");
		ps->cur = NULL;
		return BS_EPARSE;
	}
	reg_norm(s, n, norm, sizeof(norm));
	if (del) {
		/* [-KEY] removes the key; for us it also records that the key
		 * does not exist (how an export says "looked, found none"). */
		reg_delete_tree(ps->r, norm);
		ps->cur = NULL;
		return bs_registry_put_absent(ps->r, norm);
	}
	ps->cur = reg_open(ps->r, norm);
	return ps->cur == NULL ? BS_ENOMEM : 0;
}

int
bs_registry_load_reg(struct bs_registry *r, const char *data, size_t len, const char *file,
    bs_reg_error_fn err, void *arg)
{
	struct reg_parse ps = {r, file, err, arg, 0, NULL, 0};
	size_t tlen = 0;
	char *text = bs_text_decode(data, len, &tlen);
	char *p, *end;
	char *logical = NULL;
	size_t lcap = 0;
	int rv = 0, header = 0;

	if (text == NULL)
		return BS_ENOMEM;
	p = text;
	end = text + tlen;
	while (p < end) {
		unsigned start_line = ++ps.line;
		size_t ln = 0;
		int more;

		/* Assemble one logical line: hex data continues over lines
		 * that end in '\'. */
		do {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			char *e = nl != NULL ? nl : end;
			char *b = p;
			size_t n;

			p = nl != NULL ? nl + 1 : end;
			if (e > b && e[-1] == '\r')
				e--;
			if (ln > 0)
				while (b < e && (*b == ' ' || *b == '\t'))
					b++;
			while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			/* reg export wraps hex data after a comma (or right
			 * after "hex:"): "00,01,\". A string ending in a
			 * backslash is always followed by its closing quote. */
			more = e - b >= 2 && e[-1] == '\\' && (e[-2] == ',' || e[-2] == ':');
			if (more)
				e--;
			n = (size_t)(e - b);
			if (ln + n + 1 > lcap) {
				size_t ncap = (ln + n + 1) * 2;
				char *nlg = realloc(logical, ncap);

				if (nlg == NULL) {
					rv = BS_ENOMEM;
					goto out;
				}
				logical = nlg;
				lcap = ncap;
			}
			if (logical == NULL) {
				rv = BS_ENOMEM; /* unreachable: the first pass allocates */
				goto out;
			}
			memcpy(logical + ln, b, n);
			ln += n;
			logical[ln] = '\0';
			if (more && p < end)
				ps.line++;
		} while (more && p < end);
		if (more) {
			/* EOF right after a '\': the export was cut short. */
			unsigned save = ps.line;

			ps.line = start_line;
			reg_fail(&ps,
			    "%sfile ends inside a continued value "
			    "(truncated export); value ignored",
			    "");
			ps.line = save;
			continue;
		}

		ps.line = ps.line < start_line ? start_line : ps.line;
		if (ln == 0 || logical[0] == ';')
			continue;
		if (!header) {
			if (strcmp(logical, "Windows Registry Editor Version 5.00") == 0) {
				ps.v5 = 1;
			} else if (strcmp(logical, "REGEDIT4") != 0) {
				unsigned save = ps.line;

				ps.line = start_line;
				reg_fail(&ps,
				    "%snot a registry export (first line "
				    "is neither 'Windows Registry Editor "
				    "Version 5.00' nor 'REGEDIT4')",
				    "");
				ps.line = save;
				rv = BS_EPARSE;
				goto out;
			}
			header = 1;
			continue;
		}
		{
			unsigned save = ps.line;
			int lrv;

			ps.line = start_line;
			if (logical[0] == '[')
				lrv = reg_key_line(&ps, logical, ln);
			else if (logical[0] == '"' || logical[0] == '@')
				lrv = reg_value_line(&ps, logical);
			else {
				reg_fail(&ps, "%sline is neither a [key] nor a value", "");
				lrv = BS_EPARSE;
			}
			ps.line = save;
			if (lrv == BS_ENOMEM) {
				rv = lrv;
				goto out;
			}
		}
	}
	if (!header) {
		ps.line = 1;
		reg_fail(&ps, "%sempty file: not a registry export", "");
		rv = BS_EPARSE;
	}
out:
	free(logical);
	free(text);
	return rv;
}

int
bs_registry_put(
    struct bs_registry *r, const char *key, const char *name, const struct bs_reg_value *v)
{
	char norm[1024];
	struct reg_key *k;
	struct bs_reg_value copy;
	uint8_t *d;

	reg_norm(key, strlen(key), norm, sizeof(norm));
	if ((k = reg_open(r, norm)) == NULL)
		return BS_ENOMEM;
	if (name == NULL)
		return 0;
	/* One NUL past the data, as the parser leaves text values. */
	if ((d = bs_arena_alloc(&r->arena, v->len + 1)) == NULL)
		return BS_ENOMEM;
	if (v->len > 0)
		memcpy(d, v->data, v->len);
	d[v->len] = '\0';
	copy = *v;
	copy.data = d;
	return reg_key_set(r, k, name, &copy, 0);
}

int
bs_registry_put_absent(struct bs_registry *r, const char *key)
{
	char norm[1024], *copy;

	reg_norm(key, strlen(key), norm, sizeof(norm));
	if ((copy = bs_arena_strdup(&r->arena, norm)) == NULL)
		return BS_ENOMEM;
	return bs_arena_push(&r->arena, (void ***)&r->absent, &r->nabsent, copy);
}

/* 1 when norm equals prefix or lies below it. */
static int
reg_within(const char *norm, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(norm, prefix, n) == 0 && (norm[n] == '\0' || norm[n] == '\\');
}

enum bs_reg_key_state
bs_registry_key_state(const struct bs_registry *r, const char *key)
{
	char norm[1024];

	reg_norm(key, strlen(key), norm, sizeof(norm));
	if (reg_find(r, norm) != NULL)
		return BS_REG_KEY_PRESENT;
	for (size_t i = 0; i < r->nabsent; i++)
		if (reg_within(norm, r->absent[i]))
			return BS_REG_KEY_ABSENT;
	/* Every key was read with its whole subtree: a present ancestor
	 * means this one does not exist. */
	for (size_t n = strlen(norm); n > 0; n--) {
		if (norm[n] != '\\')
			continue;
		norm[n] = '\0';
		if (reg_find(r, norm) != NULL)
			return BS_REG_KEY_ABSENT;
	}
	return BS_REG_KEY_UNKNOWN;
}

int
bs_registry_has_key(const struct bs_registry *r, const char *key)
{
	char norm[1024];

	reg_norm(key, strlen(key), norm, sizeof(norm));
	return reg_find(r, norm) != NULL;
}

int
bs_registry_get(
    const struct bs_registry *r, const char *key, const char *name, struct bs_reg_value *out)
{
	char norm[1024];
	struct reg_key *k;

	reg_norm(key, strlen(key), norm, sizeof(norm));
	if ((k = reg_find(r, norm)) == NULL)
		return BS_ENOENT;
	for (size_t i = 0; i < k->nvals; i++) {
		if (strcasecmp(k->vals[i]->name, name) == 0) {
			*out = k->vals[i]->v;
			return 0;
		}
	}
	return BS_ENOENT;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

int
bs_registry_subkeys(const struct bs_registry *r, const char *key, const char ***names, size_t *n)
{
	char norm[1024];
	size_t nl;
	const char **v = NULL;
	size_t cnt = 0;
	struct bs_registry *mr = (struct bs_registry *)r; /* arena only */

	reg_norm(key, strlen(key), norm, sizeof(norm));
	nl = strlen(norm);
	for (size_t i = 0; i < r->nkeys; i++) {
		const char *p = r->keys[i]->path;
		const char *c, *e;
		char *sub;
		int dup = 0;

		if (r->keys[i]->deleted || strncasecmp(p, norm, nl) != 0 || p[nl] != '\\')
			continue;
		c = p + nl + 1;
		e = strchr(c, '\\');
		if (e == NULL)
			e = c + strlen(c);
		for (size_t k = 0; k < cnt && !dup; k++)
			dup = strlen(v[k]) == (size_t)(e - c) &&
			    strncasecmp(v[k], c, (size_t)(e - c)) == 0;
		if (dup)
			continue;
		sub = bs_arena_strndup(&mr->arena, c, (size_t)(e - c));
		if (sub == NULL || bs_arena_push(&mr->arena, (void ***)&v, &cnt, sub) != 0)
			return BS_ENOMEM;
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), name_cmp);
	*names = v;
	*n = cnt;
	return 0;
}

int
bs_registry_get_string(
    const struct bs_registry *r, const char *key, const char *name, char *out, size_t outsz)
{
	struct bs_reg_value v;
	int rv = bs_registry_get(r, key, name, &v);

	if (rv != 0)
		return rv;
	if (v.type != BS_REG_SZ && v.type != BS_REG_EXPAND_SZ)
		return BS_EPARSE;
	if (v.utf16) {
		bs_utf16le_to_utf8(v.data, v.len, out, outsz);
	} else {
		size_t n = v.len;

		/* hex(2) in REGEDIT4 or hex(1) carries a trailing NUL. */
		while (n > 0 && v.data[n - 1] == '\0')
			n--;
		if (n >= outsz)
			n = outsz - 1;
		memcpy(out, v.data, n);
		out[n] = '\0';
	}
	return 0;
}

int
bs_registry_get_dword(const struct bs_registry *r, const char *key, const char *name, uint32_t *out)
{
	struct bs_reg_value v;
	int rv = bs_registry_get(r, key, name, &v);

	if (rv != 0)
		return rv;
	if (v.type != BS_REG_DWORD || v.len != 4)
		return BS_EPARSE;
	*out = (uint32_t)v.data[0] | (uint32_t)v.data[1] << 8 | (uint32_t)v.data[2] << 16 |
	    (uint32_t)v.data[3] << 24;
	return 0;
}
