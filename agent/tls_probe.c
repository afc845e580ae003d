/* tls_probe: non-blocking connect and TLS handshake under one deadline, then
 * certificate verification done by us, so every problem is seen (not only
 * the first that would abort a handshake). */
#include "tls_probe.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "certfacts.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "net.h"

struct probe_run {
	const struct bs_probe_target *t;
	const struct bs_probe_opts *o;
	struct bs_arena *a;
	Bindscope__V1__Probe *p;
	int64_t deadline;
	int alert; /* last TLS alert received, -1 none */
	int problems; /* bit set of ProbeResult values seen in verification */
	int first_error; /* X509_V_ERR_* for the detail text */
};

static void
probe_fail(struct probe_run *r, Bindscope__V1__ProbeResult res, const char *fmt, const char *arg)
{
	char detail[256];

	snprintf(detail, sizeof(detail), fmt, arg);
	r->p->result = res;
	r->p->detail = bs_arena_strdup(r->a, detail);
	if (r->p->detail == NULL)
		r->p->detail = "";
}

static int
probe_connect(struct probe_run *r)
{
	static const Bindscope__V1__ProbeResult results[] = {
	    [BS_NET_DNS] = BINDSCOPE__V1__PROBE_RESULT__PROBE_DNS_FAILURE,
	    [BS_NET_TIMEOUT] = BINDSCOPE__V1__PROBE_RESULT__PROBE_TIMEOUT,
	    [BS_NET_REFUSED] = BINDSCOPE__V1__PROBE_RESULT__PROBE_REFUSED,
	    [BS_NET_UNREACHABLE] = BINDSCOPE__V1__PROBE_RESULT__PROBE_UNREACHABLE,
	};
	char why[256];
	int fd;
	enum bs_net_result res =
	    bs_net_connect(r->t->host, r->t->port, r->deadline, &fd, why, sizeof(why));

	if (res == BS_NET_OK)
		return fd;
	probe_fail(r, results[res], "%s", why);
	return -1;
}

static void
probe_info_cb(const SSL *ssl, int where, int ret)
{
	struct probe_run *r = SSL_get_app_data(ssl);

	if ((where & SSL_CB_READ_ALERT) && r != NULL)
		r->alert = ret & 0xff;
}

static int probe_ex_index = -1;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void
probe_init_index(void)
{
	probe_ex_index = X509_STORE_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* Records every verification problem and lets verification go on. */
static int
probe_verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct probe_run *r = X509_STORE_CTX_get_ex_data(ctx, probe_ex_index);
	int err = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
	Bindscope__V1__ProbeResult res;

	if (ok || r == NULL)
		return 1;
	switch (err) {
	case X509_V_ERR_HOSTNAME_MISMATCH:
		res = BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_NAME_MISMATCH;
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		res = BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_EXPIRED;
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		res = BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_SELF_SIGNED;
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		/* The leaf's issuer is nowhere: the server left out an
		 * intermediate. Higher up, the root is simply not trusted. */
		res = depth == 0 ? BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_CHAIN_INCOMPLETE
		                 : BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_UNTRUSTED;
		break;
	default: res = BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_UNTRUSTED; break;
	}
	if (r->problems == 0)
		r->first_error = err;
	r->problems |= 1 << res;
	return 1;
}

static const Bindscope__V1__ProbeResult probe_priority[] = {
    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_EXPIRED,
    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_NAME_MISMATCH,
    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_CHAIN_INCOMPLETE,
    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_SELF_SIGNED,
    BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_UNTRUSTED,
};

static int
probe_verify(struct probe_run *r, SSL *ssl, const char *name)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	X509 *leaf = chain != NULL && sk_X509_num(chain) > 0 ? sk_X509_value(chain, 0) : NULL;
	X509_STORE *empty = NULL, *trust = r->o->trust;
	X509_STORE_CTX *ctx = NULL;
	int rv = BS_ENOMEM;

	if (leaf == NULL) {
		probe_fail(r, BINDSCOPE__V1__PROBE_RESULT__PROBE_HANDSHAKE_FAILURE, "%s",
		    "the server presented no certificate");
		return 0;
	}
	for (int i = 0; i < sk_X509_num(chain); i++) {
		X509 *x = sk_X509_value(chain, i);
		Bindscope__V1__ProbeCert *pc = BS_NEW(r->a, probe_cert);
		struct bs_arena *a = r->a;
		Bindscope__V1__Certificate tmp = BINDSCOPE__V1__CERTIFICATE__INIT;

		if (pc == NULL || bs_certfacts_fill(a, x, "", "", &tmp) != 0)
			return BS_ENOMEM;
		pc->thumbprint = tmp.thumbprint;
		pc->subject = tmp.subject;
		pc->issuer = tmp.issuer;
		pc->not_after = tmp.not_after;
		if (bs_arena_push(a, (void ***)&r->p->chain, &r->p->n_chain, pc) != 0 ||
		    bs_arena_push(a, (void ***)&r->p->chain_thumbprints, &r->p->n_chain_thumbprints,
		        tmp.thumbprint) != 0)
			return BS_ENOMEM;
	}
	r->p->leaf_covers_name = bs_certfacts_covers(leaf, name);
	if (trust == NULL && (trust = empty = X509_STORE_new()) == NULL)
		goto out;
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, trust, leaf, chain) != 1)
		goto out;
	pthread_once(&probe_once, probe_init_index);
	X509_STORE_CTX_set_ex_data(ctx, probe_ex_index, r);
	X509_STORE_CTX_set_verify_cb(ctx, probe_verify_cb);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	X509_VERIFY_PARAM_set_hostflags(
	    X509_STORE_CTX_get0_param(ctx), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), name, 0);
	X509_verify_cert(ctx);
	r->p->result = BINDSCOPE__V1__PROBE_RESULT__PROBE_OK;
	for (size_t i = 0; i < sizeof(probe_priority) / sizeof(probe_priority[0]); i++) {
		if (!(r->problems & (1 << probe_priority[i])))
			continue;
		if (r->p->result == BINDSCOPE__V1__PROBE_RESULT__PROBE_OK) {
			r->p->result = probe_priority[i];
			r->p->detail = (char *)X509_verify_cert_error_string(r->first_error);
		}
		if (bs_arena_push(r->a, (void ***)&r->p->cert_problems, &r->p->n_cert_problems,
		        (void *)protobuf_c_enum_descriptor_get_value(
		            &bindscope__v1__probe_result__descriptor, probe_priority[i])
		            ->name) != 0)
			goto out;
	}
	rv = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(empty);
	return rv;
}

static int
probe_tls(struct probe_run *r, int fd, const char *name)
{
	SSL_CTX *sctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = NULL;
	int64_t t0 = bs_mono_ms();
	int rv = 0;

	if (sctx == NULL || (ssl = SSL_new(sctx)) == NULL) {
		rv = BS_ENOMEM;
		goto out;
	}
	/* We verify ourselves afterwards, to see every problem. */
	SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
	SSL_set_app_data(ssl, r);
	SSL_set_info_callback(ssl, probe_info_cb);
	SSL_set_fd(ssl, fd);
	if (name[0] != '\0' && strchr(name, ':') == NULL &&
	    strspn(name, "0123456789.") != strlen(name))
		SSL_set_tlsext_host_name(ssl, name);
	ERR_clear_error();
	for (;;) {
		int ret = SSL_connect(ssl), e;

		if (ret == 1)
			break;
		e = SSL_get_error(ssl, ret);
		if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) &&
		    bs_net_wait(fd, e == SSL_ERROR_WANT_WRITE, r->deadline))
			continue;
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			probe_fail(r, BINDSCOPE__V1__PROBE_RESULT__PROBE_TIMEOUT, "%s",
			    "the TLS handshake did not finish before the deadline");
		} else if (r->alert >= 0) {
			probe_fail(r, BINDSCOPE__V1__PROBE_RESULT__PROBE_TLS_ALERT,
			    "the server sent the TLS alert '%s'",
			    SSL_alert_desc_string_long(r->alert));
		} else {
			char buf[160];

			ERR_error_string_n(ERR_peek_last_error(), buf, sizeof(buf));
			probe_fail(r, BINDSCOPE__V1__PROBE_RESULT__PROBE_HANDSHAKE_FAILURE, "%s",
			    ERR_peek_last_error() != 0
			        ? buf
			        : "the connection closed during the handshake");
		}
		goto out;
	}
	r->p->handshake_ms = (uint32_t)(bs_mono_ms() - t0);
	r->p->tls_version = (char *)SSL_get_version(ssl);
	r->p->cipher = (char *)SSL_get_cipher_name(ssl);
	rv = probe_verify(r, ssl, name);
	SSL_shutdown(ssl); /* one close_notify; we do not wait for the answer */
out:
	SSL_free(ssl);
	SSL_CTX_free(sctx);
	return rv;
}

int
bs_probe_run(const struct bs_probe_target *t, const struct bs_probe_opts *o, struct bs_arena *a,
    Bindscope__V1__Probe **out)
{
	struct probe_run r;
	int64_t t0 = bs_mono_ms();
	const char *name = t->name != NULL && t->name[0] != '\0' ? t->name : t->host;
	int fd, rv;

	memset(&r, 0, sizeof(r));
	r.t = t;
	r.o = o;
	r.a = a;
	r.alert = -1;
	r.deadline = t0 + (o->timeout_ms > 0 ? o->timeout_ms : 5000);
	*out = r.p = BS_NEW(a, probe);
	if (r.p == NULL)
		return BS_ENOMEM;
	r.p->host = bs_arena_strdup(a, t->host);
	r.p->port = t->port;
	r.p->sni = bs_arena_strdup(a, name);
	if (r.p->host == NULL || r.p->sni == NULL)
		return BS_ENOMEM;
	if ((fd = probe_connect(&r)) < 0)
		return 0;
	r.p->connect_ms = (uint32_t)(bs_mono_ms() - t0);
	rv = probe_tls(&r, fd, name);
	bs_net_close(fd);
	return rv;
}

struct probe_job {
	const struct bs_probe_target *t;
	const struct bs_probe_opts *o;
	struct bs_arena arena;
	Bindscope__V1__Probe *p;
	int rv;
};

static void *
probe_thread(void *arg)
{
	struct probe_job *j = arg;

	j->rv = bs_probe_run(j->t, j->o, &j->arena, &j->p);
	return NULL;
}

int
bs_probe_run_many(const struct bs_probe_target *t, size_t n, const struct bs_probe_opts *o,
    struct bs_arena *a, Bindscope__V1__Probe **out)
{
	int rv = 0;

	for (size_t base = 0; base < n; base += BS_PROBE_PARALLEL) {
		struct probe_job jobs[BS_PROBE_PARALLEL];
		pthread_t th[BS_PROBE_PARALLEL];
		int started[BS_PROBE_PARALLEL] = {0};
		size_t k = n - base < BS_PROBE_PARALLEL ? n - base : BS_PROBE_PARALLEL;

		for (size_t i = 0; i < k; i++) {
			jobs[i].t = &t[base + i];
			jobs[i].o = o;
			jobs[i].p = NULL;
			jobs[i].rv = 0;
			bs_arena_init(&jobs[i].arena, 0);
			started[i] = pthread_create(&th[i], NULL, probe_thread, &jobs[i]) == 0;
			if (!started[i])
				probe_thread(&jobs[i]); /* no thread: probe inline */
		}
		for (size_t i = 0; i < k; i++) {
			if (started[i])
				pthread_join(th[i], NULL);
			bs_arena_adopt(a, &jobs[i].arena);
			out[base + i] = jobs[i].p;
			if (jobs[i].rv != 0)
				rv = jobs[i].rv;
		}
	}
	return rv;
}

int
bs_probe_parse_target(const char *s, char *host, size_t hostsz, unsigned *port)
{
	const char *colon, *hs = s, *he;
	unsigned long long p;

	if (s[0] == '[') {
		he = strchr(s, ']');
		if (he == NULL || he[1] != ':')
			return BS_EINVAL;
		hs = s + 1;
		colon = he + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return BS_EINVAL;
		he = colon;
	}
	if (he == hs || (size_t)(he - hs) >= hostsz || bs_parse_uint(colon + 1, 65535, &p) != 0 ||
	    p == 0)
		return BS_EINVAL;
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	*port = (unsigned)p;
	return 0;
}
