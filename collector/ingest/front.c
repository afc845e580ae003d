/* front: accepts the agent port's connections, caps them, times out their
 * handshakes, and relays them to NNG's private listener. */
#include "ingest/front.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

#define FRONT_READ 65536 /* one read, and the most a connection holds per direction */
#define FRONT_EVENTS 256
#define FRONT_TICK_MS 100 /* how often deadlines are looked at */
#define FRONT_PAUSE_MS 100 /* accept() paused after running out of descriptors */
#define FRONT_PORTS 65536
/* How long NNG has to close its end of a relay whose agent is gone (it
 * first takes in what it was sent: a peer that floods requests can have
 * megabytes of them in the socket's buffers), also when the front stops. */
#define FRONT_CLOSING_MS 30000

struct front_conn;

/* What epoll hands back: one end of a connection (side 0: the agent,
 * side 1: NNG), or the listener / the stop signal (c NULL). */
struct front_end {
	struct front_conn *c;
	int side;
};

struct front_held { /* read from one side, not yet taken by the other */
	uint8_t *buf;
	size_t off, len;
};

struct front_conn {
	struct front_end ends[2];
	int fd[2]; /* -1: not open (NNG's side before the agent's first bytes) */
	uint32_t watching[2]; /* the epoll events asked for on fd[i] */
	struct front_held held[2]; /* held[i]: from side i to the other */
	int connecting; /* fd[1]'s connect() in progress */
	int open; /* the handshake is over */
	int closing; /* the agent is gone; NNG's end closes itself (front_close) */
	int dead; /* closed; freed after the current batch of events */
	uint32_t id; /* in the admission table */
	unsigned relay_port; /* fd[1]'s local port, as NNG sees it */
	int64_t since_ms; /* accepted, or (closing) the agent gone */
	struct bs_handshake hs;
	struct front_conn *prev, *next; /* handshaking or closing, oldest first */
	struct front_conn *all_prev, *all_next; /* every connection */
	struct front_conn *grave; /* dead, to be freed */
};

/* Connections that share a deadline, oldest first. */
struct front_queue {
	struct front_conn *head, *tail;
};

struct front_src {
	uint8_t len; /* 0: no relay connection on this port */
	uint8_t addr[16];
	uint32_t pipe; /* NNG's pipe for it, once NNG has one (bs_front_source) */
	struct front_conn *conn;
};

/* What NNG's side asked of a relay (bs_front_hangup, bs_front_pipe_gone),
 * for the front's thread. */
struct front_ask {
	unsigned port;
	uint32_t pipe;
	int gone; /* 1: NNG's pipe is gone; 0: close it as if its agent went */
};

struct bs_front {
	int lfd, ep, stopfd, wakefd;
	struct front_end lend, stopend, wakeend;
	int paused; /* the listener left out of epoll until pause_until */
	int64_t pause_until;
	pthread_t thread;
	int started, stopped;
	enum bs_handshake_kind kind;
	struct sockaddr_in upstream;
	struct bs_front_limits lim;
	struct bs_pipes *adm; /* the caps: total and per address */
	uint32_t serial;
	struct front_queue handshaking, closing;
	struct front_conn *all;
	struct front_conn *graves;
	pthread_mutex_t lock; /* by_port, asks and the counts below */
	struct front_src *by_port;
	struct front_ask *asks;
	size_t n_asks, cap_asks;
	uint64_t n_handshake, n_not_tls, n_accept_failed;
	uint8_t scratch[FRONT_READ];
};

static int64_t
front_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
bs_front_parse_url(const char *url, struct bs_front_at *at)
{
	static const struct {
		const char *scheme;
		enum bs_handshake_kind kind;
		enum bs_front_family family;
	} schemes[] = {
	    {"tls+tcp://", BS_HANDSHAKE_TLS, BS_FRONT_ANY},
	    {"tls+tcp4://", BS_HANDSHAKE_TLS, BS_FRONT_IPV4},
	    {"tls+tcp6://", BS_HANDSHAKE_TLS, BS_FRONT_IPV6},
	    {"tcp://", BS_HANDSHAKE_SP, BS_FRONT_ANY},
	    {"tcp4://", BS_HANDSHAKE_SP, BS_FRONT_IPV4},
	    {"tcp6://", BS_HANDSHAKE_SP, BS_FRONT_IPV6},
	};
	const char *rest = NULL, *colon, *h, *hend;
	size_t hl, pl;

	memset(at, 0, sizeof(*at));
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(url, schemes[i].scheme, strlen(schemes[i].scheme)) == 0) {
			rest = url + strlen(schemes[i].scheme);
			at->kind = schemes[i].kind;
			at->family = schemes[i].family;
			break;
		}
	if (rest == NULL)
		return BS_ENOENT;
	if (*rest == '[') {
		h = rest + 1;
		if (at->family == BS_FRONT_IPV4 || (hend = strchr(h, ']')) == NULL ||
		    hend[1] != ':')
			return BS_EINVAL;
		colon = hend + 1;
	} else {
		h = rest;
		if ((colon = strrchr(rest, ':')) == NULL)
			return BS_EINVAL;
		hend = colon;
	}
	hl = (size_t)(hend - h);
	pl = strlen(colon + 1);
	if (pl == 0 || pl >= sizeof(at->port) || hl >= sizeof(at->host) ||
	    strspn(colon + 1, "0123456789") != pl || memchr(h, ']', hl) != NULL)
		return BS_EINVAL;
	if (hl == 1 && *h == '*')
		hl = 0;
	memcpy(at->host, h, hl);
	at->host[hl] = '\0';
	memcpy(at->port, colon + 1, pl + 1);
	return 0;
}

/* The agent's address in ss as the admission table counts it: 4 bytes
 * for IPv4, also when a dual-stack listener shows it as ::ffff:a.b.c.d,
 * 16 for IPv6; none (len 0) for anything else. */
static void
front_peer(const struct sockaddr_storage *ss, const void **addr, size_t *len)
{
	*addr = "";
	*len = 0;
	if (ss->ss_family == AF_INET) {
		*addr = &((const struct sockaddr_in *)ss)->sin_addr;
		*len = 4;
	} else if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;

		*addr = a6;
		*len = 16;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			*addr = a6->s6_addr + 12;
			*len = 4;
		}
	}
}

static int
front_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0
	    ? -1
	    : 0;
}

/* Asks epoll for what fd[side] should be watched for now: readable while
 * nothing it sent is held, writable while something for it is held (or
 * its connect is in progress). */
static void
front_watch(struct bs_front *f, struct front_conn *c, int side)
{
	struct epoll_event ev;
	uint32_t want = 0;

	if (c->dead || c->fd[side] < 0)
		return;
	if (c->closing) /* only fd[1] is left: not read, see front_close */
		want = EPOLLRDHUP;
	else if (c->held[side].len == 0 && !(side == 1 && c->connecting))
		want |= EPOLLIN;
	if (!c->closing && (c->held[!side].len > 0 || (side == 1 && c->connecting)))
		want |= EPOLLOUT;
	if (want == c->watching[side])
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = &c->ends[side];
	epoll_ctl(f->ep, EPOLL_CTL_MOD, c->fd[side], &ev);
	c->watching[side] = want;
}

static void
front_enqueue(struct front_queue *q, struct front_conn *c)
{
	c->next = NULL;
	c->prev = q->tail;
	if (q->tail != NULL)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
}

static void
front_unlink(struct front_queue *q, struct front_conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (q->head == c)
		q->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else if (q->tail == c)
		q->tail = c->prev;
	c->prev = c->next = NULL;
}

/* Closes both ends; the memory goes after the current batch of events
 * (one may still name this connection). */
static void
front_kill(struct bs_front *f, struct front_conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	for (int i = 0; i < 2; i++)
		if (c->fd[i] >= 0)
			close(c->fd[i]);
	if (c->relay_port != 0) {
		pthread_mutex_lock(&f->lock);
		memset(&f->by_port[c->relay_port], 0, sizeof(f->by_port[c->relay_port]));
		pthread_mutex_unlock(&f->lock);
	}
	bs_pipes_remove(f->adm, c->id);
	if (!c->open)
		front_unlink(&f->handshaking, c);
	else if (c->closing)
		front_unlink(&f->closing, c);
	if (c->all_prev != NULL)
		c->all_prev->all_next = c->all_next;
	else
		f->all = c->all_next;
	if (c->all_next != NULL)
		c->all_next->all_prev = c->all_prev;
	c->grave = f->graves;
	f->graves = c;
}

static void
front_bury(struct bs_front *f)
{
	while (f->graves != NULL) {
		struct front_conn *c = f->graves;

		f->graves = c->grave;
		free(c->held[0].buf);
		free(c->held[1].buf);
		free(c);
	}
}

/* Dials NNG's private listener for c and notes the port it comes from. */
static int
front_dial(struct bs_front *f, struct front_conn *c, const uint8_t *addr, size_t addrlen)
{
	struct sockaddr_in local;
	socklen_t ll = sizeof(local);
	struct epoll_event ev;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || front_nonblock(fd) != 0)
		goto fail;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&f->upstream, sizeof(f->upstream)) != 0) {
		if (errno != EINPROGRESS)
			goto fail;
		c->connecting = 1;
	}
	if (getsockname(fd, (struct sockaddr *)&local, &ll) != 0 || local.sin_family != AF_INET)
		goto fail;
	memset(&ev, 0, sizeof(ev));
	c->watching[1] = ev.events = c->connecting ? EPOLLOUT : EPOLLIN;
	ev.data.ptr = &c->ends[1];
	if (epoll_ctl(f->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		goto fail;
	c->fd[1] = fd;
	c->relay_port = ntohs(local.sin_port);
	pthread_mutex_lock(&f->lock);
	f->by_port[c->relay_port].len = (uint8_t)addrlen;
	memcpy(f->by_port[c->relay_port].addr, addr, addrlen);
	f->by_port[c->relay_port].pipe = 0;
	f->by_port[c->relay_port].conn = c;
	pthread_mutex_unlock(&f->lock);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Writes what side `from` has held to the other side; 0 unless the
 * connection broke. */
static int
front_flush(struct front_conn *c, int from)
{
	struct front_held *h = &c->held[from];
	int to = !from;

	while (h->len > 0) {
		ssize_t w;

		if (c->fd[to] < 0 || (to == 1 && c->connecting))
			return 0;
		w = send(c->fd[to], h->buf + h->off, h->len, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
		h->off += (size_t)w;
		h->len -= (size_t)w;
	}
	free(h->buf);
	h->buf = NULL;
	h->off = 0;
	return 0;
}

/* The agent's end is gone (or the front stops): NNG gets an end of
 * stream and closes its pipe itself. Why not close both ends at once: NNG
 * 1.5.2 loses a receive when a pipe is closed (on a send that failed, say)
 * while a message is arriving, and then never reaps that pipe nor any
 * after it (nng_close hangs). A pipe that closes on its own end of stream,
 * nothing more arriving and its replies not read (so its sends wait), has
 * nothing in flight. NNG's end of the relay then cannot send its FIN
 * (behind replies this end does not read), so the relay goes when NNG
 * says its pipe is gone (bs_front_pipe_gone), or after FRONT_CLOSING_MS.
 * What the agent sent that NNG has not got yet is dropped: nobody is left
 * to take the reply. */
static void
front_close(struct bs_front *f, struct front_conn *c, int64_t now)
{
	if (c->dead || c->closing)
		return;
	if (!c->open || c->fd[1] < 0 || c->connecting) {
		front_kill(f, c); /* no pipe in NNG yet */
		return;
	}
	c->closing = 1;
	c->since_ms = now;
	front_enqueue(&f->closing, c);
	close(c->fd[0]);
	c->fd[0] = -1;
	for (int i = 0; i < 2; i++) {
		free(c->held[i].buf);
		memset(&c->held[i], 0, sizeof(c->held[i]));
	}
	if (shutdown(c->fd[1], SHUT_WR) != 0)
		front_kill(f, c);
	else
		front_watch(f, c, 1);
}

/* What the agent sent before its handshake was over: followed, and the
 * first bytes open the connection to NNG. 0 to relay them. */
static int
front_handshake(struct bs_front *f, struct front_conn *c, const uint8_t *p, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const void *addr = "";
	size_t addrlen = 0;

	switch (bs_handshake_feed(&c->hs, p, n)) {
	case BS_HANDSHAKE_BAD:
		pthread_mutex_lock(&f->lock);
		f->n_not_tls++;
		pthread_mutex_unlock(&f->lock);
		bs_log(BS_LOG_DEBUG, "connection_not_tls", "why=\"%s\"", c->hs.why);
		return -1;
	case BS_HANDSHAKE_DONE:
		c->open = 1;
		front_unlink(&f->handshaking, c);
		break;
	case BS_HANDSHAKE_MORE: break;
	}
	if (c->fd[1] >= 0)
		return 0;
	if (getpeername(c->fd[0], (struct sockaddr *)&ss, &sl) == 0)
		front_peer(&ss, &addr, &addrlen);
	return front_dial(f, c, addr, addrlen);
}

/* Sends n bytes from side `from` to the other side, holding what it does
 * not take yet; 0 unless the connection broke. */
static int
front_pass(struct front_conn *c, int from, const uint8_t *p, size_t n)
{
	struct front_held *h = &c->held[from];
	int to = !from;
	size_t done = 0;

	if (c->fd[to] >= 0 && !(to == 1 && c->connecting)) {
		ssize_t w = send(c->fd[to], p, n, MSG_NOSIGNAL);

		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (w > 0)
			done = (size_t)w;
	}
	if (done == n)
		return 0;
	if ((h->buf = malloc(n - done)) == NULL)
		return -1;
	memcpy(h->buf, p + done, n - done);
	h->off = 0;
	h->len = n - done;
	return 0;
}

/* fd[side] is readable (or closed): one read, passed on. */
static int
front_read(struct bs_front *f, struct front_conn *c, int side)
{
	ssize_t n = recv(c->fd[side], f->scratch, sizeof(f->scratch), 0);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1; /* either side gone: neither NNG nor an agent half-closes */
	if (side == 0 && !c->open && front_handshake(f, c, f->scratch, (size_t)n) != 0)
		return -1;
	return front_pass(c, side, f->scratch, (size_t)n);
}

static void
front_io(struct bs_front *f, struct front_conn *c, int side, uint32_t events, int64_t now)
{
	if (c->dead || c->fd[side] < 0)
		return;
	if (c->closing) {
		if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			front_kill(f, c); /* NNG closed its end */
		return;
	}
	if (side == 1 && c->connecting) {
		int err = 0;
		socklen_t el = sizeof(err);

		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)
			goto kill;
		c->connecting = 0;
	}
	if ((events & EPOLLOUT) && front_flush(c, !side) != 0)
		goto kill;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		/* Not watched for reading while its bytes are held: a hang-up
		 * then is the end (epoll reports it whether asked or not). */
		if (c->held[side].len > 0) {
			if (events & (EPOLLHUP | EPOLLERR))
				goto kill;
		} else if (front_read(f, c, side) != 0) {
			goto kill;
		}
	}
	front_watch(f, c, 0);
	front_watch(f, c, 1);
	return;
kill:
	front_close(f, c, now); /* NNG's end gone too: front_close finds so */
}

static void
front_listen_events(struct bs_front *f, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = &f->lend;
	epoll_ctl(f->ep, EPOLL_CTL_MOD, f->lfd, &ev);
}

static void
front_accept(struct bs_front *f, int64_t now)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		const void *addr = "";
		size_t addrlen = 0;
		struct front_conn *c;
		struct epoll_event ev;
		int fd = accept(f->lfd, (struct sockaddr *)&ss, &sl);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				/* The queued connection stays queued: look again later
				 * rather than spin on a listener that stays readable. */
				pthread_mutex_lock(&f->lock);
				f->n_accept_failed++;
				pthread_mutex_unlock(&f->lock);
				front_listen_events(f, 0);
				f->paused = 1;
				f->pause_until = now + FRONT_PAUSE_MS;
			}
			return;
		}
		front_peer(&ss, &addr, &addrlen);
		if (++f->serial == 0)
			f->serial = 1;
		if (front_nonblock(fd) != 0 ||
		    bs_pipes_add(f->adm, f->serial, addr, addrlen, now) != 0) {
			close(fd); /* a refusal is counted by bs_pipes */
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			bs_pipes_remove(f->adm, f->serial);
			close(fd);
			continue;
		}
		c->ends[0].c = c->ends[1].c = c;
		c->ends[1].side = 1;
		c->fd[0] = fd;
		c->fd[1] = -1;
		c->id = f->serial;
		c->since_ms = now;
		bs_handshake_init(&c->hs, f->kind);
		memset(&ev, 0, sizeof(ev));
		c->watching[0] = ev.events = EPOLLIN;
		ev.data.ptr = &c->ends[0];
		if (epoll_ctl(f->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			bs_pipes_remove(f->adm, c->id);
			close(fd);
			free(c);
			continue;
		}
		front_enqueue(&f->handshaking, c);
		c->all_next = f->all;
		if (f->all != NULL)
			f->all->all_prev = c;
		f->all = c;
	}
}

/* Every connection has the same handshake deadline, so the handshaking
 * list, in accept order, has the late ones at its head. */
static void
front_expire(struct bs_front *f, int64_t now)
{
	while (f->handshaking.head != NULL &&
	    now - f->handshaking.head->since_ms >= (int64_t)f->lim.handshake_ms) {
		pthread_mutex_lock(&f->lock);
		f->n_handshake++;
		pthread_mutex_unlock(&f->lock);
		front_kill(f, f->handshaking.head);
	}
	while (f->closing.head != NULL && now - f->closing.head->since_ms >= FRONT_CLOSING_MS) {
		bs_log(BS_LOG_WARN, "relay_closed_late", "relay_port=%u after_ms=%d",
		    f->closing.head->relay_port, FRONT_CLOSING_MS);
		front_kill(f, f->closing.head);
	}
}

/* What NNG's side asked since last time (bs_front_hangup and
 * bs_front_pipe_gone): done for the relay that still carries that pipe. */
static void
front_answer(struct bs_front *f, int64_t now)
{
	struct front_ask *asks;
	size_t n;
	uint64_t v;

	if (read(f->wakefd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		bs_log(BS_LOG_WARN, "front_wake", "error=\"%s\"", strerror(errno));
	pthread_mutex_lock(&f->lock);
	asks = f->asks;
	n = f->n_asks;
	f->asks = NULL;
	f->n_asks = f->cap_asks = 0;
	pthread_mutex_unlock(&f->lock);
	for (size_t i = 0; i < n; i++) {
		struct front_conn *c;

		pthread_mutex_lock(&f->lock);
		c = f->by_port[asks[i].port].pipe == asks[i].pipe ? f->by_port[asks[i].port].conn
		                                                  : NULL;
		pthread_mutex_unlock(&f->lock);
		if (c == NULL)
			continue;
		if (asks[i].gone)
			front_kill(f, c);
		else
			front_close(f, c, now);
	}
	free(asks);
}

static void *
front_main(void *arg)
{
	struct bs_front *f = arg;
	struct epoll_event evs[FRONT_EVENTS];
	int stopping = 0;

	/* Stopping: no more connections, and every relay is closed as when
	 * its agent goes (front_close), within FRONT_CLOSING_MS. */
	while (!stopping || f->all != NULL) {
		int n = epoll_wait(f->ep, evs, FRONT_EVENTS, FRONT_TICK_MS), stop = 0;
		int64_t now = front_now_ms();

		for (int i = 0; i < n; i++) {
			struct front_end *e = evs[i].data.ptr;

			if (e == &f->stopend)
				stop = 1;
			else if (e == &f->wakeend)
				front_answer(f, now);
			else if (e == &f->lend)
				front_accept(f, now);
			else
				front_io(f, e->c, e->side, evs[i].events, now);
		}
		if (stop && !stopping) {
			stopping = 1;
			epoll_ctl(f->ep, EPOLL_CTL_DEL, f->stopfd, NULL);
			epoll_ctl(f->ep, EPOLL_CTL_DEL, f->lfd, NULL);
			for (struct front_conn *c = f->all, *next; c != NULL; c = next) {
				next = c->all_next; /* still valid: freed by front_bury */
				front_close(f, c, now);
			}
		}
		front_expire(f, now);
		if (f->paused && !stopping && now >= f->pause_until) {
			f->paused = 0;
			front_listen_events(f, EPOLLIN);
		}
		front_bury(f);
	}
	return NULL;
}

/* Binds and listens on the first of host:port's addresses (of family)
 * that takes it: 0, or BS_ENOENT with *why (static text) and *err (the
 * last errno, 0 when the name did not resolve). v6only (-1: the system's
 * default) goes on IPv6 sockets. */
static int
front_bind(const char *host, const char *port, int family, int v6only, int *out, const char **why,
    int *err)
{
	struct addrinfo hints, *res = NULL;
	int fd = -1, gai, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	*err = 0;
	if ((gai = getaddrinfo(*host != '\0' ? host : NULL, port, &hints, &res)) != 0) {
		*why = gai_strerror(gai);
		return BS_ENOENT;
	}
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0) {
			*err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6 && v6only >= 0)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
		if (front_nonblock(fd) == 0 && bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, SOMAXCONN) == 0)
			break;
		*err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		*why = strerror(*err);
		return BS_ENOENT;
	}
	*out = fd;
	return 0;
}

/* Every address (no host) with either family is one dual-stack IPv6
 * socket, so agents reach the front over IPv6 and IPv4 alike, or IPv4
 * alone where the host has no IPv6 (and only then: a port another
 * program holds is an error, not a reason to try IPv4); tcp6:// is IPv6
 * only. */
static int
front_listen(const struct bs_front_at *at, int *out)
{
	static const int families[] = {AF_UNSPEC, AF_INET, AF_INET6};
	const char *why = "";
	int err = 0, rv;

	if (at->host[0] == '\0' && at->family == BS_FRONT_ANY) {
		rv = front_bind("", at->port, AF_INET6, 0, out, &why, &err);
		if (rv != 0 && err != EADDRINUSE && err != EACCES)
			rv = front_bind("", at->port, AF_INET, -1, out, &why, &err);
	} else {
		rv = front_bind(at->host, at->port, families[at->family],
		    at->family == BS_FRONT_IPV6 ? 1 : -1, out, &why, &err);
	}
	if (rv != 0) {
		bs_log(BS_LOG_ERROR, "listen_failed", "host=%s port=%s error=\"%s\"",
		    at->host[0] != '\0' ? at->host : "*", at->port, why);
		return BS_ENET;
	}
	return 0;
}

int
bs_front_start(const struct bs_front_at *at, unsigned upstream_port,
    const struct bs_front_limits *lim, struct bs_front **out)
{
	struct bs_pipes_limits pl = {lim->max_total, lim->max_per_address, 1, 0, 0};
	struct bs_front *f;
	struct epoll_event ev;
	int rv;

	*out = NULL;
	if (lim->handshake_ms == 0 || upstream_port == 0 || upstream_port >= FRONT_PORTS)
		return BS_EINVAL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return BS_ENOMEM;
	f->lfd = f->ep = f->stopfd = f->wakefd = -1;
	pthread_mutex_init(&f->lock, NULL);
	f->kind = at->kind;
	f->lim = *lim;
	f->upstream.sin_family = AF_INET;
	f->upstream.sin_port = htons((uint16_t)upstream_port);
	f->upstream.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->lend.side = f->stopend.side = f->wakeend.side = -1;
	if ((rv = bs_pipes_create(&pl, &f->adm)) != 0)
		goto out;
	rv = BS_ENOMEM;
	if ((f->by_port = calloc(FRONT_PORTS, sizeof(*f->by_port))) == NULL)
		goto out;
	if ((rv = front_listen(at, &f->lfd)) != 0)
		goto out;
	rv = BS_ENET;
	if ((f->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (f->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0 ||
	    (f->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
		goto out;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &f->lend;
	if (epoll_ctl(f->ep, EPOLL_CTL_ADD, f->lfd, &ev) != 0)
		goto out;
	ev.data.ptr = &f->stopend;
	if (epoll_ctl(f->ep, EPOLL_CTL_ADD, f->stopfd, &ev) != 0)
		goto out;
	ev.data.ptr = &f->wakeend;
	if (epoll_ctl(f->ep, EPOLL_CTL_ADD, f->wakefd, &ev) != 0)
		goto out;
	if (pthread_create(&f->thread, NULL, front_main, f) != 0)
		goto out;
	f->started = 1;
	*out = f;
	return 0;
out:
	bs_front_destroy(f);
	return rv;
}

void
bs_front_stop(struct bs_front *f)
{
	uint64_t one = 1;

	if (f == NULL || f->stopped)
		return;
	f->stopped = 1;
	if (f->started) {
		if (write(f->stopfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
			bs_log(BS_LOG_WARN, "front_stop", "error=\"%s\"", strerror(errno));
		pthread_join(f->thread, NULL);
	}
	if (f->lfd >= 0)
		close(f->lfd);
	f->lfd = -1;
}

void
bs_front_destroy(struct bs_front *f)
{
	if (f == NULL)
		return;
	bs_front_stop(f);
	if (f->stopfd >= 0)
		close(f->stopfd);
	if (f->wakefd >= 0)
		close(f->wakefd);
	if (f->ep >= 0)
		close(f->ep);
	bs_pipes_destroy(f->adm);
	free(f->by_port);
	free(f->asks);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

int
bs_front_source(struct bs_front *f, unsigned port, uint32_t pipe, uint8_t addr[16], size_t *len)
{
	int rv = BS_ENOENT;

	if (port == 0 || port >= FRONT_PORTS)
		return BS_ENOENT;
	pthread_mutex_lock(&f->lock);
	if (f->by_port[port].len != 0) {
		*len = f->by_port[port].len;
		memcpy(addr, f->by_port[port].addr, *len);
		f->by_port[port].pipe = pipe;
		rv = 0;
	}
	pthread_mutex_unlock(&f->lock);
	return rv;
}

static int
front_ask(struct bs_front *f, unsigned port, uint32_t pipe, int gone)
{
	uint64_t one = 1;
	int rv = 0;

	if (port == 0 || port >= FRONT_PORTS || pipe == 0)
		return BS_ENOENT;
	pthread_mutex_lock(&f->lock);
	if (f->by_port[port].pipe != pipe) {
		rv = BS_ENOENT;
	} else if (f->n_asks == f->cap_asks) {
		size_t cap = f->cap_asks != 0 ? f->cap_asks * 2 : 16;
		struct front_ask *a = realloc(f->asks, cap * sizeof(*a));

		if (a == NULL) {
			rv = BS_ENOMEM;
		} else {
			f->asks = a;
			f->cap_asks = cap;
		}
	}
	if (rv == 0)
		f->asks[f->n_asks++] = (struct front_ask){port, pipe, gone};
	pthread_mutex_unlock(&f->lock);
	if (rv == 0 && write(f->wakefd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		bs_log(BS_LOG_WARN, "front_wake", "error=\"%s\"", strerror(errno));
	return rv;
}

int
bs_front_hangup(struct bs_front *f, unsigned port, uint32_t pipe)
{
	return front_ask(f, port, pipe, 0);
}

void
bs_front_pipe_gone(struct bs_front *f, unsigned port, uint32_t pipe)
{
	(void)front_ask(f, port, pipe, 1);
}

void
bs_front_stats(struct bs_front *f, struct bs_pipes_stats *out)
{
	bs_pipes_stats(f->adm, out);
	pthread_mutex_lock(&f->lock);
	out->by_reason[BS_PIPES_HANDSHAKE] = f->n_handshake;
	out->by_reason[BS_PIPES_NOT_TLS] = f->n_not_tls;
	out->by_reason[BS_PIPES_ACCEPT_FAILED] = f->n_accept_failed;
	pthread_mutex_unlock(&f->lock);
}
