/* runner: sweep -> sign -> spool -> deliver, on an interval. */
#include "runner.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nng/nng.h>
#include <nng/supplemental/util/platform.h>

#include "config.h"
#include "cursor.h"
#include "err.h"
#include "fsutil.h"
#include "ids.h"
#include "log.h"
#include "sender.h"
#include "sig.h"
#include "spool.h"
#include "sweep.h"
#include "wire.h"

#define RUN_MAX_PROBES 32

struct runner {
	const struct bs_agent_config *cfg;
	volatile sig_atomic_t *stop;
	struct bs_sender *snd;
	struct bs_spool spool;
	struct bs_log_options lo;
	struct bs_cursors prev;
	struct bs_probe_options po;
	const char *targets[RUN_MAX_PROBES];
	char targets_buf[1024];
	char cursor_file[BS_PATH_MAX];
	char dropped_file[BS_PATH_MAX];
	char boot[33];
	uint64_t seq;
	EVP_PKEY *key; /* signing identity; NULL when not enrolled */
	uint8_t *cert_der;
	size_t cert_len;
};

/* The redaction key: made once, kept in the state folder, so a user's
 * pseudonym stays the same from one report to the next. */
static int
runner_key(const char *state_dir, uint8_t key[32])
{
	char path[BS_PATH_MAX];
	char *data = NULL;
	size_t len = 0;
	int rv;

	if (bs_path_join(path, sizeof(path), state_dir, "redaction.key") != 0)
		return BS_ETOOBIG;
	rv = bs_fs_read(path, 64, &data, &len);
	if (rv == 0 && len == 32) {
		memcpy(key, data, 32);
		free(data);
		return 0;
	}
	free(data);
	if (rv != BS_ENOENT && rv != 0)
		return rv;
	bs_random_bytes(key, 32);
	return bs_fs_write_private(path, key, 32);
}

static unsigned
runner_read_dropped(const struct runner *r)
{
	char *d = NULL;
	size_t n;
	unsigned long long v = 0;

	if (bs_fs_read(r->dropped_file, 64, &d, &n) == 0) {
		d[strcspn(d, "\n")] = '\0';
		if (bs_parse_uint(d, 0xffffffffULL, &v) != 0)
			v = 0;
	}
	free(d);
	return (unsigned)v;
}

static void
runner_write_dropped(const struct runner *r, unsigned v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%u\n", v);

	if (bs_fs_write_atomic(r->dropped_file, buf, (size_t)n) != 0)
		bs_log(BS_LOG_ERROR, "state_write", "file=\"%s\"", r->dropped_file);
}

/* One sweep, signed and spooled; the cursors move on once it is durable. */
static int
runner_sweep(struct runner *r)
{
	const struct bs_agent_config *cfg = r->cfg;
	struct bs_sweep_options opt = {cfg->root, cfg->agent_id, r->boot, ++r->seq, &r->lo, &r->po,
	    (uint64_t)cfg->max_cpu * 1000000u, (uint64_t)cfg->max_memory_mib * 1024u,
	    (uint64_t)cfg->max_sweep_time * 1000u, NULL};
	struct bs_cursors next;
	struct bs_arena arena;
	bs_report *rep = NULL;
	uint8_t *raw = NULL, *env = NULL, *sig = NULL;
	size_t rawlen, envlen, siglen = 0;
	const char *alg = NULL;
	unsigned carried = runner_read_dropped(r), dropped = 0;
	char name[128];
	int rv;

	bs_cursors_init(&next);
	r->lo.next = &next;
	r->lo.since_ms = bs_now_ms() - (int64_t)cfg->log_max_age * 1000;
	bs_arena_init(&arena, 0);
	rv = bs_sweep_run(&opt, &arena, &rep);
	if (rep == NULL)
		goto out;
	rep->agent->dropped_reports = carried;
	{
		char **names = NULL;
		size_t nspooled = 0;

		/* The backlog, for the collector's metrics: a growing one means
		 * this agent cannot deliver. */
		if (bs_spool_list(&r->spool, &names, &nspooled) == 0) {
			rep->agent->spooled_reports = (uint32_t)nspooled;
			bs_fs_names_free(names, nspooled);
		}
	}
	{
		unsigned long long lines = 0, truncated = 0;

		for (size_t i = 0; i < rep->n_log_samples; i++) {
			lines += rep->log_samples[i]->lines_read;
			truncated += rep->log_samples[i]->files_truncated;
		}
		bs_log(BS_LOG_INFO, "sweep_done",
		    "seq=%llu sites=%zu certificates=%zu log_samples=%zu log_lines=%llu "
		    "logs_truncated=%llu probes=%zu errors=%zu",
		    (unsigned long long)r->seq, rep->n_sites, rep->n_certificates,
		    rep->n_log_samples, lines, truncated, rep->n_probes, rep->n_errors);
	}
	if ((rv = bs_wire_pack(&rep->base, &raw, &rawlen)) != 0)
		goto out;
	if (r->key != NULL && (rv = bs_sig_sign(r->key, raw, rawlen, &sig, &siglen, &alg)) != 0)
		goto out;
	if ((rv = bs_wire_envelope_signed(
	         raw, rawlen, sig, siglen, r->cert_der, r->cert_len, alg, &env, &envlen)) != 0)
		goto out;
	/* Names sort oldest first: collection time, then boot and sequence. */
	snprintf(name, sizeof(name), "%013lld-%s-%08llu.env",
	    (long long)rep->agent->collected_at_ms, r->boot, (unsigned long long)r->seq);
	if ((rv = bs_spool_put(&r->spool, name, env, envlen, &dropped)) != 0) {
		bs_log(BS_LOG_ERROR, "spool_write", "dir=\"%s\" error=\"%s\"", r->spool.dir,
		    bs_strerror(rv));
		goto out;
	}
	runner_write_dropped(r, dropped);
	if (dropped > 0)
		bs_log(BS_LOG_WARN, "spool_full",
		    "dropped=%u detail=\"oldest reports dropped; the "
		    "next report says so\"",
		    dropped);
	/* The report is durable: the lines it covers need not be read again. */
	if (bs_cursors_save(&next, r->cursor_file) != 0)
		bs_log(BS_LOG_ERROR, "cursor_save", "file=\"%s\"", r->cursor_file);
	bs_cursors_fini(&r->prev);
	r->prev = next;
	bs_cursors_init(&next);
out:
	r->lo.next = NULL;
	bs_cursors_fini(&next);
	free(raw);
	free(env);
	free(sig);
	bs_arena_fini(&arena);
	return rv == BS_ENOENT ? 0 : rv; /* an empty sweep still reports */
}

/* Sends the spool oldest first. 0 when it is empty; BS_ETIMEDOUT or
 * BS_ENET when the collector did not answer (try later). */
static int
runner_drain(struct runner *r)
{
	char **names = NULL;
	size_t n = 0;
	int rv;

	if ((rv = bs_spool_list(&r->spool, &names, &n)) != 0)
		return rv;
	for (size_t i = 0; i < n && !*r->stop; i++) {
		Bindscope__V1__AckStatus st = BINDSCOPE__V1__ACK_STATUS__ACK_UNSPECIFIED;
		char reason[256] = "", q[300];
		uint8_t *env = NULL;
		size_t len;

		if (bs_spool_read(&r->spool, names[i], &env, &len) != 0) {
			bs_log(BS_LOG_ERROR, "spool_corrupt",
			    "file=%s detail=\"set aside in corrupt/\"", names[i]);
			bs_spool_set_aside(&r->spool, names[i], "corrupt");
			continue;
		}
		rv = bs_sender_send(r->snd, env, len, &st, reason, sizeof(reason));
		free(env);
		if (rv == 0 &&
		    (st == BINDSCOPE__V1__ACK_STATUS__ACK_STORED ||
		        st == BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE)) {
			bs_spool_remove(&r->spool, names[i]);
			bs_log(BS_LOG_INFO, "report_acked", "file=%s status=%s", names[i],
			    st == BINDSCOPE__V1__ACK_STATUS__ACK_STORED ? "stored" : "duplicate");
			continue;
		}
		if (rv == 0 && st == BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED) {
			/* Resending cannot help; keep it for the admin to read. */
			bs_spool_set_aside(&r->spool, names[i], "refused");
			bs_log(BS_LOG_ERROR, "report_refused", "file=%s reason=%s", names[i],
			    bs_log_quote(reason, q, sizeof(q)));
			continue;
		}
		bs_log(BS_LOG_WARN, "send_failed", "file=%s error=\"%s\" pending=%zu", names[i],
		    rv != 0 ? bs_strerror(rv) : "collector asked to retry", n - i);
		rv = rv != 0 ? rv : BS_ETIMEDOUT;
		bs_fs_names_free(names, n);
		return rv;
	}
	bs_fs_names_free(names, n);
	return 0;
}

/* Sleeps up to secs, waking early when asked to stop. */
static void
runner_sleep(struct runner *r, unsigned secs)
{
	for (unsigned i = 0; i < secs * 10 && !*r->stop; i++)
		nng_msleep(100);
}

static int
runner_setup(struct runner *r)
{
	const struct bs_agent_config *cfg = r->cfg;
	char spooldir[BS_PATH_MAX], err[512];
	struct bs_sender_tls tls = {cfg->tls_ca, cfg->tls_cert, cfg->tls_key, cfg->tls_server_name};
	int want_tls = strncmp(cfg->collector, "tls+", 4) == 0, rv;

	if (bs_fs_mkdir_private(cfg->state_dir) != 0 ||
	    runner_key(cfg->state_dir, r->lo.key) != 0 ||
	    bs_path_join(r->cursor_file, sizeof(r->cursor_file), cfg->state_dir, "cursors.json") !=
	        0 ||
	    bs_path_join(r->dropped_file, sizeof(r->dropped_file), cfg->state_dir, "dropped") !=
	        0 ||
	    bs_path_join(spooldir, sizeof(spooldir), cfg->state_dir, "spool") != 0 ||
	    bs_spool_open(&r->spool, spooldir, cfg->spool_max_reports,
	        (uint64_t)cfg->spool_max_mib * 1024 * 1024) != 0) {
		fprintf(stderr, "bindscope-agent: cannot use state folder %s\n", cfg->state_dir);
		return 2;
	}
	if (cfg->tls_cert[0] != '\0' || cfg->tls_key[0] != '\0') {
		X509 *x = NULL;

		if (bs_pem_load_key(cfg->tls_key, &r->key) != 0 ||
		    bs_pem_load_cert(cfg->tls_cert, &x) != 0 ||
		    bs_cert_der(x, &r->cert_der, &r->cert_len) != 0 ||
		    X509_check_private_key(x, r->key) != 1) {
			fprintf(stderr,
			    "bindscope-agent: [tls] cert_file %s and key_file %s: cannot "
			    "load a matching certificate and key\n",
			    cfg->tls_cert, cfg->tls_key);
			X509_free(x);
			return 2;
		}
		X509_free(x);
	}
	if (want_tls && (cfg->tls_ca[0] == '\0' || r->key == NULL)) {
		fprintf(stderr,
		    "bindscope-agent: [agent] collector is tls+tcp:// but [tls] ca_file, "
		    "cert_file or key_file is not set\n");
		return 2;
	}
	if ((rv = bs_sender_create(
	         cfg->collector, cfg->send_timeout * 1000, want_tls ? &tls : NULL, &r->snd)) != 0) {
		fprintf(stderr, "bindscope-agent: cannot use collector '%s': %s\n", cfg->collector,
		    bs_strerror(rv));
		return 2;
	}
	bs_cursors_init(&r->prev);
	if (bs_cursors_load(&r->prev, r->cursor_file, err, sizeof(err)) != 0) {
		/* Unreadable cursors: start over from the window rather than stop. */
		bs_log(BS_LOG_WARN, "cursor_load", "error=\"%s\"", err);
		bs_cursors_fini(&r->prev);
	}
	r->lo.prev = &r->prev;
	r->lo.budget = (uint64_t)cfg->log_budget_mib * 1024 * 1024;
	r->lo.redact = cfg->redact_personal_data;
	snprintf(r->targets_buf, sizeof(r->targets_buf), "%s", cfg->probe_targets);
	r->po.targets = r->targets;
	/* [probe] targets: a space-separated list, split in place. */
	for (char *p = r->targets_buf; *p != '\0' && r->po.ntargets < RUN_MAX_PROBES;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		r->targets[r->po.ntargets++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	r->po.timeout_ms = cfg->probe_timeout * 1000;
	r->po.ca_file = cfg->probe_ca_file[0] != '\0' ? cfg->probe_ca_file : NULL;
	bs_random_hex(r->boot, 16);
	if (!want_tls)
		bs_log(BS_LOG_WARN, "insecure_transport",
		    "collector=%s detail=\"reports travel "
		    "unencrypted; enroll the agent and use tls+tcp://\"",
		    cfg->collector);
	return 0;
}

static void
runner_teardown(struct runner *r)
{
	bs_sender_destroy(r->snd);
	bs_cursors_fini(&r->prev);
	EVP_PKEY_free(r->key);
	free(r->cert_der);
}

int
bs_runner_run(const struct bs_agent_config *cfg, int once, volatile sig_atomic_t *stop)
{
	struct runner r;
	int status, rv = 0;

	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.stop = stop;
	if ((status = runner_setup(&r)) != 0) {
		runner_teardown(&r);
		return status;
	}
	bs_log(BS_LOG_INFO, "agent_start", "boot_id=%s collector=%s interval=%u signed=%s", r.boot,
	    cfg->collector, cfg->interval, r.key != NULL ? "yes" : "no");
	while (!*stop) {
		unsigned backoff = 1, waited = 0;

		if ((rv = runner_sweep(&r)) != 0)
			bs_log(BS_LOG_ERROR, "sweep_failed", "error=\"%s\"", bs_strerror(rv));
		/* Deliver; on failure retry with exponential backoff and
		 * jitter until the next sweep is due. */
		while ((rv = runner_drain(&r)) != 0 && !*stop) {
			unsigned char j;
			unsigned wait;

			/* --once: a few quick tries, then leave it spooled. */
			if (once && backoff > 2)
				break;
			bs_random_bytes(&j, 1);
			wait = backoff + (unsigned)(j % (backoff + 1));
			if (!once && waited + wait >= cfg->interval)
				break;
			runner_sleep(&r, wait);
			waited += wait;
			backoff = backoff < 300 ? backoff * 2 : 300;
		}
		if (once)
			break;
		if (cfg->interval > waited)
			runner_sleep(&r, cfg->interval - waited);
	}
	runner_teardown(&r);
	return rv == 0 ? 0 : 1;
}
