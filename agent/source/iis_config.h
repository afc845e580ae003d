/* iis_config: IIS sites and bindings from applicationHost.config. */
#ifndef BS_IIS_CONFIG_H
#define BS_IIS_CONFIG_H

#include <stddef.h>

#include "sweep.h"

/* Parses the text of an applicationHost.config into s->report->sites;
 * file names the evidence path used in collection errors. Exposed for
 * tests and the fuzz harness; bs_src_iis_config finds and reads the file. */
int bs_iis_config_parse(struct bs_sweep *s, const char *xml, size_t len, const char *file);

/* Splits an http/https bindingInformation ("IP:PORT:HOST", "[::1]:443:")
 * into b's ip, port and host as IIS reads it. 0, or BS_EPARSE. */
int bs_iis_split_binding(struct bs_arena *a, const char *info, Bindscope__V1__Binding *b);

#endif
