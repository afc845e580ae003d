/* table: every rule the collector knows, in report order. Adding a rule is
 * one line here, one check function in its family's file, and one section
 * in docs/rules.md. IDs are stable: dashboards, mutes and gates name them. */
#include <string.h>

#include "analysis/rules/rules.h"

const struct bs_rule bs_rules[] = {
    {"BACKEND_BINDING_MISSING", BS_SEV_CRITICAL, "backend_binding_missing",
        bs_rule_backend_binding_missing},
    {"BACKEND_CERT_NOT_IN_STORE", BS_SEV_CRITICAL, "backend_cert_not_in_store",
        bs_rule_backend_cert_not_in_store},
    {"FRONTEND_CERT_NOT_IN_STORE", BS_SEV_CRITICAL, "frontend_cert_not_in_store",
        bs_rule_frontend_cert_not_in_store},
    {"CERT_STORES_NOT_READ", BS_SEV_WARNING, "cert_stores_not_read", bs_rule_cert_stores_not_read},
    {"BACKEND_CERT_NAME_MISMATCH", BS_SEV_WARNING, "backend_cert_name_mismatch",
        bs_rule_backend_cert_name_mismatch},
    {"BACKEND_CERT_NOT_SELF_SIGNED", BS_SEV_INFO, "backend_cert_not_self_signed",
        bs_rule_backend_cert_not_self_signed},
    {"HTTPS_BINDING_WITHOUT_CERT", BS_SEV_CRITICAL, "https_binding_without_cert",
        bs_rule_https_binding_without_cert},
    {"BACKEND_BINDING_NOT_ALL_UNASSIGNED", BS_SEV_WARNING, "backend_binding_not_all_unassigned",
        bs_rule_backend_binding_not_all_unassigned},
    {"BINDING_CONFLICT", BS_SEV_CRITICAL, "binding_conflict", bs_rule_binding_conflict},
    {"CERT_EXPIRED", BS_SEV_CRITICAL, "cert_expired", bs_rule_cert_expired},
    {"CERT_EXPIRING", BS_SEV_WARNING, "cert_expiring", bs_rule_cert_expiring},
    {"CERT_WEAK_KEY", BS_SEV_WARNING, "cert_weak_key", bs_rule_cert_weak_key},
    {"CERT_WEAK_SIGNATURE", BS_SEV_WARNING, "cert_weak_signature", bs_rule_cert_weak_signature},
    {"CERT_NO_PRIVATE_KEY", BS_SEV_CRITICAL, "cert_no_private_key", bs_rule_cert_no_private_key},
    {"PROBE_FAILED", BS_SEV_CRITICAL, "probe_failed", bs_rule_probe_failed},
    {"BACKEND_UNREACHABLE_FROM_PEERS", BS_SEV_CRITICAL, "backend_unreachable_from_peers",
        bs_rule_backend_unreachable_from_peers},
    {"PROXY_BACKEND_ERRORS", BS_SEV_WARNING, "proxy_backend_errors", bs_rule_proxy_backend_errors},
    {"FRONTEND_CERT_INCONSISTENT", BS_SEV_WARNING, "frontend_cert_inconsistent",
        bs_rule_frontend_cert_inconsistent},
    {"BACKEND_CERT_OUTLIER", BS_SEV_WARNING, "backend_cert_outlier", bs_rule_backend_cert_outlier},
    {"VERSION_DRIFT", BS_SEV_WARNING, "version_drift", bs_rule_version_drift},
    {"TLS12_NOT_USABLE", BS_SEV_CRITICAL, "tls12_not_usable", bs_rule_tls12_unusable},
    {"TLS_PROTOCOL_HALF_DISABLED", BS_SEV_WARNING, "tls_protocol_half_disabled",
        bs_rule_tls_half_disabled},
    {"TLS_SIDES_DIFFER", BS_SEV_WARNING, "tls_sides_differ", bs_rule_tls_sides_differ},
    {"TLS_LEGACY_ENABLED", BS_SEV_WARNING, "tls_legacy_enabled", bs_rule_tls_legacy_enabled},
    {"DOTNET_TLS_NOT_SYSTEM_DEFAULT", BS_SEV_WARNING, "dotnet_tls_not_system_default",
        bs_rule_dotnet_tls},
    {"TLS_SETTINGS_INCONSISTENT", BS_SEV_WARNING, "tls_settings_inconsistent",
        bs_rule_tls_inconsistent},
    {"EXTENDED_PROTECTION_BREAKS_CLIENTS", BS_SEV_CRITICAL, "extended_protection_breaks_clients",
        bs_rule_ep_breaks_clients},
    {"EXTENDED_PROTECTION_EXPOSED", BS_SEV_WARNING, "extended_protection_exposed",
        bs_rule_ep_exposed},
    {"EXTENDED_PROTECTION_PRECONDITION", BS_SEV_CRITICAL, "extended_protection_precondition",
        bs_rule_ep_precondition},
    {"EXTENDED_PROTECTION_INCONSISTENT", BS_SEV_WARNING, "extended_protection_inconsistent",
        bs_rule_ep_inconsistent},
    {"HSTS_BREAKS_EXCHANGE", BS_SEV_CRITICAL, "hsts_breaks_exchange", bs_rule_hsts_breaks_exchange},
    {"HSTS_MISCONFIGURED", BS_SEV_WARNING, "hsts_misconfigured", bs_rule_hsts_misconfigured},
    {"AUTH_CERT_EXPIRING", BS_SEV_WARNING, "auth_cert_expiring", bs_rule_auth_cert_expiring},
    {"AUTH_CERT_INCONSISTENT", BS_SEV_WARNING, "auth_cert_inconsistent",
        bs_rule_auth_cert_inconsistent},
    {"AGENT_STALE", BS_SEV_WARNING, "agent_stale", bs_rule_agent_stale},
    {"AGENT_SWEEP_CUT_SHORT", BS_SEV_WARNING, "agent_sweep_cut_short",
        bs_rule_agent_sweep_cut_short},
    {"CONFIG_CHANGED", BS_SEV_INFO, "config_changed", bs_rule_config_changed},
};

_Static_assert(sizeof(bs_rules) / sizeof(bs_rules[0]) <= BS_RULES_MAX,
    "raise BS_RULES_MAX: [severity] settings are kept per table index");

const size_t bs_rules_count = sizeof(bs_rules) / sizeof(bs_rules[0]);

const struct bs_rule *
bs_rule_find(const char *id)
{
	for (size_t k = 0; k < bs_rules_count; k++)
		if (strcmp(bs_rules[k].id, id) == 0)
			return &bs_rules[k];
	return NULL;
}
