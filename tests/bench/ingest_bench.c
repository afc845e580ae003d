/* ingest_bench: N concurrent agents (one NNG REQ socket and thread each)
 * send realistic signed reports to a collector for a fixed time; prints
 * the acknowledged reports per second. Every report is distinct (own boot
 * id, rising sequence), so each one is a durable SQLite commit.
 *   ingest_bench URL AGENTS SECONDS REPORT.pb KEY CERT [CA]
 * With CA the transport is mutual TLS (server name "localhost").
 * BS_BENCH_PRESIGN=N: each agent signs N reports before the clock starts
 * (as real agents do at sweep time, on their own machines) and sends only
 * those, so the figure is the collector's, not this machine's signing. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "err.h"
#include "fsutil.h"
#include "ids.h"
#include "sender.h"
#include "sig.h"
#include "wire.h"

struct bench {
	const char *url;
	struct bs_sender_tls tls;
	int use_tls;
	const uint8_t *tmpl;
	size_t tmpl_len;
	EVP_PKEY *key;
	uint8_t *cert;
	size_t cert_len;
	double secs; /* each agent sends for this long after the start barrier */
	atomic_ulong acked, failed;
	unsigned presign;
	pthread_barrier_t ready;
};

/* One signed envelope of the template as boot/seq. */
static int
make_env(struct bench *b, const char *boot, uint64_t seq, uint8_t **env, size_t *envlen)
{
	struct bs_arena a;
	bs_report *r;
	uint8_t *raw = NULL, *sig = NULL;
	size_t rawlen, siglen;
	const char *alg;
	int rv = -1;

	bs_arena_init(&a, 0);
	if (bs_wire_unpack_report(&a, b->tmpl, b->tmpl_len, &r) == 0) {
		r->agent->boot_id = (char *)boot;
		r->agent->sequence = seq;
		if (bs_wire_pack(&r->base, &raw, &rawlen) == 0 &&
		    bs_sig_sign(b->key, raw, rawlen, &sig, &siglen, &alg) == 0 &&
		    bs_wire_envelope_signed(
		        raw, rawlen, sig, siglen, b->cert, b->cert_len, alg, env, envlen) == 0)
			rv = 0;
	}
	free(raw);
	free(sig);
	bs_arena_fini(&a);
	return rv;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
agent_thread(void *arg)
{
	struct bench *b = arg;
	struct bs_sender *s = NULL;
	char boot[33];
	uint64_t seq = 0;
	uint8_t **pre = NULL;
	size_t *prelen = NULL;
	unsigned npre = 0, next = 0;
	double until;

	bs_random_hex(boot, 16);
	if (b->presign > 0) {
		pre = calloc(b->presign, sizeof(*pre));
		prelen = calloc(b->presign, sizeof(*prelen));
		for (; pre != NULL && prelen != NULL && npre < b->presign; npre++)
			if (make_env(b, boot, ++seq, &pre[npre], &prelen[npre]) != 0)
				break;
	}
	if (bs_sender_create(b->url, 10000, b->use_tls ? &b->tls : NULL, &s) != 0)
		s = NULL;
	pthread_barrier_wait(&b->ready);
	until = now_s() + b->secs;
	while (s != NULL && now_s() < until) {
		uint8_t *env = NULL;
		size_t envlen = 0;
		Bindscope__V1__AckStatus st;
		char why[256];

		if (b->presign > 0) {
			if (next == npre)
				break; /* all sent */
			env = pre[next];
			envlen = prelen[next];
			pre[next++] = NULL;
		} else if (make_env(b, boot, ++seq, &env, &envlen) != 0) {
			break;
		}
		if (bs_sender_send(s, env, envlen, &st, why, sizeof(why)) == 0 &&
		    st == BINDSCOPE__V1__ACK_STATUS__ACK_STORED)
			atomic_fetch_add(&b->acked, 1);
		else
			atomic_fetch_add(&b->failed, 1);
		free(env);
	}
	for (unsigned i = 0; pre != NULL && i < npre; i++)
		free(pre[i]);
	free(pre);
	free(prelen);
	bs_sender_destroy(s);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct bench b;
	pthread_t *th;
	char *tmpl = NULL;
	X509 *x = NULL;
	int n;
	unsigned long long v;
	double secs, t0;

	if (argc != 7 && argc != 8) {
		fprintf(stderr, "usage: ingest_bench URL AGENTS SECONDS REPORT.pb KEY CERT [CA]\n");
		return 2;
	}
	memset(&b, 0, sizeof(b));
	b.url = argv[1];
	if (bs_parse_uint(argv[2], 10000, &v) != 0 || v == 0) {
		fprintf(stderr, "ingest_bench: AGENTS: 1 to 10000\n");
		return 2;
	}
	n = (int)v;
	if (bs_parse_uint(argv[3], 3600, &v) != 0 || v == 0) {
		fprintf(stderr, "ingest_bench: SECONDS: 1 to 3600\n");
		return 2;
	}
	secs = (double)v;
	if (bs_fs_read(argv[4], 8u << 20, &tmpl, &b.tmpl_len) != 0 ||
	    bs_pem_load_key(argv[5], &b.key) != 0 || bs_pem_load_cert(argv[6], &x) != 0 ||
	    bs_cert_der(x, &b.cert, &b.cert_len) != 0) {
		fprintf(stderr, "ingest_bench: cannot load the report, key or certificate\n");
		return 2;
	}
	b.tmpl = (const uint8_t *)tmpl;
	if (argc == 8) {
		b.use_tls = 1;
		b.tls.ca_file = argv[7];
		b.tls.cert_file = argv[6];
		b.tls.key_file = argv[5];
		b.tls.server_name = "localhost";
	}
	if (getenv("BS_BENCH_PRESIGN") != NULL &&
	    (bs_parse_uint(getenv("BS_BENCH_PRESIGN"), 100000, &v) != 0 || v == 0)) {
		fprintf(stderr, "ingest_bench: BS_BENCH_PRESIGN: 1 to 100000\n");
		return 2;
	}
	b.presign = getenv("BS_BENCH_PRESIGN") != NULL ? (unsigned)v : 0;
	th = calloc((size_t)n, sizeof(*th));
	pthread_barrier_init(&b.ready, NULL, (unsigned)n + 1);
	b.secs = secs;
	for (int i = 0; i < n; i++)
		pthread_create(&th[i], NULL, agent_thread, &b);
	pthread_barrier_wait(&b.ready); /* every agent connected (and signed) */
	t0 = now_s();
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	secs = now_s() - t0;
	printf("%s%s: %d agents, %.1f s: %lu reports acknowledged (%.0f/s), %lu failed, "
	       "%zu-byte reports\n",
	    b.use_tls ? "mutual TLS" : "plain tcp", b.presign > 0 ? " (pre-signed)" : "", n, secs,
	    atomic_load(&b.acked), (double)atomic_load(&b.acked) / secs, atomic_load(&b.failed),
	    b.tmpl_len);
	pthread_barrier_destroy(&b.ready);
	free(th);
	free(tmpl);
	free(b.cert);
	X509_free(x);
	EVP_PKEY_free(b.key);
	return 0;
}
