/* service (POSIX): there is no Service Control Manager here; systemd runs
 * `bindscope-agent run` through the unit the Debian package installs. */
#include "service.h"

#include <stdio.h>

int
bs_service_command(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("bindscope-agent service: the Windows service; on Linux the systemd unit\n"
	      "deploy/systemd/bindscope-agent.service is the service (installed by the\n"
	      "bindscope-agent package): systemctl enable --now bindscope-agent\n",
	    stderr);
	return 2;
}
