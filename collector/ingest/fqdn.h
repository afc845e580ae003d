/* fqdn: what the collector accepts as a server's name (reports, the API
 * path, certificates it issues): lower-case DNS characters, at most 253. */
#ifndef BS_INGEST_FQDN_H
#define BS_INGEST_FQDN_H

#include <stddef.h>

/* 0 when s is a plain lower-case DNS name; BS_ETOOBIG when longer than
 * 253; BS_EPARSE when empty or holding another character, with its offset
 * in *bad. */
int bs_fqdn_check(const char *s, size_t *bad);

#endif
