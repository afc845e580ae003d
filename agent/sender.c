/* sender: NNG REQ client for reports. */
#include "sender.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"

struct bs_sender {
	nng_socket sock;
	int open;
};

int
bs_sender_create(const char *url, unsigned timeout_ms, struct bs_sender **out)
{
	struct bs_sender *s = calloc(1, sizeof(*s));
	int rv = BS_ENET, nrv;

	*out = NULL;
	if (s == NULL)
		return BS_ENOMEM;
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
	if ((nrv = nng_dial(s->sock, url, NULL, NNG_FLAG_NONBLOCK)) != 0) {
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

void
bs_sender_destroy(struct bs_sender *s)
{
	if (s == NULL)
		return;
	if (s->open)
		nng_close(s->sock);
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
