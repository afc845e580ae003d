/* model: what an analysis is made of and yields: severities, servers
 * with their newest report, findings, changes, mutes, the fleet's norms,
 * and the options the admin tunes. Every output (JSON API, dashboard, CSV,
 * HTML file, metrics, readiness gate) reads these, so they can never
 * disagree. Everything lives in the analysis's arena and goes with
 * bs_analysis_destroy; nothing here touches a database. */
#ifndef BS_ANALYSIS_MODEL_H
#define BS_ANALYSIS_MODEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
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

struct bs_rule_ctx;

/* One audit rule: an entry of the table in rules/table.c. */
struct bs_rule {
	const char *id; /* stable: dashboards, mutes and gates name it */
	enum bs_severity severity; /* default; evidence may raise it */
	const char *anchor; /* docs/rules.md#anchor */
	int (*check)(struct bs_rule_ctx *ctx);
};

/* The rule table, in report order. */
extern const struct bs_rule bs_rules[];
extern const size_t bs_rules_count;
/* The rule with this ID, or NULL. */
const struct bs_rule *bs_rule_find(const char *id);

/* One entry of the change log (analysis/changes.h for the kinds). */
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
	/* PowerShell for this server an admin can paste ("" when the fix is
	 * not a command); <placeholders> only where the evidence lacks the
	 * value (bs_finding_placeholders lists them). */
	const char *fix;
	json_t *evidence; /* owned by the finding: an object */
	int64_t first_seen_ms; /* from the store's finding history; else this report */
	int64_t last_seen_ms;
	const struct bs_mute *mute; /* muted: shown, but not counted in status or gates */
};

/* The <placeholders> left in f->fix, as a new JSON array of strings. */
json_t *bs_finding_placeholders(const struct bs_finding *f);

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
#define BS_RULES_MAX 64

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
	int min_tls; /* lowest TLS allowed enabled: 0 "1.0", 1 "1.1", 2 "1.2" (SSL never) */
	unsigned auth_cert_warning_days; /* the Auth certificate's renewal window */
	int severity[BS_RULES_MAX]; /* enum bs_rule_setting, by table index */
};

void bs_rules_config_defaults(struct bs_rules_config *c);

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
	/* Settings that must agree across servers (rules/consistency.h). */
	struct bs_cons *tls; /* SCHANNEL protocols, .NET, renegotiation, cipher order */
	struct bs_cons *ep; /* Extended Protection per role, build and virtual directory */
	struct bs_cons *auth; /* Auth certificate thumbprints held */
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

/* An empty analysis with these options (now_ms 0: the current time).
 * Caller owns *out (bs_analysis_destroy, which accepts NULL). */
int bs_analysis_create(const struct bs_analysis_options *opt, struct bs_analysis **out);
void bs_analysis_destroy(struct bs_analysis *a);

/* Adds a server with its newest report r, which must live in a->arena. */
int bs_analysis_add(
    struct bs_analysis *a, const char *provenance, int64_t received_at_ms, bs_report *r);
/* The same from a report's stored bytes (copied into the arena first,
 * since the report points into them). A report that no longer decodes,
 * or names another server than fqdn, is logged and skipped. */
int bs_analysis_add_raw(struct bs_analysis *a, const char *fqdn, const char *provenance,
    int64_t received_at_ms, const uint8_t *raw, size_t len);
/* Adds a change to server s's recent changes. */
int bs_analysis_add_change(struct bs_analysis *a, struct bs_server *s, const char *kind,
    const char *object, const char *before, const char *after, int64_t at_ms, int64_t prev_at_ms);
/* Adds an active mute (before the rules run). */
int bs_analysis_add_mute(struct bs_analysis *a, int64_t id, const char *server, const char *rule,
    const char *reason, const char *by, int64_t created_ms, int64_t expires_ms);
/* After the rules ran: the finding (rule, key) of server fqdn was first
 * seen at first_ms and last at last_ms (the findings history). */
void bs_analysis_set_seen(struct bs_analysis *a, const char *fqdn, const char *rule,
    const char *key, int64_t first_ms, int64_t last_ms);

/* Sorts the servers by name, so bs_analysis_find is a binary search. */
int bs_analysis_index(struct bs_analysis *a);
/* The server with this FQDN (any case), or NULL. */
struct bs_server *bs_analysis_find(const struct bs_analysis *a, const char *fqdn);

#endif
