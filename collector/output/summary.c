/* summary: the dashboard's first-paint document. */
#include "output/summary.h"

#include <stdlib.h>

#include "clock.h"
#include "err.h"
#include "output/consistency.h"
#include "output/expiry.h"
#include "output/report_json.h"
#include "output/trend.h"

int
bs_summary_json(
    const struct bs_analysis *a, struct bs_store *st, unsigned history_days, json_t **out)
{
	int64_t now = a->generated_at_ms > 0 ? a->generated_at_ms : bs_now_ms();
	json_t *trend = NULL, *rules = json_array();
	char when[32];
	int rv = 0;

	*out = NULL;
	if (history_days == 0)
		history_days = BS_SUMMARY_HISTORY_DAYS;
	if (st != NULL)
		rv = bs_trend_findings(st, NULL, now, history_days, &trend);
	if (rv != 0 || trend == NULL) {
		struct bs_trend_days *t = malloc(sizeof(*t));

		json_decref(trend);
		trend = NULL;
		if (t != NULL) {
			bs_trend_days_init(t, now, history_days);
			trend = bs_trend_days_json(t);
			free(t);
		}
	}
	for (size_t k = 0; rules != NULL && k < bs_rules_count; k++)
		json_array_append_new(rules, json_string(bs_rules[k].id));
	bs_time_format(a->generated_at_ms, when, sizeof(when));
	/* The fleet's counts at the top, as /api/summary always had them. */
	*out = bs_report_json_summary(a);
	if (*out != NULL &&
	    (json_object_set_new(*out, "generated_at", json_string(when)) != 0 ||
	        json_object_set_new(*out, "rules", rules != NULL ? rules : json_array()) != 0 ||
	        json_object_set_new(*out, "consistency", bs_consistency_json(a)) != 0 ||
	        json_object_set_new(*out, "expiry", bs_expiry_json(a, now)) != 0 ||
	        json_object_set_new(
	            *out, "findings_trend", trend != NULL ? trend : json_object()) != 0)) {
		json_decref(*out);
		*out = NULL;
		return BS_ENOMEM;
	}
	if (*out == NULL) {
		json_decref(rules);
		json_decref(trend);
	}
	return *out != NULL ? 0 : BS_ENOMEM;
}
