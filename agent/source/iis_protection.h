/* iis_protection: the per-location security settings of applicationHost
 * config (Extended Protection tokenChecking, access sslFlags, ipSecurity
 * allowUnlisted, the Strict-Transport-Security header) and their
 * inheritance as IIS resolves it: a location's own value, else its
 * nearest parent location's ("Default Web Site/owa" -> "Default Web
 * Site"), else the server level, else IIS's default. iis_config.c feeds
 * it while parsing; the resolved virtual directories go into the report. */
#ifndef BS_IIS_PROTECTION_H
#define BS_IIS_PROTECTION_H

#include <stddef.h>

#include "sweep.h"

/* How IIS names the server level of applicationHost.config (appcmd's
 * config path): what token_checking_from says for a value set there. */
#define BS_IIS_SERVER_LEVEL "MACHINE/WEBROOT/APPHOST"

/* What one <location path> (or, with path "", the server level) sets.
 * NULL / -1: not set there. Strings live in the sweep's arena. */
struct bs_iis_loc {
	const char *path;
	const char *token_checking;
	const char *ssl_flags;
	int allow_unlisted; /* -1 not set, 0 false, 1 true */
	const char *sts; /* Strict-Transport-Security value; "" when removed */
	int sts_set;
};

struct bs_iis_locs {
	struct bs_iis_loc **v;
	size_t n;
};

/* The entry for path (case-insensitive), added when new; NULL on no
 * memory. Later <location> elements with the same path merge into it. */
struct bs_iis_loc *bs_iis_loc_get(struct bs_arena *a, struct bs_iis_locs *locs, const char *path);

/* Adds every location below a site ("SITE/VDIR") to s->report->vdirs with
 * its settings resolved, and each site's effective Strict-Transport-
 * Security header to its sts_header. */
int bs_iis_protection_resolve(struct bs_sweep *s, const struct bs_iis_locs *locs);

#endif
