/* collector_config: defaults and key table for bindscope-collector.conf. */
#include "collector_config.h"

#include <string.h>

#include "config.h"

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

static const struct bs_cfg_key collector_keys[] = {
    T("ca_file", tls_ca),
    T("cert_file", tls_cert),
    T("key_file", tls_key),
    T("revoked_file", tls_revoked),
    S("listen", listen),
    S("db", db),
    S("log_level", log_level),
    {"collector", "stale_after", BS_CFG_DURATION, offsetof(struct bs_collector_config, stale_after),
        0, 30 * 86400},
    {"http", "address", BS_CFG_STRING, offsetof(struct bs_collector_config, http_address),
        sizeof(((struct bs_collector_config *)0)->http_address), 0},
    {"http", "port", BS_CFG_UINT, offsetof(struct bs_collector_config, http_port), 0, 65535},
    {"http", "web_root", BS_CFG_STRING, offsetof(struct bs_collector_config, web_root),
        sizeof(((struct bs_collector_config *)0)->web_root), 0},
};

void
bs_collector_config_defaults(struct bs_collector_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->listen, "tcp://127.0.0.1:7400");
	strcpy(c->db, "/var/lib/bindscope/bindscope.db");
	strcpy(c->http_address, "127.0.0.1");
	c->http_port = 8480;
	strcpy(c->web_root, "/usr/share/bindscope/web-static");
	strcpy(c->log_level, "info");
	c->stale_after = 3 * 300;
}

int
bs_collector_config_load(struct bs_collector_config *c, const char *path, char *err, size_t errsz)
{
	return bs_config_load(path, collector_keys,
	    sizeof(collector_keys) / sizeof(collector_keys[0]), c, err, errsz);
}
