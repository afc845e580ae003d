/* changelog: CONFIG_CHANGED, the rule that reads the change log. The log
 * itself is the diff of consecutive reports (analysis/changes.c), written
 * by the history pass (upkeep/history_pass.c). */
#include <stdio.h>
#include <string.h>

#include "analysis/changes.h"
#include "err.h"
#include "clock.h"
#include "analysis/rules/rules.h"

int
bs_rule_config_changed(struct bs_rule_ctx *ctx)
{
	const struct bs_server *s = ctx->server;
	int64_t since = ctx->a->opt.now_ms - (int64_t)ctx->a->opt.rules.changes_window * 1000;
	const struct bs_change *last = NULL;
	json_t *list = json_array();
	char at[32], prev[32], what[900];
	size_t n = 0;

	if (list == NULL)
		return BS_ENOMEM;
	for (size_t i = 0; i < s->n_changes; i++) {
		const struct bs_change *c = s->changes[i];

		if (c->at_ms < since)
			continue;
		bs_time_format(c->at_ms, at, sizeof(at));
		bs_time_format(c->prev_at_ms, prev, sizeof(prev));
		json_array_append_new(list,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", c->kind, "object",
		        c->object, "before", c->before, "after", c->after, "seen_at", at,
		        "previous_report_at", prev));
		last = c;
		n++;
	}
	if (n == 0) {
		json_decref(list);
		return 0;
	}
	bs_time_format(last->at_ms, at, sizeof(at));
	bs_change_describe(last->kind, last->object, last->before, last->after, what, sizeof(what));
	return bs_rule_raise(ctx, ctx->severity,
	    json_pack("{s:o, s:I}", "changes", list, "window_s",
	        (json_int_t)ctx->a->opt.rules.changes_window),
	    "Informational: confirm each change was intended (change ticket). A certificate "
	    "changed on 0.0.0.0:444 must still cover the FQDN (see "
	    "BACKEND_CERT_NAME_MISMATCH); the previous value is in the change log for a "
	    "rollback.",
	    "%zu configuration change%s; latest seen %s: %s", n, n == 1 ? "" : "s", at, what);
}
