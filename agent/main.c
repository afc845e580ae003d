/* bindscope-agent: command line. `collect` makes one report from an
 * evidence root; `run` sweeps on an interval and delivers each report to
 * the collector. */
#include <jansson.h>
#include <stddef.h>
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
#include "opts.h"
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

/* A command's options are one table (common/opts.h), parsed with
 * getopt_long and printed as its --help. */
#define AGENT_PROG "bindscope-agent"

/* 0: go on; otherwise the command's exit status (0 after --help). */
static int
agent_parsed(int rv)
{
	return rv == 0 ? -1 : rv == BS_OPTS_HELP ? 0 : rv;
}

struct collect_args {
	const char *root, *out, *agent_id, *since, *budget, *probe_ca, *deadline;
	int json, no_redact;
	struct bs_opt_list probe;
};

static const struct bs_opt collect_opts[] = {
    {"root", "DIR|ZIP", BS_OPT_VALUE, offsetof(struct collect_args, root), 0,
        "evidence root: a folder mirroring the server's C:\\ (see README,\n"
        "\"Evidence root\"), or the zip Export-BindscopeEvidence.ps1 writes;\n"
        "without it the Windows build reads this server itself (registry,\n"
        "http.sys, certificate stores, IIS and Exchange files)"},
    {"json", NULL, BS_OPT_FLAG, offsetof(struct collect_args, json), 0,
        "print the report as JSON (default when no --out)"},
    {"out", "FILE", BS_OPT_VALUE, offsetof(struct collect_args, out), 0,
        "write the protobuf report to FILE, for `bindscope-collector import`"},
    {"agent-id", "ID", BS_OPT_VALUE, offsetof(struct collect_args, agent_id), 0,
        "identity to record (default: the server's FQDN)"},
    {"since", "DURATION|all", BS_OPT_VALUE, offsetof(struct collect_args, since), 0,
        "log history to sample: 30m, 24h, 7d or all (default 1h)"},
    {"log-budget-mib", "N", BS_OPT_VALUE, offsetof(struct collect_args, budget), 0,
        "log bytes to read at most (default 64)"},
    {"deadline", "DURATION", BS_OPT_VALUE, offsetof(struct collect_args, deadline), 0,
        "stop the sweep after this long, saying so (default 10m; 0: none)"},
    {"no-redact", NULL, BS_OPT_FLAG, offsetof(struct collect_args, no_redact), 0,
        "keep user names, mailbox identities and client IPs in log examples"},
    {"probe", "TARGET", BS_OPT_LIST, offsetof(struct collect_args, probe), 0,
        "also probe TARGET live: self:444, mail.contoso.com:443, or\n"
        "NAME:PORT@HOST:PORT to reach NAME through HOST:PORT (repeatable)"},
    {"probe-ca", "FILE", BS_OPT_VALUE, offsetof(struct collect_args, probe_ca), 0,
        "PEM anchors trusted besides the evidence's Root store"},
};

static const struct bs_cmd collect_cmd = {AGENT_PROG, "collect", collect_opts,
    sizeof(collect_opts) / sizeof(collect_opts[0]), NULL,
    "Exit status: 0 report made; 1 nothing useful could be read;\n"
    "2 usage or output error.\n",
    NULL};

struct probe_args {
	const char *name, *ca, *timeout;
	int json;
};

static const struct bs_opt probe_opts[] = {
    {"name", "NAME", BS_OPT_VALUE, offsetof(struct probe_args, name), 0,
        "SNI and the name to verify (default: HOST)"},
    {"ca", "FILE", BS_OPT_VALUE, offsetof(struct probe_args, ca), 0,
        "PEM trust anchors (default: the system's)"},
    {"timeout", "DURATION", BS_OPT_VALUE, offsetof(struct probe_args, timeout), 0,
        "deadline for the whole probe (default 5s)"},
    {"json", NULL, BS_OPT_FLAG, offsetof(struct probe_args, json), 0, "print the result as JSON"},
};

static const struct bs_cmd probe_cmd = {AGENT_PROG, "probe", probe_opts,
    sizeof(probe_opts) / sizeof(probe_opts[0]), "HOST:PORT",
    "Connects, completes a TLS handshake, closes (no request is sent) and\n"
    "reports what a strict TLS client sees: the chain, whether the leaf\n"
    "covers NAME, and the failure if any (DNS, refused, timeout, TLS alert,\n"
    "handshake, expired, self-signed, untrusted, incomplete chain, name\n"
    "mismatch).\n"
    "Exit status: 0 the handshake succeeded and verified; 1 it did not;\n"
    "2 usage error.\n",
    NULL};

struct run_args {
	const char *config, *root, *collector;
	int once;
};

static const struct bs_opt run_opts[] = {
    {"config", "FILE", BS_OPT_VALUE, offsetof(struct run_args, config), 1,
        "agent configuration (deploy/examples/agent.conf)"},
    {"once", NULL, BS_OPT_FLAG, offsetof(struct run_args, once), 0,
        "one sweep, deliver it, exit (0 when acknowledged)"},
    {"root", "DIR", BS_OPT_VALUE, offsetof(struct run_args, root), 0, "override [agent] root"},
    {"collector", "URL", BS_OPT_VALUE, offsetof(struct run_args, collector), 0,
        "override [agent] collector"},
};

static const struct bs_cmd run_cmd = {
    AGENT_PROG, "run", run_opts, sizeof(run_opts) / sizeof(run_opts[0]), NULL, NULL, NULL};

struct enroll_args {
	const char *host, *out;
	int csr;
};

static const struct bs_opt enroll_opts[] = {
    {"csr", NULL, BS_OPT_FLAG, offsetof(struct enroll_args, csr), 1,
        "make a key and a certificate request (the key stays here)"},
    {"host", "FQDN", BS_OPT_VALUE, offsetof(struct enroll_args, host), 1,
        "this server's FQDN, as the collector will check it"},
    {"out", "DIR", BS_OPT_VALUE, offsetof(struct enroll_args, out), 0,
        "where agent.key and agent.csr go (Windows default:\n"
        "%ProgramData%\\bindscope)"},
};

static const struct bs_cmd enroll_cmd = {AGENT_PROG, "enroll", enroll_opts,
    sizeof(enroll_opts) / sizeof(enroll_opts[0]), NULL,
    "Writes DIR/agent.key (its owner alone may read it; it never leaves\n"
    "this server) and DIR/agent.csr. DIR is required on Linux; on Windows\n"
    "it defaults to %ProgramData%\\bindscope, which only SYSTEM and\n"
    "Administrators may open. Have the collector's operator run\n"
    "  bindscope-collector pki sign --dir PKI --csr agent.csr --out agent.pem\n"
    "and copy agent.pem and the collector's ca.pem back into DIR.\n",
    NULL};

struct check_args {
	const char *config;
};

static const struct bs_opt check_opts[] = {
    {"config", "FILE", BS_OPT_VALUE, offsetof(struct check_args, config), 1,
        "the agent configuration to validate"},
};

static const struct bs_cmd check_cmd = {AGENT_PROG, "config check", check_opts, 1, NULL,
    "Validates the file (keys, values, the evidence root, TLS files)\n"
    "without running. Also: config set [--config FILE] SECTION.KEY VALUE\n"
    "changes one key, keeping the rest of the file; config init --from\n"
    "TEMPLATE [--config FILE] writes the file unless it exists.\n",
    NULL};

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
	struct collect_args a = {0};
	const char *root, *outpath, *agent_id, *since;
	int json, rv, status = 0, first;
	unsigned long long budget_mib = 64;
	struct bs_log_options lo;
	struct bs_sweep_options opt;
	struct bs_arena arena;
	bs_report *r = NULL;
	char boot[33];
	struct bs_probe_options po = {NULL, 0, 5000, NULL};
	struct bs_evidence *ev = NULL;
	char why[1024];

	if ((rv = agent_parsed(bs_opts_parse(&collect_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	root = a.root;
	outpath = a.out;
	agent_id = a.agent_id != NULL ? a.agent_id : "";
	since = a.since != NULL ? a.since : "1h";
	json = a.json;
	po.targets = a.probe.v;
	po.ca_file = a.probe_ca;
	if (a.budget != NULL &&
	    (bs_parse_uint(a.budget, 1048576, &budget_mib) != 0 || budget_mib == 0)) {
		fprintf(
		    stderr, AGENT_PROG " collect: --log-budget-mib: expected a number of MiB\n");
		return 2;
	}
	memset(&lo, 0, sizeof(lo));
	/* No CPU or memory watchdog for a one-off collect (an auditor's
	 * --since all may rightly take long); it guards the service, `run`.
	 * The wall-clock deadline stays, generous: evidence that stalls a read
	 * must not hold the auditor's shell forever. */
	memset(&opt, 0, sizeof(opt));
	{
		unsigned long long secs = 600;

		if (a.deadline != NULL && bs_parse_duration(a.deadline, &secs) != 0) {
			fprintf(stderr,
			    AGENT_PROG
			    " collect: --deadline: expected a duration such as 90s, 10m or 0\n");
			return 2;
		}
		opt.max_wall_ms = secs * 1000;
	}
	if (root == NULL && !agent_can_read_live()) {
		fprintf(stderr,
		    AGENT_PROG " collect: --root is required (live collection of this "
		               "server needs the Windows build)\n\n");
		bs_opts_usage(&collect_cmd, stderr);
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
	lo.redact = !a.no_redact;
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
	po.ntargets = a.probe.n;
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

static int
cmd_enroll(int argc, char **argv)
{
	struct enroll_args a = {0};
	const char *host, *out;
	char path[BS_PATH_MAX], defout[BS_PATH_MAX];
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	X509_NAME *name = NULL;
	int status = 1, first, rv;

	if ((rv = agent_parsed(bs_opts_parse(&enroll_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	host = a.host;
	out = a.out;
	if (out == NULL && bs_agent_path(BS_AGENT_ENROLL_DIR, defout, sizeof(defout)) == 0 &&
	    defout[0] != '\0')
		out = defout;
	if (out == NULL) {
		fprintf(stderr, AGENT_PROG " enroll: --out is required here\n\n");
		bs_opts_usage(&enroll_cmd, stderr);
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

/* config check --config FILE: validate without running; config set and
 * init edit the file (config_edit.c). */
static int
cmd_config(int argc, char **argv)
{
	struct bs_agent_config cfg;
	struct check_args a = {0};
	enum bs_log_level lvl;
	int rv, first;

	if (argc >= 2 && (strcmp(argv[1], "set") == 0 || strcmp(argv[1], "init") == 0))
		return bs_config_edit_command(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		int help =
		    argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

		bs_opts_usage(&check_cmd, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	if ((rv = agent_parsed(bs_opts_parse(&check_cmd, argc - 1, argv + 1, &a, &first))) >= 0)
		return rv;
	if ((rv = agent_load_config(a.config, NULL, NULL, &cfg, &lvl)) != 0)
		return rv;
	printf("%s: ok (root %s, collector %s, every %u s)\n", a.config,
	    cfg.root[0] != '\0' ? cfg.root : "this server, live", cfg.collector, cfg.interval);
	return 0;
}

static int
cmd_run(int argc, char **argv)
{
	struct bs_agent_config cfg;
	struct run_args a = {0};
	const char *cfgpath;
	enum bs_log_level lvl;
	int rv, first;

	if ((rv = agent_parsed(bs_opts_parse(&run_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	cfgpath = a.config;
	if ((rv = agent_load_config(cfgpath, a.root, a.collector, &cfg, &lvl)) != 0)
		return rv;
	bs_log_set_level(lvl);
	if (cfg.log_file[0] != '\0' && bs_log_open_file(cfg.log_file) != 0) {
		fprintf(stderr, "bindscope-agent: %s: [agent] log_file: cannot open %s\n", cfgpath,
		    cfg.log_file);
		return 2;
	}
	bs_stop_on_signals();
	return bs_runner_run(&cfg, a.once, bs_stop_flag());
}

static int
cmd_probe(int argc, char **argv)
{
	struct probe_args a = {0};
	unsigned long long timeout = 5;
	struct bs_probe_target t;
	struct bs_probe_opts o;
	struct bs_arena arena;
	Bindscope__V1__Probe *p = NULL;
	char host[256];
	unsigned port;
	int status, first, rv;

	if ((rv = agent_parsed(bs_opts_parse(&probe_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	if (a.timeout != NULL &&
	    (bs_parse_duration(a.timeout, &timeout) != 0 || timeout == 0 || timeout > 600)) {
		fprintf(stderr, AGENT_PROG " probe: --timeout: 1s to 10m\n");
		return 2;
	}
	if (argc - first != 1 ||
	    bs_probe_parse_target(argv[first], host, sizeof(host), &port) != 0) {
		fprintf(stderr, AGENT_PROG " probe: expected one HOST:PORT\n\n");
		bs_opts_usage(&probe_cmd, stderr);
		return 2;
	}
	t.host = host;
	t.port = port;
	t.name = a.name;
	o.timeout_ms = (unsigned)timeout * 1000;
	o.trust = X509_STORE_new();
	if (o.trust == NULL)
		return 1;
	if (a.ca != NULL ? X509_STORE_load_file(o.trust, a.ca) != 1
	                 : X509_STORE_set_default_paths(o.trust) != 1) {
		fprintf(stderr, AGENT_PROG " probe: cannot load trust anchors%s%s\n",
		    a.ca != NULL ? " from " : "", a.ca != NULL ? a.ca : "");
		X509_STORE_free(o.trust);
		return 2;
	}
	bs_arena_init(&arena, 0);
	if (bs_probe_run(&t, &o, &arena, &p) != 0 || p == NULL) {
		fprintf(stderr, "bindscope-agent probe: out of memory\n");
		status = 1;
		goto out;
	}
	if (a.json) {
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
	bs_arena_fini(&arena);
	return status;
}

/* The commands; each takes argv from its own name on. */
static int
cmd_service(int argc, char **argv)
{
	return bs_service_command(argc - 1, argv + 1);
}

static const struct bs_cmd_entry agent_cmds[] = {
    {"collect", cmd_collect, "one sweep over an evidence root (or, on Windows, this server)"},
    {"run", cmd_run, "sweep on an interval and send each report to the collector"},
    {"probe", cmd_probe, "one live TLS handshake, judged as the Exchange front end would"},
    {"enroll", cmd_enroll, "make this agent's key and a certificate request"},
    {"config", cmd_config, "check: validate without running; set: one key; init"},
    {"service", cmd_service, "the Windows service: install, start, stop, status, uninstall"},
};

int
main(int argc, char **argv)
{
	bs_stop_setup();
	return bs_opts_main(AGENT_PROG,
	    "Audits an Exchange server's IIS and http.sys certificate bindings.", agent_cmds,
	    sizeof(agent_cmds) / sizeof(agent_cmds[0]), argc, argv);
}
