/* footprint: what a sweep costs the server it runs on (CPU time, memory),
 * so the agent can report it and stop a sweep that runs over its limits
 * (a watchdog, as osquery's). Platform variants: footprint_posix.c,
 * footprint_win32.c. */
#ifndef BS_FOOTPRINT_H
#define BS_FOOTPRINT_H

#include <stdint.h>

struct bs_footprint {
	uint64_t cpu_us; /* user + system CPU time of the process so far */
	uint64_t rss_kib; /* resident memory now */
	uint64_t peak_rss_kib; /* the process's peak resident memory */
};

/* 0, or BS_EIO when the platform cannot tell. */
int bs_footprint_now(struct bs_footprint *f);

#endif
