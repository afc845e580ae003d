/* stop_posix: SIGINT and SIGTERM ask the agent to stop; SIGPIPE is ignored. */
#include "stop.h"

/* The handler only stores to the flag: nothing else is async-signal-safe. */
static volatile sig_atomic_t *stop_target;

static void
stop_on_signal(int sig)
{
	(void)sig;
	*stop_target = 1;
}

void
bs_stop_setup(void)
{
	signal(SIGPIPE, SIG_IGN);
}

void
bs_stop_on_signals(void)
{
	stop_target = bs_stop_flag();
	signal(SIGINT, stop_on_signal);
	signal(SIGTERM, stop_on_signal);
}
