/* utf8: validation of text that arrives from outside. JSON output
 * (jansson) and the dashboard need valid UTF-8, so the collector refuses
 * reports that carry anything else, and the agent converts what it reads. */
#ifndef BS_UTF8_H
#define BS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, at most
 * U+10FFFF). NUL bytes are allowed here; callers that need C strings check
 * for them. */
int bs_utf8_valid(const char *s, size_t n);

/* Converts UTF-16LE bytes to UTF-8 (stops at a NUL code unit; unpaired
 * surrogates become U+FFFD). Returns the UTF-8 length written, always
 * NUL-terminating out when outsz > 0. */
size_t bs_utf16le_to_utf8(const uint8_t *in, size_t inlen, char *out, size_t outsz);

/* A text file as NUL-terminated UTF-8 (malloc'd, caller frees): UTF-16LE
 * when it starts with FF FE (what reg.exe and PowerShell 5.1 redirection
 * write), UTF-8 (BOM skipped) when valid, else ANSI read as Latin-1. NUL
 * characters become U+FFFD or '?', so lines are never cut short. */
char *bs_text_decode(const char *data, size_t len, size_t *outlen);

#endif
