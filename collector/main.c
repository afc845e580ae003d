/* bindscope-collector: command line. `serve` receives reports and serves
 * the dashboard; `import` loads report files; `report` writes the audit in
 * JSON, CSV or HTML; `check` is the readiness gate. */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "buf.h"
#include "collector_config.h"
#include "config.h"
#include "err.h"
#include "fsutil.h"
#include "cli_mutes.h"
#include "http/auth.h"
#include "cli_users.h"
#include "output/load.h"
#include "upkeep/history_pass.h"
#include "http/http.h"
#include "upkeep/upkeep.h"
#include "ingest/ingest.h"
#include "log.h"
#include "ingest/pki.h"
#include "output/format.h"
#include "output/gate.h"
#include "analysis/rules/rules.h"
#include "ingest/server.h"
#include "store/store.h"
#include "ingest/verify.h"

#define IMPORT_MAX (16u * 1024u * 1024u)

static volatile sig_atomic_t collector_stop, collector_reopen;

static void
usage_main(FILE *f)
{
	fputs("usage: bindscope-collector <command> [options]\n"
	      "\n"
	      "Collects bindscope agent reports and audits the fleet.\n"
	      "\n"
	      "commands:\n"
	      "  serve    receive reports from agents; serve the dashboard\n"
	      "  import   load report files written by `bindscope-agent collect --out`\n"
	      "  report   write the audit as JSON, CSV or a self-contained HTML file\n"
	      "  check    readiness gate: exit 1 when findings reach a severity\n"
	      "  pki      the collector's CA: init, issue, sign (CSR), revoke\n"
	      "  mute     accept a rule's finding on a server until a date (audited);\n"
	      "           also unmute, mutes (list) and audit (the operator log)\n"
	      "  http-user  add a dashboard user (basic auth; password on stdin)\n"
	      "  config   config check --config FILE: validate without serving\n"
	      "  backup   --db FILE --out FILE: online backup while serving\n"
	      "\n"
	      "options:\n"
	      "  --help     this text (also after a command)\n"
	      "  --version  print the version\n",
	    f);
}

static void
usage_serve(FILE *f)
{
	fputs("usage: bindscope-collector serve --config FILE [--db FILE]\n"
	      "                                 [--listen URL] [--http-port N]\n"
	      "\n"
	      "  --config FILE    collector configuration (deploy/examples/collector.conf)\n"
	      "  --db FILE        override [collector] db\n"
	      "  --listen URL     override [collector] listen (tcp://127.0.0.1:7400)\n"
	      "  --http-port N    override [http] port (0 turns the dashboard off)\n"
	      "\n"
	      "Runs until SIGTERM or SIGINT.\n",
	    f);
}

static void
usage_import(FILE *f)
{
	fputs("usage: bindscope-collector import --db FILE [--pki DIR] REPORT...\n"
	      "\n"
	      "Stores each REPORT: a bare report from `bindscope-agent collect --out`\n"
	      "as offline evidence, unsigned; a signed report (a spooled envelope) is\n"
	      "verified against DIR/ca.pem and DIR/revoked.txt like one received\n"
	      "over the network. Exit status: 0 all stored, 1 some refused, 2 usage.\n",
	    f);
}

static void
usage_report(FILE *f)
{
	fputs("usage: bindscope-collector report --db FILE --format json|csv|html\n"
	      "                                  [--out FILE] [--stale-after DURATION]\n"
	      "                                  [--config FILE]\n"
	      "\n"
	      "  --format json  the full audit (servers, findings, evidence)\n"
	      "  --format csv   one row per finding, safe to open in a spreadsheet\n"
	      "  --format html  one self-contained page to file for auditors\n"
	      "  --out FILE     write there instead of standard output\n"
	      "  --stale-after  flag servers silent longer than this (default: off,\n"
	      "                 or [collector] stale_after with --config)\n"
	      "  --config FILE  take [rules] thresholds and [severity] from the\n"
	      "                 collector's configuration\n",
	    f);
}

static void
usage_check(FILE *f)
{
	fputs("usage: bindscope-collector check --db FILE --fail-on warning|critical\n"
	      "                                 [--server FQDN] [--stale-after DURATION]\n"
	      "                                 [--config FILE]\n"
	      "\n"
	      "Exit status: 0 no finding at or above the level; 1 findings at or\n"
	      "above it (listed); 2 error (bad arguments, unreadable database,\n"
	      "unknown server).\n",
	    f);
}

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		collector_reopen = 1;
	else
		collector_stop = 1;
}

static int
is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* The configuration file with command-line overrides, checked as far as
 * it can be without serving (log level, the TLS files of both listeners,
 * the dashboard's users file): serve and config check share it. Messages
 * name the file and key; 0 or the exit status 2. */
static int
collector_load_config(const char *cfgpath, const char *db, const char *listen, const char *port,
    struct bs_collector_config *cfg, enum bs_log_level *lvl)
{
	const char *files[5][2];
	char err[512];

	bs_collector_config_defaults(cfg);
	if (bs_collector_config_load(cfg, cfgpath, err, sizeof(err)) != 0) {
		fprintf(stderr, "bindscope-collector: %s\n", err);
		return 2;
	}
	if (db != NULL)
		snprintf(cfg->db, sizeof(cfg->db), "%s", db);
	if (listen != NULL)
		snprintf(cfg->listen, sizeof(cfg->listen), "%s", listen);
	if (port != NULL) {
		unsigned long long p;

		if (bs_parse_uint(port, 65535, &p) != 0) {
			fprintf(stderr, "bindscope-collector: --http-port: expected 0 to 65535\n");
			return 2;
		}
		cfg->http_port = (unsigned)p;
	}
	if (bs_log_parse_level(cfg->log_level, lvl) != 0) {
		fprintf(stderr,
		    "bindscope-collector: %s: [collector] log_level: "
		    "expected debug, info, warn or error\n",
		    cfgpath);
		return 2;
	}
	files[0][0] = "[tls] ca_file";
	files[0][1] = cfg->tls_ca;
	files[1][0] = "[tls] cert_file";
	files[1][1] = cfg->tls_cert;
	files[2][0] = "[tls] key_file";
	files[2][1] = cfg->tls_key;
	files[3][0] = "[http] tls_cert_file";
	files[3][1] = cfg->http_tls_cert;
	files[4][0] = "[http] tls_key_file";
	files[4][1] = cfg->http_tls_key;
	for (size_t i = 0; i < 5; i++) {
		if (files[i][1][0] == '\0') {
			if (i < 3 && strncmp(cfg->listen, "tls+", 4) == 0) {
				fprintf(stderr,
				    "bindscope-collector: %s: %s: required because [collector] listen "
				    "is %s\n",
				    cfgpath, files[i][0], cfg->listen);
				return 2;
			}
			continue;
		}
		if (access(files[i][1], R_OK) != 0) {
			fprintf(stderr, "bindscope-collector: %s: %s: cannot read %s\n", cfgpath,
			    files[i][0], files[i][1]);
			return 2;
		}
	}
	if ((cfg->http_tls_cert[0] == '\0') != (cfg->http_tls_key[0] == '\0')) {
		fprintf(stderr,
		    "bindscope-collector: %s: [http] tls_cert_file and tls_key_file go together\n",
		    cfgpath);
		return 2;
	}
	if (cfg->http_users[0] != '\0') {
		struct bs_http_users *u = NULL;

		if (bs_http_users_load(cfg->http_users, &u, err, sizeof(err)) != 0) {
			fprintf(stderr, "bindscope-collector: %s: [http] users_file: %s\n", cfgpath,
			    err);
			return 2;
		}
		bs_http_users_destroy(u);
	}
	return 0;
}

static int
cmd_serve(int argc, char **argv)
{
	struct bs_collector_config cfg;
	const char *cfgpath = NULL, *db = NULL, *listen = NULL, *port = NULL;
	struct bs_server_nng *srv = NULL;
	struct bs_server_tls tls;
	struct bs_http *http = NULL;
	struct bs_upkeep *upkeep = NULL;
	enum bs_log_level lvl;
	int rv;

	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			usage_serve(stdout);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			cfgpath = argv[++i];
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			listen = argv[++i];
		} else if (strcmp(argv[i], "--http-port") == 0 && i + 1 < argc) {
			port = argv[++i];
		} else {
			fprintf(stderr,
			    "bindscope-collector serve: unknown or incomplete "
			    "option '%s'\n\n",
			    argv[i]);
			usage_serve(stderr);
			return 2;
		}
	}
	if (cfgpath == NULL) {
		fprintf(stderr, "bindscope-collector serve: --config is required\n\n");
		usage_serve(stderr);
		return 2;
	}
	if ((rv = collector_load_config(cfgpath, db, listen, port, &cfg, &lvl)) != 0)
		return rv;
	bs_log_set_level(lvl);
	if (cfg.log_file[0] != '\0' && bs_log_open_file(cfg.log_file) != 0) {
		fprintf(stderr, "bindscope-collector: %s: [collector] log_file: cannot open %s\n",
		    cfgpath, cfg.log_file);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (strncmp(cfg.listen, "tls+", 4) == 0) {
		tls.ca_file = cfg.tls_ca;
		tls.cert_file = cfg.tls_cert;
		tls.key_file = cfg.tls_key;
		tls.revoked_file = cfg.tls_revoked[0] != '\0' ? cfg.tls_revoked : NULL;
	} else {
		bs_log(BS_LOG_WARN, "insecure_transport",
		    "url=%s detail=\"reports are neither "
		    "authenticated nor encrypted; use tls+tcp:// with pki init\"",
		    cfg.listen);
	}
	if ((rv = bs_server_nng_start(cfg.listen, cfg.db,
	         strncmp(cfg.listen, "tls+", 4) == 0 ? &tls : NULL, &srv)) != 0) {
		fprintf(stderr, "bindscope-collector: cannot serve %s with database %s: %s\n",
		    cfg.listen, cfg.db, bs_strerror(rv));
		return 2;
	}
	{
		struct bs_upkeep_options uo = {cfg.db, {0, cfg.stale_after, cfg.rules},
		    cfg.retention, 0, 0, cfg.http_port != 0};

		if ((rv = bs_upkeep_start(&uo, &upkeep)) != 0) {
			fprintf(stderr, "bindscope-collector: cannot start the upkeep thread: %s\n",
			    bs_strerror(rv));
			bs_server_nng_stop(srv);
			return 2;
		}
	}
	if (cfg.http_port != 0) {
		struct bs_http_options ho = {cfg.http_address, cfg.http_port, cfg.web_root, cfg.db,
		    {0, cfg.stale_after, cfg.rules}, upkeep, cfg.http_tls_cert, cfg.http_tls_key,
		    cfg.http_users, srv};

		if ((rv = bs_http_start(&ho, &http)) != 0) {
			fprintf(stderr,
			    "bindscope-collector: cannot serve the dashboard on "
			    "%s:%u: %s\n",
			    cfg.http_address, cfg.http_port, bs_strerror(rv));
			bs_upkeep_stop(upkeep);
			bs_server_nng_stop(srv);
			return 2;
		}
		bs_log(BS_LOG_INFO, "dashboard", "url=%s://%s:%u/ auth=%s",
		    cfg.http_tls_cert[0] != '\0' ? "https" : "http", cfg.http_address,
		    bs_http_port(http), cfg.http_users[0] != '\0' ? "basic" : "none");
	}
	while (!collector_stop) {
		pause();
		if (collector_reopen) { /* logrotate moved the file */
			collector_reopen = 0;
			if (bs_log_reopen() != 0)
				bs_log(
				    BS_LOG_ERROR, "log_reopen_failed", "path=\"%s\"", cfg.log_file);
			else
				bs_log(BS_LOG_INFO, "log_reopened", "signal=HUP");
		}
	}
	bs_log(BS_LOG_INFO, "stopping", "signal=1");
	bs_http_stop(http);
	bs_server_nng_stop(srv);
	bs_upkeep_stop(upkeep);
	bs_log(BS_LOG_INFO, "stopped", "clean=1");
	return 0;
}

/* config check --config FILE: validate without serving. */
static int
cmd_config(int argc, char **argv)
{
	struct bs_collector_config cfg;
	enum bs_log_level lvl;
	int rv;

	if (argc == 3 && strcmp(argv[0], "check") == 0 && strcmp(argv[1], "--config") == 0) {
		if ((rv = collector_load_config(argv[2], NULL, NULL, NULL, &cfg, &lvl)) != 0)
			return rv;
		printf("%s: ok (listen %s, database %s, dashboard %s)\n", argv[2], cfg.listen,
		    cfg.db,
		    cfg.http_port == 0                 ? "off"
		        : cfg.http_tls_cert[0] != '\0' ? "https"
		                                       : "http");
		return 0;
	}
	fprintf(argc > 0 && is_help(argv[0]) ? stdout : stderr,
	    "usage: bindscope-collector config check --config FILE\n"
	    "Validates the file (keys, values, TLS files, users file) without serving.\n");
	return argc > 0 && is_help(argv[0]) ? 0 : 2;
}

/* backup --db FILE --out FILE: SQLite's online backup, consistent while
 * the collector keeps writing (it retries pages that change under it). */
static int
cmd_backup(int argc, char **argv)
{
	const char *db = NULL, *out = NULL;
	int rv;

	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			printf("usage: bindscope-collector backup --db FILE --out FILE\n");
			return 0;
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else {
			db = NULL;
			break;
		}
	}
	if (db == NULL || out == NULL) {
		fprintf(stderr, "usage: bindscope-collector backup --db FILE --out FILE\n");
		return 2;
	}
	if ((rv = bs_store_backup(db, out)) != 0) {
		fprintf(
		    stderr, "bindscope-collector backup: %s -> %s: %s\n", db, out, bs_strerror(rv));
		return 1;
	}
	printf("%s: backup of %s written\n", out, db);
	return 0;
}

static void
usage_pki(FILE *f)
{
	fputs("usage: bindscope-collector pki init --dir DIR [--name NAME]...\n"
	      "       bindscope-collector pki issue --dir DIR --host FQDN --out DIR\n"
	      "       bindscope-collector pki sign --dir DIR --csr FILE --out FILE\n"
	      "       bindscope-collector pki revoke --dir DIR --cert FILE\n"
	      "\n"
	      "  init    a CA (EC P-256) and the collector's server certificate, with\n"
	      "          the names agents dial (localhost, 127.0.0.1 and this host's\n"
	      "          name are always included)\n"
	      "  issue   an agent key and certificate for FQDN (EKU clientAuth)\n"
	      "  sign    a certificate for an agent's CSR (bindscope-agent enroll), so\n"
	      "          the agent's key never leaves the server\n"
	      "  revoke  refuse this agent certificate from now on\n",
	    f);
}

static int
cmd_pki(int argc, char **argv)
{
	const char *dir = NULL, *host = NULL, *out = NULL, *csr = NULL, *cert = NULL;
	const char *names[16];
	size_t nnames = 0;
	char why[512] = "";
	int rv;

	if (argc < 1 || is_help(argv[0])) {
		usage_pki(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			usage_pki(stdout);
			return 0;
		} else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) {
			host = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--csr") == 0 && i + 1 < argc) {
			csr = argv[++i];
		} else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc) {
			cert = argv[++i];
		} else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc && nnames < 16) {
			names[nnames++] = argv[++i];
		} else {
			fprintf(stderr,
			    "bindscope-collector pki: unknown or incomplete option '%s'\n\n",
			    argv[i]);
			usage_pki(stderr);
			return 2;
		}
	}
	if (dir == NULL) {
		fprintf(stderr, "bindscope-collector pki: --dir is required\n");
		return 2;
	}
	if (strcmp(argv[0], "init") == 0) {
		rv = bs_pki_init(dir, names, nnames, why, sizeof(why));
	} else if (strcmp(argv[0], "issue") == 0 && host != NULL && out != NULL) {
		rv = bs_pki_issue(dir, host, out, why, sizeof(why));
	} else if (strcmp(argv[0], "sign") == 0 && csr != NULL && out != NULL) {
		rv = bs_pki_sign_csr(dir, csr, out, why, sizeof(why));
	} else if (strcmp(argv[0], "revoke") == 0 && cert != NULL) {
		rv = bs_pki_revoke(dir, cert, why, sizeof(why));
	} else {
		usage_pki(stderr);
		return 2;
	}
	if (rv != 0) {
		fprintf(stderr, "bindscope-collector pki %s: %s\n", argv[0], why);
		return 1;
	}
	return 0;
}

static int
cmd_import(int argc, char **argv)
{
	const char *db = NULL, *pki = NULL;
	struct bs_store *st = NULL;
	struct bs_verifier *v = NULL;
	int first = -1, status = 0, rv;

	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			usage_import(stdout);
			return 0;
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--pki") == 0 && i + 1 < argc) {
			pki = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(
			    stderr, "bindscope-collector import: unknown option '%s'\n\n", argv[i]);
			usage_import(stderr);
			return 2;
		} else if (first < 0) {
			first = i;
		}
	}
	if (db == NULL || first < 0) {
		fprintf(stderr,
		    "bindscope-collector import: --db and at least one "
		    "report file are required\n\n");
		usage_import(stderr);
		return 2;
	}
	if (pki != NULL) {
		char ca[BS_PATH_MAX], rev[BS_PATH_MAX];

		if (bs_path_join(ca, sizeof(ca), pki, "ca.pem") != 0 ||
		    bs_path_join(rev, sizeof(rev), pki, "revoked.txt") != 0 ||
		    bs_verifier_create(ca, rev, &v) != 0) {
			fprintf(stderr, "bindscope-collector: %s/ca.pem: cannot load\n", pki);
			return 2;
		}
	}
	if ((rv = bs_store_open(db, 0, &st)) != 0) {
		fprintf(stderr, "bindscope-collector: cannot open database %s: %s\n", db,
		    bs_strerror(rv));
		bs_verifier_destroy(v);
		return 2;
	}
	for (int i = first; i < argc; i++) {
		struct bs_ingest_result res;
		char *data;
		size_t len;

		if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--pki") == 0) {
			i++;
			continue;
		}
		if ((rv = bs_fs_read(argv[i], IMPORT_MAX, &data, &len)) != 0) {
			fprintf(stderr, "bindscope-collector: %s: cannot read: %s\n", argv[i],
			    bs_strerror(rv));
			status = 1;
			continue;
		}
		bs_ingest_file(st, v, (const uint8_t *)data, len, &res);
		free(data);
		if (res.status == BINDSCOPE__V1__ACK_STATUS__ACK_STORED ||
		    res.status == BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE) {
			printf("%s: %s %s\n", argv[i], res.reason, res.fqdn);
		} else {
			fprintf(
			    stderr, "bindscope-collector: %s: refused: %s\n", argv[i], res.reason);
			status = 1;
		}
	}
	{
		struct bs_analysis_options ao;
		size_t done = 0;

		/* Findings history and change log for what was just stored, so
		 * report and check see first-seen times and changes at once. */
		bs_analysis_options_defaults(&ao);
		if ((rv = bs_history_pass(st, &ao, (size_t)-1, &done)) != 0) {
			fprintf(stderr, "bindscope-collector: findings history not updated: %s\n",
			    bs_strerror(rv));
			status = status != 0 ? status : 1;
		}
	}
	bs_store_close(st);
	bs_verifier_destroy(v);
	return status;
}

/* Shared by report and check: the analysis options from --config (rules,
 * severities, stale_after) with --stale-after over them. */
static int
analysis_options(const char *cfgpath, const char *stale, struct bs_analysis_options *ao)
{
	struct bs_collector_config cfg;
	char err[512];

	bs_analysis_options_defaults(ao);
	if (cfgpath != NULL) {
		bs_collector_config_defaults(&cfg);
		if (bs_collector_config_load(&cfg, cfgpath, err, sizeof(err)) != 0) {
			fprintf(stderr, "bindscope-collector: %s\n", err);
			return -1;
		}
		ao->rules = cfg.rules;
		ao->stale_after = cfg.stale_after;
	}
	if (stale != NULL) {
		unsigned long long s;

		if (bs_parse_duration(stale, &s) != 0 || s > 0xffffffffULL) {
			fprintf(stderr,
			    "bindscope-collector: --stale-after: expected a "
			    "duration such as 15m or 1h\n");
			return -1;
		}
		ao->stale_after = (unsigned)s;
	}
	return 0;
}

static int
load_analysis(const char *db, const struct bs_analysis_options *ao, struct bs_analysis **a)
{
	struct bs_store *st = NULL;
	int rv;

	if (access(db, R_OK) != 0) {
		fprintf(stderr, "bindscope-collector: database %s: cannot read\n", db);
		return BS_ENOENT;
	}
	if ((rv = bs_store_open(db, 1, &st)) != 0) {
		fprintf(stderr, "bindscope-collector: database %s: %s\n", db, bs_strerror(rv));
		return rv;
	}
	rv = bs_output_load(st, ao, a);
	bs_store_close(st);
	if (rv != 0)
		fprintf(stderr, "bindscope-collector: analysis failed: %s\n", bs_strerror(rv));
	return rv;
}

static int
cmd_report(int argc, char **argv)
{
	const char *db = NULL, *format = NULL, *outpath = NULL, *stale = NULL, *cfgpath = NULL;
	struct bs_analysis_options ao;
	struct bs_analysis *a = NULL;
	const struct bs_format *fmt = NULL;
	struct bs_buf b;
	int rv, status = 0;

	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			usage_report(stdout);
			return 0;
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			format = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			outpath = argv[++i];
		} else if (strcmp(argv[i], "--stale-after") == 0 && i + 1 < argc) {
			stale = argv[++i];
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			cfgpath = argv[++i];
		} else {
			fprintf(stderr,
			    "bindscope-collector report: unknown or incomplete "
			    "option '%s'\n\n",
			    argv[i]);
			usage_report(stderr);
			return 2;
		}
	}
	if (db == NULL || format == NULL || (fmt = bs_format_find(format)) == NULL) {
		fprintf(stderr,
		    "bindscope-collector report: --db and --format "
		    "json|csv|html are required\n\n");
		usage_report(stderr);
		return 2;
	}
	if (analysis_options(cfgpath, stale, &ao) != 0 || load_analysis(db, &ao, &a) != 0)
		return 2;
	bs_buf_init(&b, 0);
	rv = fmt->render(a, 0, &b);
	if (rv != 0) {
		fprintf(
		    stderr, "bindscope-collector: cannot render the report: %s\n", bs_strerror(rv));
		status = 2;
	} else if (outpath != NULL) {
		if (bs_fs_write_atomic(outpath, b.data, b.len) != 0) {
			fprintf(stderr, "bindscope-collector: cannot write %s\n", outpath);
			status = 2;
		}
	} else if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
		status = 2;
	}
	bs_buf_fini(&b);
	bs_analysis_destroy(a);
	return status;
}

static int
cmd_check(int argc, char **argv)
{
	const char *db = NULL, *level = NULL, *server = NULL, *stale = NULL, *cfgpath = NULL;
	struct bs_analysis_options ao;
	enum bs_severity fail_on;
	struct bs_analysis *a = NULL;
	struct bs_gate g;
	struct bs_buf b;
	int rv;

	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			usage_check(stdout);
			return 0;
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
		} else if (strcmp(argv[i], "--fail-on") == 0 && i + 1 < argc) {
			level = argv[++i];
		} else if (strcmp(argv[i], "--server") == 0 && i + 1 < argc) {
			server = argv[++i];
		} else if (strcmp(argv[i], "--stale-after") == 0 && i + 1 < argc) {
			stale = argv[++i];
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			cfgpath = argv[++i];
		} else {
			fprintf(stderr,
			    "bindscope-collector check: unknown or incomplete "
			    "option '%s'\n\n",
			    argv[i]);
			usage_check(stderr);
			return 2;
		}
	}
	if (db == NULL || level == NULL || bs_severity_parse(level, &fail_on) != 0 ||
	    fail_on == BS_SEV_INFO) {
		fprintf(stderr,
		    "bindscope-collector check: --db and --fail-on "
		    "warning|critical are required\n\n");
		usage_check(stderr);
		return 2;
	}
	if (analysis_options(cfgpath, stale, &ao) != 0 || load_analysis(db, &ao, &a) != 0)
		return 2;
	if (server != NULL && bs_analysis_find(a, server) == NULL) {
		fprintf(stderr, "bindscope-collector check: no report from server '%s'\n", server);
		bs_analysis_destroy(a);
		return 2;
	}
	bs_buf_init(&b, 0);
	/* The verdict is the exit status; the lines are for people. */
	if ((rv = bs_gate_render(a, fail_on, server, &b, &g)) == 0)
		fwrite(b.data, 1, b.len, stdout);
	bs_buf_fini(&b);
	bs_analysis_destroy(a);
	if (rv != 0) {
		fprintf(stderr, "bindscope-collector check: %s\n", bs_strerror(rv));
		return 2;
	}
	return g.hits > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage_main(stderr);
		return 2;
	}
	if (is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage_main(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("bindscope-collector %s\n", BS_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 2, argv + 2);
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(argc - 2, argv + 2);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 2, argv + 2);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (strcmp(argv[1], "pki") == 0)
		return cmd_pki(argc - 2, argv + 2);
	if (strcmp(argv[1], "mute") == 0)
		return bs_cli_mute(argc - 2, argv + 2);
	if (strcmp(argv[1], "unmute") == 0)
		return bs_cli_unmute(argc - 2, argv + 2);
	if (strcmp(argv[1], "mutes") == 0)
		return bs_cli_mutes(argc - 2, argv + 2);
	if (strcmp(argv[1], "audit") == 0)
		return bs_cli_audit(argc - 2, argv + 2);
	if (strcmp(argv[1], "config") == 0)
		return cmd_config(argc - 2, argv + 2);
	if (strcmp(argv[1], "backup") == 0)
		return cmd_backup(argc - 2, argv + 2);
	if (strcmp(argv[1], "http-user") == 0)
		return bs_cli_http_user(argc - 2, argv + 2);
	fprintf(stderr, "bindscope-collector: unknown command '%s'\n\n", argv[1]);
	usage_main(stderr);
	return 2;
}
