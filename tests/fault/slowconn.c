/* slowconn: holds many slow HTTP connections to a dashboard, the way a
 * slowloris client does: each sends a request line, then one header byte
 * a second, never finishing. Connections are spread round-robin over the
 * given loopback source addresses. Prints how many were accepted (still
 * open after the first second), then, at the end, how many the server
 * closed and after how long on average.
 *   slowconn PORT COUNT SECONDS SRC_ADDR...   (e.g. 127.0.0.2 127.0.0.3) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#define SLOW_MAX 4096

static double
slow_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
slow_connect(const char *src, unsigned port)
{
	struct sockaddr_in from, to;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	static const char line[] = "GET /api/summary HTTP/1.1\r\nHost: x\r\n";

	if (fd < 0)
		return -1;
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, src, &from.sin_addr) != 1 ||
	    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0 ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0 ||
	    send(fd, line, sizeof(line) - 1, MSG_NOSIGNAL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	static struct pollfd pfd[SLOW_MAX];
	static double opened_at[SLOW_MAX];
	unsigned long long port, count, secs;
	size_t nsrc, open_n = 0, closed = 0, accepted = 0;
	double start, closed_sum = 0, next_byte;

	if (argc < 5 || bs_parse_uint(argv[1], 65535, &port) != 0 ||
	    bs_parse_uint(argv[2], SLOW_MAX, &count) != 0 ||
	    bs_parse_uint(argv[3], 3600, &secs) != 0) {
		fprintf(stderr, "usage: slowconn PORT COUNT SECONDS SRC_ADDR...\n");
		return 2;
	}
	nsrc = (size_t)argc - 4;
	for (size_t i = 0; i < count; i++) {
		pfd[open_n].fd = slow_connect(argv[4 + i % nsrc], (unsigned)port);
		pfd[open_n].events = POLLIN;
		if (pfd[open_n].fd >= 0)
			opened_at[open_n++] = slow_now();
	}
	start = slow_now();
	next_byte = start + 1;
	for (;;) {
		double now = slow_now();
		int timeout = (int)((next_byte - now) * 1000);

		if (now - start >= (double)secs)
			break;
		if (poll(pfd, open_n, timeout > 0 ? timeout : 0) > 0) {
			for (size_t i = 0; i < open_n; i++) {
				char buf[512];

				if (pfd[i].fd < 0 || pfd[i].revents == 0)
					continue;
				if (recv(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
					continue; /* an answer (a 4xx): it will close next */
				close(pfd[i].fd);
				pfd[i].fd = -1;
				closed++;
				closed_sum += slow_now() - opened_at[i];
			}
		}
		if (slow_now() >= next_byte) {
			if (next_byte - start < 1.5) { /* still open after a second */
				accepted = open_n - closed;
				printf("accepted %zu of %llu\n", accepted, count);
				fflush(stdout);
			}
			for (size_t i = 0; i < open_n; i++)
				if (pfd[i].fd >= 0)
					send(pfd[i].fd, "X", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			next_byte += 1;
		}
	}
	printf("closed %zu of %zu after %.1f s on average\n", closed, open_n,
	    closed > 0 ? closed_sum / (double)closed : 0.0);
	return 0;
}
