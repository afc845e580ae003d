/* analyze: runs the rule table over the newest report of every server and
 * yields the findings that every output (JSON API, dashboard, CSV, HTML
 * file, readiness gate) is made from, so they can never disagree. */
#ifndef BS_ANALYZE_H
#define BS_ANALYZE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "store/store.h"
#include "wire.h"

enum bs_severity {
	BS_SEV_NONE = 0,
	BS_SEV_INFO = 1,
	BS_SEV_WARNING = 2,
	BS_SEV_CRITICAL = 3,
};

const char *bs_severity_name(enum bs_severity s);
/* "info", "warning", "critical" -> severity; 0 on success. */
int bs_severity_parse(const char *s, enum bs_severity *out);

struct bs_rule;

/* One entry of the change log (collector/changes.h for the kinds). */
struct bs_change {
	const char *kind, *object, *before, *after;
	int64_t at_ms; /* collected_at of the report that first showed it */
	int64_t prev_at_ms; /* ... and of the one before: it happened between */
};

/* Longest mute: a year. Anything longer is a rule setting ([severity]). */
#define BS_MUTE_MAX_MS (366LL * 86400 * 1000)

/* A rule muted on one server ("*": every server) until expires_ms. */
struct bs_mute {
	int64_t id;
	const char *server, *rule, *reason, *by;
	int64_t created_ms, expires_ms;
};

struct bs_finding {
	const struct bs_rule *rule;
	enum bs_severity severity;
	const char *key; /* tells apart one rule's findings on a server; "" if one */
	const char *title; /* in the analysis arena */
	const char *remediation; /* in the analysis arena */
	json_t *evidence; /* owned by the finding: an object */
	int64_t first_seen_ms; /* from the store's finding history; else this report */
	int64_t last_seen_ms;
	const struct bs_mute *mute; /* muted: shown, but not counted in status or gates */
};

struct bs_server {
	const char *fqdn;
	const char *provenance;
	int64_t received_at_ms;
	bs_report *report;
	struct bs_finding **findings;
	size_t n_findings;
	enum bs_severity worst; /* of the findings that are not muted */
	size_t n_muted;
	int stale; /* no report within the configured window */
	struct bs_change **changes; /* within changes_window, oldest first */
	size_t n_changes;
};

/* Most rules the collector knows; the table in rules/table.c is smaller. */
#define BS_RULES_MAX 32

/* Per-rule severity as configured: the rule's default, a fixed level, or
 * off (the rule is not evaluated at all). */
enum bs_rule_setting {
	BS_RULE_DEFAULT = 0,
	BS_RULE_INFO = 1,
	BS_RULE_WARNING = 2,
	BS_RULE_CRITICAL = 3,
	BS_RULE_OFF = 4,
};

/* Thresholds and severities an admin may tune ([rules] and [severity] in
 * the collector's configuration). */
struct bs_rules_config {
	unsigned peer_min_requests; /* hop failure threshold: requests in the window */
	unsigned peer_min_fail_pct; /* ... and the share failing, in percent */
	unsigned expiring_warning_days;
	unsigned expiring_critical_days;
	unsigned weak_rsa_bits; /* RSA keys below this are weak */
	unsigned changes_window; /* seconds: CONFIG_CHANGED for changes this recent */
	int severity[BS_RULES_MAX]; /* enum bs_rule_setting, by table index */
};

void bs_rules_config_defaults(struct bs_rules_config *c);

/* 0 when a mute may be added: a known rule ID, a server ("*": all), a
 * reason, and an expiry after now_ms and at most BS_MUTE_MAX_MS away;
 * otherwise BS_EINVAL with the reason in why. */
int bs_mute_check(const char *server, const char *rule, const char *reason, int64_t now_ms,
    int64_t expires_ms, char *why, size_t whysz);

struct bs_analysis_options {
	int64_t now_ms; /* 0: the current time */
	unsigned stale_after; /* seconds; 0 disables AGENT_STALE */
	struct bs_rules_config rules;
};

/* Defaults for every option (now, no staleness, default rules). */
void bs_analysis_options_defaults(struct bs_analysis_options *o);

/* One server's HttpProxy view of one back-end target. */
struct bs_peer_obs {
	const struct bs_server *peer;
	const char *protocol; /* HttpProxy folder: Owa, Ews, Mapi, ... */
	uint64_t requests, failures;
	const char *web_exception; /* most frequent WebExceptionStatus */
	struct bs_peer_obs *next;
};

/* What the other servers' front ends saw of one target. */
struct bs_peer_target {
	const char *target; /* as the first peer spelled it */
	uint64_t requests, failures; /* summed over every other server */
	struct bs_peer_obs *obs;
};

/* What most of the fleet looks like, for the consistency rules. */
struct bs_fleet_norms {
	const char *common_443; /* most frequent 443 thumbprint (3rd-party certs) */
	size_t n_443; /* servers with a third-party 443 certificate */
	size_t self_signed_444, third_party_444;
	struct {
		char line[16]; /* "15.2" */
		const char *build; /* most frequent build of that line */
	} builds[8];
	size_t nbuilds;
	/* Target FQDN (case-insensitive) -> peers' view; open addressing. */
	struct bs_peer_target **peer_slots;
	size_t peer_cap; /* power of two, or 0 */
};

struct bs_analysis {
	struct bs_arena arena; /* servers, reports, strings */
	struct bs_fleet_norms norms;
	struct bs_server **servers;
	size_t n_servers;
	int64_t generated_at_ms;
	struct bs_analysis_options opt;
	struct bs_mute **mutes; /* active ones, loaded before the rules run */
	size_t n_mutes;
	struct bs_server **by_name; /* servers sorted by FQDN (case-insensitive) */
};

/* Loads the newest report of every server from st and runs every rule.
 * A stored report that no longer decodes is logged and skipped. Caller
 * owns *out (bs_analysis_destroy). */
int bs_analysis_run(
    struct bs_store *st, const struct bs_analysis_options *opt, struct bs_analysis **out);

/* For tests and benchmarks: an analysis over reports built in memory. The
 * reports must live in a->arena. */
int bs_analysis_create(const struct bs_analysis_options *opt, struct bs_analysis **out);
int bs_analysis_add(
    struct bs_analysis *a, const char *provenance, int64_t received_at_ms, bs_report *r);
int bs_analysis_evaluate(struct bs_analysis *a);
/* The fleet-wide part of evaluate (name index, norms, peer index) alone. */
int bs_analysis_prepare(struct bs_analysis *a);
/* Runs the rules for one server against the fleet of a (norms and peers
 * as evaluated), for a report that is not the server's newest: the
 * history pass uses it. s need not be in a->servers. */
int bs_analysis_evaluate_one(struct bs_analysis *a, struct bs_server *s);
/* For tests and the history loader: adds a change / an active mute. */
int bs_analysis_add_change(struct bs_analysis *a, struct bs_server *s, const char *kind,
    const char *object, const char *before, const char *after, int64_t at_ms, int64_t prev_at_ms);
int bs_analysis_add_mute(struct bs_analysis *a, int64_t id, const char *server, const char *rule,
    const char *reason, const char *by, int64_t created_ms, int64_t expires_ms);

void bs_analysis_destroy(struct bs_analysis *a);

/* The server with this FQDN (any case), or NULL. */
struct bs_server *bs_analysis_find(const struct bs_analysis *a, const char *fqdn);

#endif
