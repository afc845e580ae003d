/* netsh: `netsh http show sslcert` text, the fallback for http.sys
 * bindings when the registry exports lack the SslBindingInfo keys. Its
 * labels are translated on non-English Windows, so an unrecognised label
 * is a collection error that names the line, never a silent skip. */
#ifndef BS_NETSH_H
#define BS_NETSH_H

#include <stddef.h>

#include "sweep.h"

/* Parses the text (UTF-16LE with BOM as PowerShell 5.1 redirects it,
 * UTF-8 or ANSI) and appends one SslBinding per entry, source "netsh".
 * file names the evidence path in errors. Returns 0 or BS_ENOMEM. */
int bs_netsh_parse(struct bs_sweep *s, const char *data, size_t len, const char *file);

#endif
