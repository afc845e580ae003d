/* collector_config: the collector's settings, their defaults, and the INI
 * table for bindscope-collector.conf (deploy/examples/collector.conf
 * documents every key). */
#ifndef BS_CLI_COLLECTOR_CONFIG_H
#define BS_CLI_COLLECTOR_CONFIG_H

#include <stddef.h>

#include "analysis/model.h"
#include "fsutil.h"
#include "http/http.h"
#include "store/retention.h"

struct bs_collector_config {
	char listen[512]; /* NNG URL agents send to */
	char db[BS_PATH_MAX]; /* SQLite database */
	char http_address[64]; /* dashboard bind address */
	unsigned http_port; /* 0 disables the dashboard */
	char web_root[BS_PATH_MAX];
	char http_tls_cert[BS_PATH_MAX]; /* dashboard HTTPS (PEM); off when empty */
	char http_tls_key[BS_PATH_MAX];
	char http_users[BS_PATH_MAX]; /* basic-auth users file; off when empty */
	struct bs_http_limits http_limits; /* connection caps, deadlines, login throttle */
	char log_level[16];
	char log_file[BS_PATH_MAX]; /* also log here; SIGHUP reopens it; "" = stderr only */
	unsigned stale_after; /* seconds without a report -> AGENT_STALE */
	/* The agent port's limits (bs_server_limits): connections in total
	 * and per source address; seconds to a first accepted report, of
	 * idleness after one, and for a peer to take its reply. */
	unsigned max_connections, max_connections_per_address;
	unsigned handshake_timeout, login_timeout, idle_timeout, reply_timeout;
	char tls_ca[BS_PATH_MAX]; /* agents' CA (pki init: ca.pem) */
	char tls_cert[BS_PATH_MAX]; /* our certificate (server.pem) */
	char tls_key[BS_PATH_MAX]; /* server.key */
	char tls_revoked[BS_PATH_MAX]; /* revoked.txt */
	struct bs_rules_config rules; /* [rules] thresholds, [severity] per rule */
	struct bs_retention retention; /* [retention] */
};

void bs_collector_config_defaults(struct bs_collector_config *c);
/* Loads path over c (defaults first). Errors name file:line: [section] key. */
int bs_collector_config_load(
    struct bs_collector_config *c, const char *path, char *err, size_t errsz);

#endif
