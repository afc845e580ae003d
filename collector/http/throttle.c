/* throttle: the failed-login table, a fixed array searched by hash. */
#include "http/throttle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

struct throttle_entry {
	uint32_t hash;
	int used;
	char key[BS_THROTTLE_KEY];
	unsigned failures; /* since the key last started over */
	int64_t last_fail_ms;
	int64_t locked_until_ms;
};

struct bs_throttle {
	struct bs_throttle_options o;
	pthread_mutex_t lock;
	struct throttle_entry *v;
	size_t n;
};

static uint32_t
throttle_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int
bs_throttle_create(const struct bs_throttle_options *o, struct bs_throttle **out)
{
	struct bs_throttle *t;

	*out = NULL;
	if (o->max_entries == 0 || o->base_delay_s == 0 || o->max_delay_s < o->base_delay_s)
		return BS_EINVAL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return BS_ENOMEM;
	if ((t->v = calloc(o->max_entries, sizeof(*t->v))) == NULL) {
		free(t);
		return BS_ENOMEM;
	}
	t->o = *o;
	pthread_mutex_init(&t->lock, NULL);
	*out = t;
	return 0;
}

void
bs_throttle_destroy(struct bs_throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->v);
	free(t);
}

/* The entry for key, or NULL. Called with the lock held. */
static struct throttle_entry *
throttle_find(struct bs_throttle *t, const char *key, uint32_t h)
{
	for (size_t i = 0; i < t->o.max_entries; i++)
		if (t->v[i].used && t->v[i].hash == h &&
		    strncmp(t->v[i].key, key, BS_THROTTLE_KEY - 1) == 0)
			return &t->v[i];
	return NULL;
}

/* A key that has been quiet for the window starts over. */
static int
throttle_stale(const struct bs_throttle *t, const struct throttle_entry *e, int64_t now_ms)
{
	return e->locked_until_ms <= now_ms &&
	    now_ms - e->last_fail_ms >= (int64_t)t->o.window_s * 1000;
}

/* 1 when e should give way before best: an unlocked entry before a
 * locked one; among unlocked, the oldest failure; among locked, the lock
 * that ends first. */
static int
throttle_sooner(const struct throttle_entry *e, const struct throttle_entry *best, int64_t now_ms)
{
	int e_free = e->locked_until_ms <= now_ms, best_free = best->locked_until_ms <= now_ms;

	if (e_free != best_free)
		return e_free;
	return e_free ? e->last_fail_ms < best->last_fail_ms
	              : e->locked_until_ms < best->locked_until_ms;
}

/* A free slot, or the one to give way (stale first, then throttle_sooner). */
static struct throttle_entry *
throttle_slot(struct bs_throttle *t, int64_t now_ms)
{
	struct throttle_entry *best = NULL;

	for (size_t i = 0; i < t->o.max_entries; i++) {
		struct throttle_entry *e = &t->v[i];

		if (!e->used || throttle_stale(t, e, now_ms))
			return e;
		if (best == NULL || throttle_sooner(e, best, now_ms))
			best = e;
	}
	return best;
}

unsigned
bs_throttle_wait(struct bs_throttle *t, const char *key, int64_t now_ms)
{
	struct throttle_entry *e;
	unsigned wait = 0;

	pthread_mutex_lock(&t->lock);
	e = throttle_find(t, key, throttle_hash(key));
	if (e != NULL && e->locked_until_ms > now_ms)
		wait = (unsigned)((e->locked_until_ms - now_ms + 999) / 1000);
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void
bs_throttle_fail(struct bs_throttle *t, const char *key, int64_t now_ms)
{
	uint32_t h = throttle_hash(key);
	struct throttle_entry *e;

	pthread_mutex_lock(&t->lock);
	e = throttle_find(t, key, h);
	if (e != NULL && throttle_stale(t, e, now_ms))
		e->failures = 0;
	if (e == NULL) {
		e = throttle_slot(t, now_ms);
		if (!e->used)
			t->n++;
		memset(e, 0, sizeof(*e));
		e->used = 1;
		e->hash = h;
		strncpy(e->key, key, sizeof(e->key) - 1);
	}
	e->failures++;
	e->last_fail_ms = now_ms;
	if (e->failures > t->o.free_failures) {
		unsigned over = e->failures - t->o.free_failures - 1;
		uint64_t delay = t->o.base_delay_s;

		/* Doubling, stopped at the ceiling before it can overflow. */
		while (over-- > 0 && delay < t->o.max_delay_s)
			delay *= 2;
		if (delay > t->o.max_delay_s)
			delay = t->o.max_delay_s;
		e->locked_until_ms = now_ms + (int64_t)delay * 1000;
	}
	pthread_mutex_unlock(&t->lock);
}

void
bs_throttle_success(struct bs_throttle *t, const char *key)
{
	struct throttle_entry *e;

	pthread_mutex_lock(&t->lock);
	if ((e = throttle_find(t, key, throttle_hash(key))) != NULL) {
		memset(e, 0, sizeof(*e));
		t->n--;
	}
	pthread_mutex_unlock(&t->lock);
}

size_t
bs_throttle_count(struct bs_throttle *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->n;
	pthread_mutex_unlock(&t->lock);
	return n;
}
