/* front_test: the agent port's front door with a plain socket standing in
 * for NNG's private listener: what NNG's side sees when an agent goes
 * (everything it sent, then an end of stream, and its own end still
 * writable: no reset while a message may be arriving), when the collector
 * hangs a pipe up, when NNG's pipe is gone, and at stop; which listen URLs
 * it serves, and which agents reach it over IPv4 and IPv6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "ingest/front.h"

static const uint8_t sp_header[8] = {0, 'S', 'P', 0, 0x31, 0, 0, 0};

struct rig {
	struct bs_front *front;
	int up; /* the stand-in for NNG's listener */
	unsigned up_port, front_port;
};

static unsigned
bound_port(int fd)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	return ntohs(a.sin_port);
}

static int
loopback_socket(unsigned port, int do_listen)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (do_listen) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
		assert_int_equal(listen(fd, 16), 0);
	} else {
		assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	}
	return fd;
}

/* Waits up to ms for events on fd; the revents. */
static short
wait_for(int fd, short events, int ms)
{
	struct pollfd p = {fd, events, 0};

	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

static int
setup(void **state)
{
	static struct rig r;
	struct bs_front_limits lim = {64, 16, 5000};
	struct bs_front_at at;
	char url[64];
	int probe;

	memset(&r, 0, sizeof(r));
	r.up = loopback_socket(0, 1);
	r.up_port = bound_port(r.up);
	/* A free port for the front: the kernel's pick, released again. */
	probe = loopback_socket(0, 1);
	r.front_port = bound_port(probe);
	close(probe);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", r.front_port);
	assert_int_equal(bs_front_parse_url(url, &at), 0);
	assert_int_equal(bs_front_start(&at, r.up_port, &lim, &r.front), 0);
	*state = &r;
	return 0;
}

static int
teardown(void **state)
{
	struct rig *r = *state;

	bs_front_destroy(r->front);
	close(r->up);
	return 0;
}

/* An agent that has sent the SP header and `extra`, and NNG's end of its
 * relay (accepted, the bytes read); *relay_port: that end's peer port, as
 * NNG sees it. */
static void
open_relay(struct rig *r, const char *extra, int *agent, int *nng, unsigned *relay_port)
{
	uint8_t buf[64];
	size_t want = sizeof(sp_header) + strlen(extra), got = 0;
	struct sockaddr_in a;
	socklen_t l = sizeof(a);

	*agent = loopback_socket(r->front_port, 0);
	assert_int_equal(send(*agent, sp_header, sizeof(sp_header), 0), sizeof(sp_header));
	assert_int_equal(send(*agent, extra, strlen(extra), 0), (ssize_t)strlen(extra));
	assert_true(wait_for(r->up, POLLIN, 2000) & POLLIN);
	*nng = accept(r->up, (struct sockaddr *)&a, &l);
	assert_true(*nng >= 0);
	*relay_port = ntohs(a.sin_port);
	while (got < want) {
		ssize_t n;

		assert_true(wait_for(*nng, POLLIN, 2000) & POLLIN);
		n = recv(*nng, buf + got, sizeof(buf) - got, 0);
		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_int_equal(got, want);
	assert_memory_equal(buf, sp_header, sizeof(sp_header));
	assert_memory_equal(buf + sizeof(sp_header), extra, strlen(extra));
}

/* NNG's end reads an end of stream (not a reset) within 2 s. */
static void
assert_eof(int nng)
{
	char b[256];
	ssize_t n;

	do {
		assert_true(wait_for(nng, POLLIN, 2000) & (POLLIN | POLLHUP));
		n = recv(nng, b, sizeof(b), 0);
	} while (n > 0);
	assert_int_equal(n, 0);
}

static void
test_agent_gone_gives_nng_an_end_of_stream(void **state)
{
	struct rig *r = *state;
	int agent, nng;
	unsigned rp;
	uint8_t addr[16];
	size_t len = 0;
	static uint8_t flood[1 << 16];
	struct bs_pipes_stats st;

	open_relay(r, "request", &agent, &nng, &rp);
	assert_int_equal(bs_front_source(r->front, rp, 7, addr, &len), 0);
	assert_int_equal(len, 4);
	assert_int_equal(addr[0], 127);
	/* NNG's replies pile up: the agent never reads them. */
	for (int i = 0; i < 64 && (wait_for(nng, POLLOUT, 50) & POLLOUT); i++)
		if (send(nng, flood, sizeof(flood), MSG_DONTWAIT) <= 0)
			break;
	close(agent); /* unread replies: the kernel resets the agent's side */
	assert_eof(nng);
	/* NNG's end is not reset: it may still be sending (and receiving). */
	assert_false(wait_for(nng, POLLERR, 300) & POLLERR);
	/* The pipe NNG had is gone: the relay goes. */
	bs_front_pipe_gone(r->front, rp, 6); /* not its pipe: nothing happens */
	assert_false(wait_for(nng, POLLERR, 300) & POLLERR);
	bs_front_stats(r->front, &st);
	assert_int_equal(st.open, 1);
	bs_front_pipe_gone(r->front, rp, 7);
	for (int i = 0; i < 20; i++) {
		bs_front_stats(r->front, &st);
		if (st.open == 0)
			break;
		struct timespec ts = {0, 50000000};
		nanosleep(&ts, NULL);
	}
	assert_int_equal(st.open, 0);
	assert_int_equal(bs_front_source(r->front, rp, 7, addr, &len), BS_ENOENT);
	close(nng);
}

static void
test_hangup_closes_like_an_agent_leaving(void **state)
{
	struct rig *r = *state;
	int agent, nng;
	unsigned rp;
	uint8_t addr[16];
	size_t len;
	char b[16];

	open_relay(r, "x", &agent, &nng, &rp);
	assert_int_equal(bs_front_hangup(r->front, rp, 9), BS_ENOENT); /* NNG has no pipe yet */
	assert_int_equal(bs_front_source(r->front, rp, 9, addr, &len), 0);
	assert_int_equal(bs_front_hangup(r->front, rp, 10), BS_ENOENT);
	assert_int_equal(bs_front_hangup(r->front, rp, 9), 0);
	assert_eof(nng);
	assert_true(wait_for(agent, POLLIN, 2000) & (POLLIN | POLLHUP));
	assert_true(recv(agent, b, sizeof(b), 0) <= 0); /* the agent is let go */
	close(agent);
	close(nng); /* as NNG does on the end of stream */
}

struct stopper {
	struct bs_front *front;
	int done;
};

static void *
stop_thread(void *arg)
{
	struct stopper *s = arg;

	bs_front_stop(s->front);
	__atomic_store_n(&s->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void
test_stop_lets_nng_close_its_pipes(void **state)
{
	struct rig *r = *state;
	struct stopper s = {r->front, 0};
	pthread_t t;
	int agent, nng;
	unsigned rp;

	open_relay(r, "report", &agent, &nng, &rp);
	assert_int_equal(pthread_create(&t, NULL, stop_thread, &s), 0);
	assert_eof(nng); /* NNG is told first, */
	assert_int_equal(__atomic_load_n(&s.done, __ATOMIC_SEQ_CST), 0); /* and waited for */
	close(nng);
	pthread_join(t, NULL);
	assert_int_equal(s.done, 1);
	/* No more agents. */
	{
		struct sockaddr_in a;
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t)r->front_port);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		assert_int_not_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
		close(fd);
	}
	close(agent);
}

/* The URLs of the collector's listen key the front serves, and how they
 * split; a scheme it does not serve is NNG's own (ipc://: this host only). */
static void
test_listen_urls(void **state)
{
	static const struct {
		const char *url;
		int rv;
		enum bs_handshake_kind kind;
		enum bs_front_family family;
		const char *host, *port;
	} cases[] = {
	    {"tls+tcp://collector.corp.example:4800", 0, BS_HANDSHAKE_TLS, BS_FRONT_ANY,
	        "collector.corp.example", "4800"},
	    {"tls+tcp://*:4800", 0, BS_HANDSHAKE_TLS, BS_FRONT_ANY, "", "4800"},
	    {"tls+tcp://:4800", 0, BS_HANDSHAKE_TLS, BS_FRONT_ANY, "", "4800"},
	    {"tls+tcp4://0.0.0.0:4800", 0, BS_HANDSHAKE_TLS, BS_FRONT_IPV4, "0.0.0.0", "4800"},
	    {"tls+tcp6://[2001:db8::10]:4800", 0, BS_HANDSHAKE_TLS, BS_FRONT_IPV6, "2001:db8::10",
	        "4800"},
	    {"tls+tcp6://*:4800", 0, BS_HANDSHAKE_TLS, BS_FRONT_IPV6, "", "4800"},
	    {"tcp://[::1]:4801", 0, BS_HANDSHAKE_SP, BS_FRONT_ANY, "::1", "4801"},
	    {"tcp4://127.0.0.1:4801", 0, BS_HANDSHAKE_SP, BS_FRONT_IPV4, "127.0.0.1", "4801"},
	    {"tcp6://[::]:4801", 0, BS_HANDSHAKE_SP, BS_FRONT_IPV6, "::", "4801"},
	    {"ipc:///run/bindscope/agents.ipc", BS_ENOENT, 0, 0, NULL, NULL},
	    {"inproc://agents", BS_ENOENT, 0, 0, NULL, NULL},
	    {"ws://collector:80/agents", BS_ENOENT, 0, 0, NULL, NULL},
	    {"tls+tcp://collector.corp.example", BS_EINVAL, 0, 0, NULL, NULL},
	    {"tls+tcp://collector:", BS_EINVAL, 0, 0, NULL, NULL},
	    {"tls+tcp://collector:48x0", BS_EINVAL, 0, 0, NULL, NULL},
	    {"tls+tcp://collector:-1", BS_EINVAL, 0, 0, NULL, NULL},
	    {"tls+tcp://collector:1234567890123456789", BS_EINVAL, 0, 0, NULL, NULL},
	    {"tls+tcp://[::1:4800", BS_EINVAL, 0, 0, NULL, NULL},
	    {"tls+tcp://[::1]4800", BS_EINVAL, 0, 0, NULL, NULL},
	    {"tls+tcp://::1]:4800", BS_EINVAL, 0, 0, NULL, NULL},
	    {"tls+tcp4://[::1]:4800", BS_EINVAL, 0, 0, NULL, NULL},
	};
	char longhost[300];
	struct bs_front_at at;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rv = bs_front_parse_url(cases[i].url, &at);

		if (rv != cases[i].rv)
			fail_msg("%s: %d, want %d", cases[i].url, rv, cases[i].rv);
		if (rv != 0)
			continue;
		assert_int_equal(at.kind, cases[i].kind);
		assert_int_equal(at.family, cases[i].family);
		assert_string_equal(at.host, cases[i].host);
		assert_string_equal(at.port, cases[i].port);
	}
	memcpy(longhost, "tcp://", 6);
	memset(longhost + 6, 'h', 280);
	memcpy(longhost + 286, ":4800", 6);
	assert_int_equal(bs_front_parse_url(longhost, &at), BS_EINVAL);
}

/* 1 when this host can listen on and reach ::1. */
static int
have_ipv6(void)
{
	struct sockaddr_in6 a;
	int fd = socket(AF_INET6, SOCK_STREAM, 0), ok;

	if (fd < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_loopback;
	ok = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

/* A TCP port free on every address of both families, as the kernel picks. */
static unsigned
free_port(void)
{
	struct sockaddr_in6 a;
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET6, SOCK_STREAM, 0), off = 0;

	assert_true(fd >= 0);
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	close(fd);
	return ntohs(a.sin6_port);
}

/* Connects to port on loopback over IPv6 (::1) or IPv4; -1 if refused. */
static int
dial(int v6, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t l;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		a->sin6_addr = in6addr_loopback;
		l = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l = sizeof(*a);
	}
	if (connect(fd, (struct sockaddr *)&ss, l) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* An agent over v6 or v4 through a front on front_port: its relay reaches
 * up, and the front names its address (*len bytes in addr). */
static void
relay_from(struct bs_front *f, int up, int v6, unsigned front_port, uint8_t addr[16], size_t *len)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	uint8_t buf[sizeof(sp_header)];
	int agent = dial(v6, front_port), nng;

	assert_true(agent >= 0);
	assert_int_equal(send(agent, sp_header, sizeof(sp_header), 0), sizeof(sp_header));
	assert_true(wait_for(up, POLLIN, 2000) & POLLIN);
	nng = accept(up, (struct sockaddr *)&a, &l);
	assert_true(nng >= 0);
	/* The front names a relay once its connect is through, which is
	 * before it passes the agent's first bytes on. */
	for (size_t got = 0; got < sizeof(sp_header);) {
		ssize_t n;

		assert_true(wait_for(nng, POLLIN, 2000) & POLLIN);
		n = recv(nng, buf + got, sizeof(buf) - got, 0);
		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_int_equal(bs_front_source(f, ntohs(a.sin_port), 1, addr, len), 0);
	close(agent);
	close(nng);
}

/* A front on every address of a free port under scheme ("tcp", "tcp4",
 * "tcp6"), relaying to up; *port: the port. Caller destroys. */
static struct bs_front *
front_on(const char *scheme, int up, unsigned *port)
{
	struct bs_front_limits lim = {64, 16, 5000};
	struct bs_front_at at;
	struct bs_front *f = NULL;
	char url[64];

	*port = free_port();
	snprintf(url, sizeof(url), "%s://*:%u", scheme, *port);
	assert_int_equal(bs_front_parse_url(url, &at), 0);
	assert_int_equal(bs_front_start(&at, bound_port(up), &lim, &f), 0);
	return f;
}

/* tcp:// on every address ("*") takes agents over IPv6 and IPv4 on one socket, and an
 * IPv4 agent is counted by its IPv4 address (as on an IPv4 listener);
 * tcp4:// and tcp6:// take only their own. */
static void
test_every_address_takes_ipv6_and_ipv4(void **state)
{
	static const uint8_t v4[4] = {127, 0, 0, 1};
	uint8_t addr[16];
	struct bs_front *f;
	unsigned port;
	size_t len = 0;
	int up = loopback_socket(0, 1);

	(void)state;
	if (!have_ipv6()) {
		close(up);
		skip();
	}
	f = front_on("tcp", up, &port);
	relay_from(f, up, 1, port, addr, &len);
	assert_int_equal(len, 16);
	assert_memory_equal(addr, in6addr_loopback.s6_addr, 16);
	relay_from(f, up, 0, port, addr, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(addr, v4, 4);
	bs_front_destroy(f);

	f = front_on("tcp4", up, &port);
	relay_from(f, up, 0, port, addr, &len);
	assert_int_equal(dial(1, port), -1);
	bs_front_destroy(f);

	f = front_on("tcp6", up, &port);
	relay_from(f, up, 1, port, addr, &len);
	assert_int_equal(dial(0, port), -1);
	bs_front_destroy(f);
	close(up);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_agent_gone_gives_nng_an_end_of_stream, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_hangup_closes_like_an_agent_leaving, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_lets_nng_close_its_pipes, setup, teardown),
	    cmocka_unit_test(test_listen_urls),
	    cmocka_unit_test(test_every_address_takes_ipv6_and_ipv4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
