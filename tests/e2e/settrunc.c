/* settrunc: rewrites a report as if the agent's log cursor had found
 * files of one sample copy-truncated (LogSample.files_truncated), which a
 * one-shot `collect` never sees, so the browser test can show the note on
 * a fleet made by `collect`.
 *   settrunc IN.pb OUT.pb SAMPLE N
 *       every log sample named SAMPLE gets files_truncated N; no such
 *       sample is an error */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "err.h"
#include "fsutil.h"
#include "wire.h"

int
main(int argc, char **argv)
{
	struct bs_arena ar;
	bs_report *r = NULL;
	char *data = NULL, *end = NULL;
	uint8_t *out = NULL;
	size_t len = 0, outlen = 0, hits = 0;
	unsigned long n;
	int rv = 2;

	bs_arena_init(&ar, 0);
	if (argc != 5) {
		fprintf(stderr, "usage: settrunc IN.pb OUT.pb SAMPLE N\n");
		goto out;
	}
	n = strtoul(argv[4], &end, 10);
	if (end == argv[4] || *end != '\0' || n > UINT32_MAX) {
		fprintf(stderr, "settrunc: N: not a count: %s\n", argv[4]);
		goto out;
	}
	if (bs_fs_read(argv[1], 64u * 1024 * 1024, &data, &len) != 0 ||
	    bs_wire_unpack_report(&ar, (const uint8_t *)data, len, &r) != 0) {
		fprintf(stderr, "settrunc: %s: not a readable report\n", argv[1]);
		goto out;
	}
	for (size_t i = 0; i < r->n_log_samples; i++)
		if (strcmp(r->log_samples[i]->name, argv[3]) == 0) {
			r->log_samples[i]->files_truncated = (uint32_t)n;
			hits++;
		}
	if (hits == 0) {
		fprintf(stderr, "settrunc: %s: no log sample named %s\n", argv[1], argv[3]);
		goto out;
	}
	if (bs_wire_pack(&r->base, &out, &outlen) != 0 ||
	    bs_fs_write_atomic(argv[2], out, outlen) != 0) {
		fprintf(stderr, "settrunc: cannot write %s\n", argv[2]);
		goto out;
	}
	rv = 0;
out:
	free(out);
	free(data);
	bs_arena_fini(&ar);
	return rv;
}
