/* log_sink (Windows): each event through ReportEventW under the source
 * `service install` (or the MSI) registers, with the one message of the
 * agent's message table (agent/messages.mc: "%1"), so Event Viewer shows
 * the line itself. Warnings and errors keep their type, so the Event Log's
 * filters and forwarding rules can pick them out. */
#include "log_sink.h"

#include <windows.h>

/* agent/messages.mc: MessageId=1, the whole text is %1. */
#define SINK_MSG_GENERIC 1

static HANDLE sink;

int
bs_log_sink_open(const char *source)
{
	wchar_t w[256];

	if (MultiByteToWideChar(CP_UTF8, 0, source, -1, w, 256) <= 0)
		return -1;
	bs_log_sink_close();
	sink = RegisterEventSourceW(NULL, w);
	return sink != NULL ? 0 : -1;
}

void
bs_log_sink_write(enum bs_log_level level, const char *line)
{
	static const WORD types[] = {EVENTLOG_INFORMATION_TYPE, EVENTLOG_INFORMATION_TYPE,
	    EVENTLOG_WARNING_TYPE, EVENTLOG_ERROR_TYPE};
	/* An event's strings are capped at 31,839 characters; the log's lines
	 * are far shorter (log.c formats into 1 KiB). */
	wchar_t w[2048];
	const wchar_t *strings[1] = {w};

	if (sink == NULL || MultiByteToWideChar(CP_UTF8, 0, line, -1, w, 2048) <= 0)
		return;
	ReportEventW(sink, types[level], 0, SINK_MSG_GENERIC, NULL, 1, 0, strings, NULL);
}

void
bs_log_sink_close(void)
{
	if (sink != NULL)
		DeregisterEventSource(sink);
	sink = NULL;
}
