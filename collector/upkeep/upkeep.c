/* upkeep: history pass, retention and the shared analysis snapshot. */
#include "upkeep/upkeep.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "output/load.h"
#include "upkeep/history_pass.h"
#include "log.h"
#include "output/format.h"
#include "output/summary.h"
#include "output/table.h"
#include "store/store.h"

#define UPKEEP_PRUNE_EVERY_S 3600
#define UPKEEP_PRUNE_BATCH 1000
#define UPKEEP_HISTORY_MAX 20000

/* A snapshot and the requests holding it. */
struct bs_upkeep_snap {
	struct bs_analysis *a;
	/* /api/report and /api/summary, rendered once per snapshot off the
	 * request path; data NULL if that failed */
	struct bs_body report, summary;
	struct bs_table_index *table; /* /api/table's rows; NULL if that failed */
	unsigned refs; /* the upkeep's own reference counts as one while current */
};

struct bs_upkeep {
	struct bs_upkeep_options opt;
	char *db_path;
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	pthread_cond_t published; /* broadcast with every new snapshot */
	int stopping, kicked;
	struct bs_upkeep_snap *current;
};

/* Drops one reference; frees the snapshot at zero. Under lock. */
static void
upkeep_unref(struct bs_upkeep_snap *s)
{
	if (--s->refs > 0)
		return;
	bs_analysis_destroy(s->a);
	bs_body_fini(&s->report);
	bs_body_fini(&s->summary);
	bs_table_index_destroy(s->table);
	free(s);
}

static void
upkeep_publish(struct bs_upkeep *u, struct bs_store *st, struct bs_analysis *a)
{
	struct bs_upkeep_snap *s = calloc(1, sizeof(*s)), *old;

	if (s == NULL) {
		bs_analysis_destroy(a);
		return;
	}
	s->a = a;
	s->refs = 1;
	{
		struct bs_buf b;

		json_t *j = NULL;
		size_t len = 0;
		char *data;

		/* /api/report as the API serves it, rendered once here. */
		bs_buf_init(&b, 0);
		if (bs_format_find("json")->render(a, st, 1, &b) == 0) {
			data = bs_buf_steal(&b, &len);
			bs_body_prepare(&s->report, data, len);
		}
		bs_buf_fini(&b);
		if (bs_summary_json(a, st, bs_upkeep_history_days(u), &j) == 0) {
			data = json_dumps(j, JSON_COMPACT);
			bs_body_prepare(&s->summary, data, data != NULL ? strlen(data) : 0);
		}
		json_decref(j);
		if (bs_table_index_create(a, a->generated_at_ms, &s->table) != 0)
			s->table = NULL;
	}
	pthread_mutex_lock(&u->lock);
	old = u->current;
	u->current = s;
	pthread_cond_broadcast(&u->published);
	if (old != NULL)
		upkeep_unref(old); /* freed now, or by its last holder */
	pthread_mutex_unlock(&u->lock);
}

/* SQLite's data_version changes when another connection commits: new
 * reports, a mute from the CLI. */
static int64_t
upkeep_data_version(struct bs_store *st)
{
	int64_t v = -1;

	if (bs_store_data_version(st, &v) != 0)
		return -1;
	return v;
}

static void
upkeep_prune(struct bs_upkeep *u, struct bs_store *st)
{
	size_t total = 0, n;

	do {
		if (bs_retention_prune(
		        st, &u->opt.retention, bs_now_ms(), UPKEEP_PRUNE_BATCH, &n) != 0)
			break;
		total += n;
	} while (n > 0 && !u->stopping);
	if (total > 0)
		bs_log(BS_LOG_INFO, "retention_pruned", "rows=%zu keep_all_days=%u", total,
		    u->opt.retention.keep_all_days);
}

static void *
upkeep_main(void *arg)
{
	struct bs_upkeep *u = arg;
	struct bs_store *st = NULL;
	int64_t seen_version = -2, last_snap = 0, last_prune = 0, build_ms = 0;

	while (!u->stopping) {
		struct timespec until;
		int64_t now = bs_now_ms(), v;
		size_t done = 0;

		if (st == NULL && bs_store_open(u->db_path, 0, &st) != 0)
			st = NULL; /* the ingest worker creates it; try again */
		if (st != NULL) {
			struct bs_analysis_options ao = u->opt.analysis;

			ao.now_ms = 0;
			if (bs_history_pass(st, &ao, UPKEEP_HISTORY_MAX, &done) != 0)
				bs_log(BS_LOG_WARN, "history_pass_failed", "detail=\"retrying\"");
			if (now - last_prune >= UPKEEP_PRUNE_EVERY_S * 1000LL) {
				upkeep_prune(u, st);
				last_prune = now;
			}
			int64_t gap = build_ms * 3 > 2000 ? build_ms * 3 : 2000;
			int due;

			v = u->opt.snapshots ? upkeep_data_version(st) : seen_version;
			/* New data rebuilds the snapshot, but not more often than
			 * every 2 s or three times what a build takes, so a large
			 * fleet under steady ingest does not spend a core on it. */
			due = ((v != seen_version || done > 0) && now - last_snap >= gap) ||
			    last_snap == 0 || now - last_snap >= (int64_t)u->opt.refresh_s * 1000;
			if (u->opt.snapshots && due) {
				struct bs_analysis *a = NULL;

				seen_version = v;
				if (bs_output_load(st, &ao, &a) == 0) {
					upkeep_publish(u, st, a);
					last_snap = bs_now_ms();
					build_ms = last_snap - now;
				}
			}
		}
		pthread_mutex_lock(&u->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += u->opt.period_ms / 1000;
		until.tv_nsec += (long)(u->opt.period_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!u->stopping && !u->kicked &&
		    pthread_cond_timedwait(&u->cv, &u->lock, &until) != ETIMEDOUT)
			;
		u->kicked = 0;
		pthread_mutex_unlock(&u->lock);
	}
	bs_store_close(st);
	return NULL;
}

int
bs_upkeep_start(const struct bs_upkeep_options *o, struct bs_upkeep **out)
{
	struct bs_upkeep *u = calloc(1, sizeof(*u));

	*out = NULL;
	if (u == NULL)
		return BS_ENOMEM;
	u->opt = *o;
	if (u->opt.period_ms == 0)
		u->opt.period_ms = 1000;
	if (u->opt.refresh_s == 0)
		u->opt.refresh_s = 30;
	u->db_path = strdup(o->db_path);
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->cv, NULL);
	pthread_cond_init(&u->published, NULL);
	if (u->db_path == NULL || pthread_create(&u->thread, NULL, upkeep_main, u) != 0) {
		bs_upkeep_stop(u);
		return BS_ENOMEM;
	}
	u->started = 1;
	*out = u;
	return 0;
}

void
bs_upkeep_stop(struct bs_upkeep *u)
{
	if (u == NULL)
		return;
	pthread_mutex_lock(&u->lock);
	u->stopping = 1;
	pthread_cond_signal(&u->cv);
	pthread_mutex_unlock(&u->lock);
	if (u->started)
		pthread_join(u->thread, NULL);
	if (u->current != NULL)
		upkeep_unref(u->current);
	pthread_cond_destroy(&u->cv);
	pthread_cond_destroy(&u->published);
	pthread_mutex_destroy(&u->lock);
	free(u->db_path);
	free(u);
}

struct bs_upkeep_snap *
bs_upkeep_acquire(struct bs_upkeep *u, const struct bs_analysis **a)
{
	struct bs_upkeep_snap *s;

	pthread_mutex_lock(&u->lock);
	s = u->current;
	if (s != NULL)
		s->refs++;
	pthread_mutex_unlock(&u->lock);
	*a = s != NULL ? s->a : NULL;
	return s;
}

struct bs_upkeep_snap *
bs_upkeep_acquire_wait(struct bs_upkeep *u, unsigned wait_ms, const struct bs_analysis **a)
{
	struct timespec until;
	struct bs_upkeep_snap *s;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&u->lock);
	while (u->current == NULL && !u->stopping && u->opt.snapshots &&
	    pthread_cond_timedwait(&u->published, &u->lock, &until) != ETIMEDOUT)
		;
	s = u->current;
	if (s != NULL)
		s->refs++;
	pthread_mutex_unlock(&u->lock);
	*a = s != NULL ? s->a : NULL;
	return s;
}

void
bs_upkeep_release(struct bs_upkeep *u, struct bs_upkeep_snap *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&u->lock);
	upkeep_unref(s);
	pthread_mutex_unlock(&u->lock);
}

void
bs_upkeep_kick(struct bs_upkeep *u)
{
	pthread_mutex_lock(&u->lock);
	u->kicked = 1;
	pthread_cond_signal(&u->cv);
	pthread_mutex_unlock(&u->lock);
}

const struct bs_body *
bs_upkeep_snap_report(const struct bs_upkeep_snap *s)
{
	return s->report.data != NULL ? &s->report : NULL;
}

const struct bs_body *
bs_upkeep_snap_summary(const struct bs_upkeep_snap *s)
{
	return s->summary.data != NULL ? &s->summary : NULL;
}

const struct bs_table_index *
bs_upkeep_snap_table(const struct bs_upkeep_snap *s)
{
	return s->table;
}

unsigned
bs_upkeep_history_days(const struct bs_upkeep *u)
{
	return u != NULL ? u->opt.retention.keep_all_days : 0;
}
