/* ids: randomness and clocks the agent names things with (boot ids,
 * redaction keys, spool file names). */
#ifndef BS_IDS_H
#define BS_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"

/* Random bytes from OpenSSL; if it has no entropy, a time/pid mix that is
 * still unique per process start. */
void bs_random_bytes(unsigned char *out, size_t n);
/* 2n lower-case hex digits (n <= 32) and a NUL into out. */
void bs_random_hex(char *out, size_t n);
/* bs_now_ms: common/clock.h, which both programs share. */

#endif
