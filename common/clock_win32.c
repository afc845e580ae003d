/* clock_win32: the C runtime's _mkgmtime (64-bit time_t on mingw-w64),
 * and GetTickCount64 as the monotonic clock. */
#include "clock.h"

#include <windows.h>

int64_t
bs_timegm(struct tm *tm)
{
	return (int64_t)_mkgmtime(tm);
}

int64_t
bs_mono_ms(void)
{
	return (int64_t)GetTickCount64();
}
