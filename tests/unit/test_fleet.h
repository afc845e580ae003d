/* test_fleet: a small fleet built in memory for the tests of what the
 * dashboard is made from (table, summary, trend): servers with a namespace
 * certificate on 443 and a self-signed one on 444, each a field to vary. */
#ifndef BS_TEST_FLEET_H
#define BS_TEST_FLEET_H

#include "analysis/analyze.h"

#define FLEET_NOW_MS (1800000000LL * 1000)
#define FLEET_DAY_S 86400LL

struct fleet_srv {
	bs_report *r;
	Bindscope__V1__Certificate *c443, *c444;
};

/* A certificate expiring left_s seconds after FLEET_NOW_MS. */
static inline Bindscope__V1__Certificate *
fleet_cert(struct bs_arena *a, bs_report *r, const char *thumb, const char *cn, int self,
    int covers, int64_t left_s, const char *used_by)
{
	Bindscope__V1__Certificate *c = BS_NEW(a, certificate);

	c->thumbprint = (char *)thumb;
	c->store = "My";
	c->common_name = (char *)cn;
	c->subject = bs_arena_printf(a, "CN=%s", cn);
	c->issuer = self ? c->subject : "CN=Corp Issuing CA 1";
	c->self_signed = self ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
	c->covers_fqdn = covers ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
	c->not_before = FLEET_NOW_MS / 1000 - 100 * FLEET_DAY_S;
	c->not_after = FLEET_NOW_MS / 1000 + left_s;
	c->key_type = "RSA";
	c->key_bits = 2048;
	c->signature_algorithm = "sha256WithRSAEncryption";
	c->has_private_key = BINDSCOPE__V1__TRI__TRI_YES;
	bs_arena_push(a, (void ***)&c->used_by, &c->n_used_by, (void *)used_by);
	bs_arena_push(a, (void ***)&r->certificates, &r->n_certificates, c);
	return c;
}

static inline void
fleet_site(struct bs_arena *a, bs_report *r, const char *name, uint32_t id, uint32_t port,
    const char *endpoint, const char *thumb)
{
	Bindscope__V1__Site *s = BS_NEW(a, site);
	Bindscope__V1__Binding *b = BS_NEW(a, binding);
	Bindscope__V1__SslBinding *sb = BS_NEW(a, ssl_binding);

	s->name = (char *)name;
	s->id = id;
	b->protocol = "https";
	b->binding_information = bs_arena_printf(a, "*:%u:", port);
	b->ip = "*";
	b->port = port;
	b->ssl_endpoint = (char *)endpoint;
	b->cert_thumbprint = (char *)thumb;
	b->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_OK;
	bs_arena_push(a, (void ***)&s->bindings, &s->n_bindings, b);
	bs_arena_push(a, (void ***)&r->sites, &r->n_sites, s);
	sb->kind = BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP;
	sb->endpoint = (char *)endpoint;
	sb->cert_hash = (char *)thumb;
	sb->store_name = "MY";
	sb->cert_status = BINDSCOPE__V1__JOIN_STATUS__JOIN_OK;
	bs_arena_push(a, (void ***)&r->ssl_bindings, &r->n_ssl_bindings, sb);
}

/* host.corp.example, Exchange build, its 444 certificate (NULL thumb: a
 * self-signed one of its own, 1500 days) expiring left444_s from now. */
static inline struct fleet_srv
fleet_server(struct bs_analysis *an, const char *host, const char *build, const char *thumb444,
    int64_t left444_s)
{
	struct bs_arena *a = &an->arena;
	struct fleet_srv s;
	const char *t444 = thumb444 != NULL
	    ? thumb444
	    : bs_arena_printf(a, "%08X%032X", (unsigned)host[4] * 7919u, (unsigned)strlen(host));

	s.r = BS_NEW(a, report);
	s.r->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	s.r->host = BS_NEW(a, host);
	s.r->host->hostname = (char *)host;
	s.r->host->domain = "corp.example";
	s.r->host->fqdn = bs_arena_printf(a, "%s.corp.example", host);
	s.r->host->exchange_build = (char *)build;
	s.r->host->ad_site = "HQ";
	s.c443 = fleet_cert(a, s.r, "AAAA000000000000000000000000000000000443", "mail.corp.example",
	    0, 1, 400 * FLEET_DAY_S, "0.0.0.0:443");
	s.c444 = thumb444 != NULL
	    ? fleet_cert(a, s.r, t444, "mail.corp.example", 0, 0, left444_s, "0.0.0.0:444")
	    : fleet_cert(a, s.r, t444, host, 1, 1, left444_s, "0.0.0.0:444");
	fleet_site(a, s.r, "Default Web Site", 1, 443, "0.0.0.0:443", s.c443->thumbprint);
	fleet_site(a, s.r, "Exchange Back End", 2, 444, "0.0.0.0:444", t444);
	return s;
}

/* mbx01..mbx05: mbx03's 444 is the namespace certificate (does not cover
 * it, 30 days), mbx04 runs an older build, mbx05's 444 expired 20 days
 * and 12 hours ago; the rules have run. Caller destroys. */
static inline struct bs_analysis *
fleet_make(void)
{
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;
	static const char *const hosts[] = {"mbx01", "mbx02", "mbx03", "mbx04", "mbx05"};

	bs_analysis_options_defaults(&o);
	o.now_ms = FLEET_NOW_MS;
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	for (size_t i = 0; i < 5; i++) {
		const char *h = hosts[i];
		struct fleet_srv s = i == 2
		    ? fleet_server(a, h, "15.2.1544.4", "BBBB000000000000000000000000000000000444",
		          30 * FLEET_DAY_S)
		    : i == 4 ? fleet_server(a, h, "15.2.1544.4", NULL, -20 * FLEET_DAY_S - 43200)
		             : fleet_server(a, h, i == 3 ? "15.1.2507.39" : "15.2.1544.4", NULL,
		                   1500 * FLEET_DAY_S);

		assert_int_equal(
		    bs_analysis_add(a, "agent, unsigned", FLEET_NOW_MS - 1000, s.r), 0);
	}
	assert_int_equal(bs_analysis_index(a), 0);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	return a;
}

#endif
