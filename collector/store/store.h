/* store: the collector's SQLite database, and the only room that speaks
 * SQL (store/history.h: findings history and change log; store/mutes.h:
 * mutes and the audit log; store/retention.h). Every accepted report is
 * kept whole (its serialized bytes), so any later analysis or audit can be
 * re-run from the originals. Writes are one transaction per report, and a
 * report counts as received only once that transaction has committed.
 * One bs_store per thread: SQLite connections are not shared. */
#ifndef BS_STORE_H
#define BS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct bs_store;

/* Provenance of a report, as the store, JSON and dashboard name it. */
#define BS_PROV_AGENT_UNSIGNED "agent, unsigned"
#define BS_PROV_AGENT_SIGNED "agent, signed"
#define BS_PROV_OFFLINE "offline evidence, unsigned"
/* The identity duplicates are keyed on for reports no certificate
 * signed that `import` stores. */
#define BS_IDENTITY_OFFLINE "offline import"

/* Opens (creating and migrating as needed) the database at path.
 * readonly: for report/check, never creates or migrates. */
int bs_store_open(const char *path, int readonly, struct bs_store **out);
void bs_store_close(struct bs_store *s);

/* The verified signature of a report, kept beside it for audit. */
struct bs_store_sig {
	const uint8_t *signature;
	size_t signature_len;
	const char *alg;
	const uint8_t *cert; /* the signer's certificate, DER */
	size_t cert_len;
};

/* Stores one report (raw: its serialized bytes; r: the parsed form; sig:
 * its verified signature, or NULL) for server fqdn. identity is who
 * verifiably sent it (the signing certificate's FQDN; BS_IDENTITY_OFFLINE
 * for an unsigned import), never what the report claims: *duplicate is set
 * when (identity, boot_id, sequence) was stored before, and nothing is
 * written then. Returns 0 only after commit. */
int bs_store_put_report(struct bs_store *s, const char *fqdn, const char *identity,
    const char *provenance, const uint8_t *raw, size_t len, const bs_report *r,
    const struct bs_store_sig *sig, int64_t received_at_ms, int *duplicate);

/* Group commit: bs_store_put_report calls between begin and commit share
 * one transaction (one fsync), which is how the ingest worker keeps up with
 * many agents. Nothing is acknowledged before commit returns 0. */
int bs_store_begin(struct bs_store *s);
int bs_store_commit(struct bs_store *s);
void bs_store_rollback(struct bs_store *s);

/* Calls fn for the newest report of every server, in FQDN order. The raw
 * bytes are valid during the call only. A non-zero return from fn stops
 * the walk and is returned. */
typedef int (*bs_store_latest_fn)(void *arg, const char *fqdn, const char *provenance,
    int64_t received_at_ms, const uint8_t *raw, size_t len);
int bs_store_each_latest(struct bs_store *s, bs_store_latest_fn fn, void *arg);

/* The same walk over one server's (fqdn, any case) reports received at
 * or after since_ms, newest first, at most limit of them. */
int bs_store_each_report_since(struct bs_store *s, const char *fqdn, int64_t since_ms, size_t limit,
    bs_store_latest_fn fn, void *arg);

/* The schema version: a read-only open of an older database sees the
 * tables of that version only. */
int bs_store_version(const struct bs_store *s);
/* Changes whenever another connection commits (new reports, a mute from
 * the command line), so a reader knows when to look again. */
int bs_store_data_version(struct bs_store *s, int64_t *out);

/* Copies the database at path to out with SQLite's online backup API,
 * while other connections keep writing; out is written whole or not at
 * all (a temporary file renamed into place). */
int bs_store_backup(const char *path, const char *out);

/* Checks the database at path page by page: full = 0 runs SQLite's
 * quick_check (what serve does before it starts), 1 its integrity_check
 * (slower: also every index against its table; `check-db`). 0 when
 * sound; BS_EDB when corrupt or unreadable, with SQLite's first findings
 * in why; BS_ENOENT when there is no database at path yet. */
int bs_store_check(const char *path, int full, char *why, size_t whysz);

/* Number of reports stored (all servers). */
int bs_store_count_reports(struct bs_store *s, int64_t *out);

#endif
