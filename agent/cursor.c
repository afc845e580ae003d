/* cursor: the log cursor set and its JSON file. */
#include "cursor.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fsutil.h"

#define CURSOR_FILE_MAX (16u * 1024u * 1024u)

void
bs_cursors_init(struct bs_cursors *c)
{
	memset(c, 0, sizeof(*c));
}

void
bs_cursors_fini(struct bs_cursors *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

const struct bs_cursor *
bs_cursors_find(const struct bs_cursors *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].path, path) == 0)
			return &c->v[i];
	return NULL;
}

enum bs_cursor_verdict
bs_cursor_judge(const struct bs_cursor *cur, uint64_t dev, uint64_t ino, uint64_t size,
    uint32_t head_got, uint64_t head_hash)
{
	if (cur->dev != dev || cur->ino != ino)
		return BS_CURSOR_OTHER;
	if (size < cur->offset)
		return BS_CURSOR_TRUNCATED;
	if (cur->head_len > 0 && (head_got != cur->head_len || head_hash != cur->head_hash))
		return BS_CURSOR_TRUNCATED; /* written again from the start */
	return BS_CURSOR_RESUME;
}

int
bs_cursors_set(struct bs_cursors *c, const char *path, uint64_t dev, uint64_t ino, uint64_t offset,
    uint64_t fields_offset, uint32_t head_len, uint64_t head_hash)
{
	struct bs_cursor *e = (struct bs_cursor *)bs_cursors_find(c, path);

	if (e == NULL) {
		if (c->n == c->cap) {
			size_t ncap = c->cap == 0 ? 16 : c->cap * 2;
			struct bs_cursor *nv = realloc(c->v, ncap * sizeof(*nv));

			if (nv == NULL)
				return BS_ENOMEM;
			c->v = nv;
			c->cap = ncap;
		}
		e = &c->v[c->n];
		if ((e->path = strdup(path)) == NULL)
			return BS_ENOMEM;
		c->n++;
	}
	e->dev = dev;
	e->ino = ino;
	e->offset = offset;
	e->fields_offset = fields_offset;
	e->head_len = head_len;
	e->head_hash = head_hash;
	return 0;
}

int
bs_cursors_load(struct bs_cursors *c, const char *file, char *why, size_t whysz)
{
	char *data = NULL;
	size_t len;
	json_error_t je;
	json_t *root = NULL, *files;
	const char *path;
	json_t *v;
	int rv = bs_fs_read(file, CURSOR_FILE_MAX, &data, &len);

	if (rv == BS_ENOENT)
		return 0;
	if (rv != 0) {
		snprintf(why, whysz, "%s: cannot read: %s", file, bs_strerror(rv));
		return rv;
	}
	root = json_loadb(data, len, 0, &je);
	free(data);
	files = root != NULL ? json_object_get(root, "files") : NULL;
	if (!json_is_object(files)) {
		snprintf(why, whysz, "%s: not a cursor file (line %d: %s)", file, je.line,
		    root == NULL ? je.text : "no \"files\" object");
		json_decref(root);
		return BS_EPARSE;
	}
	json_object_foreach(files, path, v)
	{
		json_int_t dev = json_integer_value(json_object_get(v, "dev"));
		json_int_t ino = json_integer_value(json_object_get(v, "ino"));
		json_int_t off = json_integer_value(json_object_get(v, "offset"));
		json_t *fo = json_object_get(v, "fields_offset");
		uint64_t fields = json_is_integer(fo) && json_integer_value(fo) >= 0
		    ? (uint64_t)json_integer_value(fo)
		    : BS_CURSOR_NONE;
		json_int_t hl = json_integer_value(json_object_get(v, "head_len"));
		const char *hh = json_string_value(json_object_get(v, "head_hash"));
		uint64_t hash = 0;
		int hok =
		    hh != NULL && strlen(hh) == 16 && hl > 0 && hl <= (json_int_t)BS_CURSOR_HEAD;

		if (off < 0 || dev < 0 || ino < 0)
			continue;
		/* A hash that is missing or not 16 hex digits: not known (the
		 * size check still applies). */
		for (size_t k = 0; hok && k < 16; k++) {
			char ch = hh[k];
			int d = ch >= '0' && ch <= '9' ? ch - '0'
			    : ch >= 'a' && ch <= 'f'   ? ch - 'a' + 10
			                               : -1;

			if (d < 0)
				hok = 0;
			hash = hash << 4 | (uint64_t)(d < 0 ? 0 : d);
		}
		if ((rv = bs_cursors_set(c, path, (uint64_t)dev, (uint64_t)ino, (uint64_t)off,
		         fields, hok ? (uint32_t)hl : 0, hok ? hash : 0)) != 0)
			break;
	}
	json_decref(root);
	return rv;
}

int
bs_cursors_save(const struct bs_cursors *c, const char *file)
{
	json_t *files = json_object(), *root;
	char *text;
	int rv;

	for (size_t i = 0; files != NULL && i < c->n; i++) {
		char hash[17];

		snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)c->v[i].head_hash);
		json_object_set_new(files, c->v[i].path,
		    json_pack("{s:I, s:I, s:I, s:I, s:I, s:s}", "dev", (json_int_t)c->v[i].dev,
		        "ino", (json_int_t)c->v[i].ino, "offset", (json_int_t)c->v[i].offset,
		        "fields_offset",
		        c->v[i].fields_offset == BS_CURSOR_NONE ? (json_int_t)-1
		                                                : (json_int_t)c->v[i].fields_offset,
		        "head_len", (json_int_t)c->v[i].head_len, "head_hash", hash));
	}
	root = json_pack("{s:i, s:o}", "version", 1, "files", files);
	if (root == NULL)
		return BS_ENOMEM;
	text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(root);
	if (text == NULL)
		return BS_ENOMEM;
	rv = bs_fs_write_atomic(file, text, strlen(text));
	free(text);
	return rv;
}
