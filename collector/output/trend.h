/* trend: how things went over time, for the dashboard's and the
 * auditor's charts. Findings open per severity per day, from the findings
 * history's spans (fleet or one server), so "is it getting better" has an
 * answer over the retention window; and one server's back-end failures
 * per sampled hour, from the HttpProxy samples of its stored reports. The
 * counting is separate from the store walks, so it is tested without a
 * database. */
#ifndef BS_OUTPUT_TREND_H
#define BS_OUTPUT_TREND_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "wire.h"

#define BS_TREND_DAYS_MAX 400
/* Hours of traffic on a server page, and the reports read for them. */
#define BS_TREND_HOURS 168
#define BS_TREND_REPORTS_MAX 4000

/* Findings open per day over the n days ending with now's. */
struct bs_trend_days {
	int64_t first_day; /* day number (ms / 86400000) of the first */
	unsigned n;
	uint32_t counts[3][BS_TREND_DAYS_MAX]; /* critical, warning, info */
};

void bs_trend_days_init(struct bs_trend_days *t, int64_t now_ms, unsigned days);
/* One span (resolved_ms 0: still open) counts on every day it was open
 * at some moment; an unknown severity counts nowhere. */
void bs_trend_days_add(
    struct bs_trend_days *t, const char *severity, int64_t first_ms, int64_t resolved_ms);
/* {"from": "2026-09-04", "days": n, "critical": [...], "warning": [...],
 * "info": [...]}: a new reference. */
json_t *bs_trend_days_json(const struct bs_trend_days *t);

/* The findings history of one server (fqdn) or the fleet (NULL), days
 * days up to now_ms, into *out (a new reference). */
int bs_trend_findings(
    struct bs_store *st, const char *fqdn, int64_t now_ms, unsigned days, json_t **out);

/* Samples told apart when one window is in several reports (the same
 * log read twice, as an evidence folder collected again is). */
#define BS_TREND_SEEN_SLOTS 32768

/* Back-end failures and requests per sampled hour, hours in order. */
struct bs_trend_hours {
	int64_t since_ms; /* samples starting before are left out */
	uint64_t seen[BS_TREND_SEEN_SLOTS]; /* open addressing; 0 is empty */
	size_t n_seen;
	size_t n;
	struct {
		int64_t hour_ms;
		uint64_t requests, failures;
	} h[BS_TREND_HOURS + 1];
};

void bs_trend_hours_init(struct bs_trend_hours *t, int64_t now_ms);
/* Adds the HttpProxy samples of one report (each by the hour its window
 * starts in; the targets' requests and back-end failures summed). A
 * sample of a log and window added before is not added again. */
void bs_trend_hours_add(struct bs_trend_hours *t, const bs_report *r);
/* {"hours": ["2026-12-01T13:00:00Z", ...], "requests": [...],
 * "failures": [...]}: a new reference. */
json_t *bs_trend_hours_json(const struct bs_trend_hours *t);

/* Server fqdn's last BS_TREND_HOURS hours from its stored reports. */
int bs_trend_traffic(struct bs_store *st, const char *fqdn, int64_t now_ms, json_t **out);

#endif
