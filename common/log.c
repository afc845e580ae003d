/* log: structured single-line event log on stderr, and optionally a file
 * that SIGHUP reopens (for logrotate) and the system's event log
 * (log_sink_*.c: the Windows Event Log, for the service). */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fsutil.h"
#include "log_sink.h"

static enum bs_log_level log_min = BS_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file; /* besides stderr; NULL: none */
static char log_path[4096];
static int log_sink_on;

int
bs_log_open_file(const char *path)
{
	FILE *f;

	if (strlen(path) >= sizeof(log_path))
		return -1;
	f = bs_fs_fopen(path, "a");
	if (f == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	memcpy(log_path, path, strlen(path) + 1);
	pthread_mutex_unlock(&log_lock);
	return 0;
}

int
bs_log_reopen(void)
{
	char path[sizeof(log_path)];

	pthread_mutex_lock(&log_lock);
	memcpy(path, log_path, sizeof(path));
	pthread_mutex_unlock(&log_lock);
	return path[0] != '\0' ? bs_log_open_file(path) : 0;
}

void
bs_log_close_file(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	log_path[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

int
bs_log_open_eventlog(const char *source)
{
	int rv;

	pthread_mutex_lock(&log_lock);
	rv = bs_log_sink_open(source);
	log_sink_on = rv == 0;
	pthread_mutex_unlock(&log_lock);
	return rv;
}

void
bs_log_close_eventlog(void)
{
	pthread_mutex_lock(&log_lock);
	bs_log_sink_close();
	log_sink_on = 0;
	pthread_mutex_unlock(&log_lock);
}

static const char *const log_names[] = {"debug", "info", "warn", "error"};

void
bs_log_set_level(enum bs_log_level level)
{
	log_min = level;
}

int
bs_log_parse_level(const char *s, enum bs_log_level *out)
{
	for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcmp(s, log_names[i]) == 0) {
			*out = (enum bs_log_level)i;
			return 0;
		}
	}
	return -1;
}

void
bs_log(enum bs_log_level level, const char *event, const char *fmt, ...)
{
	char ts[32];
	char msg[1024], line[1100];
	struct timespec now;
	struct tm tm;
	va_list ap;

	if (level < log_min)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "level=%s event=%s %s", log_names[level], event, msg);
	/* One fprintf call per stream: stdio locks it, so lines from several
	 * threads never interleave. */
	fprintf(stderr, "%s.%03ldZ %s\n", ts, now.tv_nsec / 1000000L, line);
	pthread_mutex_lock(&log_lock);
	if (log_file != NULL) {
		fprintf(log_file, "%s.%03ldZ %s\n", ts, now.tv_nsec / 1000000L, line);
		/* Windows' C library buffers _IOLBF streams fully: flush each line
		 * so the file is current (and survives a crash) on both. */
		fflush(log_file);
	}
	if (log_sink_on)
		bs_log_sink_write(level, line);
	pthread_mutex_unlock(&log_lock);
}

const char *
bs_log_quote(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz < 8) {
		if (outsz > 0)
			out[0] = '\0';
		return out;
	}
	out[o++] = '"';
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[5];
		size_t n = 0;

		if (c == '"' || c == '\\') {
			esc[n++] = '\\';
			esc[n++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			static const char hex[] = "0123456789abcdef";
			esc[n++] = '\\';
			esc[n++] = 'x';
			esc[n++] = hex[c >> 4];
			esc[n++] = hex[c & 15];
		} else {
			esc[n++] = (char)c;
		}
		if (o + n + 5 > outsz) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, esc, n);
		o += n;
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}
