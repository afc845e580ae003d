/* fuzz_zip: libFuzzer harness for evidence zips. Each input is written
 * to a file and opened as evidence with small bounds. Oracle: whatever
 * is extracted is only regular files and folders inside the extraction
 * folder, within the byte bound, and closing leaves nothing behind. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_BYTES (1u << 20)

static char fuzz_dir[64];
static char fuzz_tmp[96];
static char fuzz_zip[96];
static uint64_t walk_bytes;
static size_t walk_root_len;

static int
walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (strncmp(path, fuzz_tmp, walk_root_len) != 0)
		abort();
	if (flag != FTW_F && flag != FTW_D && flag != FTW_DP)
		abort(); /* a link or something unreadable was made */
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))
		abort();
	if (S_ISREG(st->st_mode))
		walk_bytes += (uint64_t)st->st_size;
	return 0;
}

static int
count_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	return ftw->level > 0 && strcmp(path, fuzz_tmp) != 0 ? 1 : 0;
}

static void
fuzz_cleanup(void)
{
	unlink(fuzz_zip);
	rmdir(fuzz_tmp);
	rmdir(fuzz_dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct bs_evidence_limits lim = {FUZZ_MAX_BYTES, 64};
	struct bs_evidence *ev = NULL;
	char why[1024];
	FILE *f;

	if (fuzz_dir[0] == '\0') {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/bs-fuzz-zip-XXXXXX");
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
		snprintf(fuzz_tmp, sizeof(fuzz_tmp), "%s/tmp", fuzz_dir);
		snprintf(fuzz_zip, sizeof(fuzz_zip), "%s/in.zip", fuzz_dir);
		if (mkdir(fuzz_tmp, 0700) != 0 || setenv("TMPDIR", fuzz_tmp, 1) != 0)
			abort();
		walk_root_len = strlen(fuzz_tmp);
		atexit(fuzz_cleanup);
	}
	if ((f = fopen(fuzz_zip, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	if (bs_evidence_open(fuzz_zip, &lim, &ev, why, sizeof(why)) == 0) {
		walk_bytes = 0;
		if (nftw(fuzz_tmp, walk_one, 16, FTW_PHYS) != 0 || walk_bytes > FUZZ_MAX_BYTES)
			abort();
		bs_evidence_close(ev);
	} else if (strncmp(why, fuzz_zip, strlen(fuzz_zip)) != 0) {
		abort(); /* every refusal names the file */
	}
	/* Nothing may stay behind, accepted or not. */
	if (nftw(fuzz_tmp, count_one, 16, FTW_PHYS) != 0)
		abort();
	return 0;
}
