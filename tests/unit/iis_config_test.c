/* iis_config_test: applicationHost.config sites, bindings as IIS splits
 * them, log folders, and named errors for bad XML and bad bindings. */
#include "test_sweep.h"

#include "err.h"
#include "iis_config.h"

static int
parse(struct fx *f, const char *fixture)
{
	size_t len;
	char *xml = test_fixture(fixture, &len);
	int rv = bs_iis_config_parse(&f->s, xml, len, fixture);

	free(xml);
	return rv;
}

static void
test_exchange_layout(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;
	Bindscope__V1__Binding *b;

	assert_int_equal(parse(f, "iis/exchange2019.config"), 0);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->n_sites, 2);
	assert_string_equal(r->sites[0]->name, "Default Web Site");
	assert_int_equal(r->sites[0]->id, 1);
	assert_int_equal(r->sites[0]->server_auto_start, BINDSCOPE__V1__TRI__TRI_YES);
	assert_int_equal(r->sites[0]->n_bindings, 4);
	assert_string_equal(r->sites[1]->name, "Exchange Back End");
	assert_int_equal(r->sites[1]->server_auto_start, BINDSCOPE__V1__TRI__TRI_UNKNOWN);
	b = r->sites[1]->bindings[1];
	assert_string_equal(b->protocol, "https");
	assert_string_equal(b->ip, "*");
	assert_int_equal(b->port, 444);
	assert_string_equal(b->host, "");
	/* net.tcp is not split and never joined to http.sys. */
	assert_int_equal(r->sites[0]->bindings[3]->port, 0);
	assert_int_equal(
	    r->sites[0]->bindings[3]->join, BINDSCOPE__V1__JOIN_STATUS__JOIN_NOT_HTTPS);
	assert_string_equal(r->sites[1]->log_directory, "C:\\inetpub\\logs\\LogFiles\\W3SVC2");
}

static void
test_binding_variants(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;
	Bindscope__V1__Site *dws, *be;

	assert_int_equal(parse(f, "iis/variants.config"), 0);
	assert_int_equal(r->n_sites, 2);
	dws = r->sites[0];
	be = r->sites[1];
	assert_int_equal(dws->server_auto_start, BINDSCOPE__V1__TRI__TRI_NO);
	assert_string_equal(dws->bindings[0]->ip, "*"); /* ":443:" = all unassigned */
	assert_string_equal(dws->bindings[1]->ip, "10.0.0.5");
	assert_string_equal(dws->bindings[2]->ip, "[::1]");
	assert_int_equal(dws->bindings[2]->port, 443);
	assert_string_equal(dws->bindings[3]->host, "mail.contoso.com");
	assert_int_equal(dws->bindings[3]->ssl_flags, 1);
	assert_int_equal(dws->bindings[4]->ssl_flags, 3);
	/* Per-site logFile wins; siteDefaults (after the sites) expands. */
	assert_string_equal(dws->log_directory, "E:\\IISLogs\\W3SVC1");
	assert_string_equal(be->log_directory, "C:\\Logs\\IIS\\W3SVC2");
	assert_string_equal(be->bindings[0]->ip, "10.0.0.5");
	/* Three bad bindings, each named with its line. */
	assert_int_equal(r->n_errors, 3);
	assert_int_equal(r->errors[0]->line, 18);
	assert_non_null(strstr(r->errors[0]->reason, "*:99999:"));
	assert_int_equal(r->errors[1]->line, 19);
	assert_non_null(strstr(r->errors[1]->reason, "nonsense"));
	assert_int_equal(r->errors[2]->line, 20);
	assert_non_null(strstr(r->errors[2]->reason, "sslFlags"));
	assert_string_equal(r->errors[2]->path, "iis/variants.config");
}

static void
test_invalid_xml_keeps_earlier_sites(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;

	assert_int_equal(parse(f, "iis/invalid.config"), BS_EPARSE);
	assert_int_equal(r->n_errors, 1);
	assert_int_equal(r->errors[0]->line, 13);
	assert_non_null(strstr(r->errors[0]->reason, "invalid XML"));
	assert_true(r->n_sites >= 1);
	assert_string_equal(r->sites[0]->name, "Default Web Site");
	assert_int_equal(r->sites[0]->n_bindings, 1);
}

static void
test_split_table(void **state)
{
	static const struct {
		const char *in;
		int ok;
		const char *ip;
		unsigned port;
		const char *host;
	} cases[] = {
	    {"*:444:", 1, "*", 444, ""},
	    {":443:", 1, "*", 443, ""},
	    {"127.0.0.1:443:", 1, "127.0.0.1", 443, ""},
	    {"[::]:443:", 1, "[::]", 443, ""},
	    {"*:443:mail.contoso.com", 1, "*", 443, "mail.contoso.com"},
	    {"*:0:", 0, NULL, 0, NULL},
	    {"*:65536:", 0, NULL, 0, NULL},
	    {"*:44a:", 0, NULL, 0, NULL},
	    {"*:444", 0, NULL, 0, NULL},
	    {"[::1:443:", 0, NULL, 0, NULL},
	    {"", 0, NULL, 0, NULL},
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Bindscope__V1__Binding *b = BS_NEW(&f->arena, binding);
		int rv = bs_iis_split_binding(&f->arena, cases[i].in, b);

		if (!cases[i].ok) {
			assert_int_equal(rv, BS_EPARSE);
			continue;
		}
		assert_int_equal(rv, 0);
		assert_string_equal(b->ip, cases[i].ip);
		assert_int_equal(b->port, cases[i].port);
		assert_string_equal(b->host, cases[i].host);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_exchange_layout, sweep_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(test_binding_variants, sweep_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_invalid_xml_keeps_earlier_sites, sweep_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(test_split_table, sweep_setup, sweep_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
