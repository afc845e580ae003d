/* fuzz_logs: libFuzzer harness for the log scanner and both formats. The
 * first byte picks HttpProxy or W3C and a read budget; the rest is the
 * file, written to a scratch file so the real streaming reader runs. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "logfmt.h"
#include "logread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	struct bs_logfmt_cfg cfg;
	struct bs_logfmt *f = NULL;
	struct bs_arena a;
	Bindscope__V1__LogSample *ls;
	struct bs_logread r;
	const char *rec;
	size_t len;
	enum bs_logfmt_kind kind;
	uint64_t budget;

	if (size < 1)
		return 0;
	if (fd < 0) {
		snprintf(path, sizeof(path), "/tmp/bs-fuzz-log-%ld", (long)getpid());
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			return 0;
	}
	kind = (data[0] & 1) ? BS_LOGFMT_W3C : BS_LOGFMT_HTTPPROXY;
	budget = (data[0] & 2) ? (uint64_t)(data[0] >> 2) * 16 : UINT64_MAX;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.redact = 1;
	cfg.window_start_ms = (data[0] & 4) ? 1673290800000LL : 0;
	bs_arena_init(&a, 0);
	ls = BS_NEW(&a, log_sample);
	if (ls != NULL && bs_logfmt_create(kind, &a, ls, &cfg, &f) == 0) {
		if (bs_logread_open(&r, path, 0, budget, kind == BS_LOGFMT_HTTPPROXY) == 0) {
			while (bs_logread_next(&r, &rec, &len) == 1)
				bs_logfmt_record(f, rec, len);
			bs_logread_close(&r);
		}
		bs_logfmt_finish(f);
		bs_logfmt_destroy(f);
	}
	bs_arena_fini(&a);
	return 0;
}
