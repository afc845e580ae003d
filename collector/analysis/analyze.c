/* analyze: the rule table over the fleet, server by server. */
#include "analysis/analyze.h"

#include <stdio.h>
#include <string.h>

#include "analysis/rules/rules.h"
#include "err.h"

int
bs_mute_check(const char *server, const char *rule, const char *reason, int64_t now_ms,
    int64_t expires_ms, char *why, size_t whysz)
{
	if (bs_rule_find(rule) == NULL)
		snprintf(why, whysz, "unknown rule '%s' (docs/rules.md)", rule);
	else if (server[0] == '\0')
		snprintf(why, whysz, "no server named (an FQDN, or '*' for every server)");
	else if (reason[0] == '\0')
		snprintf(why, whysz, "a reason is required");
	else if (expires_ms <= now_ms || expires_ms - now_ms > BS_MUTE_MAX_MS)
		snprintf(why, whysz, "the expiry must be in the future and at most a year away");
	else
		return 0;
	return BS_EINVAL;
}

int
bs_analysis_evaluate_one(struct bs_analysis *a, struct bs_server *s)
{
	s->stale = a->opt.stale_after > 0 &&
	    a->opt.now_ms - s->received_at_ms > (int64_t)a->opt.stale_after * 1000;
	for (size_t k = 0; k < bs_rules_count; k++) {
		int setting = a->opt.rules.severity[k];
		struct bs_rule_ctx ctx = {a, s, &bs_rules[k],
		    setting == BS_RULE_DEFAULT ? bs_rules[k].severity : (enum bs_severity)setting};
		int rv;

		if (setting == BS_RULE_OFF)
			continue;
		if ((rv = bs_rules[k].check(&ctx)) != 0)
			return rv;
	}
	return 0;
}

int
bs_analysis_prepare(struct bs_analysis *a)
{
	int rv;

	if ((rv = bs_analysis_index(a)) != 0)
		return rv;
	bs_rules_fleet_norms(a);
	return 0;
}

int
bs_analysis_evaluate(struct bs_analysis *a)
{
	int rv;

	if ((rv = bs_analysis_prepare(a)) != 0)
		return rv;
	for (size_t i = 0; i < a->n_servers; i++)
		if ((rv = bs_analysis_evaluate_one(a, a->servers[i])) != 0)
			return rv;
	return 0;
}
