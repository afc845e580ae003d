/* fuzz_report: libFuzzer harness for what an agent sends the collector:
 * the spool frame, Envelope and Report decoding under the byte budget,
 * validation, and every rule and report format run over the decoded
 * report. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analysis/analyze.h"
#include "buf.h"
#include "ingest/ingest.h"
#include "output/report_json.h"
#include "output/report_text.h"
#include "analysis/changes.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_on_change(
    void *arg, const char *kind, const char *object, const char *before, const char *after)
{
	char line[900];

	(void)arg;
	bs_change_describe(kind, object, before, after, line, sizeof(line));
	return 0;
}

/* The change log's diff of an agent's report against an empty one and
 * back (everything added, everything removed), and against itself. */
static int
fuzz_diff(struct bs_analysis *an, const bs_report *r)
{
	bs_report *empty = BS_NEW(&an->arena, report);

	if (empty == NULL)
		return -1;
	bs_changes_diff(empty, r, fuzz_on_change, NULL);
	bs_changes_diff(r, empty, fuzz_on_change, NULL);
	bs_changes_diff(r, r, fuzz_on_change, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bs_analysis_options o;
	struct bs_analysis *an = NULL;
	Bindscope__V1__Envelope *env;
	struct bs_arena ea;
	bs_report *r;
	char why[256];

	{
		/* A spooled or imported file's frame. */
		const uint8_t *inner;
		size_t ilen;

		if (bs_wire_unframe(data, size, &inner, &ilen) == 0 && ilen > size)
			__builtin_trap();
	}
	bs_arena_init(&ea, BS_WIRE_UNPACK_BUDGET);
	if (bs_wire_unpack_envelope(&ea, data, size, &env) == 0) {
		/* Exercise the nested decode too. */
		bs_wire_unpack_report(&ea, env->report.data, env->report.len, &r);
	}
	bs_arena_fini(&ea);

	bs_analysis_options_defaults(&o);
	o.now_ms = 1800000000000LL;
	o.stale_after = 900;
	if (bs_analysis_create(&o, &an) != 0)
		return 0;
	an->arena.limit = BS_WIRE_UNPACK_BUDGET;
	if (bs_wire_unpack_report(&an->arena, data, size, &r) == 0 &&
	    bs_ingest_validate(r, why, sizeof(why)) == 0 && fuzz_diff(an, r) == 0 &&
	    bs_analysis_add(an, "fuzz", 1799999999000LL, r) == 0 && bs_analysis_evaluate(an) == 0) {
		json_t *j = bs_report_json(an);
		struct bs_buf b;

		json_decref(j);
		j = bs_report_json_server(an->servers[0], 1);
		json_decref(j);
		bs_buf_init(&b, 0);
		bs_report_csv(an, &b);
		bs_buf_reset(&b);
		bs_report_html(an, NULL, &b);
		bs_buf_fini(&b);
	}
	bs_analysis_destroy(an);
	return 0;
}
