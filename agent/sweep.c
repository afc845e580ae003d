/* sweep: runs the evidence sources in order and assembles the report. */
#include "sweep.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "fsutil.h"

void
bs_sweep_error(
    struct bs_sweep *s, const char *source, const char *path, unsigned line, const char *fmt, ...)
{
	Bindscope__V1__CollectionError *e = BS_NEW(s->arena, collection_error);
	char reason[512];
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	e->source = bs_arena_strdup(s->arena, source);
	e->path = bs_arena_strdup(s->arena, path != NULL ? path : "");
	e->line = line;
	e->reason = bs_arena_strdup(s->arena, reason);
	if (e->source == NULL || e->path == NULL || e->reason == NULL)
		return;
	BS_PUSH(s, s->report->errors, s->report->n_errors, e);
}

static const struct {
	const char *name;
	int (*run)(struct bs_sweep *s);
} sweep_sources[] = {
    {"registry", bs_src_registry},
    {"host", bs_src_host},
    {"iis_config", bs_src_iis_config},
    {"sslbind", bs_src_sslbind},
    {"certstore", bs_src_certstore},
    {"join", bs_join},
    {"probes", bs_src_probes},
    {"logs", bs_src_logs},
};

int
bs_sweep_run(const struct bs_sweep_options *opt, struct bs_arena *arena, bs_report **out)
{
	struct bs_sweep s = {opt->root, arena, NULL, NULL, NULL, 0, opt->logs, 0, opt->probes};
	Bindscope__V1__AgentInfo *ai;
	struct timespec now;
	int rv;

	*out = NULL;
	s.report = BS_NEW(arena, report);
	ai = BS_NEW(arena, agent_info);
	if (s.report == NULL || ai == NULL)
		return BS_ENOMEM;
	s.report->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	s.report->agent = ai;
	clock_gettime(CLOCK_REALTIME, &now);
	ai->collected_at_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	ai->agent_version = BS_VERSION;
	ai->boot_id = bs_arena_strdup(arena, opt->boot_id ? opt->boot_id : "");
	ai->sequence = opt->sequence;
	ai->source = bs_arena_printf(arena, "evidence-root:%s", opt->root);
	s.budget_left = opt->logs != NULL ? opt->logs->budget : 0;
	if ((rv = bs_registry_create(&s.reg)) != 0)
		return rv;
	if (!bs_fs_is_dir(opt->root)) {
		bs_sweep_error(&s, "sweep", opt->root, 0, "evidence root is not a readable folder");
	} else {
		for (size_t i = 0; i < sizeof(sweep_sources) / sizeof(sweep_sources[0]); i++) {
			rv = sweep_sources[i].run(&s);
			if (rv == BS_ENOMEM)
				goto out;
			rv = 0;
		}
	}
	ai->agent_id = bs_arena_strdup(arena,
	    opt->agent_id != NULL && opt->agent_id[0] != '\0'
	        ? opt->agent_id
	        : (s.report->host != NULL ? s.report->host->fqdn : ""));
	*out = s.report;
	/* Useful means: we know which server this is and saw some of its
	 * web configuration or certificates. */
	if (s.report->host == NULL || s.report->host->fqdn[0] == '\0' ||
	    (s.report->n_sites == 0 && s.report->n_certificates == 0))
		rv = BS_ENOENT;
out:
	bs_registry_destroy(s.reg);
	return rv;
}
