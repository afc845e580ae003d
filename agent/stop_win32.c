/* stop_win32: Ctrl+C, Ctrl+Break, closing the console, logoff and shutdown
 * ask the agent to stop; the service's stop control calls bs_stop_request.
 * Windows has no SIGPIPE: a closed peer is already a send error. */
#include "stop.h"

#include <windows.h>

static volatile sig_atomic_t stop_flag;

static BOOL WINAPI
stop_on_console(DWORD event)
{
	(void)event;
	stop_flag = 1;
	return TRUE; /* handled: the runner ends its step and exits */
}

void
bs_stop_setup(void)
{
}

void
bs_stop_on_signals(void)
{
	SetConsoleCtrlHandler(stop_on_console, TRUE);
}

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
