/* server: NNG REP contexts feeding one SQLite ingest worker. */
#include "ingest/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/tls/tls.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "tlsconf.h"
#include "fsutil.h"
#include "ingest/front.h"
#include "ingest/ingest.h"
#include "log.h"
#include "store/store.h"
#include "wire.h"

/* Concurrent receives in flight; more only queue in NNG. */
#define SRV_NCTX 256

/* Defaults of [collector] max_connections ... reply_timeout: far above a
 * fleet's needs per address (one agent keeps one connection), below the
 * descriptors the unit grants (LimitNOFILE), deadlines past any sweep. */
#define SRV_MAX_CONNS 4096u
#define SRV_MAX_PER_ADDRESS 32u
#define SRV_MAX_REQUESTS 4u
#define SRV_HANDSHAKE_MS 10000u /* an agent's takes well under a second */
#define SRV_LOGIN_MS 180000u /* past the agents' max_sweep_time (120 s) */
#define SRV_IDLE_MS 900000u
#define SRV_REPLY_MS 10000u

enum srv_state { SRV_RECV, SRV_SEND };

struct srv_ctx {
	struct bs_server_nng *srv;
	nng_aio *aio;
	nng_ctx ctx;
	enum srv_state state;
	nng_msg *msg; /* received, waiting for the verifiers or the worker */
	struct timespec received; /* for the ingest latency histogram */
	struct bs_ingest_prepared prep; /* decoded and verified, for the worker */
	struct bs_ingest_result res;
	uint32_t pipe; /* the connection the request came on (bs_pipes) */
	struct srv_ctx *next;
};

/* Threads that decode and verify reports (CPU: ECDSA, X.509) ahead of the
 * one database thread, so the commit never waits for cryptography. */
#define SRV_NVERIFY 2

const double bs_server_latency_bounds[BS_SERVER_BUCKETS] = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

struct bs_server_nng {
	nng_socket sock;
	int sock_open;
	nng_tls_config *tls;
	struct bs_verifier *verifiers[SRV_NVERIFY]; /* one per verify thread (caches) */
	struct bs_store *store;
	struct srv_ctx ctxs[SRV_NCTX];
	pthread_t worker, verify[SRV_NVERIFY];
	int worker_started, n_verify;
	pthread_mutex_t lock;
	pthread_cond_t cv, vcv;
	struct srv_ctx *head, *tail; /* verified, for the database worker */
	struct srv_ctx *vhead, *vtail; /* received, for the verifiers */
	int stopping;
	struct bs_server_stats stats;
	struct bs_server_limits lim;
	struct bs_pipes *pipes;
	struct bs_front *front; /* NULL: NNG listens on the URL itself (ipc://) */
	pthread_t reaper; /* closes connections past their deadlines */
	int reaper_started;
	pthread_cond_t rcv;
};

void
bs_server_limits_defaults(struct bs_server_limits *l)
{
	l->conns.max_total = SRV_MAX_CONNS;
	l->conns.max_per_address = SRV_MAX_PER_ADDRESS;
	l->conns.max_requests = SRV_MAX_REQUESTS;
	l->handshake_ms = SRV_HANDSHAKE_MS;
	l->conns.login_ms = SRV_LOGIN_MS;
	l->conns.idle_ms = SRV_IDLE_MS;
	l->reply_ms = SRV_REPLY_MS;
}

static int64_t
srv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The loopback port a pipe comes from, behind the front; 0 otherwise. */
static unsigned
srv_relay_port(struct bs_server_nng *s, nng_pipe p)
{
	nng_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	if (s->front == NULL || nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa) != 0 ||
	    sa.s_family != NNG_AF_INET || sa.s_in.sa_addr != htonl(INADDR_LOOPBACK))
		return 0;
	return ntohs(sa.s_in.sa_port);
}

/* Closes an admitted pipe: behind the front, by ending its relay (NNG
 * then closes the pipe itself; nng_pipe_close on a pipe a message is
 * arriving on can hang NNG 1.5.2, see front.c's front_close). */
static void
srv_close_pipe(struct bs_server_nng *s, uint32_t id)
{
	nng_pipe p = NNG_PIPE_INITIALIZER;
	unsigned port;

	p.id = id;
	port = srv_relay_port(s, p);
	if (port != 0 && bs_front_hangup(s->front, port, id) == 0) {
		bs_log(BS_LOG_DEBUG, "connection_close", "pipe=%u via=front", id);
		return;
	}
	bs_log(BS_LOG_DEBUG, "connection_close", "pipe=%u rv=%d", id, nng_pipe_close(p));
}

/* The source of a pipe: its IP address (the port left out), or, behind
 * the front, the address of the agent the front relays it for. Nonzero: a
 * connection to the private listener the front did not make. */
static int
srv_pipe_source(struct bs_server_nng *s, nng_pipe p, uint8_t addr[16], size_t *len)
{
	nng_sockaddr sa;

	*len = 0;
	memset(&sa, 0, sizeof(sa));
	if (nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa) != 0)
		return s->front != NULL ? BS_ENOENT : 0;
	if (s->front != NULL)
		return sa.s_family == NNG_AF_INET && sa.s_in.sa_addr == htonl(INADDR_LOOPBACK)
		    ? bs_front_source(
		          s->front, ntohs(sa.s_in.sa_port), (uint32_t)nng_pipe_id(p), addr, len)
		    : BS_ENOENT;
	if (sa.s_family == NNG_AF_INET) {
		memcpy(addr, &sa.s_in.sa_addr, 4);
		*len = 4;
	} else if (sa.s_family == NNG_AF_INET6) {
		memcpy(addr, sa.s_in6.sa_addr, 16);
		*len = 16;
	}
	return 0;
}

/* A new connection: admitted within the caps, or closed before NNG adds
 * it to the socket. */
static void
srv_pipe_added(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct bs_server_nng *s = arg;
	uint8_t addr[16];
	size_t len;

	(void)ev;
	if (srv_pipe_source(s, p, addr, &len) != 0) {
		bs_log(BS_LOG_WARN, "connection_refused",
		    "pipe=%d detail=\"not relayed by the agent port's front\"", nng_pipe_id(p));
		nng_pipe_close(p);
		return;
	}
	if (bs_pipes_add(s->pipes, (uint32_t)nng_pipe_id(p), addr, len, srv_now_ms()) != 0) {
		bs_log(BS_LOG_DEBUG, "connection_refused", "pipe=%d", nng_pipe_id(p));
		nng_pipe_close(p);
		return;
	}
	bs_log(BS_LOG_DEBUG, "connection_opened", "pipe=%d", nng_pipe_id(p));
}

static void
srv_pipe_removed(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct bs_server_nng *s = arg;
	unsigned port = srv_relay_port(s, p);

	(void)ev;
	bs_log(BS_LOG_DEBUG, "connection_closed", "pipe=%d", nng_pipe_id(p));
	bs_pipes_remove(s->pipes, (uint32_t)nng_pipe_id(p));
	if (port != 0)
		bs_front_pipe_gone(s->front, port, (uint32_t)nng_pipe_id(p));
}

/* The agent port's counts: NNG's pipes' and the front's, which holds
 * every connection (handshaking or not) NNG has. */
static void
srv_conn_stats(struct bs_server_nng *s, struct bs_pipes_stats *out)
{
	struct bs_pipes_stats f;

	bs_pipes_stats(s->pipes, out);
	if (s->front == NULL)
		return;
	bs_front_stats(s->front, &f);
	out->open = f.open;
	for (size_t r = 0; r < BS_PIPES_NREASONS; r++)
		out->by_reason[r] += f.by_reason[r];
}

/* Every half second: closes the connections past their login or idle
 * deadline, and logs how many connections were refused or closed, and
 * requests or replies dropped, since. Only this thread closes a
 * connection that has been admitted, and only a quiet one, through the
 * front where there is one: NNG 1.5.2's TCP transport can lose a receive
 * when a pipe is closed while a message is arriving, and the pipe is then
 * never reaped (nor any after it). */
static void *
srv_reaper(void *arg)
{
	struct bs_server_nng *s = arg;
	struct bs_pipes_stats last;
	uint32_t ids[SRV_NCTX];

	memset(&last, 0, sizeof(last));
	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		struct timespec until;
		struct bs_pipes_stats now;
		size_t n;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 500000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->rcv, &s->lock, &until);
		if (s->stopping)
			break;
		pthread_mutex_unlock(&s->lock);
		while ((n = bs_pipes_expired(s->pipes, srv_now_ms(), ids, SRV_NCTX)) > 0)
			for (size_t i = 0; i < n; i++)
				srv_close_pipe(s, ids[i]);
		srv_conn_stats(s, &now);
		for (size_t r = 0; r < BS_PIPES_NREASONS; r++)
			if (now.by_reason[r] != last.by_reason[r])
				bs_log(BS_LOG_WARN, "connections_dropped",
				    "reason=%s count=%llu total=%llu open=%llu",
				    bs_pipes_reason_names[r],
				    (unsigned long long)(now.by_reason[r] - last.by_reason[r]),
				    (unsigned long long)now.by_reason[r],
				    (unsigned long long)now.open);
		last = now;
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void
srv_recv(struct srv_ctx *c)
{
	c->state = SRV_RECV;
	c->pipe = 0;
	nng_aio_set_timeout(c->aio, NNG_DURATION_INFINITE); /* a request may take its time */
	nng_ctx_recv(c->ctx, c->aio);
}

/* The reply went (or was dropped): the connection's request is over. */
static void
srv_request_done(struct srv_ctx *c, int accepted)
{
	if (c->pipe != 0)
		bs_pipes_end(c->srv->pipes, c->pipe, accepted, srv_now_ms());
}

static void
srv_cb(void *arg)
{
	struct srv_ctx *c = arg;
	struct bs_server_nng *s = c->srv;
	int rv = nng_aio_result(c->aio);

	if (c->state == SRV_SEND) {
		int accepted = c->res.status == BINDSCOPE__V1__ACK_STATUS__ACK_STORED ||
		    c->res.status == BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE;

		if (rv != 0)
			nng_msg_free(nng_aio_get_msg(c->aio));
		srv_request_done(c, rv == 0 && accepted);
		if (rv == NNG_ETIMEDOUT)
			bs_pipes_count(s->pipes, BS_PIPES_REPLY); /* its peer does not read */
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			return;
		srv_recv(c);
		return;
	}
	if (rv != 0) {
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			return;
		srv_recv(c); /* a transport error on one pipe: keep serving */
		return;
	}
	c->msg = nng_aio_get_msg(c->aio);
	c->pipe = (uint32_t)nng_pipe_id(nng_msg_get_pipe(c->msg));
	rv = bs_pipes_begin(s->pipes, c->pipe, srv_now_ms());
	if (rv != 0) {
		/* Gone already, or it holds its share of the contexts: a peer
		 * that sends more than a few requests without taking the
		 * replies is not served until it does (and not closed while
		 * it sends, see srv_reaper). */
		nng_msg_free(c->msg);
		c->msg = NULL;
		srv_recv(c);
		return;
	}
	/* No work on NNG's thread: hand it to the verifiers. */
	clock_gettime(CLOCK_MONOTONIC, &c->received);
	pthread_mutex_lock(&s->lock);
	c->next = NULL;
	if (s->vtail != NULL)
		s->vtail->next = c;
	else
		s->vhead = c;
	s->vtail = c;
	pthread_cond_signal(&s->vcv);
	pthread_mutex_unlock(&s->lock);
}

static void
srv_answer(struct srv_ctx *c, const struct bs_ingest_result *res)
{
	nng_msg *reply = NULL;
	uint8_t *ack = NULL;
	size_t acklen = 0;

	if (bs_wire_ack(res->status, res->reason, &ack, &acklen) != 0 ||
	    nng_msg_alloc(&reply, 0) != 0 || nng_msg_append(reply, ack, acklen) != 0) {
		free(ack);
		if (reply != NULL)
			nng_msg_free(reply);
		srv_request_done(c, 0);
		srv_recv(c); /* the agent times out and resends */
		return;
	}
	free(ack);
	c->res.status = res->status; /* for srv_cb: was it accepted */
	nng_aio_set_msg(c->aio, reply);
	c->state = SRV_SEND;
	/* REP queues a reply behind the one its connection has not taken:
	 * past the deadline it is dropped and the context serves others. */
	nng_aio_set_timeout(c->aio, (nng_duration)c->srv->lim.reply_ms);
	nng_ctx_send(c->ctx, c->aio);
}

static void
srv_account(struct bs_server_nng *s, const struct srv_ctx *c, const struct bs_ingest_result *res)
{
	const char *code = res->code != NULL ? res->code : "unknown";
	struct timespec now;
	double secs;
	size_t k;
	char q[300];

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - c->received.tv_sec) +
	    (double)(now.tv_nsec - c->received.tv_nsec) / 1e9;
	pthread_mutex_lock(&s->lock);
	for (k = 0; k < s->stats.n_codes; k++)
		if (strcmp(s->stats.by_code[k].code, code) == 0)
			break;
	if (k == s->stats.n_codes && k < BS_SERVER_CODES)
		s->stats.by_code[s->stats.n_codes++].code = code;
	if (k < BS_SERVER_CODES)
		s->stats.by_code[k].n++;
	for (size_t b = 0; b < BS_SERVER_BUCKETS; b++)
		if (secs <= bs_server_latency_bounds[b])
			s->stats.latency_le[b]++;
	s->stats.latency_count++;
	s->stats.latency_sum += secs;
	switch (res->status) {
	case BINDSCOPE__V1__ACK_STATUS__ACK_STORED: s->stats.stored++; break;
	case BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE: s->stats.duplicate++; break;
	case BINDSCOPE__V1__ACK_STATUS__ACK_RETRY: s->stats.retry++; break;
	default: s->stats.refused++; break;
	}
	pthread_mutex_unlock(&s->lock);
	switch (res->status) {
	case BINDSCOPE__V1__ACK_STATUS__ACK_STORED:
		bs_log(BS_LOG_DEBUG, "report_stored", "fqdn=%s", res->fqdn);
		break;
	case BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE:
		bs_log(BS_LOG_INFO, "report_duplicate", "fqdn=%s", res->fqdn);
		break;
	case BINDSCOPE__V1__ACK_STATUS__ACK_RETRY:
		bs_log(BS_LOG_WARN, "report_retry", "reason=%s",
		    bs_log_quote(res->reason, q, sizeof(q)));
		break;
	default:
		bs_log(BS_LOG_WARN, "report_refused", "reason=%s",
		    bs_log_quote(res->reason, q, sizeof(q)));
		break;
	}
}

struct srv_verify_arg {
	struct bs_server_nng *s;
	int index;
};

/* Decodes and verifies; a refused report is answered here, an accepted one
 * queued for the database worker. */
static void *
srv_verifier(void *arg)
{
	struct srv_verify_arg *va = arg;
	struct bs_server_nng *s = va->s;
	struct bs_verifier *v = s->verifiers[va->index];

	free(va);
	for (;;) {
		struct srv_ctx *c;

		pthread_mutex_lock(&s->lock);
		while (s->vhead == NULL && !s->stopping)
			pthread_cond_wait(&s->vcv, &s->lock);
		c = s->vhead;
		if (c != NULL) {
			s->vhead = c->next;
			if (s->vhead == NULL)
				s->vtail = NULL;
		}
		pthread_mutex_unlock(&s->lock);
		if (c == NULL)
			break; /* stopping; what is still queued is dropped and resent */
		if (bs_ingest_prepare_envelope(
		        v, nng_msg_body(c->msg), nng_msg_len(c->msg), &c->prep, &c->res) != 0) {
			bs_ingest_prepared_fini(&c->prep);
			nng_msg_free(c->msg);
			c->msg = NULL;
			srv_account(s, c, &c->res);
			srv_answer(c, &c->res);
			continue;
		}
		pthread_mutex_lock(&s->lock);
		c->next = NULL;
		if (s->tail != NULL)
			s->tail->next = c;
		else
			s->head = c;
		s->tail = c;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

/* Takes every queued report (up to SRV_BATCH), stores them in one
 * transaction (group commit: one fsync for the batch), and only after the
 * commit answers each. If anything in the batch fails to store, the whole
 * batch is rolled back and every agent is told to retry. */
#define SRV_BATCH 256

static void *
srv_worker(void *arg)
{
	struct bs_server_nng *s = arg;
	struct srv_ctx *batch[SRV_BATCH];
	struct bs_ingest_result res[SRV_BATCH];

	for (;;) {
		size_t n = 0;
		int store_failed = 0, in_tx;

		pthread_mutex_lock(&s->lock);
		while (s->head == NULL && !s->stopping)
			pthread_cond_wait(&s->cv, &s->lock);
		while (s->head != NULL && n < SRV_BATCH) {
			batch[n++] = s->head;
			s->head = s->head->next;
		}
		if (s->head == NULL)
			s->tail = NULL;
		pthread_mutex_unlock(&s->lock);
		if (n == 0)
			break;

		in_tx = bs_store_begin(s->store) == 0;
		for (size_t i = 0; i < n; i++) {
			struct srv_ctx *c = batch[i];

			res[i] = c->res;
			if (in_tx) {
				bs_ingest_store(s->store, &c->prep, &res[i]);
			} else {
				memset(&res[i], 0, sizeof(res[i]));
				res[i].status = BINDSCOPE__V1__ACK_STATUS__ACK_RETRY;
				res[i].code = "store_busy";
				snprintf(res[i].reason, sizeof(res[i].reason), "store busy");
			}
			store_failed |= res[i].status == BINDSCOPE__V1__ACK_STATUS__ACK_RETRY;
			bs_ingest_prepared_fini(&c->prep);
			nng_msg_free(c->msg);
			c->msg = NULL;
		}
		if (in_tx) {
			if (store_failed)
				bs_store_rollback(s->store);
			else
				store_failed = bs_store_commit(s->store) != 0;
		}
		for (size_t i = 0; i < n; i++) {
			if (store_failed &&
			    (res[i].status == BINDSCOPE__V1__ACK_STATUS__ACK_STORED ||
			        res[i].status == BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE)) {
				res[i].status = BINDSCOPE__V1__ACK_STATUS__ACK_RETRY;
				res[i].code = "store_error";
				snprintf(res[i].reason, sizeof(res[i].reason),
				    "store: batch not committed");
			}
			srv_account(s, batch[i], &res[i]);
			srv_answer(batch[i], &res[i]);
		}
	}
	return NULL;
}

/* NNG's listener: on url itself, or, for a TCP port, on a private
 * loopback port with the front on url's address. */
static int
srv_listen(struct bs_server_nng *s, const char *url, int *nrv)
{
	struct bs_front_limits fl = {
	    s->lim.conns.max_total, s->lim.conns.max_per_address, s->lim.handshake_ms};
	struct bs_front_at at;
	char priv[64];
	nng_listener l;
	int bound = 0, rv;

	rv = bs_front_parse_url(url, &at);
	if (rv == BS_EINVAL) {
		bs_log(BS_LOG_ERROR, "listen_config",
		    "url=%s error=\"expected SCHEME://HOST:PORT\"", url);
		return rv;
	}
	snprintf(priv, sizeof(priv), "%s://127.0.0.1:0",
	    at.kind == BS_HANDSHAKE_TLS ? "tls+tcp" : "tcp");
	/* The TLS configuration goes on the listener, not the socket. */
	if ((*nrv = nng_listener_create(&l, s->sock, rv == 0 ? priv : url)) != 0 ||
	    (s->tls != NULL && (*nrv = nng_listener_set_ptr(l, NNG_OPT_TLS_CONFIG, s->tls)) != 0) ||
	    (*nrv = nng_listener_start(l, 0)) != 0)
		return BS_ENET;
	if (rv == BS_ENOENT)
		return 0;
	if ((*nrv = nng_listener_get_int(l, NNG_OPT_TCP_BOUND_PORT, &bound)) != 0)
		return BS_ENET;
	return bs_front_start(&at, (unsigned)bound, &fl, &s->front);
}

int
bs_server_nng_start(const char *url, const char *db_path, const struct bs_server_tls *tls,
    const struct bs_server_limits *lim, struct bs_server_nng **out)
{
	struct bs_server_nng *s = calloc(1, sizeof(*s));
	int rv, nrv = 0;

	*out = NULL;
	if (s == NULL)
		return BS_ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cv, NULL);
	pthread_cond_init(&s->vcv, NULL);
	pthread_cond_init(&s->rcv, NULL);
	if (lim != NULL)
		s->lim = *lim;
	else
		bs_server_limits_defaults(&s->lim);
	if ((rv = bs_pipes_create(&s->lim.conns, &s->pipes)) != 0)
		goto out;
	if ((strncmp(url, "tls+", 4) == 0) != (tls != NULL)) {
		bs_log(BS_LOG_ERROR, "listen_config",
		    "url=%s error=\"tls+tcp:// needs the [tls] "
		    "files, and they need tls+tcp://\"",
		    url);
		rv = BS_EINVAL;
		goto out;
	}
	if (tls != NULL &&
	    (rv = bs_tlsconf_create(NNG_TLS_MODE_SERVER, tls->ca_file, tls->cert_file,
	         tls->key_file, NULL, &s->tls)) != 0)
		goto out;
	for (int i = 0; tls != NULL && i < SRV_NVERIFY; i++)
		if ((rv = bs_verifier_create(tls->ca_file, tls->revoked_file, &s->verifiers[i])) !=
		    0)
			goto out;
	if ((rv = bs_store_open(db_path, 0, &s->store)) != 0)
		goto out;
	rv = BS_ENET;
	if ((nrv = nng_rep0_open(&s->sock)) != 0)
		goto out;
	s->sock_open = 1;
	/* A hostile peer cannot make NNG buffer more than one report. */
	if ((nrv = nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, BS_WIRE_MAX_MSG + 4096)) != 0 ||
	    (nrv = nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_PRE, srv_pipe_added, s)) != 0 ||
	    (nrv = nng_pipe_notify(s->sock, NNG_PIPE_EV_REM_POST, srv_pipe_removed, s)) != 0)
		goto out;
	if (pthread_create(&s->reaper, NULL, srv_reaper, s) != 0)
		goto out;
	s->reaper_started = 1;
	if (pthread_create(&s->worker, NULL, srv_worker, s) != 0)
		goto out;
	s->worker_started = 1;
	for (int i = 0; i < SRV_NVERIFY; i++) {
		struct srv_verify_arg *va = malloc(sizeof(*va));

		if (va == NULL)
			goto out;
		va->s = s;
		va->index = i;
		if (pthread_create(&s->verify[i], NULL, srv_verifier, va) != 0) {
			free(va);
			goto out;
		}
		s->n_verify++;
	}
	for (int i = 0; i < SRV_NCTX; i++) {
		struct srv_ctx *c = &s->ctxs[i];

		c->srv = s;
		if ((nrv = nng_aio_alloc(&c->aio, srv_cb, c)) != 0 ||
		    (nrv = nng_ctx_open(&c->ctx, s->sock)) != 0)
			goto out;
	}
	if ((rv = srv_listen(s, url, &nrv)) != 0)
		goto out;
	for (int i = 0; i < SRV_NCTX; i++)
		srv_recv(&s->ctxs[i]);
	bs_log(BS_LOG_INFO, "listening", "url=%s auth=%s", url,
	    tls != NULL ? "mutual-tls+signed-reports" : "none");
	*out = s;
	return 0;
out:
	if (nrv != 0)
		bs_log(
		    BS_LOG_ERROR, "listen_failed", "url=%s error=\"%s\"", url, nng_strerror(nrv));
	bs_server_nng_stop(s);
	return rv;
}

void
bs_server_nng_stop(struct bs_server_nng *s)
{
	if (s == NULL)
		return;
	/* No new bytes from agents, and every relayed pipe closed by NNG
	 * itself (s->front stays valid for NNG's callbacks until nng_close). */
	bs_front_stop(s->front);
	/* Closing the socket ends receives; the worker finishes the report it
	 * is committing (its answer is dropped: the agent resends, and the
	 * store de-duplicates). */
	if (s->sock_open)
		nng_close(s->sock);
	for (int i = 0; i < SRV_NCTX; i++)
		if (s->ctxs[i].aio != NULL)
			nng_aio_stop(s->ctxs[i].aio);
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->vcv);
	pthread_cond_broadcast(&s->rcv);
	pthread_mutex_unlock(&s->lock);
	if (s->reaper_started)
		pthread_join(s->reaper, NULL);
	/* Verifiers first: they feed the worker, which then drains what was
	 * verified and commits it before it stops. */
	for (int i = 0; i < s->n_verify; i++)
		pthread_join(s->verify[i], NULL);
	if (s->worker_started) {
		pthread_mutex_lock(&s->lock);
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->worker, NULL);
	}
	for (int i = 0; i < SRV_NCTX; i++) {
		bs_ingest_prepared_fini(&s->ctxs[i].prep);
		if (s->ctxs[i].msg != NULL)
			nng_msg_free(s->ctxs[i].msg);
		if (s->ctxs[i].aio != NULL)
			nng_aio_free(s->ctxs[i].aio);
	}
	bs_front_destroy(s->front);
	bs_store_close(s->store);
	for (int i = 0; i < SRV_NVERIFY; i++)
		bs_verifier_destroy(s->verifiers[i]);
	if (s->tls != NULL)
		nng_tls_config_free(s->tls);
	bs_pipes_destroy(s->pipes);
	pthread_cond_destroy(&s->cv);
	pthread_cond_destroy(&s->vcv);
	pthread_cond_destroy(&s->rcv);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void
bs_server_nng_stats(struct bs_server_nng *s, struct bs_server_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->stats;
	pthread_mutex_unlock(&s->lock);
	srv_conn_stats(s, &out->conns);
}
