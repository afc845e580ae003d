/* protection_json: a server's TLS matrix (protocol x Server/Client, as the
 * rules read it) and its Extended Protection table (each virtual directory,
 * expected beside actual) for the server page and the auditor's file, so
 * neither has to re-derive what the rules decided. */
#ifndef BS_OUTPUT_PROTECTION_JSON_H
#define BS_OUTPUT_PROTECTION_JSON_H

#include <jansson.h>

#include "analysis/model.h"

/* {"tls_matrix": [{"protocol", "side", "state", "usable", "enabled",
 * "disabled_by_default"}], "dotnet": [...], "extended_protection":
 * [{"location", "token_checking", "expected", "effective", "verdict",
 * "set_here", "inherited_from", "ssl_flags", "allow_unlisted"}]}: a new
 * reference, NULL when out of memory. Values: "0x1", "absent", "not read". */
json_t *bs_protection_json(const struct bs_server *s);

#endif
