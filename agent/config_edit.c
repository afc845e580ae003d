/* config_edit: one key of an INI file set in place (config_edit.h). */
#include "config_edit.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_config.h"
#include "buf.h"
#include "err.h"
#include "fsutil.h"
#include "paths.h"

#define EDIT_MAX_FILE (1024 * 1024) /* an agent.conf is a few KiB */

/* One line of text: [start, start + n) without its line ending; next is
 * where the following line begins. */
struct edit_line {
	const char *start;
	size_t n;
	const char *next;
};

static int
edit_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The line's content with surrounding white space trimmed. */
static void
edit_trim(const struct edit_line *l, const char **s, size_t *n)
{
	const char *b = l->start, *e = l->start + l->n;

	while (b < e && edit_space(*b))
		b++;
	while (e > b && edit_space(e[-1]))
		e--;
	*s = b;
	*n = (size_t)(e - b);
}

static int
edit_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* A section header: its trimmed name in *name, *namelen. */
static int
edit_section(const struct edit_line *l, const char **name, size_t *namelen)
{
	const char *s, *close;
	size_t n;

	edit_trim(l, &s, &n);
	if (n < 2 || s[0] != '[' || (close = memchr(s, ']', n)) == NULL)
		return 0;
	struct edit_line in = {s + 1, (size_t)(close - s - 1), NULL};
	edit_trim(&in, name, namelen);
	return 1;
}

/* A "name = value" (or "name : value") line whose trimmed name is key. */
static int
edit_is_key(const struct edit_line *l, const char *key)
{
	const char *s, *eq;
	size_t n;

	edit_trim(l, &s, &n);
	if (n == 0 || s[0] == ';' || s[0] == '#' || s[0] == '[')
		return 0;
	for (eq = s; eq < s + n && *eq != '=' && *eq != ':'; eq++)
		;
	if (eq == s + n)
		return 0;
	struct edit_line name = {s, (size_t)(eq - s), NULL};
	edit_trim(&name, &s, &n);
	return edit_is(s, n, key);
}

/* inih's continuation of the previous value: an indented line that is
 * neither blank nor a comment. */
static int
edit_is_continuation(const struct edit_line *l)
{
	const char *s;
	size_t n;

	edit_trim(l, &s, &n);
	return l->n > 0 && edit_space(l->start[0]) && n > 0 && s[0] != ';' && s[0] != '#';
}

static void
edit_next(const char *p, const char *end, struct edit_line *l)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	l->start = p;
	l->n = (size_t)((nl != NULL ? nl : end) - p);
	if (l->n > 0 && p[l->n - 1] == '\r')
		l->n--;
	l->next = nl != NULL ? nl + 1 : end;
}

/* A value that reads back as itself: one line, no inline comment. */
static int
edit_value_ok(const char *v)
{
	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			return 0;
		if (*p == ';' && p > v && edit_space(p[-1]))
			return 0;
	}
	return 1;
}

/* The line ending of the file's first line; LF for a one-line file. */
static const char *
edit_eol(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);

	return nl != NULL && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* Where the key's first line in the section is (NULL: it has none), and
 * where the section's first header is (NULL: no such section). */
static void
edit_find(const char *p, const char *end, const char *section, const char *key,
    const char **first_key, const char **first_header)
{
	struct edit_line l;
	int in = 0;

	*first_key = *first_header = NULL;
	for (; p < end && *first_key == NULL; p = l.next) {
		const char *name;
		size_t n;

		edit_next(p, end, &l);
		if (edit_section(&l, &name, &n)) {
			in = edit_is(name, n, section);
			if (in && *first_header == NULL)
				*first_header = p;
		} else if (in && edit_is_key(&l, key)) {
			*first_key = p;
		}
	}
}

int
bs_config_edit(const char *text, size_t len, const char *section, const char *key,
    const char *value, char **out, size_t *outlen)
{
	const char *p = text, *end = text + len, *eol = edit_eol(text, len);
	const char *first_key, *first_header;
	struct bs_buf b;
	struct edit_line l;
	int in = 0, skipping = 0, rv = 0;

	*out = NULL;
	*outlen = 0;
	if (!edit_value_ok(value))
		return BS_EINVAL;
	bs_buf_init(&b, 0);
	/* A UTF-8 byte order mark stays where it is; inih skips it. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		rv = bs_buf_append(&b, p, 3);
		p += 3;
	}
	edit_find(p, end, section, key, &first_key, &first_header);
	for (; rv == 0 && p < end; p = l.next) {
		const char *name;
		size_t n;

		edit_next(p, end, &l);
		if (skipping && edit_is_continuation(&l))
			continue;
		skipping = 0;
		if (edit_section(&l, &name, &n)) {
			in = edit_is(name, n, section);
			rv = bs_buf_append(&b, p, (size_t)(l.next - p));
			/* A section without the key: it goes right below the header. */
			if (rv == 0 && p == first_header && first_key == NULL) {
				if (l.next == end && end[-1] != '\n')
					rv = bs_buf_puts(&b, eol);
				if (rv == 0)
					rv = bs_buf_printf(&b, "%s = %s%s", key, value, eol);
			}
			continue;
		}
		if (in && edit_is_key(&l, key)) {
			/* The first line of the key becomes the new one, where it stood;
			 * later ones (inih would read the last) and every continuation
			 * line go. */
			skipping = 1;
			if (p == first_key)
				rv = bs_buf_printf(&b, "%s = %s%s", key, value,
				    l.next == end && end[-1] != '\n' ? "" : eol);
			continue;
		}
		rv = bs_buf_append(&b, p, (size_t)(l.next - p));
	}
	if (rv == 0 && first_header == NULL) {
		if (b.len > 0 && b.data[b.len - 1] != '\n')
			rv = bs_buf_puts(&b, eol);
		if (rv == 0)
			rv = bs_buf_printf(&b, "%s[%s]%s%s = %s%s", b.len > 0 ? eol : "", section,
			    eol, key, value, eol);
	}
	if (rv == 0 && b.data == NULL)
		rv = bs_buf_puts(&b, "");
	if (rv != 0) {
		bs_buf_fini(&b);
		return BS_ENOMEM;
	}
	*out = bs_buf_steal(&b, outlen);
	return 0;
}

/* The folder path is in (bs_fs_mkdirs; the service makes it private). */
static int
edit_mkparent(const char *path)
{
	char dir[BS_PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(dir))
		return BS_ETOOBIG;
	memcpy(dir, path, n + 1);
	while (n > 0 && dir[n - 1] != '/' && dir[n - 1] != '\\')
		n--;
	if (n <= 1 || (n == 3 && dir[1] == ':'))
		return 0; /* the root, or a drive's */
	dir[n - 1] = '\0';
	return bs_fs_mkdirs(dir);
}

static void
edit_usage(FILE *f)
{
	char def[BS_PATH_MAX] = "";

	bs_agent_path(BS_AGENT_CONFIG, def, sizeof(def));
	fprintf(f,
	    "usage: bindscope-agent config set [--config FILE] SECTION.KEY VALUE\n"
	    "       bindscope-agent config init --from TEMPLATE [--config FILE]\n"
	    "set changes one key (e.g. agent.collector), keeping every other line\n"
	    "and comment; the key and value are checked as `run` reads them.\n"
	    "init writes FILE from TEMPLATE unless FILE exists (installers).\n"
	    "  --config FILE  default %s\n",
	    def[0] != '\0' ? def : "none: required here");
}

static int
edit_set(const char *path, const char *dotted, const char *value)
{
	char section[64], why[256];
	const char *dot = strchr(dotted, '.'), *key;
	char *text = NULL, *edited = NULL;
	size_t len = 0, elen = 0;
	int rv, status = 1;

	if (dot == NULL || dot == dotted || (size_t)(dot - dotted) >= sizeof(section)) {
		edit_usage(stderr);
		return 2;
	}
	memcpy(section, dotted, (size_t)(dot - dotted));
	section[dot - dotted] = '\0';
	key = dot + 1;
	if (bs_agent_config_check(section, key, value, why, sizeof(why)) != 0) {
		fprintf(stderr, "bindscope-agent config set: [%s] %s: %s\n", section, key, why);
		return 2;
	}
	if ((rv = bs_fs_read(path, EDIT_MAX_FILE, &text, &len)) != 0) {
		fprintf(stderr, "bindscope-agent config set: %s: %s\n", path, bs_strerror(rv));
		goto out;
	}
	if ((rv = bs_config_edit(text, len, section, key, value, &edited, &elen)) != 0) {
		fprintf(stderr, "bindscope-agent config set: [%s] %s: %s\n", section, key,
		    rv == BS_EINVAL ? "the value must be one line without \" ;\""
		                    : bs_strerror(rv));
		status = rv == BS_EINVAL ? 2 : 1;
		goto out;
	}
	if (bs_fs_write_keep(path, edited, elen) != 0) {
		fprintf(stderr, "bindscope-agent config set: cannot write %s\n", path);
		goto out;
	}
	printf("%s: [%s] %s = %s\n", path, section, key, value);
	status = 0;
out:
	free(text);
	free(edited);
	return status;
}

/* An existing config is the admin's: it is never replaced. */
static int
edit_init(const char *path, const char *from)
{
	struct bs_fs_info fi;
	char *text = NULL;
	size_t len = 0;
	int rv, status = 1;

	if ((rv = bs_fs_stat(path, &fi)) == 0) {
		printf("%s: kept (it exists)\n", path);
		return 0;
	}
	if (rv != BS_ENOENT) {
		fprintf(stderr, "bindscope-agent config init: %s: %s\n", path, bs_strerror(rv));
		return 1;
	}
	if ((rv = bs_fs_read(from, EDIT_MAX_FILE, &text, &len)) != 0) {
		fprintf(stderr, "bindscope-agent config init: %s: %s\n", from, bs_strerror(rv));
		goto out;
	}
	if (edit_mkparent(path) != 0 || bs_fs_write_atomic(path, text, len) != 0) {
		fprintf(stderr, "bindscope-agent config init: cannot write %s\n", path);
		goto out;
	}
	printf("%s: written from %s\n", path, from);
	status = 0;
out:
	free(text);
	return status;
}

int
bs_config_edit_command(int argc, char **argv)
{
	static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
	    {"from", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	char path[BS_PATH_MAX] = "";
	const char *from = NULL;
	int c, init = strcmp(argv[0], "init") == 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (snprintf(path, sizeof(path), "%s", optarg) >= (int)sizeof(path))
				return 2;
			break;
		case 'f': from = optarg; break;
		case 'h': edit_usage(stdout); return 0;
		default: edit_usage(stderr); return 2;
		}
	}
	if (init ? (from == NULL || optind != argc) : (from != NULL || argc - optind != 2)) {
		edit_usage(stderr);
		return 2;
	}
	/* --config "" (an installer's unset property) means the default. */
	if (path[0] == '\0' &&
	    (bs_agent_path(BS_AGENT_CONFIG, path, sizeof(path)) != 0 || path[0] == '\0')) {
		fprintf(stderr, "bindscope-agent config %s: --config is required here\n", argv[0]);
		return 2;
	}
	return init ? edit_init(path, from) : edit_set(path, argv[optind], argv[optind + 1]);
}
