/* utf8: validation of text that arrives from outside. JSON output
 * (jansson) and the dashboard need valid UTF-8, so the collector refuses
 * reports that carry anything else, and the agent converts what it reads. */
#ifndef BS_UTF8_H
#define BS_UTF8_H

#include <stddef.h>

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, at most
 * U+10FFFF). NUL bytes are allowed here; callers that need C strings check
 * for them. */
int bs_utf8_valid(const char *s, size_t n);

#endif
