/* expiry: every bound certificate of the fleet on one time axis, as the
 * dashboard's and the auditor's expiry timeline draw it: one series per
 * certificate role (443 front end, 444 back end; a new role, such as the
 * Auth certificate, is one row of the table in expiry.c), each a list of
 * days with the certificates expiring that day and the servers using them.
 * Days count as clock.h's bs_days_left does; expired ones are at negative
 * days, the long expired gathered at BS_EXPIRY_FROM_DAY. */
#ifndef BS_OUTPUT_EXPIRY_H
#define BS_OUTPUT_EXPIRY_H

#include <jansson.h>
#include <stdint.h>

#include "analysis/model.h"

#define BS_EXPIRY_FROM_DAY (-60)
#define BS_EXPIRY_TO_DAY 400
/* Certificates named per day, and servers per certificate. */
#define BS_EXPIRY_CERTS 5
#define BS_EXPIRY_NAMES 3

/* {"from_day", "to_day", "series": [{"name", "label", "role", "later",
 * "none", "buckets": [{"day", "servers", "certs": [{"thumbprint", "name",
 * "role", "count", "servers"}], "more_certs"}]}]} at now_ms: a new
 * reference, NULL when out of memory. */
json_t *bs_expiry_json(const struct bs_analysis *a, int64_t now_ms);

/* The day of server s's certificate in the series called name into *day
 * (clamped at BS_EXPIRY_FROM_DAY); BS_ENOENT when it has none or it
 * expires after BS_EXPIRY_TO_DAY, BS_EINVAL for an unknown series. */
int bs_expiry_day(const struct bs_server *s, const char *name, int64_t now_ms, int64_t *day);

#endif
