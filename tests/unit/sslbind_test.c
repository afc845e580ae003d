/* sslbind_test: the http.sys bindings read from a `reg export` of
 * HTTP\Parameters\SslBindingInfo, as Windows writes it (UTF-16LE, BOM,
 * CRLF). */
#include "test_sweep.h"

#include "err.h"
#include "registry.h"

static void
load(struct fx *f, const char *fixture)
{
	size_t len;
	char *data = test_fixture(fixture, &len);

	assert_int_equal(bs_registry_create(&f->s.reg), 0);
	assert_int_equal(bs_registry_load_reg(f->s.reg, data, len, fixture, NULL, NULL), 0);
	free(data);
}

static const Bindscope__V1__SslBinding *
find(const bs_report *r, const char *endpoint)
{
	for (size_t i = 0; i < r->n_ssl_bindings; i++)
		if (strcmp(r->ssl_bindings[i]->endpoint, endpoint) == 0)
			return r->ssl_bindings[i];
	fail_msg("no binding %s", endpoint);
	return NULL;
}

/* SslCertStoreName absent or empty: http.sys uses MY. */
static void
test_store_name_unset_means_my(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;

	load(f, "reg/http_store_unset.reg");
	assert_int_equal(bs_src_sslbind(&f->s), 0);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->n_ssl_bindings, 3);
	assert_string_equal(find(r, "0.0.0.0:443")->store_name, "MY");
	assert_string_equal(find(r, "0.0.0.0:444")->store_name, "MY");
	assert_string_equal(find(r, "127.0.0.1:443")->store_name, "My");
	assert_string_equal(
	    find(r, "0.0.0.0:444")->cert_hash, "00112233445566778899AABBCCDDEEFF00112233");
	assert_string_equal(find(r, "0.0.0.0:444")->source, "registry");
	bs_registry_destroy(f->s.reg);
}

/* An export that holds the SNI key but not SslBindingInfo is a failed
 * export: the report says the IP:port bindings are unknown. */
static void
test_missing_ip_key_is_said(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;

	load(f, "reg/http_sni_only.reg");
	assert_int_equal(bs_src_sslbind(&f->s), 0);
	assert_int_equal(r->n_ssl_bindings, 1);
	assert_string_equal(find(r, "autodiscover.corp.example:443")->store_name, "MY");
	assert_int_equal(r->n_errors, 1);
	assert_non_null(strstr(r->errors[0]->path, "SslBindingInfo"));
	assert_non_null(strstr(r->errors[0]->reason, "0.0.0.0:444"));
	bs_registry_destroy(f->s.reg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_store_name_unset_means_my, sweep_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_missing_ip_key_is_said, sweep_setup, sweep_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
