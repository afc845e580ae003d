/* netsh_test: `netsh http show sslcert` text as the http.sys fallback. */
#include "test_sweep.h"

#include "err.h"
#include "netsh.h"

static void
parse(struct fx *f, const char *fixture)
{
	size_t len;
	char *data = test_fixture(fixture, &len);

	assert_int_equal(bs_netsh_parse(&f->s, data, len, fixture), 0);
	free(data);
}

static void
test_english_utf16(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;

	parse(f, "netsh/sslcert_en_utf16.txt");
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->n_ssl_bindings, 3);
	assert_string_equal(r->ssl_bindings[0]->endpoint, "0.0.0.0:443");
	assert_string_equal(
	    r->ssl_bindings[0]->cert_hash, "5F2D9CB14E7A00112233445566778899AABBCCDD");
	assert_string_equal(r->ssl_bindings[0]->app_id, "{4dc3e181-e14b-4a21-b022-59fc669b0914}");
	assert_string_equal(r->ssl_bindings[0]->store_name, "My");
	assert_string_equal(r->ssl_bindings[0]->source, "netsh");
	assert_int_equal(r->ssl_bindings[1]->kind, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP);
	assert_string_equal(r->ssl_bindings[1]->endpoint, "0.0.0.0:444");
	assert_int_equal(
	    r->ssl_bindings[2]->kind, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI);
	assert_string_equal(r->ssl_bindings[2]->endpoint, "mail.contoso.com:443");
	assert_string_equal(r->ssl_bindings[2]->store_name, "WebHosting");
}

static void
test_other_language_is_named_not_skipped(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;

	parse(f, "netsh/sslcert_de.txt");
	assert_int_equal(r->n_ssl_bindings, 0);
	assert_int_equal(r->n_errors, 5);
	assert_int_equal(r->errors[0]->line, 2);
	assert_int_equal(r->errors[1]->line, 5);
	assert_non_null(strstr(r->errors[1]->reason, "'IP:Port'"));
	assert_non_null(strstr(r->errors[1]->reason, "another language"));
	assert_string_equal(r->errors[1]->path, "netsh/sslcert_de.txt");
}

static void
test_bad_hash(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;

	parse(f, "netsh/sslcert_bad_hash.txt");
	assert_int_equal(r->n_ssl_bindings, 1);
	assert_string_equal(r->ssl_bindings[0]->cert_hash, "");
	assert_int_equal(r->n_errors, 1);
	assert_int_equal(r->errors[0]->line, 5);
}

/* `netsh http add sslcert` without certstorename: netsh prints the store
 * as "(null)" (or nothing) and http.sys uses MY. Such bindings must join
 * to the certificate in My, not count as naming a missing store. */
static void
test_null_store_means_my(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;
	Bindscope__V1__Certificate *c443 = BS_NEW(&f->arena, certificate);
	Bindscope__V1__Certificate *c444 = BS_NEW(&f->arena, certificate);

	parse(f, "netsh/sslcert_null_store.txt");
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->n_ssl_bindings, 4);
	assert_string_equal(r->ssl_bindings[0]->store_name, "MY"); /* "(null)" */
	assert_string_equal(r->ssl_bindings[1]->store_name, "MY"); /* "(null)" */
	assert_string_equal(r->ssl_bindings[2]->store_name, "My"); /* as written */
	assert_string_equal(r->ssl_bindings[3]->store_name, "MY"); /* empty */

	c443->thumbprint = "5F2D9CB14E7A00112233445566778899AABBCCDD";
	c443->store = "My";
	c444->thumbprint = "00112233445566778899AABBCCDDEEFF00112233";
	c444->store = "My";
	bs_arena_push(&f->arena, (void ***)&r->certificates, &r->n_certificates, c443);
	bs_arena_push(&f->arena, (void ***)&r->certificates, &r->n_certificates, c444);
	bs_arena_push(&f->arena, (void ***)&f->s.stores, &f->s.nstores, "My");
	assert_int_equal(bs_join(&f->s), 0);
	for (size_t i = 0; i < r->n_ssl_bindings; i++)
		assert_int_equal(
		    r->ssl_bindings[i]->cert_status, BINDSCOPE__V1__JOIN_STATUS__JOIN_OK);
	assert_int_equal(c443->n_used_by, 3);
	assert_int_equal(c444->n_used_by, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_english_utf16, sweep_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_other_language_is_named_not_skipped, sweep_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_hash, sweep_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(test_null_store_means_my, sweep_setup, sweep_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
