/* import: `import --db FILE [--pki DIR] REPORT...` stores report files
 * (offline evidence, or spooled envelopes verified like network ones),
 * then runs the history pass so report and check see first-seen times and
 * changes at once. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/model.h"
#include "cli/cli.h"
#include "cli/import_evidence.h"
#include "err.h"
#include "fsutil.h"
#include "ingest/ingest.h"
#include "ingest/verify.h"
#include "store/store.h"
#include "upkeep/history_pass.h"

#define IMPORT_MAX (16u * 1024u * 1024u)

struct import_args {
	const char *db, *pki;
};

static const struct bs_opt import_opts[] = {
    {"db", "FILE", BS_OPT_VALUE, offsetof(struct import_args, db), 1,
        "the collector's database (created when missing)"},
    {"pki", "DIR", BS_OPT_VALUE, offsetof(struct import_args, pki), 0,
        "verify signed reports against DIR/ca.pem and DIR/revoked.txt"},
};

static const struct bs_cmd import_cmd = {BS_CLI_PROG, "import", import_opts,
    sizeof(import_opts) / sizeof(import_opts[0]), "REPORT...",
    "Stores each REPORT: a bare report from `bindscope-agent collect --out`\n"
    "as offline evidence, unsigned; a signed report (a spooled envelope) is\n"
    "verified against DIR/ca.pem and DIR/revoked.txt like one received\n"
    "over the network. An evidence folder or the zip\n"
    "Export-BindscopeEvidence.ps1 writes is swept (all its logs) and stored\n"
    "as offline evidence, unsigned.\n"
    "Exit status: 0 all stored, 1 some refused, 2 usage.\n"};

/* One file: 0 stored (or already there), 1 refused or unreadable. */
static int
import_file(struct bs_store *st, struct bs_verifier *v, const char *path)
{
	struct bs_ingest_result res;
	char *data;
	size_t len;
	int rv;

	if ((rv = bs_fs_read(path, IMPORT_MAX, &data, &len)) != 0) {
		fprintf(stderr, BS_CLI_PROG ": %s: cannot read: %s\n", path, bs_strerror(rv));
		return 1;
	}
	bs_ingest_file(st, v, (const uint8_t *)data, len, &res);
	free(data);
	if (res.status == BINDSCOPE__V1__ACK_STATUS__ACK_STORED ||
	    res.status == BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE) {
		printf("%s: %s %s\n", path, res.reason, res.fqdn);
		return 0;
	}
	fprintf(stderr, BS_CLI_PROG ": %s: refused: %s\n", path, res.reason);
	return 1;
}

int
bs_cli_import(int argc, char **argv)
{
	struct import_args a = {0};
	struct bs_store *st = NULL;
	struct bs_verifier *v = NULL;
	struct bs_analysis_options ao;
	size_t done = 0;
	int first, status = 0, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(&import_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	if (first == argc) {
		fprintf(stderr, BS_CLI_PROG " import: at least one report file is required\n\n");
		bs_opts_usage(&import_cmd, stderr);
		return 2;
	}
	if (a.pki != NULL) {
		char ca[BS_PATH_MAX], rev[BS_PATH_MAX];

		if (bs_path_join(ca, sizeof(ca), a.pki, "ca.pem") != 0 ||
		    bs_path_join(rev, sizeof(rev), a.pki, "revoked.txt") != 0 ||
		    bs_verifier_create(ca, rev, &v) != 0) {
			fprintf(stderr, BS_CLI_PROG ": %s/ca.pem: cannot load\n", a.pki);
			return 2;
		}
	}
	if ((rv = bs_store_open(a.db, 0, &st)) != 0) {
		fprintf(
		    stderr, BS_CLI_PROG ": cannot open database %s: %s\n", a.db, bs_strerror(rv));
		bs_verifier_destroy(v);
		return 2;
	}
	for (int i = first; i < argc; i++)
		status |= bs_cli_is_evidence(argv[i]) ? bs_cli_import_evidence(st, argv[i])
		                                      : import_file(st, v, argv[i]);
	bs_analysis_options_defaults(&ao);
	if ((rv = bs_history_pass(st, &ao, (size_t)-1, &done)) != 0) {
		fprintf(
		    stderr, BS_CLI_PROG ": findings history not updated: %s\n", bs_strerror(rv));
		status = 1;
	}
	bs_store_close(st);
	bs_verifier_destroy(v);
	return status;
}
