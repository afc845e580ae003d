/* evidence: a folder is used as it is; a zip is extracted (evidence_zip)
 * and, when everything in it sits under one folder that is not itself
 * part of the layout, rooted there. */
#include "evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"
#include "evidence_zip.h"
#include "fsutil.h"

struct bs_evidence {
	char root[BS_PATH_MAX]; /* the folder to sweep */
	char tmp[BS_PATH_MAX]; /* the extraction folder to remove; "" for a folder */
};

/* Top-level names of the evidence root's own layout: a zip holding only
 * one of these is already rooted right. */
static const char *const layout_top[] = {
    "registry", "certstore", "netsh", "Windows", "inetpub", "Program Files"};

enum bs_evidence_kind
bs_evidence_kind(const char *path)
{
	unsigned char magic[4];
	FILE *f;
	size_t n;

	if (bs_fs_is_dir(path))
		return BS_EVIDENCE_FOLDER;
	if ((f = fopen(path, "rb")) == NULL)
		return BS_EVIDENCE_NONE;
	n = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	if (n == 4 && magic[0] == 'P' && magic[1] == 'K' &&
	    ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6)))
		return BS_EVIDENCE_ZIP;
	return BS_EVIDENCE_NONE;
}

/* Roots e at the extraction folder, or at its only entry when that is a
 * folder the layout does not name (the zip was made with its base
 * directory). */
static int
evidence_descend(struct bs_evidence *e)
{
	char **names = NULL;
	size_t n = 0;
	int rv, layout = 0;

	snprintf(e->root, sizeof(e->root), "%s", e->tmp);
	if ((rv = bs_fs_list(e->tmp, &names, &n)) != 0)
		return rv;
	for (size_t i = 0; n == 1 && i < sizeof(layout_top) / sizeof(layout_top[0]); i++)
		layout |= strcasecmp(names[0], layout_top[i]) == 0;
	if (n == 1 && !layout) {
		char sub[BS_PATH_MAX];

		if (bs_path_join(sub, sizeof(sub), e->tmp, names[0]) == 0 && bs_fs_is_dir(sub))
			snprintf(e->root, sizeof(e->root), "%s", sub);
	}
	bs_fs_names_free(names, n);
	return 0;
}

int
bs_evidence_open(const char *path, const struct bs_evidence_limits *lim, struct bs_evidence **out,
    char *why, size_t whysz)
{
	static const struct bs_evidence_limits defaults = {
	    BS_EVIDENCE_MAX_BYTES, BS_EVIDENCE_MAX_ENTRIES};
	struct bs_evidence *e;
	char reason[512];
	int rv = 0;

	*out = NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		snprintf(why, whysz, "%s: out of memory", path);
		return BS_ENOMEM;
	}
	switch (bs_evidence_kind(path)) {
	case BS_EVIDENCE_FOLDER:
		if (strlen(path) >= sizeof(e->root)) {
			snprintf(why, whysz, "%s: path too long", path);
			rv = BS_ETOOBIG;
			goto out;
		}
		snprintf(e->root, sizeof(e->root), "%s", path);
		break;
	case BS_EVIDENCE_ZIP:
		rv = bs_evidence_zip_extract(path, lim != NULL ? lim : &defaults, e->tmp,
		    sizeof(e->tmp), reason, sizeof(reason));
		if (rv != 0) {
			snprintf(why, whysz, "%s: %s", path, reason);
			goto out;
		}
		if ((rv = evidence_descend(e)) != 0) {
			snprintf(why, whysz, "%s: cannot list what was extracted: %s", path,
			    bs_strerror(rv));
			goto out;
		}
		break;
	default:
		snprintf(why, whysz, "%s: %s", path,
		    access(path, R_OK) != 0 ? "no such folder or file, or not readable"
		                            : "neither a folder nor a zip file");
		rv = BS_ENOENT;
		goto out;
	}
	*out = e;
	return 0;
out:
	bs_evidence_close(e);
	return rv;
}

const char *
bs_evidence_root(const struct bs_evidence *e)
{
	return e->root;
}

void
bs_evidence_close(struct bs_evidence *e)
{
	if (e == NULL)
		return;
	bs_evidence_zip_remove(e->tmp);
	free(e);
}
