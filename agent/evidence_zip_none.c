/* evidence_zip (none): builds without libarchive (the Windows agent) read
 * evidence folders only; a zip is refused with the command that unzips it. */
#include "evidence_zip.h"

#include <stdio.h>

#include "err.h"

int
bs_evidence_zip_extract(const char *zip, const struct bs_evidence_limits *lim, char *dir,
    size_t dirsz, char *why, size_t whysz)
{
	(void)lim;
	if (dirsz > 0)
		dir[0] = '\0';
	snprintf(why, whysz,
	    "this build of bindscope reads no zip files; unzip it first "
	    "(PowerShell: Expand-Archive -LiteralPath '%s' -DestinationPath EVIDENCE) "
	    "and pass the folder",
	    zip);
	return BS_EINVAL;
}

int
bs_evidence_zip_remove(const char *dir)
{
	(void)dir;
	return 0;
}
