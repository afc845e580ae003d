/* clock: wall-clock milliseconds and their ISO 8601 form. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

int64_t
bs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
bs_time_format(int64_t ms, char *out, size_t outsz)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, outsz, "%s", "");
}

int64_t
bs_days_left(int64_t not_after_s, int64_t now_ms)
{
	const int64_t day_ms = 86400LL * 1000;
	int64_t left = not_after_s * 1000 - now_ms;
	int64_t d = left / day_ms;

	/* C division truncates toward zero; the rule is floor. */
	if (left % day_ms != 0 && left < 0)
		d--;
	return d;
}
