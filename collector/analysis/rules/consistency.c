/* consistency: the fleet's majority per setting, by sorting (key, value,
 * server) pairs once: O(n log n) for n pairs, then a binary search per
 * question, so a fleet of 10,000 servers costs milliseconds. */
#include "analysis/rules/consistency.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"

int
bs_cons_add(struct bs_arena *a, struct bs_cons *c, const char *group, const char *key,
    const char *value, const struct bs_server *server)
{
	if (c->n == c->cap) {
		size_t cap = c->cap != 0 ? c->cap * 2 : 256;
		struct bs_cons_tuple *v = bs_arena_alloc(a, cap * sizeof(*v));

		if (v == NULL)
			return BS_ENOMEM;
		if (c->n > 0)
			memcpy(v, c->v, c->n * sizeof(*v));
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n].group = group;
	c->v[c->n].key = key;
	c->v[c->n].value = value;
	c->v[c->n].server = server;
	c->n++;
	c->sorted = 0;
	return 0;
}

static int
cons_cmp(const void *x, const void *y)
{
	const struct bs_cons_tuple *a = x, *b = y;
	int d = strcmp(a->key, b->key);

	if (d == 0)
		d = strcmp(a->value, b->value);
	if (d == 0)
		d = strcmp(a->server->fqdn, b->server->fqdn);
	return d;
}

void
bs_cons_finish(struct bs_cons *c)
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), cons_cmp);
	c->sorted = 1;
}

/* First index whose key is >= key. */
static size_t
cons_lower(const struct bs_cons *c, const char *key)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
bs_cons_stat(const struct bs_cons *c, const char *key, const char *value, struct bs_cons_stat *out)
{
	size_t i = cons_lower(c, key);

	memset(out, 0, sizeof(*out));
	if (!c->sorted || i == c->n || strcmp(c->v[i].key, key) != 0)
		return BS_ENOENT;
	while (i < c->n && strcmp(c->v[i].key, key) == 0) {
		size_t k = i + 1;

		while (k < c->n && strcmp(c->v[k].key, key) == 0 &&
		    strcmp(c->v[k].value, c->v[i].value) == 0)
			k++;
		if (k - i > out->n_majority) { /* strictly more: the smallest wins ties */
			out->majority = c->v[i].value;
			out->n_majority = k - i;
		}
		if (value != NULL && strcmp(c->v[i].value, value) == 0) {
			out->n_value = k - i;
			out->first = i;
		}
		out->total += k - i;
		i = k;
	}
	return 0;
}

json_t *
bs_cons_servers(const struct bs_cons *c, const struct bs_cons_stat *st, size_t max)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < st->n_value && i < max; i++)
		if (json_array_append_new(a, json_string(c->v[st->first + i].server->fqdn)) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}
