/* import_evidence: `import` of an evidence root, the folder or zip that
 * Export-BindscopeEvidence.ps1 writes. The agent's sweep (bs_agent) runs
 * here over the evidence and its report is stored like a report file
 * from `bindscope-agent collect --out`: offline evidence, unsigned. The
 * arrow points one way: this command uses the agent's library; nothing
 * in bs_agent or bs_collector knows the other. */
#ifndef BS_CLI_EVIDENCE_H
#define BS_CLI_EVIDENCE_H

#include "store/store.h"

/* 1 when path is an evidence folder or zip (import it with
 * bs_cli_import_evidence), 0 when it is something else (a report file). */
int bs_cli_is_evidence(const char *path);

/* Sweeps the evidence at path (every exported log line, up to 1 GiB of
 * logs, personal data redacted) and stores the report in st. Prints one
 * line per stored report on stdout, collection problems and refusals on
 * stderr, each naming path. Returns 0 when stored, 1 when not. */
int bs_cli_import_evidence(struct bs_store *st, const char *path);

#endif
