/* log_json: change log, mutes and audit log rows as JSON arrays. */
#include "output/log_json.h"

#include "clock.h"
#include "err.h"
#include "store/history.h"
#include "store/mutes.h"

/* A stored time: "" when it was never set (0), as the log has always
 * shown it. */
static json_t *
log_time(int64_t ms)
{
	char buf[32];

	bs_time_format(ms, buf, sizeof(buf));
	return json_string(buf);
}

static int
log_append(json_t *arr, json_t *item)
{
	return item != NULL && json_array_append_new(arr, item) == 0 ? 0 : BS_ENOMEM;
}

/* What a store walk appending to arr (NULL: none could be made) gave:
 * *out is arr on success. */
static int
log_finish(json_t *arr, int rv, json_t **out)
{
	*out = NULL;
	if (arr == NULL)
		return BS_ENOMEM;
	if (rv != 0) {
		json_decref(arr);
		return rv;
	}
	*out = arr;
	return 0;
}

static int
log_change(void *arg, const struct bs_store_change *c)
{
	return log_append(arg,
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "server", c->server, "kind", c->kind,
	        "object", c->object, "before", c->before, "after", c->after, "seen_at",
	        log_time(c->at_ms), "previous_report_at", log_time(c->prev_at_ms)));
}

int
bs_changes_json(struct bs_store *st, const char *fqdn, size_t limit, json_t **out)
{
	json_t *arr = json_array();

	return log_finish(
	    arr, arr != NULL ? bs_store_changes_newest(st, fqdn, limit, log_change, arr) : 0, out);
}

static int
log_mute(void *arg, const struct bs_store_mute *m)
{
	return log_append(arg,
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "id", (json_int_t)m->id,
	        "server", m->server, "rule", m->rule, "reason", m->reason, "by", m->by, "since",
	        log_time(m->created_ms), "until", log_time(m->expires_ms), "removed_by",
	        m->removed_by != NULL ? json_string(m->removed_by) : json_null(), "removed_at",
	        m->removed_by != NULL ? log_time(m->removed_ms) : json_null(), "active",
	        m->active));
}

int
bs_mutes_json(struct bs_store *st, int64_t now_ms, int all, json_t **out)
{
	json_t *arr = json_array();

	return log_finish(
	    arr, arr != NULL ? bs_store_each_mute(st, now_ms, all, log_mute, arr) : 0, out);
}

static int
log_audit(void *arg, const struct bs_store_audit *e)
{
	return log_append(arg,
	    json_pack("{s:o, s:s, s:s, s:s}", "at", log_time(e->at_ms), "actor", e->actor, "action",
	        e->action, "detail", e->detail));
}

int
bs_audit_json(struct bs_store *st, json_t **out)
{
	json_t *arr = json_array();

	return log_finish(arr, arr != NULL ? bs_store_each_audit(st, log_audit, arr) : 0, out);
}
