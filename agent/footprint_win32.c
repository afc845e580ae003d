/* footprint_win32: GetProcessTimes for CPU (user + kernel) and
 * GetProcessMemoryInfo for the working set now and at its peak. */
#include "footprint.h"

#include <windows.h>
#include <psapi.h>
#include <string.h>

#include "err.h"

static uint64_t
footprint_us(const FILETIME *ft)
{
	ULARGE_INTEGER t;

	t.LowPart = ft->dwLowDateTime;
	t.HighPart = ft->dwHighDateTime;
	return t.QuadPart / 10u; /* 100 ns units */
}

int
bs_footprint_now(struct bs_footprint *f)
{
	FILETIME created, exited, kernel, user;
	PROCESS_MEMORY_COUNTERS pmc;

	memset(f, 0, sizeof(*f));
	if (!GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user))
		return BS_EIO;
	f->cpu_us = footprint_us(&user) + footprint_us(&kernel);
	memset(&pmc, 0, sizeof(pmc));
	pmc.cb = sizeof(pmc);
	if (!GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof(pmc)))
		return BS_EIO;
	f->rss_kib = (uint64_t)pmc.WorkingSetSize / 1024u;
	f->peak_rss_kib = (uint64_t)pmc.PeakWorkingSetSize / 1024u;
	return 0;
}
