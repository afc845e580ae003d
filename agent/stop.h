/* stop: the agent's stop request, one flag the runner polls between its
 * steps. On POSIX, SIGINT and SIGTERM set it; on Windows, Ctrl+C, Ctrl+Break
 * and closing the console do, and the service's stop control calls
 * bs_stop_request. Platform variants: stop_posix.c, stop_win32.c. */
#ifndef BS_STOP_H
#define BS_STOP_H

#include <signal.h>

/* Once at start: a peer that closed its end (collector, probed server)
 * must show up as a write error, never kill the process (SIGPIPE). */
void bs_stop_setup(void);

/* From now on, the interactive stop signals set the flag. */
void bs_stop_on_signals(void);

void bs_stop_request(void);

/* The flag bs_runner_run polls. */
volatile sig_atomic_t *bs_stop_flag(void);

#endif
