/* footprint_posix: getrusage for CPU and peak memory, /proc/self/statm for
 * the resident set now (Linux; elsewhere the peak stands in for it). */
#include "footprint.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "err.h"

int
bs_footprint_now(struct bs_footprint *f)
{
	struct rusage ru;
	FILE *fp;
	char line[128];

	memset(f, 0, sizeof(*f));
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return BS_EIO;
	f->cpu_us = (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec +
	    (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
	f->peak_rss_kib = (uint64_t)ru.ru_maxrss; /* KiB on Linux */
	f->rss_kib = f->peak_rss_kib;
	fp = fopen("/proc/self/statm", "r");
	if (fp != NULL) {
		if (fgets(line, sizeof(line), fp) != NULL) {
			/* "size resident shared ...", in pages: the second field. */
			const char *p = strchr(line, ' ');
			uint64_t pages = 0;

			for (p = p != NULL ? p + 1 : line + strlen(line); *p >= '0' && *p <= '9';
			     p++)
				pages = pages * 10 + (uint64_t)(*p - '0');
			if (pages > 0)
				f->rss_kib = pages * (uint64_t)sysconf(_SC_PAGESIZE) / 1024u;
		}
		fclose(fp);
	}
	return 0;
}
