/* verify_test: the collector stores a report only when an enrolled agent
 * signed it for its own server. Each way a report can fail says so with
 * its own reason code: unsigned, a certificate that does not decode, one
 * from another CA or issued for a server rather than an agent, a revoked
 * one (also after it was accepted and cached), altered bytes, a report
 * claiming another server's name, or another server's agent_id. */
#include "test_util.h"

#include "err.h"
#include "ingest/pki.h"
#include "ingest/verify.h"
#include "sig.h"
#include "wire.h"

#define FQDN "mbx01.corp.example"

struct agent {
	EVP_PKEY *key;
	uint8_t *der;
	size_t der_len;
};

static char ca_dir[64], other_dir[64];

static void
load_identity(struct agent *ag, const char *key, const char *cert)
{
	X509 *x = NULL;

	assert_int_equal(bs_pem_load_key(key, &ag->key), 0);
	assert_int_equal(bs_pem_load_cert(cert, &x), 0);
	assert_int_equal(bs_cert_der(x, &ag->der, &ag->der_len), 0);
	X509_free(x);
}

/* Issued by the CA in dir for fqdn, as `pki issue` does. */
static void
issue(struct agent *ag, const char *dir, const char *fqdn)
{
	char out[128], key[160], cert[160], why[256];

	snprintf(out, sizeof(out), "%s/id-%s", dir, fqdn);
	assert_int_equal(bs_pki_issue(dir, fqdn, out, why, sizeof(why)), 0);
	snprintf(key, sizeof(key), "%s/agent.key", out);
	snprintf(cert, sizeof(cert), "%s/agent.pem", out);
	load_identity(ag, key, cert);
}

static void
agent_fini(struct agent *ag)
{
	EVP_PKEY_free(ag->key);
	free(ag->der);
}

static int
setup(void **state)
{
	char why[256];

	(void)state;
	test_tmpdir(ca_dir, sizeof(ca_dir));
	test_tmpdir(other_dir, sizeof(other_dir));
	if (bs_pki_init(ca_dir, NULL, 0, why, sizeof(why)) != 0 ||
	    bs_pki_init(other_dir, NULL, 0, why, sizeof(why)) != 0)
		fail_msg("pki init: %s", why);
	return 0;
}

/* A report for fqdn as its bytes, and one that unpacks from them. */
struct sent {
	struct bs_arena arena;
	uint8_t *raw, *sig;
	size_t len, siglen;
	bs_report *r;
	Bindscope__V1__Envelope env;
};

static void
sent_make_as(struct sent *s, const struct agent *signer, const char *fqdn, const char *agent_id)
{
	bs_report *r;
	const char *alg = NULL;

	memset(s, 0, sizeof(*s));
	bs_arena_init(&s->arena, 0);
	r = BS_NEW(&s->arena, report);
	r->host = BS_NEW(&s->arena, host);
	r->host->fqdn = (char *)fqdn;
	r->agent = BS_NEW(&s->arena, agent_info);
	r->agent->agent_id = (char *)agent_id;
	assert_int_equal(bs_wire_pack(&r->base, &s->raw, &s->len), 0);
	assert_int_equal(bs_wire_unpack_report(&s->arena, s->raw, s->len, &s->r), 0);
	bindscope__v1__envelope__init(&s->env);
	s->env.report.data = s->raw;
	s->env.report.len = s->len;
	if (signer == NULL)
		return;
	assert_int_equal(bs_sig_sign(signer->key, s->raw, s->len, &s->sig, &s->siglen, &alg), 0);
	s->env.signature.data = s->sig;
	s->env.signature.len = s->siglen;
	s->env.certificate.data = signer->der;
	s->env.certificate.len = signer->der_len;
	s->env.signature_alg = (char *)alg;
}

static void
sent_make(struct sent *s, const struct agent *signer, const char *fqdn)
{
	sent_make_as(s, signer, fqdn, fqdn);
}

static void
sent_fini(struct sent *s)
{
	free(s->raw);
	free(s->sig);
	bs_arena_fini(&s->arena);
}

/* The verdict on s: 0, or the reason code of the refusal. */
static const char *
check(struct bs_verifier *v, struct sent *s)
{
	char why[512] = "";
	const char *code = "";
	int rv = bs_verifier_check(v, &s->env, s->r, why, sizeof(why), &code);

	if (rv == 0)
		return "ok";
	assert_int_equal(rv, BS_EREFUSED);
	assert_true(why[0] != '\0');
	return code;
}

static struct bs_verifier *
verifier(void)
{
	char ca[128], rev[128];
	struct bs_verifier *v = NULL;

	snprintf(ca, sizeof(ca), "%s/ca.pem", ca_dir);
	snprintf(rev, sizeof(rev), "%s/revoked.txt", ca_dir);
	assert_int_equal(bs_verifier_create(ca, rev, &v), 0);
	return v;
}

static void
test_enrolled_agent_accepted_and_forgeries_refused(void **state)
{
	struct bs_verifier *v = verifier();
	struct agent mbx01, mbx02, stranger, server;
	struct sent s;
	char key[128], cert[128];

	(void)state;
	issue(&mbx01, ca_dir, FQDN);
	issue(&mbx02, ca_dir, "mbx02.corp.example");
	issue(&stranger, other_dir, FQDN);
	snprintf(key, sizeof(key), "%s/server.key", ca_dir);
	snprintf(cert, sizeof(cert), "%s/server.pem", ca_dir);
	load_identity(&server, key, cert);

	sent_make(&s, &mbx01, FQDN);
	assert_string_equal(check(v, &s), "ok");
	assert_string_equal(check(v, &s), "ok"); /* again, from the cache */
	s.raw[s.len - 1] ^= 1; /* the report altered after signing */
	assert_string_equal(check(v, &s), "bad_signature");
	sent_fini(&s);

	sent_make(&s, NULL, FQDN);
	assert_string_equal(check(v, &s), "unsigned");
	sent_fini(&s);

	/* mbx02's own certificate, claiming to be mbx01. */
	sent_make(&s, &mbx02, FQDN);
	assert_string_equal(check(v, &s), "fqdn_mismatch");
	sent_fini(&s);

	/* mbx02's report, its own name, but another server's agent_id: its
	 * duplicates would be keyed on mbx01's boot and sequence. */
	sent_make_as(&s, &mbx02, "mbx02.corp.example", FQDN);
	assert_string_equal(check(v, &s), "agent_id_mismatch");
	sent_fini(&s);
	sent_make_as(&s, &mbx02, "mbx02.corp.example", "");
	assert_string_equal(check(v, &s), "ok"); /* empty: the FQDN */
	sent_fini(&s);

	/* The right name, from another CA. */
	sent_make(&s, &stranger, FQDN);
	assert_string_equal(check(v, &s), "untrusted");
	sent_fini(&s);

	/* The collector's own server certificate is not an agent's. */
	sent_make(&s, &server, "localhost");
	assert_string_equal(check(v, &s), "untrusted");
	sent_fini(&s);

	sent_make(&s, &mbx01, FQDN);
	s.env.certificate.len = mbx01.der_len / 2; /* cut short */
	assert_string_equal(check(v, &s), "bad_certificate");
	sent_fini(&s);

	bs_verifier_destroy(v);
	agent_fini(&mbx01);
	agent_fini(&mbx02);
	agent_fini(&stranger);
	agent_fini(&server);
}

/* Revocation holds from the next report on, though the certificate was
 * accepted (and cached) before. */
static void
test_revocation_after_acceptance(void **state)
{
	struct bs_verifier *v = verifier();
	struct agent ag;
	struct sent s;
	char cert[160], why[256];

	(void)state;
	issue(&ag, ca_dir, "mbx03.corp.example");
	sent_make(&s, &ag, "mbx03.corp.example");
	assert_string_equal(check(v, &s), "ok");
	snprintf(cert, sizeof(cert), "%s/id-mbx03.corp.example/agent.pem", ca_dir);
	assert_int_equal(bs_pki_revoke(ca_dir, cert, why, sizeof(why)), 0);
	assert_string_equal(check(v, &s), "revoked");
	sent_fini(&s);
	bs_verifier_destroy(v);
	agent_fini(&ag);
}

TEST_MAIN(setup, NULL, cmocka_unit_test(test_enrolled_agent_accepted_and_forgeries_refused),
    cmocka_unit_test(test_revocation_after_acceptance))
