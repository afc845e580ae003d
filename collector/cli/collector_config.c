/* collector_config: defaults and key table for bindscope-collector.conf. */
#include "cli/collector_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "analysis/rules/rules.h"
#include "ingest/server.h"

#define S(name, field)                                                                             \
	{                                                                                          \
		"collector", name, BS_CFG_STRING, offsetof(struct bs_collector_config, field),     \
		    sizeof(((struct bs_collector_config *)0)->field), 0                            \
	}

#define T(name, field)                                                                             \
	{                                                                                          \
		"tls", name, BS_CFG_STRING, offsetof(struct bs_collector_config, field),           \
		    sizeof(((struct bs_collector_config *)0)->field), 0                            \
	}

#define R(name, field, mx)                                                                         \
	{                                                                                          \
		"rules", name, BS_CFG_UINT,                                                        \
		    offsetof(struct bs_collector_config, rules) +                                  \
		    offsetof(struct bs_rules_config, field),                                       \
		    0, mx                                                                          \
	}

/* [rules] min_tls: the lowest protocol the fleet allows enabled. */
static const char *const min_tls_choices[] = {"1.0", "1.1", "1.2", NULL};

#define H(type, name, field, mx)                                                                   \
	{                                                                                          \
		"http", name, type,                                                                \
		    offsetof(struct bs_collector_config, http_limits) +                            \
		    offsetof(struct bs_http_limits, field),                                        \
		    0, mx                                                                          \
	}

static const struct bs_cfg_key collector_keys[] = {
    T("ca_file", tls_ca),
    T("cert_file", tls_cert),
    T("key_file", tls_key),
    T("revoked_file", tls_revoked),
    S("listen", listen),
    S("db", db),
    S("log_level", log_level),
    S("log_file", log_file),
    {"collector", "stale_after", BS_CFG_DURATION, offsetof(struct bs_collector_config, stale_after),
        0, 30 * 86400},
    {"collector", "max_connections", BS_CFG_UINT,
        offsetof(struct bs_collector_config, max_connections), 0, BS_PIPES_MAX},
    {"collector", "max_connections_per_address", BS_CFG_UINT,
        offsetof(struct bs_collector_config, max_connections_per_address), 0, BS_PIPES_MAX},
    {"collector", "handshake_timeout", BS_CFG_DURATION,
        offsetof(struct bs_collector_config, handshake_timeout), 0, 3600},
    {"collector", "login_timeout", BS_CFG_DURATION,
        offsetof(struct bs_collector_config, login_timeout), 0, 3600},
    {"collector", "idle_timeout", BS_CFG_DURATION,
        offsetof(struct bs_collector_config, idle_timeout), 0, 86400},
    {"collector", "reply_timeout", BS_CFG_DURATION,
        offsetof(struct bs_collector_config, reply_timeout), 0, 3600},
    {"http", "address", BS_CFG_STRING, offsetof(struct bs_collector_config, http_address),
        sizeof(((struct bs_collector_config *)0)->http_address), 0},
    {"http", "port", BS_CFG_UINT, offsetof(struct bs_collector_config, http_port), 0, 65535},
    {"http", "web_root", BS_CFG_STRING, offsetof(struct bs_collector_config, web_root),
        sizeof(((struct bs_collector_config *)0)->web_root), 0},
    {"http", "tls_cert_file", BS_CFG_STRING, offsetof(struct bs_collector_config, http_tls_cert),
        sizeof(((struct bs_collector_config *)0)->http_tls_cert), 0},
    {"http", "tls_key_file", BS_CFG_STRING, offsetof(struct bs_collector_config, http_tls_key),
        sizeof(((struct bs_collector_config *)0)->http_tls_key), 0},
    {"http", "users_file", BS_CFG_STRING, offsetof(struct bs_collector_config, http_users),
        sizeof(((struct bs_collector_config *)0)->http_users), 0},
    H(BS_CFG_UINT, "max_connections", max_connections, 100000),
    H(BS_CFG_UINT, "max_connections_per_address", max_per_address, 100000),
    H(BS_CFG_DURATION, "idle_timeout", idle_timeout_s, 3600),
    H(BS_CFG_DURATION, "request_timeout", request_timeout_s, 3600),
    H(BS_CFG_UINT, "login_free_failures", login.free_failures, 1000),
    H(BS_CFG_DURATION, "login_window", login.window_s, 86400),
    H(BS_CFG_DURATION, "login_max_delay", login.max_delay_s, 86400),
    R("peer_min_requests", peer_min_requests, 1000000000),
    R("peer_min_fail_pct", peer_min_fail_pct, 100),
    R("expiring_warning_days", expiring_warning_days, 3650),
    R("expiring_critical_days", expiring_critical_days, 3650),
    R("weak_rsa_bits", weak_rsa_bits, 16384),
    R("auth_cert_warning_days", auth_cert_warning_days, 3650),
    {"rules", "min_tls", BS_CFG_CHOICE,
        offsetof(struct bs_collector_config, rules) + offsetof(struct bs_rules_config, min_tls), 0,
        0, min_tls_choices},
    {"rules", "changes_window", BS_CFG_DURATION,
        offsetof(struct bs_collector_config, rules) +
            offsetof(struct bs_rules_config, changes_window),
        0, 366 * 86400},
    {"retention", "keep_all_days", BS_CFG_UINT,
        offsetof(struct bs_collector_config, retention) +
            offsetof(struct bs_retention, keep_all_days),
        0, 36500},
    {"retention", "keep_daily_days", BS_CFG_UINT,
        offsetof(struct bs_collector_config, retention) +
            offsetof(struct bs_retention, keep_daily_days),
        0, 36500},
};

/* [severity] RULE_ID = default | info | warning | critical | off; the order
 * is enum bs_rule_setting's. */
static const char *const severity_choices[] = {
    "default", "info", "warning", "critical", "off", NULL};

void
bs_collector_config_defaults(struct bs_collector_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->listen, "tcp://127.0.0.1:7400");
	strcpy(c->db, "/var/lib/bindscope/bindscope.db");
	strcpy(c->http_address, "127.0.0.1");
	c->http_port = 8480;
	c->http_limits.max_connections = BS_HTTP_MAX_CONNECTIONS;
	c->http_limits.max_per_address = BS_HTTP_MAX_PER_ADDRESS;
	c->http_limits.idle_timeout_s = BS_HTTP_IDLE_TIMEOUT_S;
	c->http_limits.request_timeout_s = BS_HTTP_REQUEST_TIMEOUT_S;
	c->http_limits.login.free_failures = BS_HTTP_LOGIN_FREE_FAILURES;
	c->http_limits.login.window_s = BS_HTTP_LOGIN_WINDOW_S;
	c->http_limits.login.max_delay_s = BS_HTTP_LOGIN_MAX_DELAY_S;
	strcpy(c->web_root, "/usr/share/bindscope/web-static");
	strcpy(c->log_level, "info");
	c->stale_after = 3 * 300;
	{
		struct bs_server_limits l;

		bs_server_limits_defaults(&l);
		c->max_connections = l.conns.max_total;
		c->max_connections_per_address = l.conns.max_per_address;
		c->handshake_timeout = l.handshake_ms / 1000;
		c->login_timeout = l.conns.login_ms / 1000;
		c->idle_timeout = l.conns.idle_ms / 1000;
		c->reply_timeout = l.reply_ms / 1000;
	}
	bs_rules_config_defaults(&c->rules);
	c->retention.keep_all_days = 90;
	c->retention.keep_daily_days = 0;
}

int
bs_collector_config_load(struct bs_collector_config *c, const char *path, char *err, size_t errsz)
{
	const size_t nfixed = sizeof(collector_keys) / sizeof(collector_keys[0]);
	struct bs_cfg_key *keys = calloc(nfixed + bs_rules_count, sizeof(*keys));
	int rv;

	if (keys == NULL)
		return BS_ENOMEM;
	/* One [severity] key per rule of the table, so a rule added there is
	 * configurable without touching this file, and a misspelt ID is an
	 * unknown key. */
	memcpy(keys, collector_keys, sizeof(collector_keys));
	for (size_t i = 0; i < bs_rules_count && i < BS_RULES_MAX; i++) {
		struct bs_cfg_key *k = &keys[nfixed + i];

		k->section = "severity";
		k->name = bs_rules[i].id;
		k->type = BS_CFG_CHOICE;
		k->offset = offsetof(struct bs_collector_config, rules) +
		    offsetof(struct bs_rules_config, severity) + i * sizeof(int);
		k->choices = severity_choices;
	}
	rv = bs_config_load(path, keys, nfixed + bs_rules_count, c, err, errsz);
	if (rv == 0 &&
	    (c->max_connections == 0 || c->max_connections_per_address == 0 ||
	        c->handshake_timeout == 0 || c->login_timeout == 0 || c->idle_timeout == 0 ||
	        c->reply_timeout == 0)) {
		snprintf(err, errsz,
		    "%s: [collector] max_connections, max_connections_per_address, "
		    "handshake_timeout, login_timeout, idle_timeout and reply_timeout must be above 0",
		    path);
		rv = BS_EINVAL;
	}
	if (rv == 0 && c->rules.expiring_critical_days > c->rules.expiring_warning_days) {
		snprintf(err, errsz,
		    "%s: [rules] expiring_critical_days (%u) is above expiring_warning_days (%u)",
		    path, c->rules.expiring_critical_days, c->rules.expiring_warning_days);
		rv = BS_EINVAL;
	}
	free(keys);
	return rv;
}
