/* stop_win32: Ctrl+C, Ctrl+Break, closing the console, logoff and shutdown
 * ask the agent to stop; the service's stop control calls bs_stop_request.
 * Windows has no SIGPIPE: a closed peer is already a send error. */
#include "stop.h"

#include <windows.h>

static BOOL WINAPI
stop_on_console(DWORD event)
{
	(void)event;
	bs_stop_request();
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
