/* stop_posix: SIGINT and SIGTERM ask the agent to stop; SIGPIPE is ignored. */
#include "stop.h"

static volatile sig_atomic_t stop_flag;

static void
stop_on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
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
