/* throttle: failed dashboard logins counted per key (the client's
 * address, the user name tried), in a table of bounded size. A key may
 * fail `free_failures` times; each failure after that locks it out for
 * twice as long as the last (base_delay_s, 2x, 4x ... up to max_delay_s),
 * and a locked key is answered 429 with Retry-After without its password
 * being checked. A key that stays quiet for window_s starts over. When
 * the table is full, the entry that failed longest ago and is not locked
 * gives way (else the one whose lock ends first), so memory stays fixed
 * whatever names and addresses an attacker sprays. Thread-safe. */
#ifndef BS_HTTP_THROTTLE_H
#define BS_HTTP_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

struct bs_throttle_options {
	unsigned free_failures; /* failures before the first lockout */
	unsigned window_s; /* quiet time after which a key starts over */
	unsigned base_delay_s; /* the first lockout */
	unsigned max_delay_s; /* the longest lockout */
	size_t max_entries; /* keys remembered at most */
};

/* Longest key kept; longer keys are cut (user names are at most 63 bytes). */
#define BS_THROTTLE_KEY 80

struct bs_throttle;

/* Caller owns *out (bs_throttle_destroy, which accepts NULL). */
int bs_throttle_create(const struct bs_throttle_options *o, struct bs_throttle **out);
void bs_throttle_destroy(struct bs_throttle *t);

/* 0 when key may try now, else the whole seconds until it may (>= 1). */
unsigned bs_throttle_wait(struct bs_throttle *t, const char *key, int64_t now_ms);
/* Counts a failure for key (and may lock it). */
void bs_throttle_fail(struct bs_throttle *t, const char *key, int64_t now_ms);
/* A success: key's failures are forgotten. */
void bs_throttle_success(struct bs_throttle *t, const char *key);
/* Keys remembered now (at most max_entries). */
size_t bs_throttle_count(struct bs_throttle *t);

#endif
