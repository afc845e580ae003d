/* ids: random identifiers. */
#include "ids.h"

#include <openssl/rand.h>
#include <time.h>
#include <unistd.h>

void
bs_random_bytes(unsigned char *r, size_t nbytes)
{
	if (RAND_bytes(r, (int)nbytes) != 1) {
		struct timespec ts;
		uint64_t x;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		x ^= (uint64_t)getpid() << 40;
		for (size_t i = 0; i < nbytes; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			r[i] = (unsigned char)x;
		}
	}
}

void
bs_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[32];

	if (nbytes > sizeof(r))
		nbytes = sizeof(r);
	bs_random_bytes(r, nbytes);
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * nbytes] = '\0';
}
