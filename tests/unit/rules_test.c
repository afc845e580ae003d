/* rules_test: each rule raised where it must be and silent where it must
 * not be, including the known false-positive traps. Reports are built in
 * memory, the way the agent's join leaves them. */
#include "test_util.h"

#include "analysis/analyze.h"
#include "err.h"
#include "analysis/rules/remedy.h"
#include "analysis/rules/rules.h"

#define NOW_MS (1800000000LL * 1000)
#define DAY (86400LL)

struct srv {
	bs_report *r;
	Bindscope__V1__Certificate *c443, *c444;
	Bindscope__V1__Binding *b443, *b444;
};

static Bindscope__V1__Certificate *
cert(struct bs_arena *a, bs_report *r, const char *thumb, const char *cn, Bindscope__V1__Tri self,
    Bindscope__V1__Tri covers, int64_t days_left, const char *used_by)
{
	Bindscope__V1__Certificate *c = BS_NEW(a, certificate);

	c->thumbprint = (char *)thumb;
	c->store = "My";
	c->common_name = (char *)cn;
	c->subject = bs_arena_printf(a, "CN=%s", cn);
	c->issuer = self == BINDSCOPE__V1__TRI__TRI_YES ? c->subject : "CN=Corp Issuing CA 1";
	c->self_signed = self;
	c->covers_fqdn = covers;
	c->not_before = NOW_MS / 1000 - 100 * DAY;
	c->not_after = NOW_MS / 1000 + days_left * DAY;
	if (used_by != NULL)
		bs_arena_push(a, (void ***)&c->used_by, &c->n_used_by, (void *)used_by);
	bs_arena_push(a, (void ***)&r->certificates, &r->n_certificates, c);
	return c;
}

static Bindscope__V1__Binding *
site_https(struct bs_arena *a, bs_report *r, const char *name, uint32_t id, uint32_t port,
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
	return b;
}

/* A healthy Exchange server: namespace cert on 443, self-signed on 444. */
static struct srv
server(struct bs_analysis *an, const char *host)
{
	struct bs_arena *a = &an->arena;
	struct srv s;
	char *t444 = bs_arena_printf(a, "%040X", (unsigned)strlen(host) * 7919u);

	s.r = BS_NEW(a, report);
	s.r->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	s.r->host = BS_NEW(a, host);
	s.r->host->hostname = (char *)host;
	s.r->host->domain = "corp.example";
	s.r->host->fqdn = bs_arena_printf(a, "%s.corp.example", host);
	s.r->host->exchange_build = "15.2.1544.4";
	s.c443 = cert(a, s.r, "AAAA000000000000000000000000000000000443", "mail.corp.example",
	    BINDSCOPE__V1__TRI__TRI_NO, BINDSCOPE__V1__TRI__TRI_NO, 400, "0.0.0.0:443");
	s.c444 = cert(a, s.r, t444, host, BINDSCOPE__V1__TRI__TRI_YES, BINDSCOPE__V1__TRI__TRI_YES,
	    1500, "0.0.0.0:444");
	s.c444->friendly_name = "Microsoft Exchange";
	s.b443 = site_https(a, s.r, "Default Web Site", 1, 443, "0.0.0.0:443", s.c443->thumbprint);
	s.b444 = site_https(a, s.r, "Exchange Back End", 2, 444, "0.0.0.0:444", t444);
	return s;
}

static struct bs_analysis *
fleet(void)
{
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;

	bs_analysis_options_defaults(&o);
	o.now_ms = NOW_MS;
	o.stale_after = 900;
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	return a;
}

static void
add(struct bs_analysis *a, struct srv *s)
{
	assert_int_equal(bs_analysis_add(a, "agent, unsigned", NOW_MS - 1000, s->r), 0);
}

static const struct bs_finding *
find(const struct bs_analysis *a, const char *fqdn, const char *rule)
{
	const struct bs_server *s = bs_analysis_find(a, fqdn);

	assert_non_null(s);
	for (size_t i = 0; i < s->n_findings; i++)
		if (strcmp(s->findings[i]->rule->id, rule) == 0)
			return s->findings[i];
	return NULL;
}

static size_t
count(const struct bs_analysis *a, const char *fqdn)
{
	return bs_analysis_find(a, fqdn)->n_findings;
}

/* Peer front end whose HttpProxy sample names target as failing. */
static void
peer_sample(struct bs_analysis *an, struct srv *peer, const char *target, uint64_t requests,
    uint64_t failures)
{
	struct bs_arena *a = &an->arena;
	Bindscope__V1__LogSample *ls = BS_NEW(a, log_sample);
	Bindscope__V1__TargetStat *t = BS_NEW(a, target_stat);

	ls->kind = BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY;
	ls->name = "Owa";
	t->target_server = (char *)target;
	t->requests = requests;
	t->backend_failures = failures;
	t->top_web_exception = "TrustFailure";
	bs_arena_push(a, (void ***)&ls->targets, &ls->n_targets, t);
	bs_arena_push(a, (void ***)&peer->r->log_samples, &peer->r->n_log_samples, ls);
}

static void
test_healthy_fleet_is_clean(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s1 = server(a, "mbx01"), s2 = server(a, "mbx02");

	(void)state;
	add(a, &s1);
	add(a, &s2);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_int_equal(count(a, "mbx01.corp.example"), 0);
	assert_int_equal(count(a, "mbx02.corp.example"), 0);
	bs_analysis_destroy(a);
}

static void
test_name_mismatch_config_only_is_warning(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx03");
	const struct bs_finding *f;

	(void)state;
	/* The seed failure: the namespace certificate bound to 444. */
	s.b444->cert_thumbprint = s.c443->thumbprint;
	s.r->ssl_bindings[1]->cert_hash = s.c443->thumbprint;
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx03.corp.example", "BACKEND_CERT_NAME_MISMATCH");
	assert_non_null(f);
	assert_int_equal(f->severity, BS_SEV_WARNING);
	assert_non_null(strstr(f->title, "mbx03.corp.example"));
	assert_string_equal(json_string_value(json_object_get(f->evidence, "basis")),
	    "configuration only (no failing traffic seen yet)");
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(f->evidence, "certificate"), "thumbprint")),
	    s.c443->thumbprint);
	assert_non_null(strstr(f->remediation, "Microsoft Exchange"));
	bs_analysis_destroy(a);
}

static void
test_name_mismatch_with_peer_failures_is_critical(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv bad = server(a, "mbx03"), fe = server(a, "mbx01");
	const struct bs_finding *f;
	json_t *hop;

	(void)state;
	bad.b444->cert_thumbprint = bad.c443->thumbprint;
	peer_sample(a, &fe, "MBX03.corp.example", 40, 38);
	add(a, &bad);
	add(a, &fe);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx03.corp.example", "BACKEND_CERT_NAME_MISMATCH");
	assert_non_null(f);
	assert_int_equal(f->severity, BS_SEV_CRITICAL);
	hop = json_object_get(f->evidence, "hop_evidence");
	assert_int_equal(json_array_size(hop), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(hop, 0), "peer")),
	    "mbx01.corp.example");
	assert_non_null(find(a, "mbx03.corp.example", "BACKEND_UNREACHABLE_FROM_PEERS"));
	/* The front end that saw it is not blamed. */
	assert_int_equal(count(a, "mbx01.corp.example"), 0);
	bs_analysis_destroy(a);
}

static void
test_handful_of_failures_in_busy_window_stays_warning(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv bad = server(a, "mbx03"), fe = server(a, "mbx01");

	(void)state;
	bad.b444->cert_thumbprint = bad.c443->thumbprint;
	peer_sample(a, &fe, "mbx03.corp.example", 1000, 3);
	add(a, &bad);
	add(a, &fe);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_int_equal(
	    find(a, "mbx03.corp.example", "BACKEND_CERT_NAME_MISMATCH")->severity, BS_SEV_WARNING);
	bs_analysis_destroy(a);
}

static void
test_wildcard_third_party_is_info_only(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx02");

	(void)state;
	s.c444->self_signed = BINDSCOPE__V1__TRI__TRI_NO;
	s.c444->common_name = "*.corp.example";
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_null(find(a, "mbx02.corp.example", "BACKEND_CERT_NAME_MISMATCH"));
	assert_int_equal(
	    find(a, "mbx02.corp.example", "BACKEND_CERT_NOT_SELF_SIGNED")->severity, BS_SEV_INFO);
	assert_int_equal(count(a, "mbx02.corp.example"), 1);
	bs_analysis_destroy(a);
}

static void
test_unknown_coverage_raises_nothing(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx05");

	(void)state;
	s.c444->covers_fqdn = BINDSCOPE__V1__TRI__TRI_UNKNOWN;
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_int_equal(count(a, "mbx05.corp.example"), 0);
	bs_analysis_destroy(a);
}

static void
test_backend_binding_missing(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx06");

	(void)state;
	s.b444->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING;
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_int_equal(
	    find(a, "mbx06.corp.example", "BACKEND_BINDING_MISSING")->severity, BS_SEV_CRITICAL);
	/* Reported once, not again as a generic https binding. */
	assert_null(find(a, "mbx06.corp.example", "HTTPS_BINDING_WITHOUT_CERT"));
	bs_analysis_destroy(a);
}

static void
test_cert_not_in_store(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx07");

	(void)state;
	s.b444->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE;
	s.b443->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_STORE_MISSING;
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_non_null(find(a, "mbx07.corp.example", "BACKEND_CERT_NOT_IN_STORE"));
	assert_non_null(find(a, "mbx07.corp.example", "FRONTEND_CERT_NOT_IN_STORE"));
	assert_null(find(a, "mbx07.corp.example", "BACKEND_BINDING_MISSING"));
	bs_analysis_destroy(a);
}

static void fix_check(
    const struct bs_finding *f, const char *fqdn, const char *const *want, const char *const *left);

#define WANT(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Evidence without the certificate stores: the bindings' certificates are
 * unknown, not missing. No outage is claimed; the server is not clean. */
static void
test_cert_stores_not_read(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx07");
	Bindscope__V1__CollectionError *e = BS_NEW(&a->arena, collection_error);
	const struct bs_finding *f;
	json_t *b;

	(void)state;
	s.b444->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_STORES_NOT_READ;
	s.b443->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_STORES_NOT_READ;
	s.r->n_certificates = 0;
	e->source = "certstore";
	e->path = "certstore";
	e->reason = "folder not found: no certificates can be checked";
	bs_arena_push(&a->arena, (void ***)&s.r->errors, &s.r->n_errors, e);
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_null(find(a, "mbx07.corp.example", "BACKEND_CERT_NOT_IN_STORE"));
	assert_null(find(a, "mbx07.corp.example", "FRONTEND_CERT_NOT_IN_STORE"));
	assert_null(find(a, "mbx07.corp.example", "BACKEND_BINDING_MISSING"));
	f = find(a, "mbx07.corp.example", "CERT_STORES_NOT_READ");
	assert_non_null(f);
	assert_int_equal(f->severity, BS_SEV_WARNING);
	assert_non_null(strstr(f->title, "0.0.0.0:444, 0.0.0.0:443"));
	assert_non_null(strstr(f->remediation, "folder not found"));
	fix_check(f, "mbx07.corp.example",
	    WANT(
	        "Get-Item -Path 'Cert:\\LocalMachine\\MY\\AAAA000000000000000000000000000000000443'",
	        "Export-BindscopeEvidence.ps1"),
	    NULL);
	b = json_object_get(f->evidence, "bindings");
	assert_int_equal(json_array_size(b), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(b, 0), "site")), "Exchange Back End");
	bs_analysis_destroy(a);
}

static void
test_https_binding_without_cert(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx08");
	Bindscope__V1__Binding *b;
	const struct bs_finding *f;

	(void)state;
	s.b443->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING;
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_int_equal(
	    find(a, "mbx08.corp.example", "HTTPS_BINDING_WITHOUT_CERT")->severity, BS_SEV_CRITICAL);
	bs_analysis_destroy(a);

	/* Another site on another port: nothing says which certificate it
	 * should serve, and the block says so instead of guessing. */
	a = fleet();
	s = server(a, "mbx09");
	b = site_https(&a->arena, s.r, "Intranet", 3, 8443, "0.0.0.0:8443", "");
	b->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING;
	b->ssl_endpoint = "";
	s.r->n_ssl_bindings--; /* no http.sys entry for it */
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx09.corp.example", "HTTPS_BINDING_WITHOUT_CERT");
	fix_check(f, "mbx09.corp.example",
	    WANT("# Nothing in the evidence says which certificate site 'Intranet' should serve on "
	         "port 8443.",
	        "netsh http add sslcert ipport='0.0.0.0:8443' certhash='<thumbprint>'"),
	    WANT("<thumbprint>"));
	bs_analysis_destroy(a);
}

static void
test_expiry(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv exp = server(a, "exp1"), soon = server(a, "soon"), very = server(a, "very"),
	           unused = server(a, "unused");

	(void)state;
	exp.c444->not_after = NOW_MS / 1000 - 2 * DAY;
	soon.c443->not_after = NOW_MS / 1000 + 20 * DAY + 100;
	very.c443->not_after = NOW_MS / 1000 + 3 * DAY + 100;
	/* An expired certificate nobody binds is no outage. */
	cert(&a->arena, unused.r, "DEAD000000000000000000000000000000000000", "old",
	    BINDSCOPE__V1__TRI__TRI_YES, BINDSCOPE__V1__TRI__TRI_NO, -30, NULL);
	add(a, &exp);
	add(a, &soon);
	add(a, &very);
	add(a, &unused);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_int_equal(find(a, "exp1.corp.example", "CERT_EXPIRED")->severity, BS_SEV_CRITICAL);
	assert_null(find(a, "exp1.corp.example", "CERT_EXPIRING"));
	assert_int_equal(find(a, "soon.corp.example", "CERT_EXPIRING")->severity, BS_SEV_WARNING);
	assert_int_equal(find(a, "very.corp.example", "CERT_EXPIRING")->severity, BS_SEV_CRITICAL);
	assert_int_equal(count(a, "unused.corp.example"), 0);
	bs_analysis_destroy(a);
}

/* One certificate serving several endpoints (a namespace certificate
 * rebound to 444 by mistake): each finding about it names every endpoint,
 * 444 (the front end's hop) first, so the admin rebinds them all. */
static void
test_cert_findings_name_every_endpoint(void **state)
{
	static const char *const rules[] = {
	    "CERT_EXPIRED", "CERT_WEAK_KEY", "CERT_WEAK_SIGNATURE", "CERT_NO_PRIVATE_KEY"};
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "multi"), soon = server(a, "soon");
	Bindscope__V1__Certificate *c = s.c443;
	const struct bs_finding *f;
	json_t *used;

	(void)state;
	/* used_by in the agent's join order: 443, 127.0.0.1:443, then 444. */
	bs_arena_push(&a->arena, (void ***)&c->used_by, &c->n_used_by, "127.0.0.1:443");
	bs_arena_push(&a->arena, (void ***)&c->used_by, &c->n_used_by, "0.0.0.0:444");
	s.c444->n_used_by = 0;
	s.b444->cert_thumbprint = c->thumbprint;
	c->not_after = NOW_MS / 1000 - 3 * DAY;
	c->key_type = "RSA";
	c->key_bits = 1024;
	c->signature_algorithm = "sha1WithRSAEncryption";
	c->has_private_key = BINDSCOPE__V1__TRI__TRI_NO;
	bs_arena_push(&a->arena, (void ***)&soon.c443->used_by, &soon.c443->n_used_by,
	    "mail.corp.example:443");
	soon.c443->not_after = NOW_MS / 1000 + 10 * DAY + 100;
	add(a, &s);
	add(a, &soon);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		f = find(a, "multi.corp.example", rules[i]);
		assert_non_null(f);
		if (strstr(f->title, " used by 0.0.0.0:444, 0.0.0.0:443, 127.0.0.1:443 ") == NULL)
			fail_msg("%s: '%s'", rules[i], f->title);
		used = json_object_get(f->evidence, "used_by");
		assert_int_equal(json_array_size(used), 3);
		assert_string_equal(json_string_value(json_array_get(used, 0)), "0.0.0.0:444");
	}
	f = find(a, "soon.corp.example", "CERT_EXPIRING");
	assert_non_null(f);
	assert_non_null(strstr(f->title, " used by 0.0.0.0:443, mail.corp.example:443 expires"));
	bs_analysis_destroy(a);
}

/* A certificate bound everywhere: the title's list is cut, and says by
 * how many. */
static void
test_cert_endpoints_bounded(void **state)
{
	struct bs_arena a;
	Bindscope__V1__Certificate *c;
	char out[64];
	const char *more;
	unsigned long listed = 1, rest = 0;

	(void)state;
	bs_arena_init(&a, 0);
	c = BS_NEW(&a, certificate);
	for (int i = 0; i < 30; i++)
		bs_arena_push(&a, (void ***)&c->used_by, &c->n_used_by,
		    bs_arena_printf(&a, "host-%02d.corp.example:443", i));
	bs_arena_push(&a, (void ***)&c->used_by, &c->n_used_by, "0.0.0.0:444");
	bs_rules_cert_endpoints(c, out, sizeof(out));
	assert_true(strlen(out) < sizeof(out));
	assert_memory_equal(out, "0.0.0.0:444, host-00.corp.example:443, ", 39);
	more = strstr(out, "and ");
	assert_non_null(more);
	for (const char *p = out; p < more; p++)
		listed += *p == ',';
	rest = strtoul(more + 4, NULL, 10);
	assert_int_equal(listed - 1 + rest, 31);
	assert_non_null(strstr(out, " more"));
	c->n_used_by = 0;
	assert_string_equal(bs_rules_cert_endpoints(c, out, sizeof(out)), "(none)");
	bs_arena_fini(&a);
}

static void
test_stale_agent(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "quiet");

	(void)state;
	assert_int_equal(bs_analysis_add(a, "agent, unsigned", NOW_MS - 3600 * 1000, s.r), 0);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_non_null(find(a, "quiet.corp.example", "AGENT_STALE"));
	assert_true(bs_analysis_find(a, "quiet.corp.example")->stale);
	bs_analysis_destroy(a);
}

/* A report whose sweep the agent's watchdog cut short after source. */
static void
cut_short(struct bs_analysis *an, struct srv *s, const char *source, const char *reason)
{
	Bindscope__V1__CollectionError *e = BS_NEW(&an->arena, collection_error);

	s->r->agent = BS_NEW(&an->arena, agent_info);
	s->r->agent->cut_short = 1;
	s->r->agent->peak_rss_kib = 67736;
	e->source = "watchdog";
	e->path = (char *)source;
	e->reason = (char *)reason;
	bs_arena_push(&an->arena, (void ***)&s->r->errors, &s->r->n_errors, e);
}

/* An agent over its memory limit sends a report with nothing after the
 * registry: the server must not look clean, and the fix names the limit
 * the agent's reason names. */
static void
test_sweep_cut_short(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv mem = server(a, "mbx01"), cpu = server(a, "mbx02"), whole = server(a, "mbx03"),
	           big = server(a, "mbx04");
	const struct bs_finding *f;
	json_t *ev;

	(void)state;
	cut_short(a, &mem, "registry",
	    "sweep cut short after registry: 67736 KiB resident, over the 65536 KiB limit");
	cut_short(a, &cpu, "certstore",
	    "sweep cut short after certstore: 12000 ms of CPU, over the 10000 ms limit");
	/* Already raised to 256 MiB: the fix asks for twice that. */
	cut_short(a, &big, "iis_config",
	    "sweep cut short after iis_config: 270000 KiB resident, over the 262144 KiB limit");
	whole.r->agent = BS_NEW(&a->arena, agent_info); /* a whole sweep */
	add(a, &big);
	add(a, &mem);
	add(a, &cpu);
	add(a, &whole);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx01.corp.example", "AGENT_SWEEP_CUT_SHORT");
	assert_non_null(f);
	assert_int_equal(f->severity, BS_SEV_WARNING);
	assert_non_null(strstr(f->title, "cut its sweep short after registry"));
	fix_check(f, "mbx01.corp.example",
	    WANT("config set agent.max_memory_mib 128", "Restart-Service -Name 'bindscope-agent'"),
	    NULL);
	ev = f->evidence;
	assert_string_equal(json_string_value(json_object_get(ev, "cut_after")), "registry");
	assert_true(json_real_value(json_object_get(ev, "peak_memory_mib")) > 66.0);
	fix_check(find(a, "mbx02.corp.example", "AGENT_SWEEP_CUT_SHORT"), "mbx02.corp.example",
	    WANT("config set agent.max_cpu 30s"), NULL);
	fix_check(find(a, "mbx04.corp.example", "AGENT_SWEEP_CUT_SHORT"), "mbx04.corp.example",
	    WANT("config set agent.max_memory_mib 512"), NULL);
	assert_non_null(strstr(f->remediation, "%ProgramData%\\bindscope\\agent.conf"));
	assert_null(find(a, "mbx03.corp.example", "AGENT_SWEEP_CUT_SHORT"));
	bs_analysis_destroy(a);
}

/* An agent that names the limit in its report is read by that, whatever
 * its message says (another wording, another language); a limit this
 * collector does not know gets the general advice, and an absurd value
 * an absurd but bounded suggestion, never a wrapped one. */
static void
test_sweep_cut_short_named_limit(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv wall = server(a, "mbx01"), cpu = server(a, "mbx02"), future = server(a, "mbx03"),
	           huge = server(a, "mbx04");
	const struct bs_finding *f;

	(void)state;
	cut_short(a, &wall, "logs", "Durchlauf abgebrochen: Zeitlimit erreicht");
	wall.r->agent->cut_limit = BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_WALL;
	wall.r->agent->cut_limit_value = 600000; /* ms: max_sweep_time 600s */
	/* The words say memory, the field says CPU: the field wins. */
	cut_short(a, &cpu, "certstore",
	    "sweep cut short after certstore: 67736 KiB resident, over the 65536 KiB limit");
	cpu.r->agent->cut_limit = BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_CPU;
	cpu.r->agent->cut_limit_value = 60000;
	cut_short(a, &future, "sslbind",
	    "sweep cut short after sslbind: 67736 KiB resident, over the 65536 KiB limit");
	future.r->agent->cut_limit = (Bindscope__V1__WatchdogLimit)9;
	future.r->agent->cut_limit_value = 5;
	cut_short(a, &huge, "registry", "");
	huge.r->agent->cut_limit = BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_MEMORY;
	huge.r->agent->cut_limit_value = UINT64_MAX;
	add(a, &wall);
	add(a, &cpu);
	add(a, &future);
	add(a, &huge);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx01.corp.example", "AGENT_SWEEP_CUT_SHORT");
	fix_check(f, "mbx01.corp.example", WANT("config set agent.max_sweep_time 1200s"), NULL);
	assert_string_equal(
	    json_string_value(json_object_get(f->evidence, "limit")), "agent.max_sweep_time");
	f = find(a, "mbx02.corp.example", "AGENT_SWEEP_CUT_SHORT");
	fix_check(f, "mbx02.corp.example", WANT("config set agent.max_cpu 120s"), NULL);
	assert_null(strstr(f->fix, "max_memory_mib"));
	f = find(a, "mbx03.corp.example", "AGENT_SWEEP_CUT_SHORT");
	assert_non_null(f);
	assert_null(strstr(f->fix, "config set"));
	assert_non_null(strstr(f->remediation, "max_memory_mib, max_cpu, max_sweep_time"));
	assert_true(json_is_null(json_object_get(f->evidence, "limit")));
	fix_check(find(a, "mbx04.corp.example", "AGENT_SWEEP_CUT_SHORT"), "mbx04.corp.example",
	    WANT("config set agent.max_memory_mib 2000000000"), NULL);
	bs_analysis_destroy(a);
}

static void
probe_add(struct bs_analysis *an, struct srv *s, Bindscope__V1__ProbeResult res)
{
	Bindscope__V1__Probe *p = BS_NEW(&an->arena, probe);

	p->host = s->r->host->fqdn;
	p->sni = s->r->host->fqdn;
	p->port = 444;
	p->result = res;
	p->detail = "from the test";
	bs_arena_push(&an->arena, (void ***)&s->r->probes, &s->r->n_probes, p);
}

static void
test_probe_failed(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv bad = server(a, "mbx03"), selfsigned = server(a, "mbx01"),
	           refused = server(a, "mbx02");

	(void)state;
	bad.b444->cert_thumbprint = bad.c443->thumbprint;
	probe_add(a, &bad, BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_NAME_MISMATCH);
	probe_add(a, &selfsigned, BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_SELF_SIGNED);
	probe_add(a, &refused, BINDSCOPE__V1__PROBE_RESULT__PROBE_REFUSED);
	add(a, &bad);
	add(a, &selfsigned);
	add(a, &refused);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	/* The probe confirms the mismatch: critical on both rules. */
	assert_int_equal(find(a, "mbx03.corp.example", "PROBE_FAILED")->severity, BS_SEV_CRITICAL);
	assert_int_equal(
	    find(a, "mbx03.corp.example", "BACKEND_CERT_NAME_MISMATCH")->severity, BS_SEV_CRITICAL);
	/* Exchange's self-signed certificate is no failure. */
	assert_int_equal(count(a, "mbx01.corp.example"), 0);
	assert_non_null(strstr(find(a, "mbx02.corp.example", "PROBE_FAILED")->title, "REFUSED"));
	bs_analysis_destroy(a);
}

static void
test_binding_rules(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv ip = server(a, "mbx10"), clash = server(a, "mbx11"), ok = server(a, "mbx12");
	Bindscope__V1__Binding *b;

	(void)state;
	/* Back End bound to one IP instead of all unassigned. */
	ip.b444->ip = "10.0.0.5";
	ip.b444->binding_information = "10.0.0.5:444:";
	/* A third site on *:443 collides with Default Web Site's *:443. */
	b = site_https(&a->arena, clash.r, "Extra", 3, 443, "0.0.0.0:443", clash.c443->thumbprint);
	(void)b;
	add(a, &ip);
	add(a, &clash);
	add(a, &ok);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_int_equal(
	    find(a, "mbx10.corp.example", "BACKEND_BINDING_NOT_ALL_UNASSIGNED")->severity,
	    BS_SEV_WARNING);
	assert_int_equal(
	    find(a, "mbx11.corp.example", "BINDING_CONFLICT")->severity, BS_SEV_CRITICAL);
	/* Default Web Site's own *:443 and 127.0.0.1:443 are one site: no conflict. */
	assert_int_equal(count(a, "mbx12.corp.example"), 0);
	bs_analysis_destroy(a);
}

static void
test_certificate_quality_rules(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv weak = server(a, "mbx13"), sha1 = server(a, "mbx14"), nokey = server(a, "mbx15");

	(void)state;
	weak.c443->key_type = "RSA";
	weak.c443->key_bits = 1024;
	sha1.c443->signature_algorithm = "sha1WithRSAEncryption";
	/* A self-signed certificate's own signature is not a trust decision. */
	sha1.c444->signature_algorithm = "sha1WithRSAEncryption";
	nokey.c444->has_private_key = BINDSCOPE__V1__TRI__TRI_NO;
	add(a, &weak);
	add(a, &sha1);
	add(a, &nokey);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_non_null(find(a, "mbx13.corp.example", "CERT_WEAK_KEY"));
	assert_int_equal(bs_analysis_find(a, "mbx14.corp.example")->n_findings, 1);
	assert_non_null(find(a, "mbx14.corp.example", "CERT_WEAK_SIGNATURE"));
	assert_int_equal(
	    find(a, "mbx15.corp.example", "CERT_NO_PRIVATE_KEY")->severity, BS_SEV_CRITICAL);
	bs_analysis_destroy(a);
}

static void
test_fleet_consistency(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s[6];
	static const char *const names[] = {"fe1", "fe2", "fe3", "fe4", "fe5", "fe6"};

	(void)state;
	for (int i = 0; i < 6; i++)
		s[i] = server(a, names[i]);
	/* fe2 presents another 443 certificate than the other front ends. */
	s[1].c443->thumbprint = "BBBB000000000000000000000000000000000443";
	s[1].b443->cert_thumbprint = s[1].c443->thumbprint;
	/* fe3 has a third-party 444 certificate where the rest are self-signed. */
	s[2].c444->self_signed = BINDSCOPE__V1__TRI__TRI_NO;
	/* fe4 is behind on CU; fe5 is on another line (2016): no drift. */
	s[3].r->host->exchange_build = "15.2.1258.12";
	s[4].r->host->exchange_build = "15.1.2507.39";
	for (int i = 0; i < 6; i++)
		add(a, &s[i]);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_non_null(find(a, "fe2.corp.example", "FRONTEND_CERT_INCONSISTENT"));
	assert_non_null(find(a, "fe3.corp.example", "BACKEND_CERT_OUTLIER"));
	assert_non_null(find(a, "fe4.corp.example", "VERSION_DRIFT"));
	assert_null(find(a, "fe5.corp.example", "VERSION_DRIFT"));
	/* Self-signed 444 certificates differ per server by design: no finding. */
	assert_int_equal(count(a, "fe1.corp.example"), 0);
	assert_int_equal(count(a, "fe6.corp.example"), 0);
	bs_analysis_destroy(a);
}

static void
test_backend_unreachable_from_peers(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv be = server(a, "mbx03"), fe1 = server(a, "mbx01"), fe2 = server(a, "mbx02");
	const struct bs_finding *f;
	json_t *peers;

	(void)state;
	/* Neither peer alone reaches 20 requests; together 30, 6 failing (20 %). */
	peer_sample(a, &fe1, "mbx03.corp.example", 15, 4);
	peer_sample(a, &fe2, "mbx03.corp.example", 15, 2);
	add(a, &be);
	add(a, &fe1);
	add(a, &fe2);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx03.corp.example", "BACKEND_UNREACHABLE_FROM_PEERS");
	assert_non_null(f);
	assert_int_equal(f->severity, BS_SEV_CRITICAL);
	assert_int_equal(json_integer_value(json_object_get(f->evidence, "requests")), 30);
	assert_int_equal(json_integer_value(json_object_get(f->evidence, "backend_failures")), 6);
	peers = json_object_get(f->evidence, "peers");
	assert_int_equal(json_array_size(peers), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(peers, 0), "web_exception")),
	    "TrustFailure");
	assert_non_null(strstr(f->title, "6 of 30"));
	/* The fault is attributed to the target, not to each front end. */
	assert_int_equal(count(a, "mbx01.corp.example"), 0);
	assert_int_equal(count(a, "mbx02.corp.example"), 0);
	bs_analysis_destroy(a);
}

static void
test_peers_below_threshold_or_self_raise_nothing(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv be = server(a, "mbx03"), fe = server(a, "mbx01"), quiet = server(a, "mbx04");

	(void)state;
	peer_sample(a, &fe, "mbx03.corp.example", 1000, 3); /* busy window, 0.3 % */
	peer_sample(a, &fe, "mbx04.corp.example", 10, 10); /* all failing, but 10 requests */
	peer_sample(a, &be, "mbx03.corp.example", 500, 500); /* itself: not peer evidence */
	add(a, &be);
	add(a, &fe);
	add(a, &quiet);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_null(find(a, "mbx03.corp.example", "BACKEND_UNREACHABLE_FROM_PEERS"));
	assert_null(find(a, "mbx04.corp.example", "BACKEND_UNREACHABLE_FROM_PEERS"));
	assert_null(find(a, "mbx01.corp.example", "PROXY_BACKEND_ERRORS"));
	assert_int_equal(count(a, "mbx04.corp.example"), 0);
	/* Its own front end failing to reach itself is PROXY_BACKEND_ERRORS. */
	assert_non_null(find(a, "mbx03.corp.example", "PROXY_BACKEND_ERRORS"));
	bs_analysis_destroy(a);
}

static void
test_proxy_backend_errors_names_targets(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv fe = server(a, "mbx01");
	const struct bs_finding *f;
	json_t *t;

	(void)state;
	/* mbx09 runs no agent: the front end's own view is all there is. */
	peer_sample(a, &fe, "mbx09.corp.example", 50, 20);
	peer_sample(a, &fe, "mbx08.corp.example", 500, 1);
	add(a, &fe);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx01.corp.example", "PROXY_BACKEND_ERRORS");
	assert_non_null(f);
	assert_int_equal(f->severity, BS_SEV_WARNING);
	t = json_object_get(f->evidence, "targets");
	assert_int_equal(json_array_size(t), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(t, 0), "target")),
	    "mbx09.corp.example");
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(t, 0), "backend_failures")), 20);
	bs_analysis_destroy(a);
}

static void
test_configured_thresholds_and_severities(void **state)
{
	struct bs_analysis_options o;
	struct bs_analysis *a = NULL;
	struct srv be, fe, old;
	size_t k_drift = 0, k_weak = 0;

	(void)state;
	for (size_t k = 0; k < bs_rules_count; k++) {
		if (strcmp(bs_rules[k].id, "VERSION_DRIFT") == 0)
			k_drift = k;
		if (strcmp(bs_rules[k].id, "CERT_WEAK_KEY") == 0)
			k_weak = k;
	}
	bs_analysis_options_defaults(&o);
	o.now_ms = NOW_MS;
	o.rules.peer_min_requests = 5;
	o.rules.peer_min_fail_pct = 50;
	o.rules.expiring_warning_days = 60;
	o.rules.severity[k_drift] = BS_RULE_OFF;
	o.rules.severity[k_weak] = BS_RULE_CRITICAL;
	assert_int_equal(bs_analysis_create(&o, &a), 0);
	be = server(a, "mbx03");
	fe = server(a, "mbx01");
	old = server(a, "mbx02");
	peer_sample(a, &fe, "mbx03.corp.example", 10, 5);
	old.r->host->exchange_build = "15.2.1118.7";
	be.c444->key_type = "RSA";
	be.c444->key_bits = 1024;
	fe.c443->not_after = NOW_MS / 1000 + 45 * DAY;
	add(a, &be);
	add(a, &fe);
	add(a, &old);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_non_null(find(a, "mbx03.corp.example", "BACKEND_UNREACHABLE_FROM_PEERS"));
	assert_null(find(a, "mbx02.corp.example", "VERSION_DRIFT"));
	assert_int_equal(find(a, "mbx03.corp.example", "CERT_WEAK_KEY")->severity, BS_SEV_CRITICAL);
	assert_int_equal(find(a, "mbx01.corp.example", "CERT_EXPIRING")->severity, BS_SEV_WARNING);
	bs_analysis_destroy(a);
}

/* The fix block of f names the server and holds every string of want
 * (NULL-terminated); its placeholders are exactly those of left. */
static void
fix_check(
    const struct bs_finding *f, const char *fqdn, const char *const *want, const char *const *left)
{
	json_t *ph;
	size_t nleft = 0;

	assert_non_null(f);
	if (strstr(f->fix, fqdn) == NULL)
		fail_msg("%s: fix does not name %s:\n%s", f->rule->id, fqdn, f->fix);
	if (strstr(f->remediation, fqdn) == NULL)
		fail_msg("%s: remediation does not name %s: %s", f->rule->id, fqdn, f->remediation);
	for (size_t i = 0; want[i] != NULL; i++)
		if (strstr(f->fix, want[i]) == NULL)
			fail_msg("%s: fix lacks \"%s\":\n%s", f->rule->id, want[i], f->fix);
	ph = bs_finding_placeholders(f);
	assert_non_null(ph);
	while (left != NULL && left[nleft] != NULL)
		nleft++;
	if (json_array_size(ph) != nleft)
		fail_msg("%s: %zu placeholders, want %zu:\n%s", f->rule->id, json_array_size(ph),
		    nleft, f->fix);
	for (size_t i = 0; i < nleft; i++)
		assert_string_equal(json_string_value(json_array_get(ph, i)), left[i]);
	json_decref(ph);
}

static void
test_fix_binding_rules_hold_the_values(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv miss = server(a, "mbx06"), gone = server(a, "mbx07"), mism = server(a, "mbx03"),
	           nocert = server(a, "mbx08"), ip = server(a, "mbx10"), clash = server(a, "mbx11"),
	           tp = server(a, "mbx02");
	const struct bs_finding *f;

	(void)state;
	miss.b444->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING;
	/* mbx07's 443 certificate was deleted: http.sys still names it. */
	gone.b443->cert_thumbprint = "DDDD000000000000000000000000000000000443";
	gone.b443->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE;
	gone.r->certificates[0]->thumbprint = "EEEE000000000000000000000000000000000443";
	gone.b444->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE;
	mism.b444->cert_thumbprint = mism.c443->thumbprint;
	nocert.b443->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING;
	ip.b444->ip = "10.0.0.5";
	ip.b444->binding_information = "10.0.0.5:444:";
	site_https(&a->arena, clash.r, "Extra", 3, 443, "0.0.0.0:443", clash.c443->thumbprint);
	tp.c444->self_signed = BINDSCOPE__V1__TRI__TRI_NO;
	add(a, &miss);
	add(a, &gone);
	add(a, &mism);
	add(a, &nocert);
	add(a, &ip);
	add(a, &clash);
	add(a, &tp);
	assert_int_equal(bs_analysis_evaluate(a), 0);

	fix_check(find(a, "mbx06.corp.example", "BACKEND_BINDING_MISSING"), "mbx06.corp.example",
	    WANT(bs_arena_printf(&a->arena, "$thumb = '%s'", miss.c444->thumbprint),
	        "netsh http delete sslcert ipport=0.0.0.0:444",
	        "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb "
	        "appid='{4dc3e181-e14b-4a21-b022-59fc669b0914}' certstorename=MY"),
	    NULL);
	fix_check(find(a, "mbx07.corp.example", "BACKEND_CERT_NOT_IN_STORE"), "mbx07.corp.example",
	    WANT(bs_arena_printf(&a->arena, "$thumb = '%s'", gone.c444->thumbprint)), NULL);
	/* The certificate the other front ends present, copied from one of them. */
	f = find(a, "mbx07.corp.example", "FRONTEND_CERT_NOT_IN_STORE");
	fix_check(f, "mbx07.corp.example",
	    WANT("Export-ExchangeCertificate -Server 'mbx06.corp.example' -Thumbprint "
	         "'AAAA000000000000000000000000000000000443'",
	        "Import-ExchangeCertificate -Server 'mbx07.corp.example'",
	        "Enable-ExchangeCertificate -Server 'mbx07.corp.example' -Thumbprint "
	        "'AAAA000000000000000000000000000000000443' -Services IIS"),
	    NULL);
	assert_non_null(strstr(f->remediation, "DDDD000000000000000000000000000000000443"));
	f = find(a, "mbx03.corp.example", "BACKEND_CERT_NAME_MISMATCH");
	fix_check(f, "mbx03.corp.example",
	    WANT(bs_arena_printf(&a->arena, "$thumb = '%s'", mism.c444->thumbprint),
	        "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb"),
	    NULL);
	assert_non_null(strstr(f->remediation, mism.c444->thumbprint));
	assert_null(strstr(f->remediation, "<thumbprint"));
	fix_check(find(a, "mbx08.corp.example", "HTTPS_BINDING_WITHOUT_CERT"), "mbx08.corp.example",
	    WANT("Enable-ExchangeCertificate -Server 'mbx08.corp.example' -Thumbprint "
	         "'AAAA000000000000000000000000000000000443' -Services IIS"),
	    NULL);
	fix_check(find(a, "mbx10.corp.example", "BACKEND_BINDING_NOT_ALL_UNASSIGNED"),
	    "mbx10.corp.example",
	    WANT("Remove-WebBinding -Name 'Exchange Back End' -Protocol https -BindingInformation "
	         "'10.0.0.5:444:'",
	        "New-WebBinding -Name 'Exchange Back End' -Protocol https -IPAddress '*' -Port 444",
	        bs_arena_printf(&a->arena, "$thumb = '%s'", ip.c444->thumbprint)),
	    NULL);
	/* The Exchange site keeps the port; the extra site gives it up. */
	fix_check(find(a, "mbx11.corp.example", "BINDING_CONFLICT"), "mbx11.corp.example",
	    WANT("Remove-WebBinding -Name 'Extra' -Protocol https -BindingInformation '*:443:'",
	        "Start-Website -Name 'Default Web Site'"),
	    NULL);
	/* Informational: no command, but the text is about this server. */
	f = find(a, "mbx02.corp.example", "BACKEND_CERT_NOT_SELF_SIGNED");
	assert_non_null(f);
	assert_string_equal(f->fix, "");
	assert_non_null(strstr(f->remediation, "mbx02.corp.example"));
	assert_non_null(strstr(f->remediation, tp.c444->thumbprint));
	bs_analysis_destroy(a);
}

static void
test_fix_cert_rules_hold_the_values(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv exp = server(a, "exp1"), soon = server(a, "soon"), weak = server(a, "mbx13"),
	           sha1 = server(a, "mbx14"), nokey = server(a, "mbx15");
	const struct bs_finding *f;

	(void)state;
	exp.c444->not_after = NOW_MS / 1000 - 2 * DAY;
	soon.c443->not_after = NOW_MS / 1000 + 20 * DAY + 100;
	weak.c443->key_type = "RSA";
	weak.c443->key_bits = 1024;
	sha1.c443->signature_algorithm = "sha1WithRSAEncryption";
	nokey.c444->has_private_key = BINDSCOPE__V1__TRI__TRI_NO;
	add(a, &exp);
	add(a, &soon);
	add(a, &weak);
	add(a, &sha1);
	add(a, &nokey);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	/* Self-signed, and nothing newer here: renew that one, rebind 444. */
	fix_check(find(a, "exp1.corp.example", "CERT_EXPIRED"), "exp1.corp.example",
	    WANT(
	        bs_arena_printf(&a->arena,
	            "$new = Get-ExchangeCertificate -Server 'exp1.corp.example' -Thumbprint '%s' | "
	            "New-ExchangeCertificate -Force -PrivateKeyExportable $true",
	            exp.c444->thumbprint),
	        "$thumb = $new.Thumbprint",
	        "netsh http update sslcert ipport='0.0.0.0:444' certhash=$thumb "
	        "appid='{4dc3e181-e14b-4a21-b022-59fc669b0914}' certstorename=MY"),
	    NULL);
	/* A CA's certificate: the request, then the file the CA sends back,
	 * which no evidence can hold. */
	f = find(a, "soon.corp.example", "CERT_EXPIRING");
	fix_check(f, "soon.corp.example",
	    WANT("Get-ExchangeCertificate -Server 'soon.corp.example' -Thumbprint "
	         "'AAAA000000000000000000000000000000000443' | New-ExchangeCertificate "
	         "-GenerateRequest",
	        "Enable-ExchangeCertificate -Server 'soon.corp.example' -Thumbprint $thumb "
	        "-Services IIS"),
	    WANT("<issued certificate file>"));
	fix_check(find(a, "mbx13.corp.example", "CERT_WEAK_KEY"), "mbx13.corp.example",
	    WANT("-GenerateRequest -PrivateKeyExportable $true -KeySize 2048"),
	    WANT("<issued certificate file>"));
	fix_check(find(a, "mbx14.corp.example", "CERT_WEAK_SIGNATURE"), "mbx14.corp.example",
	    WANT("-Thumbprint 'AAAA000000000000000000000000000000000443' | New-ExchangeCertificate "
	         "-GenerateRequest"),
	    WANT("<issued certificate file>"));
	fix_check(find(a, "mbx15.corp.example", "CERT_NO_PRIVATE_KEY"), "mbx15.corp.example",
	    WANT(bs_arena_printf(
	        &a->arena, "certutil -repairstore my '%s'", nokey.c444->thumbprint)),
	    NULL);
	bs_analysis_destroy(a);
}

static void
test_fix_traffic_and_fleet_rules_hold_the_values(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv be = server(a, "mbx03"), fe1 = server(a, "mbx01"), fe2 = server(a, "mbx02"),
	           refused = server(a, "mbx04");
	const struct bs_finding *f;

	(void)state;
	peer_sample(a, &fe1, "mbx03.corp.example", 15, 4);
	peer_sample(a, &fe2, "mbx03.corp.example", 15, 2);
	peer_sample(a, &fe1, "mbx09.corp.example", 50, 20);
	probe_add(a, &refused, BINDSCOPE__V1__PROBE_RESULT__PROBE_REFUSED);
	/* mbx03's own 444 certificate is right: TrustFailure from the peers
	 * then gets no rebind of the same certificate. */
	add(a, &be);
	add(a, &fe1);
	add(a, &fe2);
	add(a, &refused);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx03.corp.example", "BACKEND_UNREACHABLE_FROM_PEERS");
	fix_check(f, "mbx03.corp.example",
	    WANT("Start-Website -Name 'Exchange Back End'",
	        "netsh http show sslcert ipport=0.0.0.0:444", "# On mbx0",
	        "Test-NetConnection -ComputerName 'mbx03.corp.example' -Port 444"),
	    NULL);
	assert_null(strstr(f->fix, "netsh http add"));
	assert_non_null(strstr(f->remediation, "Fix mbx03.corp.example"));
	assert_non_null(strstr(f->remediation, "mbx01.corp.example (TrustFailure)"));
	fix_check(find(a, "mbx01.corp.example", "PROXY_BACKEND_ERRORS"), "mbx01.corp.example",
	    WANT("Test-NetConnection -ComputerName 'mbx09.corp.example' -Port 444",
	        "# mbx09.corp.example (TrustFailure): no bindscope agent"),
	    NULL);
	fix_check(find(a, "mbx04.corp.example", "PROBE_FAILED"), "mbx04.corp.example",
	    WANT("Start-Website -Name 'Exchange Back End'",
	        "Test-NetConnection -ComputerName 'mbx04.corp.example' -Port 444"),
	    NULL);
	bs_analysis_destroy(a);
}

static void
test_fix_fleet_rules_hold_the_values(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s[6], quiet;
	static const char *const names[] = {"fe1", "fe2", "fe3", "fe4", "fe5", "fe6"};
	struct bs_server *q;

	(void)state;
	for (int i = 0; i < 6; i++)
		s[i] = server(a, names[i]);
	quiet = server(a, "quiet");
	s[1].c443->thumbprint = "BBBB000000000000000000000000000000000443";
	s[1].b443->cert_thumbprint = s[1].c443->thumbprint;
	s[2].c444->self_signed = BINDSCOPE__V1__TRI__TRI_NO;
	s[3].r->host->exchange_build = "15.2.1258.12";
	for (int i = 0; i < 6; i++)
		add(a, &s[i]);
	assert_int_equal(bs_analysis_add(a, "agent, unsigned", NOW_MS - 3600 * 1000, quiet.r), 0);
	q = bs_analysis_find(a, "quiet.corp.example");
	assert_int_equal(bs_analysis_add_change(a, q, "certificate_changed", "0.0.0.0:444",
	                     "1111000000000000000000000000000000000444 (CN=quiet)",
	                     "AAAA000000000000000000000000000000000443 (CN=mail.corp.example)",
	                     NOW_MS - 7200 * 1000, NOW_MS - 9000 * 1000),
	    0);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	/* fe2 lacks the fleet's certificate: copied from a front end that has it. */
	fix_check(find(a, "fe2.corp.example", "FRONTEND_CERT_INCONSISTENT"), "fe2.corp.example",
	    WANT("-Thumbprint 'AAAA000000000000000000000000000000000443' -BinaryEncoded",
	        "Import-ExchangeCertificate -Server 'fe2.corp.example'",
	        "Enable-ExchangeCertificate -Server 'fe2.corp.example' -Thumbprint "
	        "'AAAA000000000000000000000000000000000443' -Services IIS"),
	    NULL);
	/* fe3's only certificate for its name is the third-party one: make
	 * the self-signed one. */
	fix_check(find(a, "fe3.corp.example", "BACKEND_CERT_OUTLIER"), "fe3.corp.example",
	    WANT("New-ExchangeCertificate -Server 'fe3.corp.example' -SubjectName 'cn=fe3' "
	         "-DomainName 'fe3','fe3.corp.example' -FriendlyName 'Microsoft Exchange'"),
	    NULL);
	fix_check(find(a, "fe4.corp.example", "VERSION_DRIFT"), "fe4.corp.example",
	    WANT("build 15.2.1544.4", "Get-ExchangeServer -Identity 'fe4.corp.example'"), NULL);
	fix_check(find(a, "quiet.corp.example", "AGENT_STALE"), "quiet.corp.example",
	    WANT("Start-Service -Name 'bindscope-agent'", "bindscope\\agent.log"), NULL);
	fix_check(find(a, "quiet.corp.example", "CONFIG_CHANGED"), "quiet.corp.example",
	    WANT("netsh http show sslcert ipport='0.0.0.0:444'",
	        "certhash='1111000000000000000000000000000000000444'"),
	    NULL);
	bs_analysis_destroy(a);
}

/* No certificate in My covers the FQDN (the self-signed one was deleted):
 * the fix creates it, and needs no value the evidence lacks. */
static void
test_fix_creates_certificate_when_none_covers(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx03");
	const struct bs_finding *f;

	(void)state;
	s.b444->cert_thumbprint = s.c443->thumbprint;
	s.r->n_certificates = 1; /* only the namespace certificate is left */
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	f = find(a, "mbx03.corp.example", "BACKEND_CERT_NAME_MISMATCH");
	fix_check(f, "mbx03.corp.example",
	    WANT("$cert = New-ExchangeCertificate -Server 'mbx03.corp.example' -SubjectName "
	         "'cn=mbx03' -DomainName 'mbx03','mbx03.corp.example' -FriendlyName 'Microsoft "
	         "Exchange' -PrivateKeyExportable $true -Services None",
	        "$thumb = $cert.Thumbprint",
	        "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb"),
	    NULL);
	assert_null(strstr(f->fix, "<thumbprint>"));
	assert_non_null(strstr(f->remediation, "New-ExchangeCertificate"));
	bs_analysis_destroy(a);
}

/* Exchange renewed its self-signed certificate but 444 still names the
 * old, expired one: bind the renewed one, do not renew again. */
static void
test_fix_picks_renewed_self_signed(void **state)
{
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx05");
	Bindscope__V1__Certificate *renewed, *other;
	const struct bs_finding *f;

	(void)state;
	s.c444->not_after = NOW_MS / 1000 - 10 * DAY;
	renewed = cert(&a->arena, s.r, "5555000000000000000000000000000000000444", "mbx05",
	    BINDSCOPE__V1__TRI__TRI_YES, BINDSCOPE__V1__TRI__TRI_YES, 1800, NULL);
	renewed->friendly_name = "Microsoft Exchange";
	/* A third-party one for the name that lasts longer is not preferred. */
	other = cert(&a->arena, s.r, "6666000000000000000000000000000000000444", "mbx05",
	    BINDSCOPE__V1__TRI__TRI_NO, BINDSCOPE__V1__TRI__TRI_YES, 3000, NULL);
	other->friendly_name = "Corp";
	add(a, &s);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	assert_ptr_equal(bs_remedy_backend_cert(s.r, NOW_MS), renewed);
	f = find(a, "mbx05.corp.example", "CERT_EXPIRED");
	fix_check(f, "mbx05.corp.example",
	    WANT("$thumb = '5555000000000000000000000000000000000444'",
	        "netsh http add sslcert ipport=0.0.0.0:444 certhash=$thumb"),
	    NULL);
	assert_null(strstr(f->fix, "New-ExchangeCertificate"));
	assert_non_null(strstr(f->remediation, "5555000000000000000000000000000000000444"));
	bs_analysis_destroy(a);
}

/* Values shaped to break out of a single-quoted string, or to start a new
 * line, never reach a block: placeholders stand in for them. */
static void
test_fix_hostile_values_become_placeholders(void **state)
{
	static const char *const hostile[] = {
	    "Remove-Item", "\xe2\x80\x98", "\xe2\x80\x99", "\xe2\x80\x9a", "\xe2\x80\x9b", "\n\n"};
	struct bs_analysis *a = fleet();
	struct srv s = server(a, "mbx03"), fe = server(a, "mbx01");
	const struct bs_server *srv;
	size_t with_fix = 0;

	(void)state;
	s.r->host->fqdn = "mbx03.corp.example'; Remove-Item C:\\ -Recurse #";
	s.r->host->hostname = "mbx03\xe2\x80\x98; Remove-Item C:\\ #";
	/* The namespace certificate on 444, with a thumbprint that holds a line. */
	s.c443->thumbprint = "AAAA00000000000000000000000000000000044\nRemove-Item C:\\ -Recurse";
	s.b444->cert_thumbprint = s.c443->thumbprint;
	s.r->ssl_bindings[1]->cert_hash = s.c443->thumbprint;
	bs_arena_push(&a->arena, (void ***)&s.c443->used_by, &s.c443->n_used_by, "0.0.0.0:444");
	s.c443->not_after = NOW_MS / 1000 - DAY;
	s.c443->has_private_key = BINDSCOPE__V1__TRI__TRI_NO;
	s.c444->covers_fqdn = BINDSCOPE__V1__TRI__TRI_NO; /* nothing covers that name */
	s.b444->ip = "10.0.0.5";
	s.b444->binding_information = "10.0.0.5:444:\xe2\x80\x99; Remove-Item C:\\ #";
	s.r->sites[1]->name = "Exchange Back End\xe2\x80\x9b; Remove-Item C:\\ #";
	s.r->host->exchange_build = "15.2.1258.12'; Remove-Item C:\\ #";
	peer_sample(a, &fe, s.r->host->fqdn, 40, 38);
	add(a, &s);
	add(a, &fe);
	assert_int_equal(bs_analysis_evaluate(a), 0);
	srv = bs_analysis_find(a, s.r->host->fqdn);
	assert_non_null(srv);
	assert_true(srv->n_findings >= 4);
	for (size_t i = 0; i < srv->n_findings; i++) {
		const struct bs_finding *f = srv->findings[i];
		json_t *ph = bs_finding_placeholders(f);

		for (size_t k = 0; k < sizeof(hostile) / sizeof(hostile[0]); k++)
			if (strstr(f->fix, hostile[k]) != NULL)
				fail_msg("%s: fix holds hostile text:\n%s", f->rule->id, f->fix);
		for (const char *p = f->fix; *p != '\0'; p++)
			if ((unsigned char)*p >= 0x80 || ((unsigned char)*p < 0x20 && *p != '\n'))
				fail_msg(
				    "%s: fix holds byte 0x%02x", f->rule->id, (unsigned char)*p);
		if (f->fix[0] != '\0') {
			with_fix++;
			/* Every block says where to run it; the FQDN was not fit to. */
			assert_non_null(strstr(f->fix, "# On <FQDN>"));
			assert_string_equal(json_string_value(json_array_get(ph, 0)), "<FQDN>");
		}
		json_decref(ph);
	}
	assert_true(with_fix >= 4);
	/* The name-mismatch block had no valid thumbprint to offer either. */
	assert_non_null(strstr(find(a, s.r->host->fqdn, "BACKEND_CERT_NAME_MISMATCH")->fix,
	    "-SubjectName 'cn=<hostname>'"));
	bs_analysis_destroy(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthy_fleet_is_clean),
	    cmocka_unit_test(test_name_mismatch_config_only_is_warning),
	    cmocka_unit_test(test_name_mismatch_with_peer_failures_is_critical),
	    cmocka_unit_test(test_handful_of_failures_in_busy_window_stays_warning),
	    cmocka_unit_test(test_wildcard_third_party_is_info_only),
	    cmocka_unit_test(test_unknown_coverage_raises_nothing),
	    cmocka_unit_test(test_backend_binding_missing),
	    cmocka_unit_test(test_cert_not_in_store),
	    cmocka_unit_test(test_https_binding_without_cert),
	    cmocka_unit_test(test_expiry),
	    cmocka_unit_test(test_cert_findings_name_every_endpoint),
	    cmocka_unit_test(test_cert_endpoints_bounded),
	    cmocka_unit_test(test_stale_agent),
	    cmocka_unit_test(test_sweep_cut_short),
	    cmocka_unit_test(test_cert_stores_not_read),
	    cmocka_unit_test(test_sweep_cut_short_named_limit),
	    cmocka_unit_test(test_probe_failed),
	    cmocka_unit_test(test_binding_rules),
	    cmocka_unit_test(test_certificate_quality_rules),
	    cmocka_unit_test(test_fleet_consistency),
	    cmocka_unit_test(test_backend_unreachable_from_peers),
	    cmocka_unit_test(test_peers_below_threshold_or_self_raise_nothing),
	    cmocka_unit_test(test_proxy_backend_errors_names_targets),
	    cmocka_unit_test(test_configured_thresholds_and_severities),
	    cmocka_unit_test(test_fix_binding_rules_hold_the_values),
	    cmocka_unit_test(test_fix_cert_rules_hold_the_values),
	    cmocka_unit_test(test_fix_traffic_and_fleet_rules_hold_the_values),
	    cmocka_unit_test(test_fix_fleet_rules_hold_the_values),
	    cmocka_unit_test(test_fix_creates_certificate_when_none_covers),
	    cmocka_unit_test(test_fix_picks_renewed_self_signed),
	    cmocka_unit_test(test_fix_hostile_values_become_placeholders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
