/* evidence: the evidence root as an admin hands it over, a folder or the
 * zip deploy/windows/Export-BindscopeEvidence.ps1 writes. A zip is
 * extracted into a private temporary folder (evidence_zip_*.c) that
 * bs_evidence_close removes; the sweep only ever sees a folder. */
#ifndef BS_EVIDENCE_H
#define BS_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

/* Bounds on what a zip may expand to (zip bombs): bytes written, all
 * entries together, and the number of entries. */
struct bs_evidence_limits {
	uint64_t max_bytes;
	uint64_t max_entries;
};

#define BS_EVIDENCE_MAX_BYTES (4ull * 1024 * 1024 * 1024)
#define BS_EVIDENCE_MAX_ENTRIES 200000u

enum bs_evidence_kind {
	BS_EVIDENCE_NONE = 0, /* missing, unreadable, or neither of the others */
	BS_EVIDENCE_FOLDER,
	BS_EVIDENCE_ZIP, /* a file that starts like a zip ("PK\3\4" or an empty zip's "PK\5\6") */
};

/* What path is, by looking (a folder) or by its first bytes. */
enum bs_evidence_kind bs_evidence_kind(const char *path);

struct bs_evidence;

/* Opens path as an evidence root. lim may be NULL (the defaults above).
 * A zip whose entries all sit in one folder (zipped with its base
 * directory) is rooted at that folder. On failure why says what is
 * wrong, naming path and, for a zip, the entry. The caller owns *out
 * (bs_evidence_close). */
int bs_evidence_open(const char *path, const struct bs_evidence_limits *lim,
    struct bs_evidence **out, char *why, size_t whysz);

/* The folder to sweep; valid until bs_evidence_close. */
const char *bs_evidence_root(const struct bs_evidence *e);

/* Removes the extraction folder, if any, and frees e; accepts NULL. */
void bs_evidence_close(struct bs_evidence *e);

#endif
