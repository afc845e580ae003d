/* live: collection from the running Windows server itself rather than an
 * evidence root. The sources that ask Windows (the registry, http.sys, the
 * certificate stores) and where the files are (the system drive, which
 * the evidence root stands for elsewhere). Only the Windows build has
 * them: live_win32.c and the *_win32.c sources; live_posix.c says so. */
#ifndef BS_LIVE_H
#define BS_LIVE_H

#include <stddef.h>

#include "sweep.h"

/* The sources of a live sweep, in order; n 0 where there is no live
 * collection. */
const struct bs_sweep_source *bs_live_sources(size_t *n);

/* The folder that stands for the evidence root on this server: the drive
 * Windows is on ("C:"). 0, or an error with why filled. */
int bs_live_root(char *out, size_t outsz, char *why, size_t whysz);

int bs_src_registry_live(struct bs_sweep *s);
int bs_src_sslbind_live(struct bs_sweep *s);
int bs_src_certstore_live(struct bs_sweep *s);

#endif
