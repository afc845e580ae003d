/* clock_posix: timegm, which glibc has. */
#include "clock.h"

int64_t
bs_timegm(struct tm *tm)
{
	return (int64_t)timegm(tm);
}
