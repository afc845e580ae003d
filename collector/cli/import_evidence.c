/* import_evidence: evidence folders and zips for `import`, through the
 * agent's sweep. */
#include "cli/import_evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "evidence.h"
#include "ids.h"
#include "ingest/ingest.h"
#include "sweep.h"
#include "wire.h"

/* The exporter already chose the window (its -Hours); read all of it. */
#define IMPORT_LOG_BUDGET (1024ull * 1024 * 1024)

int
bs_cli_is_evidence(const char *path)
{
	return bs_evidence_kind(path) != BS_EVIDENCE_NONE;
}

static void
print_collection_errors(const char *path, const bs_report *r)
{
	for (size_t i = 0; i < r->n_errors; i++) {
		const Bindscope__V1__CollectionError *e = r->errors[i];

		if (e->line > 0)
			fprintf(stderr, "bindscope-collector: %s: %s: %s:%u: %s\n", path, e->source,
			    e->path, e->line, e->reason);
		else
			fprintf(stderr, "bindscope-collector: %s: %s: %s: %s\n", path, e->source,
			    e->path, e->reason);
	}
}

int
bs_cli_import_evidence(struct bs_store *st, const char *path)
{
	struct bs_log_options lo;
	struct bs_sweep_options opt;
	struct bs_ingest_result res;
	struct bs_evidence *ev = NULL;
	struct bs_arena arena;
	bs_report *r = NULL;
	uint8_t *buf = NULL;
	size_t len;
	char why[1024], boot[33];
	int rv, status = 1;

	if (bs_evidence_open(path, NULL, &ev, why, sizeof(why)) != 0) {
		fprintf(stderr, "bindscope-collector: %s\n", why);
		return 1;
	}
	memset(&lo, 0, sizeof(lo));
	memset(&opt, 0, sizeof(opt));
	lo.since_ms = 0;
	lo.budget = IMPORT_LOG_BUDGET;
	lo.redact = 1;
	bs_random_bytes(lo.key, sizeof(lo.key));
	bs_random_hex(boot, 16);
	opt.root = bs_evidence_root(ev);
	opt.source = path;
	opt.agent_id = "";
	opt.boot_id = boot;
	opt.sequence = 1;
	opt.logs = &lo;
	bs_arena_init(&arena, 0);
	rv = bs_sweep_run(&opt, &arena, &r);
	if (r == NULL) {
		fprintf(
		    stderr, "bindscope-collector: %s: sweep failed: %s\n", path, bs_strerror(rv));
		goto out;
	}
	print_collection_errors(path, r);
	if (rv == BS_ENOENT) {
		fprintf(stderr,
		    "bindscope-collector: %s: refused: nothing useful could be read (no site, "
		    "http.sys binding or certificate)\n",
		    path);
		goto out;
	}
	if (bs_wire_pack(&r->base, &buf, &len) != 0) {
		fprintf(stderr, "bindscope-collector: %s: cannot encode the report\n", path);
		goto out;
	}
	bs_ingest_file(st, NULL, buf, len, &res);
	if (res.status == BINDSCOPE__V1__ACK_STATUS__ACK_STORED ||
	    res.status == BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE) {
		printf("%s: %s %s\n", path, res.reason, res.fqdn);
		status = 0;
	} else {
		fprintf(stderr, "bindscope-collector: %s: refused: %s\n", path, res.reason);
	}
out:
	free(buf);
	bs_arena_fini(&arena);
	bs_evidence_close(ev);
	return status;
}
