/* net: the agent's own TCP connections (the live TLS probe): a
 * non-blocking connect and readiness waits, all under one deadline on the
 * monotonic clock (bs_mono_ms, clock.h). Sockets are ints, as OpenSSL's
 * SSL_set_fd takes them on both platforms. Platform variants: net_posix.c
 * (BSD sockets), net_win32.c (Winsock). */
#ifndef BS_NET_H
#define BS_NET_H

#include <stddef.h>
#include <stdint.h>

enum bs_net_result {
	BS_NET_OK = 0,
	BS_NET_DNS, /* the name did not resolve */
	BS_NET_TIMEOUT, /* no answer before the deadline */
	BS_NET_REFUSED,
	BS_NET_UNREACHABLE,
};

/* Connects to host:port, trying each address in turn, until deadline_ms.
 * On BS_NET_OK *fd is the caller's (bs_net_close); otherwise why says
 * what went wrong. */
enum bs_net_result bs_net_connect(
    const char *host, unsigned port, int64_t deadline_ms, int *fd, char *why, size_t whysz);

/* Waits for fd to be readable (for_write 0) or writable; 1 ready (or in
 * error, for the caller to see), 0 when the deadline passed. */
int bs_net_wait(int fd, int for_write, int64_t deadline_ms);

void bs_net_close(int fd);

#endif
