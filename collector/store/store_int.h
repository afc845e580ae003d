/* store_int: what the store's own files share: the connection, the
 * statements kept prepared, and small SQLite helpers. Only collector/store/
 * includes this (and sqlite3.h); everyone else gets typed functions. */
#ifndef BS_STORE_INT_H
#define BS_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

struct bs_store {
	sqlite3 *db;
	sqlite3_stmt *ins_report;
	sqlite3_stmt *upsert_server;
	sqlite3_stmt *set_latest;
	sqlite3_stmt *prev_report; /* the history pass's previous report; on first use */
	int in_tx; /* inside bs_store_begin */
	int version; /* schema version (user_version) as opened */
};

/* Runs SQL without results; errors are logged. */
int store_exec(struct bs_store *s, const char *sql);
/* Prepares sql; errors are logged. */
int store_prepare(struct bs_store *s, const char *sql, sqlite3_stmt **st);
/* Steps st to SQLITE_DONE and resets it; a failed write is logged. */
int store_step_done(struct bs_store *s, sqlite3_stmt *st);
/* Steps st through its rows, calling row for each, then finalizes it. A
 * non-zero return from row stops the walk and is returned; a failed step
 * is BS_EDB. */
typedef int (*store_row_fn)(sqlite3_stmt *st, void *arg);
int store_walk(sqlite3_stmt *st, store_row_fn row, void *arg);
/* Prepares sql (no parameters) and walks its rows. */
int store_query(struct bs_store *s, const char *sql, store_row_fn row, void *arg);

#endif
