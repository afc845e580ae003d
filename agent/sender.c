/* sender: NNG REQ client for reports. */
#include "sender.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/tls/tls.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "tlsconf.h"
#include "fsutil.h"
#include "log.h"

#define SENDER_CLOSE_SECS 5

struct bs_sender {
	nng_socket sock;
	int open;
	nng_tls_config *tls;
};

/* The host part of "tls+tcp://host:port", for the server-name check. */
static void
sender_host(const char *url, char *out, size_t n)
{
	const char *h = strstr(url, "://");
	const char *e;

	h = h != NULL ? h + 3 : url;
	if (*h == '[') {
		h++;
		e = strchr(h, ']');
	} else {
		e = strrchr(h, ':');
	}
	if (e == NULL)
		e = h + strlen(h);
	snprintf(out, n, "%.*s", (int)(e - h), h);
}

static int
sender_tls(const char *url, const struct bs_sender_tls *t, nng_tls_config **out)
{
	char host[256];

	if (t->server_name != NULL && t->server_name[0] != '\0')
		snprintf(host, sizeof(host), "%s", t->server_name);
	else
		sender_host(url, host, sizeof(host));
	/* NNG does not check the server's name unless told which. */
	return bs_tlsconf_create(
	    NNG_TLS_MODE_CLIENT, t->ca_file, t->cert_file, t->key_file, host, out);
}

int
bs_sender_create(
    const char *url, unsigned timeout_ms, const struct bs_sender_tls *tls, struct bs_sender **out)
{
	struct bs_sender *s = calloc(1, sizeof(*s));
	nng_dialer d;
	int rv = BS_ENET, nrv = 0;

	*out = NULL;
	if (s == NULL)
		return BS_ENOMEM;
	if ((strncmp(url, "tls+", 4) == 0) != (tls != NULL)) {
		bs_log(BS_LOG_ERROR, "sender_config",
		    "url=%s error=\"tls+tcp:// needs [tls] files, "
		    "and they need tls+tcp://\"",
		    url);
		bs_sender_destroy(s);
		return BS_EINVAL;
	}
	if (tls != NULL && (rv = sender_tls(url, tls, &s->tls)) != 0) {
		bs_sender_destroy(s);
		return rv;
	}
	rv = BS_ENET;
	if ((nrv = nng_req0_open(&s->sock)) != 0)
		goto out;
	s->open = 1;
	/* The REQ socket's own resend would duplicate reports behind our
	 * back; resending is the agent's decision (and the collector
	 * de-duplicates anyway). */
	if ((nrv = nng_socket_set_ms(s->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE)) !=
	        0 ||
	    (nrv = nng_socket_set_ms(s->sock, NNG_OPT_SENDTIMEO, (nng_duration)timeout_ms)) != 0 ||
	    (nrv = nng_socket_set_ms(s->sock, NNG_OPT_RECVTIMEO, (nng_duration)timeout_ms)) != 0 ||
	    (nrv = nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, 64 * 1024)) != 0 ||
	    (nrv = nng_socket_set_ms(s->sock, NNG_OPT_RECONNMINT, 100)) != 0 ||
	    (nrv = nng_socket_set_ms(s->sock, NNG_OPT_RECONNMAXT, 5000)) != 0)
		goto out;
	/* The TLS configuration goes on the dialer, not the socket. */
	if ((nrv = nng_dialer_create(&d, s->sock, url)) != 0 ||
	    (s->tls != NULL && (nrv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, s->tls)) != 0) ||
	    (nrv = nng_dialer_start(d, NNG_FLAG_NONBLOCK)) != 0) {
		rv = nrv == NNG_EADDRINVAL || nrv == NNG_ENOTSUP ? BS_EINVAL : BS_ENET;
		goto out;
	}
	*out = s;
	return 0;
out:
	bs_log(BS_LOG_ERROR, "sender_open", "url=%s error=\"%s\"", url, nng_strerror(nrv));
	bs_sender_destroy(s);
	return rv;
}

/* nng_close, with a deadline. NNG 1.5.2 can wait forever in nng_close
 * for a TLS pipe torn down mid-send (a message the collector dropped:
 * nanomsg/nng#1543, fixed after 1.5.2). An agent must never hang on it:
 * after the deadline the socket is abandoned (a small leak, logged) and
 * the agent goes on. */
struct sender_closer {
	nng_socket sock;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	int done, abandoned;
};

static void
sender_closer_free(struct sender_closer *c)
{
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void *
sender_close_thread(void *arg)
{
	struct sender_closer *c = arg;
	int abandoned;

	nng_close(c->sock);
	pthread_mutex_lock(&c->lock);
	c->done = 1;
	abandoned = c->abandoned;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->lock);
	if (abandoned)
		sender_closer_free(c); /* the waiter gave up and left it to us */
	return NULL;
}

static void
sender_close(nng_socket sock)
{
	struct sender_closer *c = calloc(1, sizeof(*c));
	struct timespec until;
	pthread_t t;
	int done;

	if (c == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		nng_close(sock);
		return;
	}
	pthread_cond_init(&c->cv, NULL);
	c->sock = sock;
	if (pthread_create(&t, NULL, sender_close_thread, c) != 0) {
		nng_close(sock);
		sender_closer_free(c);
		return;
	}
	pthread_detach(t);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SENDER_CLOSE_SECS;
	pthread_mutex_lock(&c->lock);
	while (!c->done && pthread_cond_timedwait(&c->cv, &c->lock, &until) == 0)
		;
	done = c->done;
	if (!done)
		c->abandoned = 1;
	pthread_mutex_unlock(&c->lock);
	if (done) {
		sender_closer_free(c);
		return;
	}
	bs_log(BS_LOG_WARN, "socket_close_stuck",
	    "detail=\"NNG did not close the connection in %d s; abandoned\"", SENDER_CLOSE_SECS);
}

void
bs_sender_destroy(struct bs_sender *s)
{
	if (s == NULL)
		return;
	if (s->open)
		sender_close(s->sock);
	/* Our reference only: the dialer holds its own while it lives. */
	if (s->tls != NULL)
		nng_tls_config_free(s->tls);
	free(s);
}

int
bs_sender_send(struct bs_sender *s, const uint8_t *env, size_t len,
    Bindscope__V1__AckStatus *status, char *reason, size_t reasonsz)
{
	void *buf = NULL;
	size_t blen = 0;
	struct bs_arena a;
	Bindscope__V1__Ack *ack;
	int nrv, rv;

	if ((nrv = nng_send(s->sock, (void *)env, len, 0)) != 0)
		return nrv == NNG_ETIMEDOUT ? BS_ETIMEDOUT : BS_ENET;
	if ((nrv = nng_recv(s->sock, &buf, &blen, NNG_FLAG_ALLOC)) != 0)
		return nrv == NNG_ETIMEDOUT ? BS_ETIMEDOUT : BS_ENET;
	bs_arena_init(&a, 256 * 1024);
	rv = bs_wire_unpack_ack(&a, buf, blen, &ack);
	nng_free(buf, blen);
	if (rv == 0) {
		*status = ack->status;
		snprintf(reason, reasonsz, "%s", ack->reason);
	}
	bs_arena_fini(&a);
	return rv;
}
