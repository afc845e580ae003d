/* serve: `serve` runs the collector (the NNG listener, the upkeep thread,
 * the dashboard) until SIGTERM or SIGINT, reopening its log file on
 * SIGHUP; `config check` validates the same configuration without
 * serving. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/collector_config.h"
#include "config.h"
#include "err.h"
#include "http/auth.h"
#include "http/http.h"
#include "ingest/server.h"
#include "log.h"
#include "store/store.h"
#include "upkeep/upkeep.h"

static volatile sig_atomic_t serve_stop, serve_reopen;

struct serve_args {
	const char *config, *db, *listen, *http_port;
};

static const struct bs_opt serve_opts[] = {
    {"config", "FILE", BS_OPT_VALUE, offsetof(struct serve_args, config), 1,
        "collector configuration (deploy/examples/collector.conf)"},
    {"db", "FILE", BS_OPT_VALUE, offsetof(struct serve_args, db), 0, "override [collector] db"},
    {"listen", "URL", BS_OPT_VALUE, offsetof(struct serve_args, listen), 0,
        "override [collector] listen (tcp://127.0.0.1:7400)"},
    {"http-port", "N", BS_OPT_VALUE, offsetof(struct serve_args, http_port), 0,
        "override [http] port (0 turns the dashboard off)"},
};

static const struct bs_cmd serve_cmd = {BS_CLI_PROG, "serve", serve_opts,
    sizeof(serve_opts) / sizeof(serve_opts[0]), NULL, "Runs until SIGTERM or SIGINT.\n"};

static const struct bs_cmd config_cmd = {BS_CLI_PROG, "config check", serve_opts, 1, NULL,
    "Validates the file (keys, values, TLS files, users file) without serving.\n"};

/* The files a configuration names: each must be readable; the first three
 * are required when agents connect over tls+tcp://. */
static const struct {
	const char *key;
	size_t offset;
	int for_tls;
} serve_files[] = {
    {"[tls] ca_file", offsetof(struct bs_collector_config, tls_ca), 1},
    {"[tls] cert_file", offsetof(struct bs_collector_config, tls_cert), 1},
    {"[tls] key_file", offsetof(struct bs_collector_config, tls_key), 1},
    {"[http] tls_cert_file", offsetof(struct bs_collector_config, http_tls_cert), 0},
    {"[http] tls_key_file", offsetof(struct bs_collector_config, http_tls_key), 0},
};

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		serve_reopen = 1;
	else
		serve_stop = 1;
}

/* The configuration file with command-line overrides, checked as far as
 * it can be without serving (log level, the TLS files of both listeners,
 * the dashboard's users file): serve and config check share it. Messages
 * name the file and key; 0 or the exit status 2. */
static int
serve_load_config(
    const struct serve_args *a, struct bs_collector_config *cfg, enum bs_log_level *lvl)
{
	const char *path = a->config;
	char err[512];

	bs_collector_config_defaults(cfg);
	if (bs_collector_config_load(cfg, path, err, sizeof(err)) != 0) {
		fprintf(stderr, BS_CLI_PROG ": %s\n", err);
		return 2;
	}
	if (a->db != NULL)
		snprintf(cfg->db, sizeof(cfg->db), "%s", a->db);
	if (a->listen != NULL)
		snprintf(cfg->listen, sizeof(cfg->listen), "%s", a->listen);
	if (a->http_port != NULL) {
		unsigned long long p;

		if (bs_parse_uint(a->http_port, 65535, &p) != 0) {
			fprintf(stderr, BS_CLI_PROG ": --http-port: expected 0 to 65535\n");
			return 2;
		}
		cfg->http_port = (unsigned)p;
	}
	if (bs_log_parse_level(cfg->log_level, lvl) != 0) {
		fprintf(stderr,
		    BS_CLI_PROG
		    ": %s: [collector] log_level: expected debug, info, warn or error\n",
		    path);
		return 2;
	}
	for (size_t i = 0; i < sizeof(serve_files) / sizeof(serve_files[0]); i++) {
		const char *file = (const char *)cfg + serve_files[i].offset;

		if (file[0] == '\0' && serve_files[i].for_tls &&
		    strncmp(cfg->listen, "tls+", 4) == 0) {
			fprintf(stderr,
			    BS_CLI_PROG ": %s: %s: required because [collector] listen is %s\n",
			    path, serve_files[i].key, cfg->listen);
			return 2;
		}
		if (file[0] != '\0' && access(file, R_OK) != 0) {
			fprintf(stderr, BS_CLI_PROG ": %s: %s: cannot read %s\n", path,
			    serve_files[i].key, file);
			return 2;
		}
	}
	if ((cfg->http_tls_cert[0] == '\0') != (cfg->http_tls_key[0] == '\0')) {
		fprintf(stderr,
		    BS_CLI_PROG ": %s: [http] tls_cert_file and tls_key_file go together\n", path);
		return 2;
	}
	if (cfg->http_users[0] != '\0') {
		struct bs_http_users *u = NULL;

		if (bs_http_users_load(cfg->http_users, &u, err, sizeof(err)) != 0) {
			fprintf(stderr, BS_CLI_PROG ": %s: [http] users_file: %s\n", path, err);
			return 2;
		}
		bs_http_users_destroy(u);
	}
	return 0;
}

struct serve_parts {
	struct bs_server_nng *srv;
	struct bs_upkeep *upkeep;
	struct bs_http *http; /* NULL: no dashboard */
};

/* Stops what is running, newest first; accepts a partial start. */
static void
serve_stop_parts(struct serve_parts *p)
{
	bs_http_stop(p->http);
	bs_server_nng_stop(p->srv);
	bs_upkeep_stop(p->upkeep);
}

/* Every agent connection is a descriptor: the soft limit goes up to the
 * hard one (the unit's LimitNOFILE), and a limit below what
 * [collector] max_connections needs is logged, since agents past it
 * would be turned away by the kernel rather than counted. */
static void
serve_raise_nofile(const struct bs_collector_config *cfg)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)cfg->max_connections + 256)
		bs_log(BS_LOG_WARN, "descriptors_low",
		    "nofile=%llu max_connections=%u detail=\"raise LimitNOFILE (the "
		    "unit sets 65536) or lower [collector] max_connections\"",
		    (unsigned long long)rl.rlim_cur, cfg->max_connections);
}

/* The listener, the upkeep thread, the dashboard; 0 or the exit status. */
static int
serve_start(const struct bs_collector_config *cfg, struct serve_parts *p)
{
	int tls = strncmp(cfg->listen, "tls+", 4) == 0;
	struct bs_server_tls t = {cfg->tls_ca, cfg->tls_cert, cfg->tls_key,
	    cfg->tls_revoked[0] != '\0' ? cfg->tls_revoked : NULL};
	struct bs_upkeep_options uo = {
	    cfg->db, {0, cfg->stale_after, cfg->rules}, cfg->retention, 0, 0, cfg->http_port != 0};
	struct bs_server_limits lim;
	char why[1024];
	int rv;

	bs_server_limits_defaults(&lim); /* max_requests is not configurable */

	/* A damaged database would take reports and acknowledge them into
	 * pages that cannot be read back: refuse it before anything listens. */
	if ((rv = bs_store_check(cfg->db, 0, why, sizeof(why))) != 0 && rv != BS_ENOENT) {
		bs_log(BS_LOG_ERROR, "db_damaged", "path=\"%s\" check=quick_check error=\"%s\"",
		    cfg->db, why);
		fprintf(stderr,
		    BS_CLI_PROG
		    ": database %s is damaged (quick_check: %s); not serving it. "
		    "Restore the last copy made with `" BS_CLI_PROG
		    " backup --db %s --out FILE` (move the damaged file and its -wal and "
		    "-shm aside first); `" BS_CLI_PROG " check-db --db %s` runs the full check\n",
		    cfg->db, why, cfg->db, cfg->db);
		return 2;
	}
	if (!tls)
		bs_log(BS_LOG_WARN, "insecure_transport",
		    "url=%s detail=\"reports are neither authenticated nor encrypted; use "
		    "tls+tcp:// with pki init\"",
		    cfg->listen);
	lim.conns.max_total = cfg->max_connections;
	lim.conns.max_per_address = cfg->max_connections_per_address;
	lim.handshake_ms = cfg->handshake_timeout * 1000;
	lim.conns.login_ms = cfg->login_timeout * 1000;
	lim.conns.idle_ms = cfg->idle_timeout * 1000;
	lim.reply_ms = cfg->reply_timeout * 1000;
	if ((rv = bs_server_nng_start(cfg->listen, cfg->db, tls ? &t : NULL, &lim, &p->srv)) != 0) {
		fprintf(stderr, BS_CLI_PROG ": cannot serve %s with database %s: %s\n", cfg->listen,
		    cfg->db, bs_strerror(rv));
		return 2;
	}
	if ((rv = bs_upkeep_start(&uo, &p->upkeep)) != 0) {
		fprintf(
		    stderr, BS_CLI_PROG ": cannot start the upkeep thread: %s\n", bs_strerror(rv));
		serve_stop_parts(p);
		return 2;
	}
	if (cfg->http_port != 0) {
		struct bs_http_options ho = {cfg->http_address, cfg->http_port, cfg->web_root,
		    cfg->db, {0, cfg->stale_after, cfg->rules}, p->upkeep, cfg->http_tls_cert,
		    cfg->http_tls_key, cfg->http_users, p->srv, cfg->http_limits};

		if ((rv = bs_http_start(&ho, &p->http)) != 0) {
			fprintf(stderr, BS_CLI_PROG ": cannot serve the dashboard on %s:%u: %s\n",
			    cfg->http_address, cfg->http_port, bs_strerror(rv));
			serve_stop_parts(p);
			return 2;
		}
		bs_log(BS_LOG_INFO, "dashboard", "url=%s://%s:%u/ auth=%s",
		    cfg->http_tls_cert[0] != '\0' ? "https" : "http", cfg->http_address,
		    bs_http_port(p->http), cfg->http_users[0] != '\0' ? "basic" : "none");
	}
	return 0;
}

int
bs_cli_serve(int argc, char **argv)
{
	struct serve_args a = {0};
	struct bs_collector_config cfg;
	struct serve_parts p = {0};
	enum bs_log_level lvl;
	int first, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(&serve_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	if ((rv = serve_load_config(&a, &cfg, &lvl)) != 0)
		return rv;
	bs_log_set_level(lvl);
	if (cfg.log_file[0] != '\0' && bs_log_open_file(cfg.log_file) != 0) {
		fprintf(stderr, BS_CLI_PROG ": %s: [collector] log_file: cannot open %s\n",
		    a.config, cfg.log_file);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	/* Under a file-size limit (ulimit -f) a write past it fails with
	 * EFBIG, so SQLite refuses the commit and no report is acknowledged;
	 * the default action would kill the collector mid-batch instead. */
	signal(SIGXFSZ, SIG_IGN);
	serve_raise_nofile(&cfg);
	if ((rv = serve_start(&cfg, &p)) != 0)
		return rv;
	while (!serve_stop) {
		pause();
		if (serve_reopen) { /* logrotate moved the file */
			serve_reopen = 0;
			if (bs_log_reopen() != 0)
				bs_log(
				    BS_LOG_ERROR, "log_reopen_failed", "path=\"%s\"", cfg.log_file);
			else
				bs_log(BS_LOG_INFO, "log_reopened", "signal=HUP");
		}
	}
	bs_log(BS_LOG_INFO, "stopping", "signal=1");
	serve_stop_parts(&p);
	bs_log(BS_LOG_INFO, "stopped", "clean=1");
	return 0;
}

int
bs_cli_config(int argc, char **argv)
{
	struct serve_args a = {0};
	struct bs_collector_config cfg;
	enum bs_log_level lvl;
	int first, rv;

	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		int help =
		    argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

		bs_opts_usage(&config_cmd, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	if ((rv = bs_cli_parsed(bs_opts_parse(&config_cmd, argc - 1, argv + 1, &a, &first))) >= 0)
		return rv;
	if ((rv = serve_load_config(&a, &cfg, &lvl)) != 0)
		return rv;
	printf("%s: ok (listen %s, database %s, dashboard %s)\n", a.config, cfg.listen, cfg.db,
	    cfg.http_port == 0                 ? "off"
	        : cfg.http_tls_cert[0] != '\0' ? "https"
	                                       : "http");
	return 0;
}
