/* model: building, indexing and freeing an analysis; severity names. */
#include "analysis/model.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "err.h"
#include "log.h"

const char *
bs_severity_name(enum bs_severity s)
{
	switch (s) {
	case BS_SEV_INFO: return "info";
	case BS_SEV_WARNING: return "warning";
	case BS_SEV_CRITICAL: return "critical";
	case BS_SEV_NONE: break;
	}
	return "none";
}

int
bs_severity_parse(const char *s, enum bs_severity *out)
{
	if (strcmp(s, "info") == 0)
		*out = BS_SEV_INFO;
	else if (strcmp(s, "warning") == 0)
		*out = BS_SEV_WARNING;
	else if (strcmp(s, "critical") == 0)
		*out = BS_SEV_CRITICAL;
	else
		return BS_EINVAL;
	return 0;
}

void
bs_rules_config_defaults(struct bs_rules_config *c)
{
	memset(c, 0, sizeof(*c));
	c->peer_min_requests = 20;
	c->peer_min_fail_pct = 5;
	c->expiring_warning_days = 30;
	c->expiring_critical_days = 7;
	c->weak_rsa_bits = 2048;
	c->changes_window = 86400;
}

void
bs_analysis_options_defaults(struct bs_analysis_options *o)
{
	memset(o, 0, sizeof(*o));
	bs_rules_config_defaults(&o->rules);
}

int
bs_analysis_create(const struct bs_analysis_options *opt, struct bs_analysis **out)
{
	struct bs_analysis *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (a == NULL)
		return BS_ENOMEM;
	bs_arena_init(&a->arena, 0);
	a->opt = *opt;
	if (a->opt.now_ms == 0)
		a->opt.now_ms = bs_now_ms();
	a->generated_at_ms = a->opt.now_ms;
	*out = a;
	return 0;
}

int
bs_analysis_add(struct bs_analysis *a, const char *provenance, int64_t received_at_ms, bs_report *r)
{
	struct bs_server *s = bs_arena_alloc(&a->arena, sizeof(*s));

	if (s == NULL || r->host == NULL)
		return s == NULL ? BS_ENOMEM : BS_EINVAL;
	s->fqdn = r->host->fqdn;
	s->provenance = bs_arena_strdup(&a->arena, provenance);
	s->received_at_ms = received_at_ms;
	s->report = r;
	if (s->provenance == NULL)
		return BS_ENOMEM;
	return bs_arena_push(&a->arena, (void ***)&a->servers, &a->n_servers, s);
}

static int
analysis_cmp_name(const void *x, const void *y)
{
	return strcasecmp(
	    (*(struct bs_server *const *)x)->fqdn, (*(struct bs_server *const *)y)->fqdn);
}

int
bs_analysis_index(struct bs_analysis *a)
{
	if (a->by_name != NULL)
		return 0;
	a->by_name = bs_arena_alloc(&a->arena, (a->n_servers + 1) * sizeof(*a->by_name));
	if (a->by_name == NULL)
		return BS_ENOMEM;
	if (a->n_servers == 0)
		return 0; /* an empty fleet: nothing to index (and servers is NULL) */
	memcpy(a->by_name, a->servers, a->n_servers * sizeof(*a->by_name));
	qsort(a->by_name, a->n_servers, sizeof(*a->by_name), analysis_cmp_name);
	return 0;
}

int
bs_analysis_add_raw(struct bs_analysis *a, const char *fqdn, const char *provenance,
    int64_t received_at_ms, const uint8_t *raw, size_t len)
{
	bs_report *r;
	uint8_t *copy;
	int rv;

	/* The report's strings point into its bytes' arena: unpack from a
	 * copy that the analysis owns. */
	copy = bs_arena_alloc(&a->arena, len > 0 ? len : 1);
	if (copy == NULL)
		return BS_ENOMEM;
	if (len > 0) /* a zero-length blob reads as NULL */
		memcpy(copy, raw, len);
	rv = bs_wire_unpack_report(&a->arena, copy, len, &r);
	if (rv == 0 && (r->host == NULL || strcmp(r->host->fqdn, fqdn) != 0))
		rv = BS_EPARSE;
	if (rv != 0) {
		bs_log(BS_LOG_WARN, "stored_report_unreadable", "fqdn=%s error=\"%s\"", fqdn,
		    bs_strerror(rv));
		return rv == BS_ENOMEM ? rv : 0;
	}
	return bs_analysis_add(a, provenance, received_at_ms, r);
}

int
bs_analysis_add_change(struct bs_analysis *a, struct bs_server *s, const char *kind,
    const char *object, const char *before, const char *after, int64_t at_ms, int64_t prev_at_ms)
{
	struct bs_change *c = bs_arena_alloc(&a->arena, sizeof(*c));

	if (c == NULL || (c->kind = bs_arena_strdup(&a->arena, kind)) == NULL ||
	    (c->object = bs_arena_strdup(&a->arena, object)) == NULL ||
	    (c->before = bs_arena_strdup(&a->arena, before)) == NULL ||
	    (c->after = bs_arena_strdup(&a->arena, after)) == NULL)
		return BS_ENOMEM;
	c->at_ms = at_ms;
	c->prev_at_ms = prev_at_ms;
	return bs_arena_push(&a->arena, (void ***)&s->changes, &s->n_changes, c);
}

int
bs_analysis_add_mute(struct bs_analysis *a, int64_t id, const char *server, const char *rule,
    const char *reason, const char *by, int64_t created_ms, int64_t expires_ms)
{
	struct bs_mute *m = bs_arena_alloc(&a->arena, sizeof(*m));

	if (m == NULL || (m->server = bs_arena_strdup(&a->arena, server)) == NULL ||
	    (m->rule = bs_arena_strdup(&a->arena, rule)) == NULL ||
	    (m->reason = bs_arena_strdup(&a->arena, reason)) == NULL ||
	    (m->by = bs_arena_strdup(&a->arena, by)) == NULL)
		return BS_ENOMEM;
	m->id = id;
	m->created_ms = created_ms;
	m->expires_ms = expires_ms;
	return bs_arena_push(&a->arena, (void ***)&a->mutes, &a->n_mutes, m);
}

void
bs_analysis_destroy(struct bs_analysis *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n_servers; i++)
		for (size_t k = 0; k < a->servers[i]->n_findings; k++)
			json_decref(a->servers[i]->findings[k]->evidence);
	bs_arena_fini(&a->arena);
	free(a);
}

static int
analysis_cmp_key(const void *key, const void *elem)
{
	return strcasecmp((const char *)key, (*(struct bs_server *const *)elem)->fqdn);
}

struct bs_server *
bs_analysis_find(const struct bs_analysis *a, const char *fqdn)
{
	struct bs_server **hit;

	if (a->by_name == NULL) { /* before evaluation */
		for (size_t i = 0; i < a->n_servers; i++)
			if (strcasecmp(a->servers[i]->fqdn, fqdn) == 0) /* DNS ignores case */
				return a->servers[i];
		return NULL;
	}
	hit = bsearch(fqdn, a->by_name, a->n_servers, sizeof(*a->by_name), analysis_cmp_key);
	return hit != NULL ? *hit : NULL;
}

void
bs_analysis_set_seen(struct bs_analysis *a, const char *fqdn, const char *rule, const char *key,
    int64_t first_ms, int64_t last_ms)
{
	struct bs_server *srv = bs_analysis_find(a, fqdn);

	for (size_t i = 0; srv != NULL && i < srv->n_findings; i++) {
		struct bs_finding *f = srv->findings[i];

		if (strcmp(f->rule->id, rule) == 0 && strcmp(f->key, key) == 0) {
			f->first_seen_ms = first_ms;
			if (last_ms > f->last_seen_ms)
				f->last_seen_ms = last_ms;
		}
	}
}

json_t *
bs_finding_placeholders(const struct bs_finding *f)
{
	json_t *a = json_array();
	const char *p = f->fix != NULL ? f->fix : "";

	/* A placeholder is "<" letters, digits, spaces, ':' '/' '-' ">", as
	 * the fix blocks write them; "<" in other text (a comment's "<=") does
	 * not close such a run. */
	while (a != NULL && (p = strchr(p, '<')) != NULL) {
		size_t n = 1;
		json_t *s;
		int dup = 0;

		while (p[n] != '\0' && p[n] != '>' && n < 40 &&
		    (isalnum((unsigned char)p[n]) || strchr(" :/-", p[n]) != NULL))
			n++;
		if (p[n] != '>' || n == 1) {
			p++;
			continue;
		}
		for (size_t i = 0; i < json_array_size(a); i++)
			dup |= strlen(json_string_value(json_array_get(a, i))) == n + 1 &&
			    strncmp(json_string_value(json_array_get(a, i)), p, n + 1) == 0;
		if (!dup &&
		    ((s = json_stringn(p, n + 1)) == NULL || json_array_append_new(a, s) != 0)) {
			json_decref(a);
			return NULL;
		}
		p += n + 1;
	}
	return a;
}
