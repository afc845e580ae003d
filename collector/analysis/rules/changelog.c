/* changelog: CONFIG_CHANGED, the rule that reads the change log. The log
 * itself is the diff of consecutive reports (analysis/changes.c), written
 * by the history pass (upkeep/history_pass.c). */
#include <stdio.h>
#include <string.h>

#include "analysis/changes.h"
#include "err.h"
#include "clock.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

/* Changes a fix block names one by one; the evidence lists them all. */
#define FIX_CHANGES_MAX 8

static int
changelog_is_ssl(const char *kind)
{
	return strcmp(kind, BS_CHANGE_CERT_CHANGED) == 0 ||
	    strcmp(kind, BS_CHANGE_SSL_ADDED) == 0 || strcmp(kind, BS_CHANGE_SSL_REMOVED) == 0;
}

/* The lines that show one change's object as it is now, and for a
 * certificate swap how to put the previous one back. */
static void
changelog_fix(struct bs_fix *f, const struct bs_change *c, int *sites_shown)
{
	char what[900], before[41];
	const char *ep = bs_fix_endpoint(c->object);
	const char *key =
	    ep[0] == '[' || (ep[0] >= '0' && ep[0] <= '9') ? "ipport" : "hostnameport";

	bs_change_describe(c->kind, c->object, c->before, c->after, what, sizeof(what));
	bs_fix_line(f, "# %s", bs_fix_comment(what, c->kind));
	if (!changelog_is_ssl(c->kind)) {
		if (!*sites_shown)
			bs_fix_line(
			    f, "Get-Website | Format-Table Name,ID,State,Bindings -AutoSize");
		*sites_shown = 1;
		return;
	}
	bs_fix_line(f, "netsh http show sslcert %s='%s'", key, ep);
	/* before is "THUMBPRINT (CN=...)": the thumbprint is its first word. */
	snprintf(before, sizeof(before), "%.*s", (int)strcspn(c->before, " "), c->before);
	if (strcmp(c->kind, BS_CHANGE_CERT_CHANGED) == 0 &&
	    strcmp(bs_fix_thumb(before), before) == 0)
		bs_fix_line(f,
		    "# to roll back: netsh http update sslcert %s='%s' certhash='%s' appid='" BS_IIS_APPID
		    "' certstorename=MY",
		    key, ep, before);
}

int
bs_rule_config_changed(struct bs_rule_ctx *ctx)
{
	const struct bs_server *s = ctx->server;
	int64_t since = ctx->a->opt.now_ms - (int64_t)ctx->a->opt.rules.changes_window * 1000;
	const struct bs_change *last = NULL;
	json_t *list = json_array();
	char at[32], prev[32], what[900];
	size_t n = 0;
	struct bs_fix fix;
	char rem[1400];
	int sites_shown = 0;

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
		if (n == 1) {
			bs_fix_init(&fix);
			bs_fix_begin(
			    &fix, s->report, "show what changed; confirm each change was intended");
		}
		if (n <= FIX_CHANGES_MAX)
			changelog_fix(&fix, c, &sites_shown);
	}
	if (n == 0) {
		json_decref(list);
		return 0;
	}
	bs_time_format(last->at_ms, at, sizeof(at));
	bs_change_describe(last->kind, last->object, last->before, last->after, what, sizeof(what));
	snprintf(rem, sizeof(rem),
	    "Informational: %zu change%s on %s, the latest seen %s: %s. Confirm each was "
	    "intended (change ticket). A certificate changed on 0.0.0.0:444 must still cover %s "
	    "(see BACKEND_CERT_NAME_MISMATCH); the previous value is in the change log for a "
	    "rollback.",
	    n, n == 1 ? "" : "s", s->fqdn, at, what, s->fqdn);
	return bs_rule_raise_fix(ctx, "", ctx->severity,
	    json_pack("{s:o, s:I}", "changes", list, "window_s",
	        (json_int_t)ctx->a->opt.rules.changes_window),
	    rem, &fix, "%zu configuration change%s; latest seen %s: %s", n, n == 1 ? "" : "s", at,
	    what);
}
