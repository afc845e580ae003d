/* logscan_bench: scans one HttpProxy log the way a sweep does (streaming
 * reader + CSV columns by #Fields + aggregation) and prints the time,
 * throughput and peak RSS. Used by tests/bench/logscan.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "logfmt.h"
#include "logread.h"

int
main(int argc, char **argv)
{
	struct bs_logfmt_cfg cfg;
	struct bs_logfmt *f = NULL;
	struct bs_arena a;
	Bindscope__V1__LogSample *ls;
	struct bs_logread r;
	struct timespec t0, t1;
	struct rusage ru;
	const char *rec;
	size_t len;
	double secs;

	if (argc != 2) {
		fprintf(stderr, "usage: logscan_bench HTTPPROXY.LOG\n");
		return 2;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.redact = 1;
	bs_arena_init(&a, 0);
	ls = BS_NEW(&a, log_sample);
	if (ls == NULL || bs_logfmt_create(BS_LOGFMT_HTTPPROXY, &a, ls, &cfg, &f) != 0 ||
	    bs_logread_open(&r, argv[1], 0, UINT64_MAX, 1) != 0) {
		fprintf(stderr, "logscan_bench: cannot open %s\n", argv[1]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (bs_logread_next(&r, &rec, &len) == 1)
		bs_logfmt_record(f, rec, len);
	bs_logfmt_finish(f);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf(
	    "bindscope scan: %.3f s, %llu lines, %.0f MiB/s, peak RSS %ld KiB, %zu status pairs\n",
	    secs, (unsigned long long)ls->lines_read, (double)r.bytes / 1048576.0 / secs,
	    ru.ru_maxrss, ls->n_statuses);
	for (size_t i = 0; i < ls->n_statuses && i < 4; i++)
		printf("  %u,%s %llu\n", ls->statuses[i]->http_status,
		    ls->statuses[i]->backend_status ? "5xx-or-other" : "",
		    (unsigned long long)ls->statuses[i]->count);
	bs_logread_close(&r);
	bs_logfmt_destroy(f);
	bs_arena_fini(&a);
	return 0;
}
