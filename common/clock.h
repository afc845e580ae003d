/* clock: calendar arithmetic libc leaves to the platform. Platform
 * variants: clock_posix.c (timegm), clock_win32.c (_mkgmtime). */
#ifndef BS_CLOCK_H
#define BS_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Seconds since 1970 of a broken-down UTC time (the inverse of gmtime). */
int64_t bs_timegm(struct tm *tm);

#endif
