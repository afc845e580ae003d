/* sweep: one pass over a server's evidence that yields one Report. The
 * sources run in a fixed order (registry, host, TLS settings, IIS config, http.sys
 * bindings, certificate store) and then the join links them. A source
 * that cannot read something records a collection error and the sweep
 * goes on: a partial report beats none. */
#ifndef BS_SWEEP_H
#define BS_SWEEP_H

#include <stdint.h>

#include "arena.h"
#include "cursor.h"
#include "registry.h"
#include "wire.h"

/* How the log sources sample. */
struct bs_log_options {
	int64_t since_ms; /* files without a cursor: older lines are not counted; 0 = all */
	uint64_t budget; /* bytes read per sweep, all logs together */
	int redact; /* personal data in examples replaced by keyed hashes */
	uint8_t key[32]; /* the redaction key */
	const struct bs_cursors *prev; /* where the last acknowledged sweep stopped; NULL = none */
	struct bs_cursors *next; /* filled with where this sweep stops; may be NULL */
};

/* Live TLS probes made during the sweep ("self" is the server's FQDN). */
struct bs_probe_options {
	const char *const *targets; /* "name:port" or "name:port@host:port" */
	size_t ntargets;
	unsigned timeout_ms;
	const char *ca_file; /* PEM anchors added to the evidence's Root store; may be NULL */
};

struct bs_sweep_options {
	const char *root; /* evidence root folder; NULL or "": this server, live (Windows) */
	const char *agent_id; /* empty: the FQDN found in the evidence */
	const char *boot_id;
	uint64_t sequence;
	const struct bs_log_options *logs; /* NULL: logs are not read */
	const struct bs_probe_options *probes; /* NULL: no live probes */
	/* Watchdog: a sweep over these is cut short between sources, and the
	 * report says so (0: no limit). */
	uint64_t max_cpu_us;
	uint64_t max_rss_kib;
	/* Wall-clock deadline of the whole sweep, checked between sources and
	 * between log files; a read that blocks in the kernel (a hung network
	 * share) is not interrupted (0: no limit). */
	uint64_t max_wall_ms;
	/* What the report names as its evidence (the zip the root was
	 * extracted from); NULL: root. */
	const char *source;
};

/* State shared by the sources during one sweep. */
struct bs_sweep {
	const char *root;
	struct bs_arena *arena; /* owns the report and everything in it */
	bs_report *report;
	struct bs_registry *reg;
	char **stores; /* certificate store names that exist ("My", "Root") */
	size_t nstores;
	const struct bs_log_options *logs;
	uint64_t budget_left;
	const struct bs_probe_options *probes;
	int live; /* reading this server through Windows, root its system drive */
	int64_t deadline_ms; /* bs_mono_ms() after which the sweep stops; 0: none */
	uint64_t max_wall_ms; /* the deadline's length, for the message */
	int timed_out; /* the deadline passed (said once) */
	/* The limit that cut the sweep short, for the report's AgentInfo (the
	 * collector's fix names the key to raise from it, not from the
	 * message's words); NONE while not cut. */
	Bindscope__V1__WatchdogLimit cut_limit;
	uint64_t cut_limit_value; /* ms (WALL, CPU) or KiB (MEMORY) */
};

/* Runs every source over opt->root. The report and all it holds live in
 * arena (the caller's). Returns 0, or BS_ENOENT when nothing useful could
 * be read: no site, http.sys binding or certificate (the report is still
 * produced, with its errors). A report whose host.fqdn is empty (the
 * evidence does not name the server) returns 0: it carries a collection
 * error saying so, and the collector refuses it. */
int bs_sweep_run(const struct bs_sweep_options *opt, struct bs_arena *arena, bs_report **out);

/* Records a collection error in the report. path is relative to the root
 * (or a registry key); line 0 when not line-oriented. */
void bs_sweep_error(struct bs_sweep *s, const char *source, const char *path, unsigned line,
    const char *fmt, ...) __attribute__((format(BS_PRINTF, 5, 6)));

/* 1 when path (rel in the report) may be read: its links followed, it is
 * still inside the evidence root. Otherwise records a collection error
 * naming rel and where it leads (or why it cannot be judged) and returns
 * 0. A live sweep reads the server's own files: always 1. */
int bs_sweep_inside(struct bs_sweep *s, const char *source, const char *rel, const char *path);

/* Reads an evidence file (bs_fs_read: regular files only, at most max
 * bytes) once bs_sweep_inside allows it. On failure the collection error
 * naming rel is recorded here and the code returned; *data is the
 * caller's to free on success. */
int bs_sweep_read(struct bs_sweep *s, const char *source, const char *rel, const char *path,
    size_t max, char **data, size_t *len);

/* 1 (with a collection error, once) when the sweep's wall-clock deadline
 * has passed; sources that loop long (the logs) ask between files. */
int bs_sweep_past_deadline(struct bs_sweep *s, const char *where);

/* One evidence source: reads what it can into the report. A source with
 * names_server set still runs after the watchdog has cut the sweep short:
 * it is what names the server (the registry and the host facts read from
 * it), and the collector refuses a report that names none, so a cut-short
 * sweep would otherwise reach nobody who could act on it. */
struct bs_sweep_source {
	const char *name;
	int (*run)(struct bs_sweep *s);
	int names_server;
};

/* Appends to a repeated field of a report message. */
#define BS_PUSH(s, arr, n, item) bs_arena_push((s)->arena, (void ***)&(arr), &(n), (item))

/* The sources, in the order bs_sweep_run calls them. */
int bs_src_registry(struct bs_sweep *s);
int bs_src_host(struct bs_sweep *s);
int bs_src_tls_settings(struct bs_sweep *s);
int bs_src_iis_config(struct bs_sweep *s);
int bs_src_sslbind(struct bs_sweep *s);
int bs_src_certstore(struct bs_sweep *s);
int bs_join(struct bs_sweep *s);
int bs_src_logs(struct bs_sweep *s);
int bs_src_probes(struct bs_sweep *s);

#endif
