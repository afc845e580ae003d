/* agent_config: the agent's settings, their defaults, and the INI table
 * that maps bindscope-agent.conf onto them (deploy/examples/agent.conf
 * documents every key). */
#ifndef BS_AGENT_CONFIG_H
#define BS_AGENT_CONFIG_H

#include "fsutil.h"
#include "log.h"

struct bs_agent_config {
	char root[BS_PATH_MAX]; /* evidence root */
	char collector[512]; /* NNG URL of the collector */
	char agent_id[256]; /* empty: the FQDN from the evidence */
	char state_dir[BS_PATH_MAX];
	char log_level[16];
	char log_file[BS_PATH_MAX]; /* also log here; "" = stderr only */
	unsigned interval; /* seconds between sweeps */
	unsigned max_memory_mib; /* watchdog: cut a sweep short above this (0: none) */
	unsigned max_cpu; /* watchdog: seconds of CPU per sweep */
	unsigned max_sweep_time; /* watchdog: wall-clock seconds per sweep */
	unsigned send_timeout; /* seconds to wait for an ack */
	unsigned log_max_age; /* seconds of log history read on a first sweep */
	unsigned log_budget_mib; /* log bytes read per sweep, MiB */
	int redact_personal_data; /* pseudonymise user names and client IPs */
	char probe_targets[1024]; /* space-separated; empty = no probes */
	unsigned probe_timeout; /* seconds per probe */
	char probe_ca_file[BS_PATH_MAX];
	char tls_ca[BS_PATH_MAX]; /* the collector's CA (pki issue: ca.pem) */
	char tls_cert[BS_PATH_MAX]; /* this agent's certificate (agent.pem) */
	char tls_key[BS_PATH_MAX]; /* agent.key */
	char tls_server_name[256]; /* name in the collector's certificate; empty = URL host */
	unsigned spool_max_reports;
	unsigned spool_max_mib;
};

void bs_agent_config_defaults(struct bs_agent_config *c);
/* Loads path over the defaults; err names file, line and key. */
int bs_agent_config_load(struct bs_agent_config *c, const char *path, char *err, size_t errsz);

/* 0 when section's key exists and value is valid for it; why says not. */
int bs_agent_config_check(
    const char *section, const char *name, const char *value, char *why, size_t whysz);

/* The defaults, path over them, then the command line's root and url
 * (NULL or "": keep the file's), checked as far as they can be without
 * running: log level, the evidence root (or that this build reads the
 * server live), the state folder, the [tls] files. 0, or the exit status
 * 2 with err naming the file and key. */
int bs_agent_config_prepare(struct bs_agent_config *c, const char *path, const char *root,
    const char *url, enum bs_log_level *lvl, char *err, size_t errsz);

#endif
