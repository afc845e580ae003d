/* evidence_path: the name of one entry of an evidence zip, judged and
 * turned into a path inside the extraction folder. Zip names come from
 * outside: Compress-Archive in Windows PowerShell 5.1 (and .NET apps that
 * target older frameworks) writes backslashes, a hostile zip writes "..",
 * absolute or drive paths. Only plain relative names survive. Kept apart
 * from the zip reader so it can be fuzzed and tested on every platform. */
#ifndef BS_EVIDENCE_PATH_H
#define BS_EVIDENCE_PATH_H

#include <stddef.h>

/* Longest entry name accepted, in bytes. */
#define BS_EVIDENCE_NAME_MAX 1024u

/* Turns name[0..len) into out: components joined by '/', with '\\' read
 * as a separator, empty and "." components dropped. *is_dir is 1 when
 * the name ends in a separator. out is "" for the archive's own root
 * ("./"). Refused with BS_EPARSE and the reason in why: an empty name, a
 * NUL or control character, invalid UTF-8, a leading separator (absolute
 * or UNC path), a ':' (drive letter or NTFS stream), a ".." component, a
 * component over 255 bytes; BS_ETOOBIG when longer than
 * BS_EVIDENCE_NAME_MAX or out. */
int bs_evidence_entry_path(
    const char *name, size_t len, char *out, size_t outsz, int *is_dir, char *why, size_t whysz);

#endif
