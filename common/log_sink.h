/* log_sink: the operating system's own event log, which log.c feeds
 * besides stderr and the log file once a program turns it on (the Windows
 * service does). Windows: the Event Log under a registered source
 * (log_sink_win32.c). POSIX has none to feed: stderr already goes to
 * journald (log_sink_posix.c). Only log.c calls these, under its lock. */
#ifndef BS_LOG_SINK_H
#define BS_LOG_SINK_H

#include "log.h"

/* 0, or -1 when there is no event log (or it cannot be opened). */
int bs_log_sink_open(const char *source);
/* line: the event without its timestamp ("level=.. event=.. ..."). */
void bs_log_sink_write(enum bs_log_level level, const char *line);
void bs_log_sink_close(void);

#endif
