/* paths (POSIX): the places deploy/debian and the systemd unit use. */
#include "paths.h"

#include <stdio.h>

#include "err.h"

static const char *const paths_posix[] = {
    [BS_AGENT_DATA_DIR] = "",
    [BS_AGENT_CONFIG] = "/etc/bindscope/agent.conf",
    [BS_AGENT_STATE_DIR] = "/var/lib/bindscope-agent",
    [BS_AGENT_LOG_FILE] = "",
    [BS_AGENT_ENROLL_DIR] = "",
};

int
bs_agent_path(enum bs_agent_path which, char *out, size_t outsz)
{
	int n;

	if ((size_t)which >= sizeof(paths_posix) / sizeof(paths_posix[0]))
		return BS_EINVAL;
	n = snprintf(out, outsz, "%s", paths_posix[which]);
	return n >= 0 && (size_t)n < outsz ? 0 : BS_ETOOBIG;
}
