/* fleet: rules about the fleet as a whole and the agents' reporting. */
#include "rules.h"

int
bs_rule_agent_stale(struct bs_rule_ctx *ctx)
{
	const struct bs_server *s = ctx->server;

	if (!s->stale)
		return 0;
	return bs_rule_raise(ctx, ctx->rule->severity,
	    json_pack("{s:I, s:I}", "last_report_at_ms", (json_int_t)s->received_at_ms,
	        "stale_after_s", (json_int_t)ctx->a->opt.stale_after),
	    "Check that the bindscope agent service runs on the server and can "
	    "reach the collector (its log names the last error).",
	    "No report from %s for %lld minutes", s->fqdn,
	    (long long)((ctx->a->opt.now_ms - s->received_at_ms) / 60000));
}
