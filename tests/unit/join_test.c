/* join_test: IIS bindings resolved to http.sys entries and certificates
 * the way http.sys does it (exact IP:port, then the wildcard; host:port
 * under SNI; CCS left alone), with every broken link recorded. */
#include "test_sweep.h"

#include "err.h"
#include "sweep.h"

/* The exported stores: only My. */
static int
join_setup(void **state)
{
	struct fx *f;

	sweep_setup(state);
	f = *state;
	bs_arena_push(&f->arena, (void ***)&f->s.stores, &f->s.nstores, "My");
	return 0;
}

static Bindscope__V1__Binding *
binding(struct fx *f, Bindscope__V1__Site *site, const char *ip, uint32_t port, const char *host,
    uint32_t flags)
{
	Bindscope__V1__Binding *b = BS_NEW(&f->arena, binding);

	b->protocol = "https";
	b->ip = (char *)ip;
	b->port = port;
	b->host = (char *)host;
	b->ssl_flags = flags;
	bs_arena_push(&f->arena, (void ***)&site->bindings, &site->n_bindings, b);
	return b;
}

static void
sslb(struct fx *f, Bindscope__V1__SslBindingKind kind, const char *ep, const char *hash,
    const char *store)
{
	Bindscope__V1__SslBinding *b = BS_NEW(&f->arena, ssl_binding);

	b->kind = kind;
	b->endpoint = (char *)ep;
	b->cert_hash = (char *)hash;
	b->store_name = (char *)store;
	bs_arena_push(
	    &f->arena, (void ***)&f->s.report->ssl_bindings, &f->s.report->n_ssl_bindings, b);
}

static void
cert(struct fx *f, const char *thumb)
{
	Bindscope__V1__Certificate *c = BS_NEW(&f->arena, certificate);

	c->thumbprint = (char *)thumb;
	c->store = "My";
	bs_arena_push(
	    &f->arena, (void ***)&f->s.report->certificates, &f->s.report->n_certificates, c);
}

#define IP BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP
#define SNI BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI
#define T1 "1111111111111111111111111111111111111111"
#define T2 "2222222222222222222222222222222222222222"
#define T3 "3333333333333333333333333333333333333333"

static void
test_resolution_order(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;
	Bindscope__V1__Site *site = BS_NEW(&f->arena, site);
	Bindscope__V1__Binding *star, *exact, *fallback, *v6, *sni, *sni_missing, *ccs, *none;

	site->name = "Default Web Site";
	bs_arena_push(&f->arena, (void ***)&r->sites, &r->n_sites, site);
	star = binding(f, site, "*", 443, "", 0);
	exact = binding(f, site, "127.0.0.1", 443, "", 0);
	fallback = binding(f, site, "10.0.0.5", 443, "", 0);
	v6 = binding(f, site, "[::1]", 443, "", 0);
	sni = binding(f, site, "*", 443, "mail.contoso.com", 1);
	sni_missing = binding(f, site, "*", 443, "owa.contoso.com", 1);
	ccs = binding(f, site, "*", 443, "ccs.contoso.com", 3);
	none = binding(f, site, "*", 8443, "", 0);
	sslb(f, IP, "0.0.0.0:443", T1, "MY");
	sslb(f, IP, "127.0.0.1:443", T2, "MY");
	sslb(f, IP, "[::]:443", T3, "My");
	sslb(f, SNI, "MAIL.contoso.com:443", T2, "MY");
	cert(f, T1);
	cert(f, T2);

	assert_int_equal(bs_join(&f->s), 0);
	assert_string_equal(star->ssl_endpoint, "0.0.0.0:443");
	assert_int_equal(star->join, BINDSCOPE__V1__JOIN_STATUS__JOIN_OK);
	assert_string_equal(exact->ssl_endpoint, "127.0.0.1:443");
	assert_string_equal(exact->cert_thumbprint, T2);
	/* No 10.0.0.5:443 entry: http.sys serves it from 0.0.0.0:443. */
	assert_string_equal(fallback->ssl_endpoint, "0.0.0.0:443");
	/* IPv6 falls back to [::]:port, whose certificate is not in the store. */
	assert_string_equal(v6->ssl_endpoint, "[::]:443");
	assert_int_equal(v6->join, BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE);
	assert_string_equal(sni->ssl_endpoint, "MAIL.contoso.com:443");
	assert_int_equal(sni->join, BINDSCOPE__V1__JOIN_STATUS__JOIN_OK);
	/* SNI never falls back to the IP entry. */
	assert_int_equal(sni_missing->join, BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING);
	assert_int_equal(ccs->join, BINDSCOPE__V1__JOIN_STATUS__JOIN_CENTRAL_CERT_STORE);
	assert_int_equal(none->join, BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING);
	/* Certificates know who uses them. */
	assert_int_equal(r->certificates[0]->n_used_by, 1);
	assert_string_equal(r->certificates[0]->used_by[0], "0.0.0.0:443");
	assert_int_equal(r->certificates[1]->n_used_by, 2);
}

static void
test_store_missing_and_empty_hash(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;

	sslb(f, IP, "0.0.0.0:444", T1, "WebHosting");
	sslb(f, IP, "0.0.0.0:81", "", "MY");
	cert(f, T1);
	assert_int_equal(bs_join(&f->s), 0);
	assert_int_equal(
	    r->ssl_bindings[0]->cert_status, BINDSCOPE__V1__JOIN_STATUS__JOIN_STORE_MISSING);
	assert_int_equal(
	    r->ssl_bindings[1]->cert_status, BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE);
	assert_int_equal(r->certificates[0]->n_used_by, 0);
}

/* Evidence without the certificate stores: every certificate is unknown,
 * none "not in store". */
static void
test_no_store_read(void **state)
{
	struct fx *f = *state;
	bs_report *r = f->s.report;

	f->s.nstores = 0;
	sslb(f, IP, "0.0.0.0:444", T1, "MY");
	sslb(f, IP, "0.0.0.0:81", "", "MY");
	assert_int_equal(bs_join(&f->s), 0);
	assert_int_equal(
	    r->ssl_bindings[0]->cert_status, BINDSCOPE__V1__JOIN_STATUS__JOIN_STORES_NOT_READ);
	/* A binding without a thumbprint is broken whatever the stores hold. */
	assert_int_equal(
	    r->ssl_bindings[1]->cert_status, BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_resolution_order, join_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_store_missing_and_empty_hash, join_setup, sweep_teardown),
	    cmocka_unit_test_setup_teardown(test_no_store_read, join_setup, sweep_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
