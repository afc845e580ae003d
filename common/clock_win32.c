/* clock_win32: the C runtime's _mkgmtime (64-bit time_t on mingw-w64). */
#include "clock.h"

int64_t
bs_timegm(struct tm *tm)
{
	return (int64_t)_mkgmtime(tm);
}
