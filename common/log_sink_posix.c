/* log_sink (POSIX): no event log of its own; journald reads stderr. */
#include "log_sink.h"

int
bs_log_sink_open(const char *source)
{
	(void)source;
	return -1;
}

void
bs_log_sink_write(enum bs_log_level level, const char *line)
{
	(void)level;
	(void)line;
}

void
bs_log_sink_close(void)
{
}
