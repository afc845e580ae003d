/* clock: wall-clock time as both programs read and print it: Unix
 * milliseconds, ISO 8601 UTC for everything shown to people (clock.c), and
 * the calendar arithmetic libc leaves to the platform (clock_posix.c:
 * timegm; clock_win32.c: _mkgmtime). */
#ifndef BS_CLOCK_H
#define BS_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Unix time in milliseconds. */
int64_t bs_now_ms(void);

/* "2026-11-25T14:00:00Z" of Unix milliseconds into out; "" for 0 or less
 * (never set) and for a time the C library cannot break down. */
void bs_time_format(int64_t ms, char *out, size_t outsz);

/* Whole days from now_ms until the moment not_after_s (Unix seconds),
 * rounded down: negative exactly when it has passed, so "-21" and
 * "expired 21 days ago" always agree. The one rule for every output (the
 * dashboard's app.js daysLeft is its twin). */
int64_t bs_days_left(int64_t not_after_s, int64_t now_ms);

/* A monotonic clock in milliseconds, for deadlines (never jumps with the
 * wall clock). */
int64_t bs_mono_ms(void);

/* Seconds since 1970 of a broken-down UTC time (the inverse of gmtime). */
int64_t bs_timegm(struct tm *tm);

#endif
