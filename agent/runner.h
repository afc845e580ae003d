/* runner: `bindscope-agent run`. Each sweep's report is signed (when the
 * agent is enrolled), written to the spool, and only then are the log
 * cursors moved on; the spool is delivered oldest first, and a report
 * leaves it only when the collector has acknowledged it. Resends back off
 * exponentially with jitter. */
#ifndef BS_RUNNER_H
#define BS_RUNNER_H

#include <signal.h>

#include "agent_config.h"

/* Runs until *stop is set (or once). Returns the process exit status: 0,
 * or 1 when (with once) the spool could not be emptied; 2 on set-up
 * errors (printed). */
int bs_runner_run(const struct bs_agent_config *cfg, int once, volatile sig_atomic_t *stop);

#endif
