/* sweep: runs the evidence sources in order and assembles the report. */
#include "sweep.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "footprint.h"
#include "fsutil.h"
#include "live.h"

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

int
bs_sweep_inside(struct bs_sweep *s, const char *source, const char *rel, const char *path)
{
	char real[BS_PATH_MAX];
	int rv;

	if (s->live)
		return 1;
	real[0] = '\0';
	if ((rv = bs_fs_inside(s->root, path, real, sizeof(real))) == 0)
		return 1;
	if (rv == BS_EOUTSIDE)
		bs_sweep_error(s, source, rel, 0,
		    "leads outside the evidence root (a link to %s): not read", real);
	else
		bs_sweep_error(s, source, rel, 0, "cannot read: %s", bs_strerror(rv));
	return 0;
}

int
bs_sweep_read(struct bs_sweep *s, const char *source, const char *rel, const char *path, size_t max,
    char **data, size_t *len)
{
	int rv;

	*data = NULL;
	*len = 0;
	if (!bs_sweep_inside(s, source, rel, path))
		return BS_EOUTSIDE;
	if ((rv = bs_fs_read(path, max, data, len)) != 0)
		bs_sweep_error(s, source, rel, 0, "cannot read: %s", bs_strerror(rv));
	return rv;
}

int
bs_sweep_past_deadline(struct bs_sweep *s, const char *where)
{
	if (s->timed_out)
		return 1;
	if (s->deadline_ms == 0 || bs_mono_ms() < s->deadline_ms)
		return 0;
	s->timed_out = 1;
	s->cut_limit = BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_WALL;
	s->cut_limit_value = s->max_wall_ms;
	bs_sweep_error(s, "watchdog", where, 0,
	    "sweep cut short at %s: over the %llu.%03llu s wall-clock deadline", where,
	    (unsigned long long)(s->max_wall_ms / 1000),
	    (unsigned long long)(s->max_wall_ms % 1000));
	return 1;
}

/* An evidence root's sources; a live sweep's are in live_win32.c. */
static const struct bs_sweep_source sweep_sources[] = {
    {"registry", bs_src_registry, 1},
    {"host", bs_src_host, 1},
    {"tls_settings", bs_src_tls_settings, 0},
    {"iis_config", bs_src_iis_config, 0},
    {"sslbind", bs_src_sslbind, 0},
    {"certstore", bs_src_certstore, 0},
    {"join", bs_join, 0},
    {"probes", bs_src_probes, 0},
    {"logs", bs_src_logs, 0},
};

/* The watchdog, between sources: 1 when the sweep must stop here. */
static int
sweep_over_limits(struct bs_sweep *s, const struct bs_sweep_options *opt,
    const struct bs_footprint *start, const char *after)
{
	struct bs_footprint now;

	if ((opt->max_cpu_us == 0 && opt->max_rss_kib == 0) || bs_footprint_now(&now) != 0)
		return 0;
	if (opt->max_cpu_us > 0 && now.cpu_us - start->cpu_us > opt->max_cpu_us) {
		s->cut_limit = BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_CPU;
		s->cut_limit_value = opt->max_cpu_us / 1000;
		bs_sweep_error(s, "watchdog", after, 0,
		    "sweep cut short after %s: %llu ms of CPU, over the %llu ms limit", after,
		    (unsigned long long)((now.cpu_us - start->cpu_us) / 1000),
		    (unsigned long long)(opt->max_cpu_us / 1000));
		return 1;
	}
	if (opt->max_rss_kib > 0 && now.rss_kib > opt->max_rss_kib) {
		s->cut_limit = BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_MEMORY;
		s->cut_limit_value = opt->max_rss_kib;
		bs_sweep_error(s, "watchdog", after, 0,
		    "sweep cut short after %s: %llu KiB resident, over the %llu KiB limit", after,
		    (unsigned long long)now.rss_kib, (unsigned long long)opt->max_rss_kib);
		return 1;
	}
	return 0;
}

int
bs_sweep_run(const struct bs_sweep_options *opt, struct bs_arena *arena, bs_report **out)
{
	int live = opt->root == NULL || opt->root[0] == '\0';
	struct bs_sweep s = {.root = opt->root,
	    .arena = arena,
	    .logs = opt->logs,
	    .probes = opt->probes,
	    .live = live,
	    .deadline_ms = opt->max_wall_ms > 0 ? bs_mono_ms() + (int64_t)opt->max_wall_ms : 0,
	    .max_wall_ms = opt->max_wall_ms};
	const struct bs_sweep_source *src = sweep_sources;
	size_t nsrc = sizeof(sweep_sources) / sizeof(sweep_sources[0]);
	Bindscope__V1__AgentInfo *ai;
	struct bs_footprint start, end;
	struct timespec now;
	char root[16], why[256];
	int rv;

	*out = NULL;
	if (bs_footprint_now(&start) != 0)
		memset(&start, 0, sizeof(start));
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
	ai->source = live ? "live"
	                  : bs_arena_printf(arena, "evidence-root:%s",
	                        opt->source != NULL ? opt->source : opt->root);
	s.budget_left = opt->logs != NULL ? opt->logs->budget : 0;
	if ((rv = bs_registry_create(&s.reg)) != 0)
		return rv;
	if (live) {
		src = bs_live_sources(&nsrc);
		if (bs_live_root(root, sizeof(root), why, sizeof(why)) != 0) {
			bs_sweep_error(&s, "sweep", "", 0, "%s", why);
			nsrc = 0;
		}
		s.root = root;
	} else if (!bs_fs_is_dir(opt->root)) {
		bs_sweep_error(&s, "sweep", opt->root, 0, "evidence root is not a readable folder");
		nsrc = 0;
	}
	for (size_t i = 0; i < nsrc; i++) {
		if (ai->cut_short && !src[i].names_server)
			continue;
		rv = src[i].run(&s);
		if (rv == BS_ENOMEM)
			goto out;
		rv = 0;
		if (!ai->cut_short &&
		    (s.timed_out || /* the source itself stopped at the deadline */
		        (i + 1 < nsrc &&
		            (sweep_over_limits(&s, opt, &start, src[i].name) ||
		                bs_sweep_past_deadline(&s, src[i].name)))))
			ai->cut_short = 1;
	}
	ai->cut_limit = s.cut_limit;
	ai->cut_limit_value = s.cut_limit_value;
	if (bs_footprint_now(&end) == 0) {
		ai->sweep_cpu_us = end.cpu_us - start.cpu_us;
		ai->peak_rss_kib = end.peak_rss_kib;
	}
	ai->agent_id = bs_arena_strdup(arena,
	    opt->agent_id != NULL && opt->agent_id[0] != '\0'
	        ? opt->agent_id
	        : (s.report->host != NULL ? s.report->host->fqdn : ""));
	*out = s.report;
	/* Useful means: some of the server's web configuration, http.sys
	 * bindings or certificates were read. Evidence that does not name the
	 * server still makes a report (an auditor may be handed just the
	 * IIS configuration and a certificate export); the host source has
	 * said the FQDN is unknown, and the collector refuses to store it. */
	if (s.report->n_sites == 0 && s.report->n_ssl_bindings == 0 &&
	    s.report->n_certificates == 0)
		rv = BS_ENOENT;
out:
	bs_registry_destroy(s.reg);
	return rv;
}
