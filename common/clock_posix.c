/* clock_posix: timegm, which glibc has, and CLOCK_MONOTONIC. */
#include "clock.h"

int64_t
bs_timegm(struct tm *tm)
{
	return (int64_t)timegm(tm);
}

int64_t
bs_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
