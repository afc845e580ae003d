/* reg_evidence: fills the sweep's registry from ROOT/registry/NAME.reg, the
 * files an admin makes with `reg export KEY FILE` (any names). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "fsutil.h"
#include "sweep.h"

#define REG_FILE_MAX (64u * 1024u * 1024u)

static void
reg_evidence_error(void *arg, const char *file, unsigned line, const char *reason)
{
	bs_sweep_error(arg, "registry", file, line, "%s", reason);
}

int
bs_src_registry(struct bs_sweep *s)
{
	char dir[BS_PATH_MAX], path[BS_PATH_MAX], rel[BS_PATH_MAX];
	char **names = NULL;
	size_t n = 0, loaded = 0;
	int rv;

	if (bs_fs_resolve(s->root, "registry", dir, sizeof(dir)) != 0 ||
	    bs_fs_list(dir, &names, &n) != 0) {
		bs_sweep_error(s, "registry", "registry", 0,
		    "no registry exports: the http.sys bindings and host facts "
		    "cannot be read");
		return 0;
	}
	if (!bs_sweep_inside(s, "registry", "registry", dir)) {
		bs_fs_names_free(names, n);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t nl = strlen(names[i]);
		char *data;
		size_t len;

		if (nl < 4 || strcasecmp(names[i] + nl - 4, ".reg") != 0)
			continue;
		if (bs_path_join(path, sizeof(path), dir, names[i]) != 0 ||
		    bs_path_join(rel, sizeof(rel), "registry", names[i]) != 0)
			continue;
		if (bs_sweep_read(s, "registry", rel, path, REG_FILE_MAX, &data, &len) != 0)
			continue;
		rv = bs_registry_load_reg(s->reg, data, len, rel, reg_evidence_error, s);
		free(data);
		if (rv == BS_ENOMEM)
			goto out;
		if (rv == 0)
			loaded++;
	}
	if (loaded == 0)
		bs_sweep_error(
		    s, "registry", "registry", 0, "no readable .reg export in the folder");
	rv = 0;
out:
	bs_fs_names_free(names, n);
	return rv;
}
