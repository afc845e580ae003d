/* users: `bindscope-collector http-user`, which adds or replaces one
 * dashboard user in the basic-auth users file ([http] users_file). The
 * password is read from standard input so it never shows in ps or shell
 * history; the file is rewritten atomically, readable by its owner only. */
#include <openssl/crypto.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cli/cli.h"
#include "err.h"
#include "fsutil.h"
#include "http/auth.h"

#define USERS_FILE_MAX (256u * 1024u)

struct users_args {
	const char *file, *user;
};

static const struct bs_opt users_opts[] = {
    {"file", "FILE", BS_OPT_VALUE, offsetof(struct users_args, file), 1,
        "the users file ([http] users_file)"},
    {"user", "NAME", BS_OPT_VALUE, offsetof(struct users_args, user), 1,
        "the user to add, or whose password to replace"},
};

static const struct bs_cmd users_cmd = {BS_CLI_PROG, "http-user", users_opts,
    sizeof(users_opts) / sizeof(users_opts[0]), NULL,
    "Reads the password from standard input (one line) and adds NAME to the\n"
    "dashboard's users file, or replaces its password. Point [http] users_file\n"
    "at FILE to require these users (HTTP basic auth; use it with HTTPS).\n"};

int
bs_cli_http_user(int argc, char **argv)
{
	struct users_args a = {0};
	const char *file, *user;
	char pass[512], line[512];
	char *old = NULL;
	size_t oldlen = 0, n, pos = 0, ulen;
	struct bs_buf b;
	int first, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(&users_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	file = a.file;
	user = a.user;
	if (fgets(pass, sizeof(pass), stdin) == NULL) {
		fprintf(stderr, "bindscope-collector http-user: no password on standard input\n");
		return 2;
	}
	n = strcspn(pass, "\r\n");
	pass[n] = '\0';
	if (n < 12) {
		fprintf(stderr,
		    "bindscope-collector http-user: use a password of 12 characters or more\n");
		OPENSSL_cleanse(pass, sizeof(pass));
		return 2;
	}
	rv = bs_http_users_line(user, pass, line, sizeof(line));
	OPENSSL_cleanse(pass, sizeof(pass));
	if (rv != 0) {
		fprintf(stderr,
		    "bindscope-collector http-user: user names are 1 to 63 bytes "
		    "without ':'\n");
		return 2;
	}
	if (bs_fs_read(file, USERS_FILE_MAX, &old, &oldlen) != 0)
		oldlen = 0; /* a new file */
	bs_buf_init(&b, 0);
	ulen = strlen(user);
	/* Keep every other line as it is; drop this user's old line. */
	while (pos < oldlen) {
		const char *l = old + pos, *nl = memchr(l, '\n', oldlen - pos);
		size_t ll = nl != NULL ? (size_t)(nl - l) + 1 : oldlen - pos;

		pos += ll;
		if (ll > ulen && memcmp(l, user, ulen) == 0 && l[ulen] == ':')
			continue;
		rv |= bs_buf_append(&b, l, ll);
		if (l[ll - 1] != '\n')
			rv |= bs_buf_putc(&b, '\n');
	}
	rv |= bs_buf_printf(&b, "%s\n", line);
	free(old);
	if (rv == 0) {
		mode_t prev = umask(077);

		rv = bs_fs_write_atomic(file, b.data, b.len);
		umask(prev);
	}
	bs_buf_fini(&b);
	if (rv != 0) {
		fprintf(stderr, "bindscope-collector http-user: cannot write %s\n", file);
		return 2;
	}
	printf("%s: user %s set\n", file, user);
	return 0;
}
