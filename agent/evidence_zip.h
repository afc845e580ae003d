/* evidence_zip: extraction of an evidence zip, one implementation per
 * build (CMake picks evidence_zip_libarchive.c where libarchive is, and
 * evidence_zip_none.c, which refuses with the way out, elsewhere). Only
 * evidence.c calls these. */
#ifndef BS_EVIDENCE_ZIP_H
#define BS_EVIDENCE_ZIP_H

#include <stddef.h>

#include "evidence.h"

/* Extracts zip into a new private folder whose path is written to dir:
 * regular files and folders only, every name through
 * bs_evidence_entry_path, within lim. On failure nothing is left behind
 * and why holds the reason (without the zip's path; the caller adds it). */
int bs_evidence_zip_extract(const char *zip, const struct bs_evidence_limits *lim, char *dir,
    size_t dirsz, char *why, size_t whysz);

/* Removes a folder made by bs_evidence_zip_extract and all in it. */
int bs_evidence_zip_remove(const char *dir);

#endif
