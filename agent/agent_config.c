/* agent_config: defaults and key table for bindscope-agent.conf, and the
 * checks `run`, `config check` and the Windows service share. */
#include "agent_config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "live.h"
#include "paths.h"

#define FIELD(f) offsetof(struct bs_agent_config, f), sizeof(((struct bs_agent_config *)0)->f)
#define STR(sec, name, f)                                                                          \
	{                                                                                          \
		sec, name, BS_CFG_STRING, FIELD(f), 0                                              \
	}
#define DUR(sec, name, f, max)                                                                     \
	{                                                                                          \
		sec, name, BS_CFG_DURATION, offsetof(struct bs_agent_config, f), 0, max            \
	}
#define NUM(sec, name, f, max)                                                                     \
	{                                                                                          \
		sec, name, BS_CFG_UINT, offsetof(struct bs_agent_config, f), 0, max                \
	}

static const struct bs_cfg_key agent_keys[] = {
    STR("agent", "root", root),
    STR("agent", "collector", collector),
    STR("agent", "agent_id", agent_id),
    STR("agent", "state_dir", state_dir),
    STR("agent", "log_level", log_level),
    STR("agent", "log_file", log_file),
    DUR("agent", "interval", interval, 7 * 86400),
    {"agent", "max_memory_mib", BS_CFG_UINT, offsetof(struct bs_agent_config, max_memory_mib), 0,
        65536},
    DUR("agent", "max_cpu", max_cpu, 3600),
    DUR("agent", "max_sweep_time", max_sweep_time, 86400),
    DUR("agent", "send_timeout", send_timeout, 3600),
    DUR("logs", "max_age", log_max_age, 90 * 86400),
    NUM("logs", "budget_mib", log_budget_mib, 65536),
    {"logs", "redact_personal_data", BS_CFG_BOOL,
        offsetof(struct bs_agent_config, redact_personal_data), 0, 0},
    STR("probe", "targets", probe_targets),
    DUR("probe", "timeout", probe_timeout, 120),
    STR("probe", "ca_file", probe_ca_file),
    STR("tls", "ca_file", tls_ca),
    STR("tls", "cert_file", tls_cert),
    STR("tls", "key_file", tls_key),
    STR("tls", "server_name", tls_server_name),
    NUM("spool", "max_reports", spool_max_reports, 1000000),
    NUM("spool", "max_mib", spool_max_mib, 65536),
};

void
bs_agent_config_defaults(struct bs_agent_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->collector, "tcp://127.0.0.1:7400");
	/* Per platform (paths_*.c); "" when Windows names no ProgramData
	 * folder, which bs_agent_config_prepare reports. */
	if (bs_agent_path(BS_AGENT_STATE_DIR, c->state_dir, sizeof(c->state_dir)) != 0)
		c->state_dir[0] = '\0';
	strcpy(c->log_level, "info");
	c->interval = 300;
	c->max_memory_mib = 64;
	c->max_cpu = 10;
	c->max_sweep_time = 120;
	c->send_timeout = 30;
	c->log_max_age = 3600;
	c->log_budget_mib = 64;
	c->redact_personal_data = 1;
	c->probe_timeout = 5;
	c->spool_max_reports = 1000;
	c->spool_max_mib = 256;
}

int
bs_agent_config_load(struct bs_agent_config *c, const char *path, char *err, size_t errsz)
{
	return bs_config_load(
	    path, agent_keys, sizeof(agent_keys) / sizeof(agent_keys[0]), c, err, errsz);
}

int
bs_agent_config_check(
    const char *section, const char *name, const char *value, char *why, size_t whysz)
{
	struct bs_agent_config scratch;

	bs_agent_config_defaults(&scratch);
	return bs_config_set(agent_keys, sizeof(agent_keys) / sizeof(agent_keys[0]), &scratch,
	    section, name, value, why, whysz);
}

int
bs_agent_config_prepare(struct bs_agent_config *c, const char *path, const char *root,
    const char *url, enum bs_log_level *lvl, char *err, size_t errsz)
{
	size_t nlive;
	const char *files[3][2] = {
	    {"ca_file", c->tls_ca}, {"cert_file", c->tls_cert}, {"key_file", c->tls_key}};

	bs_agent_config_defaults(c);
	if (bs_agent_config_load(c, path, err, errsz) != 0)
		return 2;
	if (root != NULL && root[0] != '\0')
		snprintf(c->root, sizeof(c->root), "%s", root);
	if (url != NULL && url[0] != '\0')
		snprintf(c->collector, sizeof(c->collector), "%s", url);
	if (bs_log_parse_level(c->log_level, lvl) != 0) {
		snprintf(
		    err, errsz, "%s: [agent] log_level: expected debug, info, warn or error", path);
		return 2;
	}
	bs_live_sources(&nlive);
	if (c->root[0] == '\0' && nlive == 0) {
		snprintf(err, errsz,
		    "%s: [agent] root is not set (live collection needs the Windows build)", path);
		return 2;
	}
	if (c->root[0] != '\0' && !bs_fs_is_dir(c->root)) {
		snprintf(err, errsz, "%s: [agent] root: %s is not a folder", path, c->root);
		return 2;
	}
	if (c->state_dir[0] == '\0') {
		snprintf(err, errsz, "%s: [agent] state_dir: not set, and there is no default here",
		    path);
		return 2;
	}
	for (size_t i = 0; i < 3; i++) {
		if (files[i][1][0] == '\0') {
			if (strncmp(c->collector, "tls+", 4) == 0) {
				snprintf(err, errsz, "%s: [tls] %s: required for %s", path,
				    files[i][0], c->collector);
				return 2;
			}
			continue;
		}
		if (!bs_fs_readable(files[i][1])) {
			snprintf(err, errsz, "%s: [tls] %s: cannot read %s", path, files[i][0],
			    files[i][1]);
			return 2;
		}
	}
	return 0;
}
