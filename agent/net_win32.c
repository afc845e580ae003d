/* net_win32: Winsock for the probe's connections: a non-blocking connect
 * and WSAPoll, Winsock started once per process. */
#include "net.h"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

static INIT_ONCE net_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK
net_start(PINIT_ONCE once, PVOID arg, PVOID *ctx)
{
	WSADATA wd;

	(void)once;
	(void)arg;
	(void)ctx;
	return WSAStartup(MAKEWORD(2, 2), &wd) == 0;
}

int
bs_net_wait(int fd, int for_write, int64_t deadline_ms)
{
	int64_t left = deadline_ms - bs_mono_ms();
	WSAPOLLFD pfd;
	int n;

	if (left <= 0)
		return 0;
	pfd.fd = (SOCKET)fd;
	pfd.events = for_write ? POLLWRNORM : POLLRDNORM;
	pfd.revents = 0;
	n = WSAPoll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (INT)left);
	return n != 0; /* an error: let the caller see it */
}

static void
net_why(const char *prefix, int err, char *why, size_t whysz)
{
	char msg[256];
	DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
	    (DWORD)err, 0, msg, sizeof(msg), NULL);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	snprintf(why, whysz, "%s%s (Winsock error %d)", prefix, n > 0 ? msg : "failed", err);
}

enum bs_net_result
bs_net_connect(
    const char *host, unsigned port, int64_t deadline_ms, int *out, char *why, size_t whysz)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[8];
	SOCKET s = INVALID_SOCKET;
	int gai, last = 0, timed_out = 0;

	*out = -1;
	InitOnceExecuteOnce(&net_once, net_start, NULL, NULL);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	gai = getaddrinfo(host, portstr, &hints, &res);
	if (gai != 0) {
		net_why("cannot resolve: ", gai, why, whysz);
		return BS_NET_DNS;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		u_long nb = 1;
		int err = 0, el = sizeof(err);

		s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (s == INVALID_SOCKET)
			continue;
		ioctlsocket(s, FIONBIO, &nb);
		if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) != 0 &&
		    WSAGetLastError() != WSAEWOULDBLOCK) {
			last = WSAGetLastError();
		} else if (!bs_net_wait((int)s, 1, deadline_ms)) {
			timed_out = 1;
		} else if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &el) != 0 ||
		    err != 0) {
			last = err != 0 ? err : WSAGetLastError();
		} else {
			break; /* connected */
		}
		closesocket(s);
		s = INVALID_SOCKET;
		if (timed_out)
			break;
	}
	freeaddrinfo(res);
	if (s != INVALID_SOCKET) {
		*out = (int)s;
		return BS_NET_OK;
	}
	if (timed_out) {
		snprintf(why, whysz, "no answer to connect before the deadline");
		return BS_NET_TIMEOUT;
	}
	if (last == WSAECONNREFUSED) {
		snprintf(why, whysz, "connection refused");
		return BS_NET_REFUSED;
	}
	net_why("", last, why, whysz);
	return BS_NET_UNREACHABLE;
}

void
bs_net_close(int fd)
{
	if (fd >= 0)
		closesocket((SOCKET)fd);
}
