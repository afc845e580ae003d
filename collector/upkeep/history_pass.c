/* history_pass: store -> analysis -> store, a batch at a time. */
#include "upkeep/history_pass.h"

#include "analysis/pass.h"
#include "err.h"
#include "output/load.h"
#include "store/history.h"

/* Reports per write transaction: short enough that ingest never waits
 * long for the write lock. */
#define HISTORY_BATCH 256

/* One report: its predecessor read into a scratch arena, the results
 * into out. */
static int
history_one(struct bs_store *st, struct bs_analysis *fleet, struct bs_arena *out,
    struct bs_pass_result *res)
{
	struct bs_arena scratch;
	const uint8_t *prev = NULL;
	size_t prev_len = 0;
	int rv;

	bs_arena_init(&scratch, 0);
	rv =
	    bs_store_previous(st, res->report, &scratch, &prev, &prev_len, &res->prev_collected_ms);
	if (rv == 0)
		rv = bs_pass_report(fleet, prev, prev_len, out, res);
	bs_arena_fini(&scratch);
	return rv;
}

int
bs_history_pass(
    struct bs_store *st, const struct bs_analysis_options *opt, size_t max, size_t *done)
{
	struct bs_analysis *fleet = NULL;
	int pending = 0, rv;

	*done = 0;
	/* Nothing new (the usual case between sweeps): no fleet load. */
	if ((rv = bs_store_any_pending(st, &pending)) != 0 || !pending)
		return rv;
	if ((rv = bs_output_load(st, opt, &fleet)) != 0)
		return rv;
	while (*done < max) {
		struct bs_arena ar;
		struct bs_stored_report *rows = NULL;
		struct bs_pass_result *res = NULL;
		size_t n = 0;

		bs_arena_init(&ar, 0);
		rv = bs_store_pending(st, &ar, HISTORY_BATCH, &rows, &n);
		if (rv == 0 && n > 0 && (res = bs_arena_alloc(&ar, n * sizeof(*res))) == NULL)
			rv = BS_ENOMEM;
		/* The work outside the write lock; then one short transaction. */
		for (size_t i = 0; rv == 0 && i < n; i++) {
			res[i].report = &rows[i];
			rv = history_one(st, fleet, &ar, &res[i]);
		}
		if (rv == 0)
			rv = bs_store_history_write(st, res, n);
		bs_arena_fini(&ar);
		if (rv != 0 || n == 0)
			break;
		*done += n;
	}
	bs_analysis_destroy(fleet);
	return rv;
}
