/* stop: the flag itself, the same on every platform; what sets it is in
 * stop_posix.c and stop_win32.c. */
#include "stop.h"

static volatile sig_atomic_t stop_flag;

void
bs_stop_request(void)
{
	stop_flag = 1;
}

volatile sig_atomic_t *
bs_stop_flag(void)
{
	return &stop_flag;
}
