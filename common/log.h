/* log: one line per event, "ts level=.. event=.. key=value ...", to stderr
 * (journald picks it up), optionally a file and the Windows Event Log.
 * Callers pass already-formatted key=value text; values from outside must
 * go through bs_log_quote so a hostile string cannot forge fields or
 * lines. */
#ifndef BS_LOG_H
#define BS_LOG_H

#include <stddef.h>

enum bs_log_level { BS_LOG_DEBUG, BS_LOG_INFO, BS_LOG_WARN, BS_LOG_ERROR };

void bs_log_set_level(enum bs_log_level level);
/* Parses "debug", "info", "warn", "error"; 0 on success. */
int bs_log_parse_level(const char *s, enum bs_log_level *out);

/* Also append every line to path (created if needed). 0 or -1. */
int bs_log_open_file(const char *path);
/* Reopens that file (after logrotate moved it: SIGHUP). */
int bs_log_reopen(void);
void bs_log_close_file(void);

/* Also report every event to the system's event log under source: the
 * Windows Event Log (warn and error keep their type); the service turns it
 * on. 0, or -1 where there is none (POSIX: journald reads stderr). */
int bs_log_open_eventlog(const char *source);
void bs_log_close_eventlog(void);

void bs_log(enum bs_log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(BS_PRINTF, 3, 4)));

/* Writes s into out (size outsz) as a double-quoted value with control
 * characters, quotes and backslashes escaped; truncates with "...".
 * Returns out. */
const char *bs_log_quote(const char *s, char *out, size_t outsz);

#endif
