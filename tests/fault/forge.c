/* forge: what a peer holding one enrolled agent's key can send: the
 * template report re-signed with that key, claiming any agent_id, boot id
 * and sequence, written as the envelope sendraw sends.
 *   forge REPORT.pb KEY CERT AGENT_ID BOOT_ID SEQUENCE OUT */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "fsutil.h"
#include "sig.h"
#include "wire.h"

int
main(int argc, char **argv)
{
	struct bs_arena a;
	bs_report *r = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	char *tmpl = NULL;
	uint8_t *raw = NULL, *sig = NULL, *der = NULL, *env = NULL;
	size_t tlen, rawlen, siglen, derlen, envlen;
	unsigned long long seq;
	const char *alg;
	int rv = 1;

	if (argc != 8) {
		fprintf(stderr, "usage: forge REPORT.pb KEY CERT AGENT_ID BOOT_ID SEQUENCE OUT\n");
		return 2;
	}
	bs_arena_init(&a, 0);
	if (bs_fs_read(argv[1], 8u << 20, &tmpl, &tlen) != 0 ||
	    bs_pem_load_key(argv[2], &key) != 0 || bs_pem_load_cert(argv[3], &x) != 0 ||
	    bs_cert_der(x, &der, &derlen) != 0 || bs_parse_uint(argv[6], UINT64_MAX, &seq) != 0 ||
	    bs_wire_unpack_report(&a, (const uint8_t *)tmpl, tlen, &r) != 0 || r->agent == NULL) {
		fprintf(stderr, "forge: cannot load the report, key, certificate or sequence\n");
		goto out;
	}
	r->agent->agent_id = argv[4];
	r->agent->boot_id = argv[5];
	r->agent->sequence = seq;
	if (bs_wire_pack(&r->base, &raw, &rawlen) != 0 ||
	    bs_sig_sign(key, raw, rawlen, &sig, &siglen, &alg) != 0 ||
	    bs_wire_envelope_signed(raw, rawlen, sig, siglen, der, derlen, alg, &env, &envlen) !=
	        0 ||
	    bs_fs_write_atomic(argv[7], env, envlen) != 0) {
		fprintf(stderr, "forge: cannot sign or write %s\n", argv[7]);
		goto out;
	}
	rv = 0;
out:
	free(tmpl);
	free(raw);
	free(sig);
	free(der);
	free(env);
	X509_free(x);
	EVP_PKEY_free(key);
	bs_arena_fini(&a);
	return rv;
}
