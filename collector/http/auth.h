/* http_auth: the dashboard's HTTP basic-auth users. The file holds one
 * user per line, "name:pbkdf2-sha256:ITERATIONS:SALT_HEX:HASH_HEX" (written
 * by `bindscope-collector http-user`); '#' starts a comment. Passwords are
 * never stored, and checked in constant time. */
#ifndef BS_HTTP_AUTH_H
#define BS_HTTP_AUTH_H

#include <stddef.h>

struct bs_http_users;

/* Loads path. On a bad line returns BS_EINVAL with "path:line: why" in
 * err. Caller owns *out (bs_http_users_destroy). */
int bs_http_users_load(const char *path, struct bs_http_users **out, char *err, size_t errsz);
void bs_http_users_destroy(struct bs_http_users *u);

/* 1 when user and password match a line. Thread-safe. */
int bs_http_users_check(struct bs_http_users *u, const char *user, const char *password);

/* The file line for user and password (fresh random salt) into out. */
int bs_http_users_line(const char *user, const char *password, char *out, size_t outsz);

#endif
