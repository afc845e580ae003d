/* http_auth: PBKDF2-SHA256 user file for the dashboard's basic auth. */
#include "http/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "err.h"
#include "fsutil.h"

#define AUTH_MAX_USERS 256
#define AUTH_FILE_MAX (256u * 1024u)
#define AUTH_ITERATIONS 100000u
#define AUTH_SALT 16
#define AUTH_HASH 32
/* Verified credentials are remembered briefly (as a digest), so the
 * dashboard's few requests per page do not each pay for PBKDF2. */
#define AUTH_CACHE 16
#define AUTH_CACHE_S 300

struct auth_user {
	char name[64];
	unsigned iterations;
	unsigned char salt[AUTH_SALT];
	unsigned char hash[AUTH_HASH];
};

struct bs_http_users {
	struct auth_user users[AUTH_MAX_USERS];
	size_t n;
	/* Checked when the name is unknown, at the cost of a real user's
	 * hash, so a wrong password takes as long for a name that does not
	 * exist as for one that does (names cannot be told apart by time). */
	struct auth_user dummy;
	pthread_mutex_t lock;
	struct {
		unsigned char digest[SHA256_DIGEST_LENGTH];
		time_t until;
	} cache[AUTH_CACHE];
	size_t next;
};

static int
auth_unhex(const char *s, size_t slen, unsigned char *out, size_t n)
{
	if (slen != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* One line into u (fields split on ':'); NULL on success, else why. */
static const char *
auth_parse_line(const char *line, size_t len, struct auth_user *u)
{
	const char *f[5];
	size_t flen[5], nf = 0, start = 0;
	char num[16];
	unsigned long long it;

	for (size_t i = 0; i <= len && nf < 5; i++) {
		if (i == len || line[i] == ':') {
			f[nf] = line + start;
			flen[nf++] = i - start;
			start = i + 1;
		}
	}
	if (nf != 5 || start <= len)
		return "expected name:pbkdf2-sha256:ITERATIONS:SALT_HEX:HASH_HEX";
	if (flen[0] == 0 || flen[0] >= sizeof(u->name))
		return "user name empty or longer than 63 bytes";
	if (flen[1] != 13 || memcmp(f[1], "pbkdf2-sha256", 13) != 0)
		return "only pbkdf2-sha256 is supported";
	if (flen[2] == 0 || flen[2] >= sizeof(num))
		return "bad iteration count";
	memcpy(num, f[2], flen[2]);
	num[flen[2]] = '\0';
	if (bs_parse_uint(num, 100000000, &it) != 0 || it < 10000)
		return "iteration count must be a number from 10000";
	if (auth_unhex(f[3], flen[3], u->salt, AUTH_SALT) != 0)
		return "salt must be 32 lower-case hex digits";
	if (auth_unhex(f[4], flen[4], u->hash, AUTH_HASH) != 0)
		return "hash must be 64 lower-case hex digits";
	memcpy(u->name, f[0], flen[0]);
	u->name[flen[0]] = '\0';
	u->iterations = (unsigned)it;
	return NULL;
}

int
bs_http_users_load(const char *path, struct bs_http_users **out, char *err, size_t errsz)
{
	struct bs_http_users *u = calloc(1, sizeof(*u));
	char *data = NULL;
	size_t len = 0, pos = 0;
	unsigned lineno = 0;
	int rv;

	*out = NULL;
	if (u == NULL)
		return BS_ENOMEM;
	pthread_mutex_init(&u->lock, NULL);
	if ((rv = bs_fs_read(path, AUTH_FILE_MAX, &data, &len)) != 0) {
		snprintf(err, errsz, "%s: cannot read: %s", path, bs_strerror(rv));
		goto out;
	}
	while (pos < len) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl != NULL ? (size_t)(nl - line) : len - pos;
		const char *why;

		pos += ll + (nl != NULL);
		lineno++;
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0 || line[0] == '#')
			continue;
		if (u->n == AUTH_MAX_USERS) {
			snprintf(
			    err, errsz, "%s:%u: more than %d users", path, lineno, AUTH_MAX_USERS);
			rv = BS_EINVAL;
			goto out;
		}
		if ((why = auth_parse_line(line, ll, &u->users[u->n])) != NULL) {
			snprintf(err, errsz, "%s:%u: %s", path, lineno, why);
			rv = BS_EINVAL;
			goto out;
		}
		u->n++;
	}
	if (u->n == 0) {
		snprintf(
		    err, errsz, "%s: no users (add one with bindscope-collector http-user)", path);
		rv = BS_EINVAL;
		goto out;
	}
	for (size_t i = 0; i < u->n; i++)
		if (u->users[i].iterations > u->dummy.iterations)
			u->dummy.iterations = u->users[i].iterations;
	if (RAND_bytes(u->dummy.salt, sizeof(u->dummy.salt)) != 1 ||
	    RAND_bytes(u->dummy.hash, sizeof(u->dummy.hash)) != 1) {
		snprintf(err, errsz, "%s: no random bytes for the unknown-user check", path);
		rv = BS_ECRYPTO;
		goto out;
	}
	*out = u;
	u = NULL;
	rv = 0;
out:
	free(data);
	bs_http_users_destroy(u);
	return rv;
}

void
bs_http_users_destroy(struct bs_http_users *u)
{
	if (u == NULL)
		return;
	pthread_mutex_destroy(&u->lock);
	OPENSSL_cleanse(u, sizeof(*u));
	free(u);
}

int
bs_http_users_check(struct bs_http_users *u, const char *user, const char *password)
{
	unsigned char digest[SHA256_DIGEST_LENGTH], got[AUTH_HASH];
	const struct auth_user *hit = NULL;
	time_t now = time(NULL);
	EVP_MD_CTX *md;
	int ok = 0;

	if (user == NULL || password == NULL)
		return 0;
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, user, strlen(user) + 1) != 1 ||
	    EVP_DigestUpdate(md, password, strlen(password)) != 1 ||
	    EVP_DigestFinal_ex(md, digest, NULL) != 1) {
		EVP_MD_CTX_free(md);
		return 0;
	}
	EVP_MD_CTX_free(md);
	pthread_mutex_lock(&u->lock);
	for (size_t i = 0; i < AUTH_CACHE; i++)
		if (u->cache[i].until > now &&
		    CRYPTO_memcmp(u->cache[i].digest, digest, sizeof(digest)) == 0)
			ok = 1;
	pthread_mutex_unlock(&u->lock);
	if (ok)
		return 1;
	for (size_t i = 0; i < u->n; i++)
		if (strcmp(u->users[i].name, user) == 0)
			hit = &u->users[i];
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password),
	        hit != NULL ? hit->salt : u->dummy.salt, AUTH_SALT,
	        (int)(hit != NULL ? hit->iterations : u->dummy.iterations), EVP_sha256(), AUTH_HASH,
	        got) != 1)
		return 0;
	ok = CRYPTO_memcmp(got, hit != NULL ? hit->hash : u->dummy.hash, AUTH_HASH) == 0 &&
	    hit != NULL;
	if (ok) {
		pthread_mutex_lock(&u->lock);
		memcpy(u->cache[u->next].digest, digest, sizeof(digest));
		u->cache[u->next].until = now + AUTH_CACHE_S;
		u->next = (u->next + 1) % AUTH_CACHE;
		pthread_mutex_unlock(&u->lock);
	}
	return ok;
}

static void
auth_hex(const unsigned char *b, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[b[i] >> 4];
		out[2 * i + 1] = hx[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int
bs_http_users_line(const char *user, const char *password, char *out, size_t outsz)
{
	unsigned char salt[AUTH_SALT], hash[AUTH_HASH];
	char salt_hex[2 * AUTH_SALT + 1], hash_hex[2 * AUTH_HASH + 1];
	int n;

	if (user[0] == '\0' || strlen(user) >= 64 || strchr(user, ':') != NULL ||
	    strchr(user, '\n') != NULL)
		return BS_EINVAL;
	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, sizeof(salt),
	        (int)AUTH_ITERATIONS, EVP_sha256(), sizeof(hash), hash) != 1)
		return BS_ECRYPTO;
	auth_hex(salt, sizeof(salt), salt_hex);
	auth_hex(hash, sizeof(hash), hash_hex);
	n = snprintf(
	    out, outsz, "%s:pbkdf2-sha256:%u:%s:%s", user, AUTH_ITERATIONS, salt_hex, hash_hex);
	return n > 0 && (size_t)n < outsz ? 0 : BS_ETOOBIG;
}
