/* agent_config: defaults and key table for bindscope-agent.conf. */
#include "agent_config.h"

#include <stddef.h>
#include <string.h>

#include "config.h"

#define S(name, field)                                                                             \
	{                                                                                          \
		"agent", name, BS_CFG_STRING, offsetof(struct bs_agent_config, field),             \
		    sizeof(((struct bs_agent_config *)0)->field), 0                                \
	}

static const struct bs_cfg_key agent_keys[] = {
    S("root", root),
    S("collector", collector),
    S("agent_id", agent_id),
    S("state_dir", state_dir),
    S("log_level", log_level),
    {"agent", "interval", BS_CFG_DURATION, offsetof(struct bs_agent_config, interval), 0,
        7 * 86400},
    {"agent", "send_timeout", BS_CFG_DURATION, offsetof(struct bs_agent_config, send_timeout), 0,
        3600},
};

void
bs_agent_config_defaults(struct bs_agent_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->collector, "tcp://127.0.0.1:7400");
	strcpy(c->state_dir, "/var/lib/bindscope-agent");
	strcpy(c->log_level, "info");
	c->interval = 300;
	c->send_timeout = 30;
	c->log_max_age = 3600;
	c->log_budget_mib = 64;
	c->redact_personal_data = 1;
	c->probe_timeout = 5;
}

int
bs_agent_config_load(struct bs_agent_config *c, const char *path, char *err, size_t errsz)
{
	return bs_config_load(
	    path, agent_keys, sizeof(agent_keys) / sizeof(agent_keys[0]), c, err, errsz);
}
