/* net_posix: BSD sockets with poll for the probe's connections. */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

int
bs_net_wait(int fd, int for_write, int64_t deadline_ms)
{
	for (;;) {
		int64_t left = deadline_ms - bs_mono_ms();
		struct pollfd pfd = {fd, for_write ? POLLOUT : POLLIN, 0};
		int n;

		if (left <= 0)
			return 0;
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return 1; /* let the caller see the error */
	}
}

enum bs_net_result
bs_net_connect(
    const char *host, unsigned port, int64_t deadline_ms, int *out, char *why, size_t whysz)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[8];
	int fd = -1, gai, last = 0, timed_out = 0;

	*out = -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	gai = getaddrinfo(host, portstr, &hints, &res);
	if (gai != 0) {
		snprintf(why, whysz, "cannot resolve: %s", gai_strerror(gai));
		return BS_NET_DNS;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		int err = 0;
		socklen_t el = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
			last = errno;
		} else if (!bs_net_wait(fd, 1, deadline_ms)) {
			timed_out = 1;
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
			last = err != 0 ? err : errno;
		} else {
			break; /* connected */
		}
		close(fd);
		fd = -1;
		if (timed_out)
			break;
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		*out = fd;
		return BS_NET_OK;
	}
	if (timed_out) {
		snprintf(why, whysz, "no answer to connect before the deadline");
		return BS_NET_TIMEOUT;
	}
	if (last == ECONNREFUSED) {
		snprintf(why, whysz, "connection refused");
		return BS_NET_REFUSED;
	}
	snprintf(why, whysz, "%s", strerror(last));
	return BS_NET_UNREACHABLE;
}

void
bs_net_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
