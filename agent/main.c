/* bindscope-agent: command line. `collect` makes one report from an
 * evidence root; `run` sweeps on an interval and delivers each report to
 * the collector. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent_config.h"
#include "ids.h"
#include "runner.h"
#include "config.h"
#include "config_edit.h"
#include "cursor.h"
#include "err.h"
#include "evidence.h"
#include "fsutil.h"
#include "log.h"
#include "pbjson.h"
#include "sig.h"
#include <openssl/pem.h>
#include "tls_probe.h"
#include "paths.h"
#include "sender.h"
#include "service.h"
#include "stop.h"
#include "sweep.h"
#include "live.h"
#include "wire.h"

static void
usage_main(FILE *f)
{
	fputs("usage: bindscope-agent <command> [options]\n"
	      "\n"
	      "Audits an Exchange server's IIS and http.sys certificate bindings.\n"
	      "\n"
	      "commands:\n"
	      "  collect   one sweep over an evidence root; print or save the report\n"
	      "  run       sweep on an interval and send each report to the collector\n"
	      "  probe     one live TLS handshake, judged as the Exchange front end would\n"
	      "  enroll    make this agent's key and a certificate request for the collector\n"
	      "  config    check: validate without running; set: one key; init\n"
	      "  service   the Windows service: install, start, stop, status, uninstall\n"
	      "\n"
	      "options:\n"
	      "  --help     this text (also after a command)\n"
	      "  --version  print the version\n",
	    f);
}

static void
usage_collect(FILE *f)
{
	fputs("usage: bindscope-agent collect [--root DIR|ZIP] [--json] [--out FILE]\n"
	      "                               [--since DURATION|all] [--no-redact]\n"
	      "\n"
	      "  --root DIR   evidence root: a folder mirroring the server's C:\\\n"
	      "               (see README, \"Evidence root\"), or the zip\n"
	      "               Export-BindscopeEvidence.ps1 writes; without it the\n"
	      "               Windows build reads this server itself (registry,\n"
	      "               http.sys, certificate stores, IIS and Exchange files)\n"
	      "  --json       print the report as JSON (default when no --out)\n"
	      "  --out FILE   write the protobuf report to FILE, for\n"
	      "               `bindscope-collector import`\n"
	      "  --agent-id ID  identity to record (default: the server's FQDN)\n"
	      "  --since D    log history to sample: 30m, 24h, 7d or all (default 1h)\n"
	      "  --log-budget-mib N  log bytes to read at most (default 64)\n"
	      "  --no-redact  keep user names and client IPs in log examples\n"
	      "  --probe T    also probe T live: self:444, mail.contoso.com:443, or\n"
	      "               NAME:PORT@HOST:PORT to reach NAME through HOST:PORT\n"
	      "               (repeatable; off by default on evidence roots)\n"
	      "  --probe-ca FILE  PEM anchors trusted besides the evidence's Root store\n"
	      "\n"
	      "Exit status: 0 report made; 1 nothing useful could be read;\n"
	      "2 usage or output error.\n",
	    f);
}

static void
usage_probe(FILE *f)
{
	fputs("usage: bindscope-agent probe HOST:PORT [--name NAME] [--ca FILE]\n"
	      "                             [--timeout DURATION] [--json]\n"
	      "\n"
	      "Connects, completes a TLS handshake, closes (no request is sent) and\n"
	      "reports what a strict TLS client sees: the chain, whether the leaf\n"
	      "covers NAME, and the failure if any (DNS, refused, timeout, TLS alert,\n"
	      "handshake, expired, self-signed, untrusted, incomplete chain, name\n"
	      "mismatch).\n"
	      "\n"
	      "  --name NAME     SNI and the name to verify (default: HOST)\n"
	      "  --ca FILE       PEM trust anchors (default: the system's)\n"
	      "  --timeout D     deadline for the whole probe (default 5s)\n"
	      "  --json          print the result as JSON\n"
	      "\n"
	      "Exit status: 0 the handshake succeeded and verified; 1 it did not;\n"
	      "2 usage error.\n",
	    f);
}

static void
usage_run(FILE *f)
{
	fputs("usage: bindscope-agent run --config FILE [--once] [--root DIR]\n"
	      "                           [--collector URL]\n"
	      "\n"
	      "  --config FILE    agent configuration (deploy/examples/agent.conf)\n"
	      "  --once           one sweep, deliver it, exit (0 when acknowledged)\n"
	      "  --root DIR       override [agent] root\n"
	      "  --collector URL  override [agent] collector\n",
	    f);
}

static void
print_errors(const bs_report *r)
{
	for (size_t i = 0; i < r->n_errors; i++) {
		const Bindscope__V1__CollectionError *e = r->errors[i];

		if (e->line > 0)
			fprintf(stderr, "bindscope-agent: %s: %s:%u: %s\n", e->source, e->path,
			    e->line, e->reason);
		else
			fprintf(
			    stderr, "bindscope-agent: %s: %s: %s\n", e->source, e->path, e->reason);
	}
}

/* 1 when this build reads the server it runs on (the Windows build). */
static int
agent_can_read_live(void)
{
	size_t n;

	bs_live_sources(&n);
	return n > 0;
}

static int
cmd_collect(int argc, char **argv)
{
	const char *root = NULL, *outpath = NULL, *agent_id = "", *since = "1h";
	int json = 0, rv, status = 0;
	unsigned long long budget_mib = 64;
	struct bs_log_options lo;
	struct bs_sweep_options opt;
	struct bs_arena arena;
	bs_report *r = NULL;
	char boot[33];
	int redact_off = 0;
	const char *probe_targets[32];
	size_t nprobe = 0;
	struct bs_probe_options po = {probe_targets, 0, 5000, NULL};
	struct bs_evidence *ev = NULL;
	char why[1024];

	memset(&lo, 0, sizeof(lo));
	/* No watchdog for a one-off collect (an auditor's --since all may
	 * rightly take long); it guards the service, `run`. */
	memset(&opt, 0, sizeof(opt));
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage_collect(stdout);
			return 0;
		} else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
			root = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			outpath = argv[++i];
		} else if (strcmp(argv[i], "--agent-id") == 0 && i + 1 < argc) {
			agent_id = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
			since = argv[++i];
		} else if (strcmp(argv[i], "--log-budget-mib") == 0 && i + 1 < argc) {
			if (bs_parse_uint(argv[++i], 1048576, &budget_mib) != 0 ||
			    budget_mib == 0) {
				fprintf(stderr,
				    "bindscope-agent collect: --log-budget-mib: "
				    "expected a number of MiB\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--no-redact") == 0) {
			redact_off = 1;
		} else if (strcmp(argv[i], "--probe") == 0 && i + 1 < argc) {
			if (nprobe == sizeof(probe_targets) / sizeof(probe_targets[0])) {
				fprintf(stderr, "bindscope-agent collect: at most %zu --probe\n",
				    sizeof(probe_targets) / sizeof(probe_targets[0]));
				return 2;
			}
			probe_targets[nprobe++] = argv[++i];
		} else if (strcmp(argv[i], "--probe-ca") == 0 && i + 1 < argc) {
			po.ca_file = argv[++i];
		} else {
			fprintf(stderr,
			    "bindscope-agent collect: unknown or incomplete "
			    "option '%s'\n\n",
			    argv[i]);
			usage_collect(stderr);
			return 2;
		}
	}
	if (root == NULL && !agent_can_read_live()) {
		fprintf(stderr,
		    "bindscope-agent collect: --root is required (live collection of this "
		    "server needs the Windows build)\n\n");
		usage_collect(stderr);
		return 2;
	}
	if (strcmp(since, "all") == 0) {
		lo.since_ms = 0;
	} else {
		unsigned long long secs;

		if (bs_parse_duration(since, &secs) != 0) {
			fprintf(stderr,
			    "bindscope-agent collect: --since: expected a duration "
			    "such as 30m, 24h, 7d, or all\n");
			return 2;
		}
		lo.since_ms = bs_now_ms() - (int64_t)secs * 1000;
	}
	lo.budget = budget_mib * 1024 * 1024;
	lo.redact = !redact_off;
	/* A one-off audit: pseudonyms hold within this report only. */
	bs_random_bytes(lo.key, sizeof(lo.key));
	bs_random_hex(boot, 16);
	/* No root: this server, live (the Windows build). */
	if (root != NULL && bs_evidence_open(root, NULL, &ev, why, sizeof(why)) != 0) {
		fprintf(stderr, "bindscope-agent: %s\n", why);
		return 1;
	}
	opt.root = ev != NULL ? bs_evidence_root(ev) : NULL;
	opt.source = root;
	opt.agent_id = agent_id;
	opt.boot_id = boot;
	opt.sequence = 1;
	opt.logs = &lo;
	po.ntargets = nprobe;
	opt.probes = &po;
	bs_arena_init(&arena, 0);
	rv = bs_sweep_run(&opt, &arena, &r);
	if (r == NULL) {
		fprintf(stderr, "bindscope-agent: sweep failed: %s\n", bs_strerror(rv));
		status = 1;
		goto out;
	}
	print_errors(r);
	if (rv == BS_ENOENT) {
		fprintf(stderr,
		    "bindscope-agent: nothing useful could be read "
		    "from %s\n",
		    root != NULL ? root : "this server");
		status = 1;
	}
	if (outpath != NULL) {
		uint8_t *buf;
		size_t len;

		if (bs_wire_pack(&r->base, &buf, &len) != 0 ||
		    bs_fs_write_atomic(outpath, buf, len) != 0) {
			fprintf(stderr, "bindscope-agent: cannot write %s\n", outpath);
			status = 2;
		}
		free(buf);
	}
	if (json || outpath == NULL) {
		json_t *j = bs_pbjson_from_message(&r->base, 0);

		if (j == NULL || json_dumpf(j, stdout, JSON_INDENT(2)) != 0) {
			fprintf(stderr, "bindscope-agent: cannot print JSON\n");
			status = 2;
		}
		fputc('\n', stdout);
		json_decref(j);
	}
out:
	bs_arena_fini(&arena);
	bs_evidence_close(ev);
	return status;
}

static void
usage_enroll(FILE *f)
{
	fputs("usage: bindscope-agent enroll --csr --host FQDN [--out DIR]\n"
	      "\n"
	      "Writes DIR/agent.key (its owner alone may read it; it never leaves\n"
	      "this server) and DIR/agent.csr. DIR is required on Linux; on Windows\n"
	      "it defaults to %ProgramData%\\bindscope, which only SYSTEM and\n"
	      "Administrators may open. Have the collector's operator run\n"
	      "  bindscope-collector pki sign --dir PKI --csr agent.csr --out agent.pem\n"
	      "and copy agent.pem and the collector's ca.pem back into DIR.\n",
	    f);
}

static int
cmd_enroll(int argc, char **argv)
{
	const char *host = NULL, *out = NULL;
	char path[BS_PATH_MAX], defout[BS_PATH_MAX];
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	X509_NAME *name = NULL;
	int csr = 0, status = 1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage_enroll(stdout);
			return 0;
		} else if (strcmp(argv[i], "--csr") == 0) {
			csr = 1;
		} else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) {
			host = argv[++i];
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else {
			usage_enroll(stderr);
			return 2;
		}
	}
	if (out == NULL && bs_agent_path(BS_AGENT_ENROLL_DIR, defout, sizeof(defout)) == 0 &&
	    defout[0] != '\0')
		out = defout;
	if (!csr || host == NULL || out == NULL) {
		usage_enroll(stderr);
		return 2;
	}
	if (bs_fs_mkdir_private(out) != 0 ||
	    bs_path_join(path, sizeof(path), out, "agent.key") != 0 ||
	    (key = EVP_EC_gen("P-256")) == NULL || bs_pem_write_key(path, key) != 0) {
		fprintf(stderr, "bindscope-agent enroll: cannot write %s\n", path);
		goto out;
	}
	if ((req = X509_REQ_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    X509_NAME_add_entry_by_txt(
	        name, "CN", MBSTRING_UTF8, (const unsigned char *)host, -1, -1, 0) != 1 ||
	    X509_REQ_set_subject_name(req, name) != 1 || X509_REQ_set_pubkey(req, key) != 1 ||
	    X509_REQ_sign(req, key, EVP_sha256()) <= 0 ||
	    bs_path_join(path, sizeof(path), out, "agent.csr") != 0 ||
	    bs_pem_write_req(path, req) != 0) {
		fprintf(stderr, "bindscope-agent enroll: cannot write the request\n");
		goto out;
	}
	printf("%s written for %s\n", path, host);
	status = 0;
out:
	X509_NAME_free(name);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return status;
}

/* The configuration file with command-line overrides, checked as far as
 * it can be without running (bs_agent_config_prepare): run and config
 * check share it, the service too. 0 or the exit status 2. */
static int
agent_load_config(const char *cfgpath, const char *root, const char *url,
    struct bs_agent_config *cfg, enum bs_log_level *lvl)
{
	char err[1024];
	int rv = bs_agent_config_prepare(cfg, cfgpath, root, url, lvl, err, sizeof(err));

	if (rv != 0)
		fprintf(stderr, "bindscope-agent: %s\n", err);
	return rv;
}

/* config check --config FILE: validate without running. */
static int
cmd_config(int argc, char **argv)
{
	struct bs_agent_config cfg;
	enum bs_log_level lvl;
	int rv;

	if (argc >= 1 && (strcmp(argv[0], "set") == 0 || strcmp(argv[0], "init") == 0))
		return bs_config_edit_command(argc, argv);
	if (argc == 3 && strcmp(argv[0], "check") == 0 && strcmp(argv[1], "--config") == 0) {
		if ((rv = agent_load_config(argv[2], NULL, NULL, &cfg, &lvl)) != 0)
			return rv;
		printf("%s: ok (root %s, collector %s, every %u s)\n", argv[2],
		    cfg.root[0] != '\0' ? cfg.root : "this server, live", cfg.collector,
		    cfg.interval);
		return 0;
	}
	fprintf(argc > 0 && strcmp(argv[0], "--help") == 0 ? stdout : stderr,
	    "usage: bindscope-agent config check --config FILE\n"
	    "       bindscope-agent config set [--config FILE] SECTION.KEY VALUE\n"
	    "       bindscope-agent config init --from TEMPLATE [--config FILE]\n"
	    "check validates the file (keys, values, the evidence root, TLS files)\n"
	    "without running; set changes one key, keeping the rest of the file;\n"
	    "init writes the file from TEMPLATE unless it exists.\n");
	return argc > 0 && strcmp(argv[0], "--help") == 0 ? 0 : 2;
}

static int
cmd_run(int argc, char **argv)
{
	struct bs_agent_config cfg;
	const char *cfgpath = NULL, *root = NULL, *url = NULL;
	enum bs_log_level lvl;
	int once = 0, rv;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage_run(stdout);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			cfgpath = argv[++i];
		} else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc) {
			root = argv[++i];
		} else if (strcmp(argv[i], "--collector") == 0 && i + 1 < argc) {
			url = argv[++i];
		} else if (strcmp(argv[i], "--once") == 0) {
			once = 1;
		} else {
			fprintf(stderr,
			    "bindscope-agent run: unknown or incomplete option '%s'\n\n", argv[i]);
			usage_run(stderr);
			return 2;
		}
	}
	if (cfgpath == NULL) {
		fprintf(stderr, "bindscope-agent run: --config is required\n\n");
		usage_run(stderr);
		return 2;
	}
	if ((rv = agent_load_config(cfgpath, root, url, &cfg, &lvl)) != 0)
		return rv;
	bs_log_set_level(lvl);
	if (cfg.log_file[0] != '\0' && bs_log_open_file(cfg.log_file) != 0) {
		fprintf(stderr, "bindscope-agent: %s: [agent] log_file: cannot open %s\n", cfgpath,
		    cfg.log_file);
		return 2;
	}
	bs_stop_on_signals();
	return bs_runner_run(&cfg, once, bs_stop_flag());
}

static int
cmd_probe(int argc, char **argv)
{
	const char *target = NULL, *name = NULL, *ca = NULL;
	unsigned long long timeout = 5;
	struct bs_probe_target t;
	struct bs_probe_opts o;
	struct bs_arena a;
	Bindscope__V1__Probe *p = NULL;
	char host[256];
	unsigned port;
	int json = 0, status;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage_probe(stdout);
			return 0;
		} else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
		} else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc) {
			ca = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			if (bs_parse_duration(argv[++i], &timeout) != 0 || timeout == 0 ||
			    timeout > 600) {
				fprintf(stderr, "bindscope-agent probe: --timeout: 1s to 10m\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (argv[i][0] != '-' && target == NULL) {
			target = argv[i];
		} else {
			fprintf(stderr,
			    "bindscope-agent probe: unknown or incomplete option '%s'\n\n",
			    argv[i]);
			usage_probe(stderr);
			return 2;
		}
	}
	if (target == NULL || bs_probe_parse_target(target, host, sizeof(host), &port) != 0) {
		fprintf(stderr, "bindscope-agent probe: expected HOST:PORT\n\n");
		usage_probe(stderr);
		return 2;
	}
	t.host = host;
	t.port = port;
	t.name = name;
	o.timeout_ms = (unsigned)timeout * 1000;
	o.trust = X509_STORE_new();
	if (o.trust == NULL)
		return 1;
	if (ca != NULL ? X509_STORE_load_file(o.trust, ca) != 1
	               : X509_STORE_set_default_paths(o.trust) != 1) {
		fprintf(stderr, "bindscope-agent probe: cannot load trust anchors%s%s\n",
		    ca != NULL ? " from " : "", ca != NULL ? ca : "");
		X509_STORE_free(o.trust);
		return 2;
	}
	bs_arena_init(&a, 0);
	if (bs_probe_run(&t, &o, &a, &p) != 0 || p == NULL) {
		fprintf(stderr, "bindscope-agent probe: out of memory\n");
		status = 1;
		goto out;
	}
	if (json) {
		json_t *j = bs_pbjson_from_message(&p->base, 0);

		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(j);
	} else {
		printf("%s:%u (name %s): %s%s%s\n", p->host, p->port, p->sni,
		    protobuf_c_enum_descriptor_get_value(
		        &bindscope__v1__probe_result__descriptor, p->result)
		        ->name,
		    p->detail[0] ? ": " : "", p->detail);
		for (size_t i = 0; i < p->n_chain; i++)
			printf("  [%zu] %s  %s (issuer %s)\n", i, p->chain[i]->thumbprint,
			    p->chain[i]->subject, p->chain[i]->issuer);
		if (p->tls_version[0])
			printf("  %s %s, connect %u ms, handshake %u ms\n", p->tls_version,
			    p->cipher, p->connect_ms, p->handshake_ms);
	}
	status = p->result == BINDSCOPE__V1__PROBE_RESULT__PROBE_OK ? 0 : 1;
out:
	X509_STORE_free(o.trust);
	bs_arena_fini(&a);
	return status;
}

int
main(int argc, char **argv)
{
	bs_stop_setup();
	if (argc < 2) {
		usage_main(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_main(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("bindscope-agent %s\n", BS_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "collect") == 0)
		return cmd_collect(argc - 2, argv + 2);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 2, argv + 2);
	if (strcmp(argv[1], "config") == 0)
		return cmd_config(argc - 2, argv + 2);
	if (strcmp(argv[1], "enroll") == 0)
		return cmd_enroll(argc - 2, argv + 2);
	if (strcmp(argv[1], "service") == 0)
		return bs_service_command(argc - 2, argv + 2);
	fprintf(stderr, "bindscope-agent: unknown command '%s'\n\n", argv[1]);
	usage_main(stderr);
	return 2;
}
