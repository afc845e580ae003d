/* rawpeer: hostile peers for the agent port's fault tests, over plain
 * sockets so the test decides every byte (NNG's own REQ socket would read
 * its replies and reconnect politely).
 *   rawpeer idle   HOST PORT N SECONDS [PER_ADDR]   connect, send nothing
 *   rawpeer slow   HOST PORT N SECONDS [PER_ADDR]   the SP header (REQ), then
 *                                                  nothing: a connection
 *                                                  that never sends a request
 *   rawpeer noread HOST PORT SECONDS                SP REQ that sends requests
 *                                                  and never reads a reply
 * idle and slow spread their N connections over 127.0.0.2, .3, ...
 * (PER_ADDR each, default N), hold them SECONDS and print one line:
 * "opened O of N, closed by the collector C". noread prints "requests R,
 * connections K, closed by the collector C". */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

/* SP header: "\0SP\0", protocol REQ (0x30), reserved. */
static const uint8_t sp_hello[8] = {0, 'S', 'P', 0, 0, 0x30, 0, 0};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
parse(const char *s, unsigned long long max, unsigned long long *out)
{
	if (bs_parse_uint(s, max, out) != 0) {
		fprintf(stderr, "rawpeer: %s: expected a number up to %llu\n", s, max);
		return -1;
	}
	return 0;
}

/* A non-blocking socket connecting to host:port from src (0: any). */
static int
dial(const char *host, unsigned port, uint32_t src, int rcvbuf)
{
	struct sockaddr_in to = {0}, from = {0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (src != 0) {
		from.sin_family = AF_INET;
		from.sin_addr.s_addr = htonl(src);
		if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0) {
			close(fd);
			return -1;
		}
	}
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &to.sin_addr) != 1) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
run_idle(const char *host, unsigned port, unsigned n, double secs, unsigned per_addr, int slow)
{
	struct pollfd *p = calloc(n, sizeof(*p));
	unsigned opened = 0, closed = 0;
	double until;

	if (p == NULL)
		return 2;
	for (unsigned i = 0; i < n; i++) {
		p[i].fd = dial(host, port, 0x7f000002u + i / per_addr, 0);
		p[i].events = POLLOUT;
	}
	/* Established (or refused) within 5 s. */
	until = now_s() + 5;
	for (;;) {
		unsigned pending = 0;

		for (unsigned i = 0; i < n; i++)
			pending += p[i].fd >= 0 && p[i].events == POLLOUT;
		if (pending == 0 || now_s() > until)
			break;
		if (poll(p, n, 100) < 0)
			break;
		for (unsigned i = 0; i < n; i++) {
			int err = 0;
			socklen_t len = sizeof(err);

			if (p[i].fd < 0 || p[i].events != POLLOUT || p[i].revents == 0)
				continue;
			getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err != 0) {
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			opened++;
			if (slow &&
			    send(p[i].fd, sp_hello, sizeof(sp_hello), MSG_NOSIGNAL) !=
			        (ssize_t)sizeof(sp_hello)) {
				close(p[i].fd);
				p[i].fd = -1;
				closed++;
				continue;
			}
			p[i].events = POLLIN;
		}
	}
	/* Hold them; one the collector closes reads end-of-file or an error.
	 * Whatever it sends (its SP header, a TLS alert) is read and ignored. */
	until = now_s() + secs;
	while (now_s() < until) {
		if (poll(p, n, 200) < 0)
			break;
		for (unsigned i = 0; i < n; i++) {
			char buf[512];
			ssize_t got;

			if (p[i].fd < 0 || p[i].events != POLLIN || p[i].revents == 0)
				continue;
			got = recv(p[i].fd, buf, sizeof(buf), 0);
			if (got > 0 || (got < 0 && errno == EAGAIN))
				continue;
			close(p[i].fd);
			p[i].fd = -1;
			closed++;
		}
	}
	printf("opened %u of %u, closed by the collector %u\n", opened, n, closed);
	for (unsigned i = 0; i < n; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	free(p);
	return 0;
}

/* Blocking write of all of buf, giving up at until; -1 on a closed
 * connection, 0 done, 1 out of time. */
static int
put(int fd, const uint8_t *buf, size_t len, double until)
{
	while (len > 0) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			if (now_s() > until)
				return 1;
			continue; /* SO_SNDTIMEO paces this */
		}
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int
run_noread(const char *host, unsigned port, double secs)
{
	unsigned long long requests = 0, conns = 0, closed = 0;
	uint32_t id = 0x80000000u;
	double until = now_s() + secs;

	while (now_s() < until) {
		struct pollfd pf;
		struct timeval tv = {0, 200000};
		int fd = dial(host, port, 0, 1024), rv = 0;

		if (fd < 0)
			break;
		pf.fd = fd;
		pf.events = POLLOUT;
		if (poll(&pf, 1, 2000) != 1) {
			close(fd);
			continue;
		}
		fcntl(fd, F_SETFL, 0);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		conns++;
		if (put(fd, sp_hello, sizeof(sp_hello), until) != 0) {
			close(fd);
			continue;
		}
		/* Requests: 8-byte length, the request id, 16 bytes that are
		 * not a report (refused at once, so replies pile up fast). */
		while (rv == 0 && now_s() < until) { /* a collector that reads keeps up */
			uint8_t msg[28] = {0, 0, 0, 0, 0, 0, 0, 20};

			id = (id + 1) | 0x80000000u;
			msg[8] = (uint8_t)(id >> 24);
			msg[9] = (uint8_t)(id >> 16);
			msg[10] = (uint8_t)(id >> 8);
			msg[11] = (uint8_t)id;
			memset(msg + 12, 'x', 16);
			rv = put(fd, msg, sizeof(msg), until);
			requests += rv == 0;
		}
		closed += rv < 0;
		close(fd);
	}
	printf("requests %llu, connections %llu, closed by the collector %llu\n", requests, conns,
	    closed);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long long port, n, secs, per;
	struct rlimit rl;

	if (argc < 5) {
		fprintf(stderr,
		    "usage: rawpeer idle|slow HOST PORT N SECONDS [PER_ADDR]\n"
		    "       rawpeer noread HOST PORT SECONDS\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (parse(argv[3], 65535, &port) != 0)
		return 2;
	if (strcmp(argv[1], "noread") == 0)
		return parse(argv[4], 3600, &secs) != 0
		    ? 2
		    : run_noread(argv[2], (unsigned)port, (double)secs);
	if (argc < 6 || parse(argv[4], 60000, &n) != 0 || n == 0 ||
	    parse(argv[5], 3600, &secs) != 0)
		return 2;
	per = n;
	if (argc > 6 && (parse(argv[6], 60000, &per) != 0 || per == 0))
		return 2;
	if (strcmp(argv[1], "idle") == 0 || strcmp(argv[1], "slow") == 0)
		return run_idle(argv[2], (unsigned)port, (unsigned)n, (double)secs, (unsigned)per,
		    argv[1][0] == 's');
	fprintf(stderr, "rawpeer: unknown mode %s\n", argv[1]);
	return 2;
}
