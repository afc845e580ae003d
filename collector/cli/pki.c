/* pki: `pki init|issue|sign|revoke`, the collector's small CA
 * (ingest/pki.h): one option table per form, so each form's --help says
 * exactly what it takes. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "ingest/pki.h"

struct pki_args {
	const char *dir, *host, *out, *csr, *cert;
	struct bs_opt_list names;
};

/* Every form names the CA's folder. */
#define PKI_DIR                                                                                    \
	{                                                                                          \
		"dir", "DIR", BS_OPT_VALUE, offsetof(struct pki_args, dir), 1,                     \
		    "the CA's folder: ca.pem ca.key server.pem server.key revoked.txt"             \
	}
#define PKI_OUT(what)                                                                              \
	{                                                                                          \
		"out", "PATH", BS_OPT_VALUE, offsetof(struct pki_args, out), 1, what               \
	}

static const struct bs_opt pki_init_opts[] = {PKI_DIR,
    {"name", "NAME", BS_OPT_LIST, offsetof(struct pki_args, names), 0,
        "a DNS name or address agents dial (localhost, 127.0.0.1\n"
        "and this host's name are always included)"}};
static const struct bs_opt pki_issue_opts[] = {PKI_DIR,
    {"host", "FQDN", BS_OPT_VALUE, offsetof(struct pki_args, host), 1, "the agent's server"},
    PKI_OUT("the folder for agent.key, agent.pem and ca.pem")};
static const struct bs_opt pki_sign_opts[] = {PKI_DIR,
    {"csr", "FILE", BS_OPT_VALUE, offsetof(struct pki_args, csr), 1,
        "the agent's request (bindscope-agent enroll --csr)"},
    PKI_OUT("the certificate file to write")};
static const struct bs_opt pki_revoke_opts[] = {PKI_DIR,
    {"cert", "FILE", BS_OPT_VALUE, offsetof(struct pki_args, cert), 1,
        "the agent certificate to refuse from now on"}};

#define PKI_OPTS(t) t, sizeof(t) / sizeof(t[0])

static int
pki_init(const struct pki_args *a, char *why, size_t n)
{
	return bs_pki_init(a->dir, a->names.v, a->names.n, why, n);
}

static int
pki_issue(const struct pki_args *a, char *why, size_t n)
{
	return bs_pki_issue(a->dir, a->host, a->out, why, n);
}

static int
pki_sign(const struct pki_args *a, char *why, size_t n)
{
	return bs_pki_sign_csr(a->dir, a->csr, a->out, why, n);
}

static int
pki_revoke(const struct pki_args *a, char *why, size_t n)
{
	return bs_pki_revoke(a->dir, a->cert, why, n);
}

static const struct {
	const char *action;
	struct bs_cmd cmd;
	int (*run)(const struct pki_args *a, char *why, size_t n);
} pki_forms[] = {
    {"init",
        {BS_CLI_PROG, "pki init", PKI_OPTS(pki_init_opts), NULL,
            "A CA (EC P-256) and the collector's server certificate.\n"},
        pki_init},
    {"issue",
        {BS_CLI_PROG, "pki issue", PKI_OPTS(pki_issue_opts), NULL,
            "An agent key and certificate for FQDN (EKU clientAuth, SAN = FQDN).\n"},
        pki_issue},
    {"sign",
        {BS_CLI_PROG, "pki sign", PKI_OPTS(pki_sign_opts), NULL,
            "A certificate for an agent's CSR, so the agent's key never leaves the\n"
            "server.\n"},
        pki_sign},
    {"revoke",
        {BS_CLI_PROG, "pki revoke", PKI_OPTS(pki_revoke_opts), NULL,
            "Refuses this agent certificate from now on (revoked.txt).\n"},
        pki_revoke},
};

#define PKI_NFORMS (sizeof(pki_forms) / sizeof(pki_forms[0]))

static void
pki_usage(FILE *f)
{
	for (size_t i = 0; i < PKI_NFORMS; i++)
		bs_opts_synopsis(&pki_forms[i].cmd, f);
	fprintf(f, "\n%s pki ACTION --help tells more of each.\n", BS_CLI_PROG);
}

int
bs_cli_pki(int argc, char **argv)
{
	struct pki_args a;
	char why[512] = "";
	size_t i = 0;
	int first, rv;

	while (argc >= 2 && i < PKI_NFORMS && strcmp(argv[1], pki_forms[i].action) != 0)
		i++;
	if (argc < 2 || i == PKI_NFORMS) {
		int help =
		    argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);

		pki_usage(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	memset(&a, 0, sizeof(a));
	rv = bs_opts_parse(&pki_forms[i].cmd, argc - 1, argv + 1, &a, &first);
	if ((rv = bs_cli_parsed(rv)) >= 0)
		return rv;
	if (pki_forms[i].run(&a, why, sizeof(why)) != 0) {
		fprintf(stderr, BS_CLI_PROG " pki %s: %s\n", pki_forms[i].action, why);
		return 1;
	}
	return 0;
}
