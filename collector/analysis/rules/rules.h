/* rules: the audit rules. Each rule is one entry in the table in
 * rules/table.c (stable ID, default severity, check function, the anchor
 * of its section in docs/rules.md); each family of rules is one file. A
 * check looks at one server (with the whole fleet in reach for
 * cross-server evidence) and raises findings through bs_rule_raise. */
#ifndef BS_ANALYSIS_RULES_H
#define BS_ANALYSIS_RULES_H

#include "analysis/model.h"

struct bs_rule_ctx {
	struct bs_analysis *a;
	struct bs_server *server;
	const struct bs_rule *rule;
	enum bs_severity severity; /* the rule's as configured; evidence may raise it */
	struct bs_finding *last; /* the finding raised last, for bs_rule_fix */
};

/* Adds a finding to ctx->server. evidence is stolen (an object, or NULL
 * for none). Returns 0 or BS_ENOMEM. */
int bs_rule_raise(struct bs_rule_ctx *ctx, enum bs_severity sev, json_t *evidence,
    const char *remediation, const char *title_fmt, ...) __attribute__((format(BS_PRINTF, 5, 6)));

/* The same for a rule that can raise several findings on one server: key
 * tells them apart across reports (a thumbprint, a binding), so first and
 * last seen follow each one. */
int bs_rule_raise_for(struct bs_rule_ctx *ctx, const char *key, enum bs_severity sev,
    json_t *evidence, const char *remediation, const char *title_fmt, ...)
    __attribute__((format(BS_PRINTF, 6, 7)));

/* Lookups over one report that several rules share. */
const Bindscope__V1__Site *bs_rules_backend_site(const bs_report *r);
const Bindscope__V1__Site *bs_rules_frontend_site(const bs_report *r);
const Bindscope__V1__Certificate *bs_rules_cert(
    const bs_report *r, const char *thumbprint, const char *store);
const Bindscope__V1__SslBinding *bs_rules_ssl(const bs_report *r, const char *endpoint);
/* 1 when a live probe result means the front end's hop fails: transport
 * and TLS failures, an expired certificate, a name the certificate does
 * not cover. Self-signed and untrusted chains are how Exchange's own 444
 * certificate looks, and the front end accepts them by default. */
int bs_rules_probe_failed(const Bindscope__V1__Probe *p);
/* A JSON object describing a certificate for evidence. */
json_t *bs_rules_cert_json(const Bindscope__V1__Certificate *c);
/* Every endpoint that serves c, those on port 444 (the front end's hop to
 * this server) first, the rest in report order: as a title's
 * comma-separated list into out (cut with "and N more" when it does not
 * fit; "(none)" when unbound), and as a new JSON array (NULL on no
 * memory). */
const char *bs_rules_cert_endpoints(const Bindscope__V1__Certificate *c, char *out, size_t outsz);
json_t *bs_rules_cert_endpoints_json(const Bindscope__V1__Certificate *c);
/* The i-th endpoint of c in that order (i < c->n_used_by). */
const char *bs_rules_cert_endpoint(const Bindscope__V1__Certificate *c, size_t i);

/* Rule checks, by family. */
int bs_rule_backend_binding_missing(struct bs_rule_ctx *ctx);
int bs_rule_backend_cert_not_in_store(struct bs_rule_ctx *ctx);
int bs_rule_frontend_cert_not_in_store(struct bs_rule_ctx *ctx);
int bs_rule_cert_stores_not_read(struct bs_rule_ctx *ctx);
int bs_rule_backend_cert_name_mismatch(struct bs_rule_ctx *ctx);
int bs_rule_backend_cert_not_self_signed(struct bs_rule_ctx *ctx);
int bs_rule_https_binding_without_cert(struct bs_rule_ctx *ctx);
int bs_rule_cert_expired(struct bs_rule_ctx *ctx);
int bs_rule_cert_expiring(struct bs_rule_ctx *ctx);
int bs_rule_agent_stale(struct bs_rule_ctx *ctx);
int bs_rule_agent_sweep_cut_short(struct bs_rule_ctx *ctx);
int bs_rule_backend_binding_not_all_unassigned(struct bs_rule_ctx *ctx);
int bs_rule_binding_conflict(struct bs_rule_ctx *ctx);
int bs_rule_cert_weak_key(struct bs_rule_ctx *ctx);
int bs_rule_cert_weak_signature(struct bs_rule_ctx *ctx);
int bs_rule_cert_no_private_key(struct bs_rule_ctx *ctx);
int bs_rule_frontend_cert_inconsistent(struct bs_rule_ctx *ctx);
int bs_rule_backend_cert_outlier(struct bs_rule_ctx *ctx);
int bs_rule_version_drift(struct bs_rule_ctx *ctx);

/* Computes a->norms from every server's report (once per analysis). */
void bs_rules_fleet_norms(struct bs_analysis *a);
/* The certificate a site's first https binding reaches, or NULL. */
const Bindscope__V1__Certificate *bs_rules_site_cert(
    const bs_report *r, const Bindscope__V1__Site *site);
int bs_rule_probe_failed(struct bs_rule_ctx *ctx);
int bs_rule_backend_unreachable_from_peers(struct bs_rule_ctx *ctx);
int bs_rule_proxy_backend_errors(struct bs_rule_ctx *ctx);
int bs_rule_config_changed(struct bs_rule_ctx *ctx);

/* TLS, Extended Protection and the Auth certificate (tls.c, protection.c,
 * authcert.c). */
int bs_rule_tls_half_disabled(struct bs_rule_ctx *ctx);
int bs_rule_tls_sides_differ(struct bs_rule_ctx *ctx);
int bs_rule_tls12_unusable(struct bs_rule_ctx *ctx);
int bs_rule_tls_legacy_enabled(struct bs_rule_ctx *ctx);
int bs_rule_dotnet_tls(struct bs_rule_ctx *ctx);
int bs_rule_tls_inconsistent(struct bs_rule_ctx *ctx);
int bs_rule_ep_breaks_clients(struct bs_rule_ctx *ctx);
int bs_rule_ep_exposed(struct bs_rule_ctx *ctx);
int bs_rule_ep_precondition(struct bs_rule_ctx *ctx);
int bs_rule_ep_inconsistent(struct bs_rule_ctx *ctx);
int bs_rule_hsts_breaks_exchange(struct bs_rule_ctx *ctx);
int bs_rule_hsts_misconfigured(struct bs_rule_ctx *ctx);
int bs_rule_auth_cert_expiring(struct bs_rule_ctx *ctx);
int bs_rule_auth_cert_inconsistent(struct bs_rule_ctx *ctx);
/* The fleet comparisons of those families (a->norms.tls, .ep, .auth). */
int bs_rules_tls_norms(struct bs_analysis *a);
int bs_rules_ep_norms(struct bs_analysis *a);
int bs_rules_auth_norms(struct bs_analysis *a);
/* One protocol side as the rules read it: "enabled", "disabled", "OS
 * default", "enabled, off by default", "not read" or "unsupported"; with
 * *usable 1 when an application that asks for nothing special gets it. */
const char *bs_rules_tls_state(
    const bs_report *r, const Bindscope__V1__SchannelProtocol *p, int *usable);
/* The tokenChecking expected of vd on this server's site and build
 * ("None", "Allow", "Require"), NULL when nothing is expected; *effective:
 * its value as it protects (the EWS back end behind ipSecurity counts as
 * Require). */
const char *bs_rules_ep_expected(
    const bs_report *r, const Bindscope__V1__VirtualDirectory *vd, const char **effective);
/* 1 for an Exchange Auth certificate in LocalMachine\My (where it lives). */
int bs_rules_is_auth_cert(const Bindscope__V1__Certificate *c);
/* 1 when build ("15.2.1544.4") is at least a.b.c.d; 0 when it is not a build. */
int bs_rules_build_at_least(const char *build, unsigned a, unsigned b, unsigned c, unsigned d);

/* Builds a->norms.peer_slots from every server's HttpProxy samples. */
void bs_rules_peer_index(struct bs_analysis *a);
/* What other servers saw of target fqdn, or NULL if none named it. */
const struct bs_peer_target *bs_rules_peer_view(const struct bs_analysis *a, const char *fqdn);
/* 1 when failures out of requests reach the configured hop threshold. */
int bs_rules_over_threshold(const struct bs_analysis *a, uint64_t requests, uint64_t failures);

#endif
