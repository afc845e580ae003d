/* consistency: what should be alike across the fleet, one table of
 * compared properties (443 certificate, 444 certificate kind, Exchange
 * build; a new property is one row in consistency.c). For each, the
 * servers grouped by their value, biggest group first: a small group is
 * the odd one out. The dashboard draws whatever properties this lists and
 * filters the server table by (property, value). */
#ifndef BS_OUTPUT_CONSISTENCY_H
#define BS_OUTPUT_CONSISTENCY_H

#include <jansson.h>
#include <stddef.h>

#include "analysis/model.h"

/* Longest value or label a property gives (longer ones are cut). */
#define BS_CONSISTENCY_VALUE_MAX 192

/* Servers named per group, and groups listed per property. */
#define BS_CONSISTENCY_NAMES 3
#define BS_CONSISTENCY_GROUPS 50

/* [{"name", "label", "servers", "groups": [{"value", "label", "count",
 * "odd", "servers": [first few FQDNs]}], "more_groups"}]: a new
 * reference, NULL when out of memory. */
json_t *bs_consistency_json(const struct bs_analysis *a);

/* 1 when a property is called name. */
int bs_consistency_known(const char *name);
/* Server s's value of the property called name into out (n bytes, at
 * least 1); non-zero when no property has that name. */
int bs_consistency_value(const struct bs_server *s, const char *name, char *out, size_t n);

#endif
