/* iis_protection: resolves the per-location security settings the way IIS
 * inherits them, so the report says what a request to each virtual
 * directory actually gets, and where that value came from. */
#include "iis_protection.h"

#include <string.h>
#include <strings.h>

#include "err.h"

#define PROT_PATH_MAX 1024

struct bs_iis_loc *
bs_iis_loc_get(struct bs_arena *a, struct bs_iis_locs *locs, const char *path)
{
	struct bs_iis_loc *l;
	size_t n = strlen(path);

	/* "Default Web Site/owa/" and "Default Web Site/owa" are one place. */
	while (n > 0 && path[n - 1] == '/')
		n--;
	for (size_t i = 0; i < locs->n; i++)
		if (strlen(locs->v[i]->path) == n && strncasecmp(locs->v[i]->path, path, n) == 0)
			return locs->v[i];
	if ((l = bs_arena_alloc(a, sizeof(*l))) == NULL)
		return NULL;
	memset(l, 0, sizeof(*l));
	l->allow_unlisted = -1;
	if ((l->path = bs_arena_strndup(a, path, n)) == NULL ||
	    bs_arena_push(a, (void ***)&locs->v, &locs->n, l) != 0)
		return NULL;
	return l;
}

static const struct bs_iis_loc *
prot_find(const struct bs_iis_locs *locs, const char *path, size_t n)
{
	for (size_t i = 0; i < locs->n; i++)
		if (strlen(locs->v[i]->path) == n && strncasecmp(locs->v[i]->path, path, n) == 0)
			return locs->v[i];
	return NULL;
}

/* Which setting of a location. */
enum prot_field { PROT_TOKEN, PROT_SSL, PROT_ALLOW, PROT_STS };

static int
prot_has(const struct bs_iis_loc *l, enum prot_field f)
{
	switch (f) {
	case PROT_TOKEN: return l->token_checking != NULL;
	case PROT_SSL: return l->ssl_flags != NULL;
	case PROT_ALLOW: return l->allow_unlisted >= 0;
	case PROT_STS: return l->sts_set;
	}
	return 0;
}

/* The nearest location at or above path that sets f: the path itself,
 * each parent path, then the server level (""). NULL: IIS's default. */
static const struct bs_iis_loc *
prot_lookup(const struct bs_iis_locs *locs, const char *path, enum prot_field f)
{
	size_t n = strlen(path);
	const struct bs_iis_loc *l;

	for (;;) {
		if ((l = prot_find(locs, path, n)) != NULL && prot_has(l, f))
			return l;
		if (n == 0)
			return NULL;
		while (n > 0 && path[n - 1] != '/')
			n--;
		if (n > 0)
			n--; /* the '/' itself: "SITE/a/b" -> "SITE/a" -> "SITE" -> "" */
	}
}

/* Where a value came from, for the report: the location's path, and for
 * the server level IIS's own name of it ("" would read as IIS's default). */
static const char *
prot_name(const struct bs_iis_loc *l)
{
	return l->path[0] == '\0' ? BS_IIS_SERVER_LEVEL : l->path;
}

static int
prot_vdir(struct bs_sweep *s, const struct bs_iis_locs *locs, const struct bs_iis_loc *l)
{
	Bindscope__V1__VirtualDirectory *vd;
	const struct bs_iis_loc *from;
	const char *slash = strchr(l->path, '/');

	if (slash == NULL || slash == l->path)
		return 0; /* a site or the server level: not a virtual directory */
	if ((vd = BS_NEW(s->arena, virtual_directory)) == NULL)
		return BS_ENOMEM;
	vd->path = (char *)l->path;
	vd->site = bs_arena_strndup(s->arena, l->path, (size_t)(slash - l->path));
	vd->vdir = (char *)slash;
	from = prot_lookup(locs, l->path, PROT_TOKEN);
	vd->token_checking = from != NULL ? (char *)from->token_checking : "None";
	vd->token_checking_set = from == l;
	vd->token_checking_from = from != NULL ? (char *)prot_name(from) : "";
	from = prot_lookup(locs, l->path, PROT_SSL);
	vd->ssl_flags = from != NULL ? (char *)from->ssl_flags : "";
	vd->ssl_flags_set = from == l;
	from = prot_lookup(locs, l->path, PROT_ALLOW);
	if (from != NULL)
		vd->allow_unlisted =
		    from->allow_unlisted ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
	if (vd->site == NULL)
		return BS_ENOMEM;
	return BS_PUSH(s, s->report->vdirs, s->report->n_vdirs, vd);
}

int
bs_iis_protection_resolve(struct bs_sweep *s, const struct bs_iis_locs *locs)
{
	int rv;

	for (size_t i = 0; i < locs->n; i++)
		if ((rv = prot_vdir(s, locs, locs->v[i])) != 0)
			return rv;
	for (size_t i = 0; i < s->report->n_sites; i++) {
		Bindscope__V1__Site *site = s->report->sites[i];
		const struct bs_iis_loc *from;

		if (strlen(site->name) >= PROT_PATH_MAX)
			continue;
		from = prot_lookup(locs, site->name, PROT_STS);
		if (from != NULL)
			site->sts_header = (char *)from->sts;
	}
	return 0;
}
