/* paths: where the agent keeps its files when neither the command line
 * nor the configuration says. On Windows everything lives under
 * %ProgramData%\bindscope, a folder only SYSTEM and Administrators may open
 * (the agent's key is there): the config, state and spool, the service's
 * log, the enrollment key (paths_win32.c). On POSIX the Debian package's
 * places (paths_posix.c). Platform variants are sibling files. */
#ifndef BS_PATHS_H
#define BS_PATHS_H

#include <stddef.h>

enum bs_agent_path {
	BS_AGENT_DATA_DIR, /* the agent's folder; "" on POSIX */
	BS_AGENT_CONFIG, /* agent.conf */
	BS_AGENT_STATE_DIR, /* [agent] state_dir: cursors, redaction key, spool */
	BS_AGENT_LOG_FILE, /* the service's log file; "" on POSIX (journald) */
	BS_AGENT_ENROLL_DIR, /* enroll --out; "" on POSIX (--out is required) */
};

/* Writes the default for which into out (UTF-8); "" where the platform
 * has none. 0, BS_ETOOBIG, or BS_ENOENT when Windows names no
 * ProgramData folder. */
int bs_agent_path(enum bs_agent_path which, char *out, size_t outsz);

#endif
