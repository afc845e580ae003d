/* stop_posix: SIGINT and SIGTERM ask the agent to stop; SIGPIPE is ignored. */
#include "stop.h"

static void
stop_on_signal(int sig)
{
	(void)sig;
	bs_stop_request();
}

void
bs_stop_setup(void)
{
	signal(SIGPIPE, SIG_IGN);
}

void
bs_stop_on_signals(void)
{
	signal(SIGINT, stop_on_signal);
	signal(SIGTERM, stop_on_signal);
}
