/* rows: the plain records the history pass reads from the store and
 * writes back, with no database in them: the analysis fills them (so it
 * runs, and is tested, without SQLite) and the store writes them. */
#ifndef BS_STORE_ROWS_H
#define BS_STORE_ROWS_H

#include <stddef.h>
#include <stdint.h>

/* A stored report, copied out of the database. */
struct bs_stored_report {
	int64_t id, server_id, received_ms, collected_ms;
	const char *fqdn, *provenance;
	const uint8_t *raw;
	size_t len;
};

/* One difference from the server's previous report (store/history.h). */
struct bs_stored_change {
	const char *kind, *object, *before, *after;
};

/* One finding of one report. */
struct bs_stored_finding {
	const char *rule, *key, *severity, *title;
};

/* What the history pass made of one stored report. */
struct bs_pass_result {
	const struct bs_stored_report *report;
	int64_t prev_collected_ms; /* the server's report before it; 0: none */
	struct bs_stored_change **changes;
	size_t n_changes;
	struct bs_stored_finding **findings;
	size_t n_findings;
	int unreadable; /* it no longer decodes: marked analysed, nothing more */
};

#endif
