/* service: `bindscope-agent service install|uninstall|start|stop|status|
 * configure|run`, the agent as a Windows service under the Service
 * Control Manager (service_win32.c). On Linux the systemd unit
 * (deploy/systemd/bindscope-agent.service) is the service, and
 * service_posix.c says so. */
#ifndef BS_SERVICE_H
#define BS_SERVICE_H

/* argv[0] is the subcommand. Returns the process exit status. */
int bs_service_command(int argc, char **argv);

#endif
