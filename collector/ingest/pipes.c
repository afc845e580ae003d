/* pipes: connection caps, requests per connection and deadlines. */
#include "ingest/pipes.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *const bs_pipes_reason_names[BS_PIPES_NREASONS] = {"total", "per_address",
    "too_many_requests", "login_timeout", "idle_timeout", "reply_not_taken", "handshake_timeout",
    "not_tls", "accept_failed"};

#define PIPES_ADDR 17 /* length byte (never 0), then up to 16 address bytes */

struct pipe_rec {
	uint32_t id; /* 0: empty slot */
	unsigned active; /* requests in progress */
	int64_t since_ms; /* connected, or the last request answered */
	uint8_t proven; /* an accepted report was answered on it */
	uint8_t expired; /* handed out by bs_pipes_expired already */
	uint8_t addr[PIPES_ADDR];
};

struct addr_rec {
	uint8_t addr[PIPES_ADDR]; /* all zero: empty slot */
	unsigned n;
};

/* Open addressing, linear probing, deletion by backward shift (no
 * tombstones, so a long-running collector never slows down). Both tables
 * have at least twice as many slots as connections may be open. */
struct bs_pipes {
	pthread_mutex_t lock;
	struct bs_pipes_limits lim;
	struct pipe_rec *pipes;
	struct addr_rec *addrs;
	size_t mask; /* slots - 1, a power of two minus one */
	struct bs_pipes_stats stats;
};

static size_t
pipes_hash(const uint8_t *key, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ key[i]) * 1099511628211ull;
	return (size_t)(h ^ h >> 32);
}

static size_t
pipe_home(const struct bs_pipes *p, uint32_t id)
{
	return pipes_hash((const uint8_t *)&id, sizeof(id)) & p->mask;
}

static size_t
addr_home(const struct bs_pipes *p, const uint8_t *addr)
{
	return pipes_hash(addr, PIPES_ADDR) & p->mask;
}

/* The slot holding id, or the empty slot where it would go. */
static size_t
pipe_slot(const struct bs_pipes *p, uint32_t id)
{
	size_t i = pipe_home(p, id);

	while (p->pipes[i].id != 0 && p->pipes[i].id != id)
		i = (i + 1) & p->mask;
	return i;
}

static int
addr_empty(const struct addr_rec *a)
{
	return a->addr[0] == 0;
}

static size_t
addr_slot(const struct bs_pipes *p, const uint8_t *addr)
{
	size_t i = addr_home(p, addr);

	while (!addr_empty(&p->addrs[i]) && memcmp(p->addrs[i].addr, addr, PIPES_ADDR) != 0)
		i = (i + 1) & p->mask;
	return i;
}

/* Whether the entry at j, whose home is k, may move into the hole at i. */
static int
pipes_may_fill(size_t i, size_t j, size_t k)
{
	return i <= j ? (k <= i || k > j) : (k <= i && k > j);
}

static void
pipe_delete(struct bs_pipes *p, size_t i)
{
	for (size_t j = (i + 1) & p->mask; p->pipes[j].id != 0; j = (j + 1) & p->mask)
		if (pipes_may_fill(i, j, pipe_home(p, p->pipes[j].id))) {
			p->pipes[i] = p->pipes[j];
			i = j;
		}
	memset(&p->pipes[i], 0, sizeof(p->pipes[i]));
}

static void
addr_delete(struct bs_pipes *p, size_t i)
{
	for (size_t j = (i + 1) & p->mask; !addr_empty(&p->addrs[j]); j = (j + 1) & p->mask)
		if (pipes_may_fill(i, j, addr_home(p, p->addrs[j].addr))) {
			p->addrs[i] = p->addrs[j];
			i = j;
		}
	memset(&p->addrs[i], 0, sizeof(p->addrs[i]));
}

int
bs_pipes_create(const struct bs_pipes_limits *lim, struct bs_pipes **out)
{
	struct bs_pipes *p;
	size_t slots = 4;

	*out = NULL;
	if (lim->max_total == 0 || lim->max_total > BS_PIPES_MAX || lim->max_per_address == 0 ||
	    lim->max_requests == 0)
		return BS_EINVAL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return BS_ENOMEM;
	while (slots < 2 * (size_t)lim->max_total)
		slots *= 2;
	p->lim = *lim;
	p->mask = slots - 1;
	p->pipes = calloc(slots, sizeof(*p->pipes));
	p->addrs = calloc(slots, sizeof(*p->addrs));
	if (p->pipes == NULL || p->addrs == NULL) {
		bs_pipes_destroy(p);
		return BS_ENOMEM;
	}
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return 0;
}

void
bs_pipes_destroy(struct bs_pipes *p)
{
	if (p == NULL)
		return;
	if (p->pipes != NULL && p->addrs != NULL)
		pthread_mutex_destroy(&p->lock);
	free(p->pipes);
	free(p->addrs);
	free(p);
}

int
bs_pipes_add(struct bs_pipes *p, uint32_t id, const void *addr, size_t addrlen, int64_t now_ms)
{
	uint8_t key[PIPES_ADDR] = {0};
	size_t a, i;
	int rv = 0;

	if (addrlen > PIPES_ADDR - 1)
		addrlen = PIPES_ADDR - 1;
	key[0] = (uint8_t)(addrlen + 1);
	memcpy(key + 1, addr, addrlen);
	pthread_mutex_lock(&p->lock);
	a = addr_slot(p, key);
	i = pipe_slot(p, id);
	if (p->pipes[i].id == id) {
		rv = 0; /* told twice: already counted */
	} else if (p->stats.open >= p->lim.max_total) {
		p->stats.by_reason[BS_PIPES_OVER_TOTAL]++;
		rv = BS_EREFUSED;
	} else if (!addr_empty(&p->addrs[a]) && p->addrs[a].n >= p->lim.max_per_address) {
		p->stats.by_reason[BS_PIPES_OVER_ADDRESS]++;
		rv = BS_EREFUSED;
	} else {
		if (addr_empty(&p->addrs[a]))
			memcpy(p->addrs[a].addr, key, PIPES_ADDR);
		p->addrs[a].n++;
		p->pipes[i].id = id;
		p->pipes[i].since_ms = now_ms;
		memcpy(p->pipes[i].addr, key, PIPES_ADDR);
		p->stats.open++;
	}
	pthread_mutex_unlock(&p->lock);
	return rv;
}

void
bs_pipes_remove(struct bs_pipes *p, uint32_t id)
{
	size_t i, a;

	pthread_mutex_lock(&p->lock);
	i = pipe_slot(p, id);
	if (p->pipes[i].id == id) {
		a = addr_slot(p, p->pipes[i].addr);
		if (!addr_empty(&p->addrs[a]) && --p->addrs[a].n == 0)
			addr_delete(p, a);
		pipe_delete(p, i);
		p->stats.open--;
	}
	pthread_mutex_unlock(&p->lock);
}

int
bs_pipes_begin(struct bs_pipes *p, uint32_t id, int64_t now_ms)
{
	size_t i;
	int rv = 0;

	pthread_mutex_lock(&p->lock);
	i = pipe_slot(p, id);
	if (p->pipes[i].id != id || p->pipes[i].expired) {
		rv = BS_ENOENT;
	} else if (p->pipes[i].active >= p->lim.max_requests) {
		/* Dropped; it is sending, so it is not idle either. */
		p->pipes[i].since_ms = now_ms;
		p->stats.by_reason[BS_PIPES_OVER_REQUESTS]++;
		rv = BS_EREFUSED;
	} else {
		p->pipes[i].active++;
		p->pipes[i].since_ms = now_ms;
	}
	pthread_mutex_unlock(&p->lock);
	return rv;
}

void
bs_pipes_end(struct bs_pipes *p, uint32_t id, int accepted, int64_t now_ms)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	i = pipe_slot(p, id);
	if (p->pipes[i].id == id && p->pipes[i].active > 0) {
		p->pipes[i].active--;
		p->pipes[i].since_ms = now_ms;
		p->pipes[i].proven |= accepted != 0;
	}
	pthread_mutex_unlock(&p->lock);
}

size_t
bs_pipes_expired(struct bs_pipes *p, int64_t now_ms, uint32_t *ids, size_t n)
{
	size_t got = 0;

	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i <= p->mask && got < n; i++) {
		struct pipe_rec *r = &p->pipes[i];
		int64_t limit = r->proven ? p->lim.idle_ms : p->lim.login_ms;

		if (r->id == 0 || r->expired || r->active > 0 || now_ms - r->since_ms < limit)
			continue;
		r->expired = 1;
		p->stats.by_reason[r->proven ? BS_PIPES_IDLE : BS_PIPES_LOGIN]++;
		ids[got++] = r->id;
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

void
bs_pipes_count(struct bs_pipes *p, enum bs_pipes_reason why)
{
	pthread_mutex_lock(&p->lock);
	p->stats.by_reason[why]++;
	pthread_mutex_unlock(&p->lock);
}

void
bs_pipes_stats(struct bs_pipes *p, struct bs_pipes_stats *out)
{
	pthread_mutex_lock(&p->lock);
	*out = p->stats;
	pthread_mutex_unlock(&p->lock);
}
