/* rules_bench: the fleet analysis at scale (prints figures; not a
 * pass/fail test). For each fleet size it generates that many servers'
 * realistic reports (two sites, namespace and self-signed certificates,
 * five HttpProxy samples naming peers as targets, a W3SVC2 sample, a
 * probe; about one server in twenty with a seeded fault), stores them in a
 * fresh SQLite database, runs the history pass, then times what
 * `report --format json` does: load the newest reports, run every rule,
 * write the JSON.   rules_bench DIR [N...]   (default 1000 10000)
 * BS_BENCH_KEEP=1 leaves DIR/fleet-N.db behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/analyze.h"
#include "config.h"
#include "output/load.h"
#include "upkeep/history_pass.h"
#include "output/report_json.h"
#include "store/store.h"
#include "wire.h"

#define NOW_MS (1800000000LL * 1000)

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static Bindscope__V1__Certificate *
cert(struct bs_arena *a, bs_report *r, const char *thumb, const char *cn, int self, int covers,
    int64_t days, const char *used_by)
{
	Bindscope__V1__Certificate *c = BS_NEW(a, certificate);

	c->thumbprint = (char *)thumb;
	c->store = "My";
	c->common_name = (char *)cn;
	c->subject = bs_arena_printf(a, "CN=%s,O=Corp Example,C=US", cn);
	c->issuer = self ? c->subject : "CN=Corp Issuing CA 1,DC=corp,DC=example";
	c->self_signed = self ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
	c->covers_fqdn = covers ? BINDSCOPE__V1__TRI__TRI_YES : BINDSCOPE__V1__TRI__TRI_NO;
	c->not_before = NOW_MS / 1000 - 100 * 86400;
	c->not_after = NOW_MS / 1000 + days * 86400;
	c->key_type = "RSA";
	c->key_bits = 2048;
	c->signature_algorithm = "sha256WithRSAEncryption";
	c->has_private_key = BINDSCOPE__V1__TRI__TRI_YES;
	bs_arena_push(a, (void ***)&c->dns_names, &c->n_dns_names, (void *)cn);
	if (used_by != NULL)
		bs_arena_push(a, (void ***)&c->used_by, &c->n_used_by, (void *)used_by);
	bs_arena_push(a, (void ***)&r->certificates, &r->n_certificates, c);
	return c;
}

static void
site(struct bs_arena *a, bs_report *r, const char *name, uint32_t id, uint32_t port,
    const char *endpoint, const char *thumb)
{
	Bindscope__V1__Site *s = BS_NEW(a, site);
	Bindscope__V1__Binding *b = BS_NEW(a, binding), *h = BS_NEW(a, binding);
	Bindscope__V1__SslBinding *sb = BS_NEW(a, ssl_binding);

	s->name = (char *)name;
	s->id = id;
	h->protocol = "http";
	h->binding_information = bs_arena_printf(a, "*:%u:", port == 443 ? 80u : 81u);
	h->ip = "*";
	h->port = port == 443 ? 80 : 81;
	b->protocol = "https";
	b->binding_information = bs_arena_printf(a, "*:%u:", port);
	b->ip = "*";
	b->port = port;
	b->ssl_endpoint = (char *)endpoint;
	b->cert_thumbprint = (char *)thumb;
	b->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_OK;
	bs_arena_push(a, (void ***)&s->bindings, &s->n_bindings, h);
	bs_arena_push(a, (void ***)&s->bindings, &s->n_bindings, b);
	bs_arena_push(a, (void ***)&r->sites, &r->n_sites, s);
	sb->kind = BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP;
	sb->endpoint = (char *)endpoint;
	sb->cert_hash = (char *)thumb;
	sb->store_name = "MY";
	sb->app_id = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
	sb->source = "registry";
	bs_arena_push(a, (void ***)&r->ssl_bindings, &r->n_ssl_bindings, sb);
}

/* Server i of n; fault: 0 none, 1 name mismatch on 444, 2 expiring 443. */
static bs_report *
make(struct bs_arena *a, size_t i, size_t n, int fault)
{
	static const char *const protos[] = {"Owa", "Ews", "Mapi", "Autodiscover", "Ecp"};
	bs_report *r = BS_NEW(a, report);
	char *fqdn = bs_arena_printf(a, "mbx%05zu.corp.example", i);
	char *self = bs_arena_printf(a, "%040zX", i + 1);
	const char *ns = "CF5AF5D0B4CB663E9A8722803AD60C7280F3CFA1";

	r->schema_version = BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT;
	r->agent = BS_NEW(a, agent_info);
	r->agent->agent_id = fqdn;
	r->agent->boot_id = "bench";
	r->agent->sequence = 1;
	r->agent->collected_at_ms = NOW_MS - 60000;
	r->host = BS_NEW(a, host);
	r->host->fqdn = fqdn;
	r->host->hostname = bs_arena_printf(a, "mbx%05zu", i);
	r->host->domain = "corp.example";
	r->host->exchange_build = i % 50 == 7 ? "15.2.1258.12" : "15.2.1544.4";
	cert(a, r, ns, "mail.corp.example", 0, 0, fault == 2 ? 5 : 400, "0.0.0.0:443");
	cert(a, r, self, r->host->hostname, 1, 1, 1800, fault == 1 ? NULL : "0.0.0.0:444");
	site(a, r, "Default Web Site", 1, 443, "0.0.0.0:443", ns);
	site(a, r, "Exchange Back End", 2, 444, "0.0.0.0:444", fault == 1 ? ns : self);
	for (size_t p = 0; p < 5; p++) {
		Bindscope__V1__LogSample *ls = BS_NEW(a, log_sample);

		ls->kind = BINDSCOPE__V1__LOG_KIND__LOG_HTTPPROXY;
		ls->name = (char *)protos[p];
		ls->window_start_ms = NOW_MS - 3600000;
		ls->window_end_ms = NOW_MS - 60000;
		ls->lines_read = 4000;
		for (size_t t = 0; t < 8; t++) {
			Bindscope__V1__TargetStat *ts = BS_NEW(a, target_stat);
			size_t target = (size_t)(next() % n);

			ts->target_server = bs_arena_printf(a, "mbx%05zu.corp.example", target);
			ts->requests = 50 + next() % 200;
			ts->backend_failures = next() % 100 == 0 ? 1 : 0;
			ts->top_web_exception = "";
			bs_arena_push(a, (void ***)&ls->targets, &ls->n_targets, ts);
		}
		for (int st = 0; st < 4; st++) {
			Bindscope__V1__StatusCount *sc = BS_NEW(a, status_count);

			sc->http_status = st == 0 ? 200 : st == 1 ? 401 : st == 2 ? 302 : 500;
			sc->count = st == 3 ? 2 : 900;
			bs_arena_push(a, (void ***)&ls->statuses, &ls->n_statuses, sc);
		}
		bs_arena_push(a, (void ***)&r->log_samples, &r->n_log_samples, ls);
	}
	{
		Bindscope__V1__Probe *p = BS_NEW(a, probe);

		p->host = fqdn;
		p->sni = fqdn;
		p->port = 444;
		p->result = fault == 1 ? BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_NAME_MISMATCH
		                       : BINDSCOPE__V1__PROBE_RESULT__PROBE_CERT_SELF_SIGNED;
		bs_arena_push(a, (void ***)&r->probes, &r->n_probes, p);
	}
	return r;
}

static int
run(const char *dir, size_t n)
{
	char path[4096];
	struct bs_store *st = NULL;
	struct bs_analysis_options o;
	struct bs_analysis *an = NULL;
	size_t done = 0, total_bytes = 0, findings = 0;
	double t0, t_import, t_hist, t_load, t_json;
	char *json;
	json_t *doc;

	snprintf(path, sizeof(path), "%s/fleet-%zu.db", dir, n);
	remove(path);
	if (bs_store_open(path, 0, &st) != 0)
		return 1;
	t0 = now_s();
	bs_store_begin(st);
	for (size_t i = 0; i < n; i++) {
		struct bs_arena a;
		bs_report *r;
		uint8_t *raw;
		size_t len;
		int dup;

		bs_arena_init(&a, 0);
		r = make(&a, i, n, i % 20 == 3 ? 1 : i % 20 == 11 ? 2 : 0);
		if (bs_wire_pack(&r->base, &raw, &len) != 0 ||
		    bs_store_put_report(st, r->host->fqdn, r->host->fqdn, BS_PROV_AGENT_SIGNED, raw,
		        len, r, NULL, NOW_MS - 30000, &dup) != 0)
			return 1;
		total_bytes += len;
		free(raw);
		bs_arena_fini(&a);
		if (i % 1000 == 999) {
			bs_store_commit(st);
			bs_store_begin(st);
		}
	}
	bs_store_commit(st);
	t_import = now_s() - t0;
	bs_analysis_options_defaults(&o);
	o.now_ms = NOW_MS;
	t0 = now_s();
	if (bs_history_pass(st, &o, n, &done) != 0)
		return 1;
	t_hist = now_s() - t0;
	t0 = now_s();
	if (bs_output_load(st, &o, &an) != 0)
		return 1;
	t_load = now_s() - t0;
	t0 = now_s();
	doc = bs_report_json(an);
	json = json_dumps(doc, JSON_INDENT(2));
	t_json = now_s() - t0;
	for (size_t i = 0; i < an->n_servers; i++)
		findings += an->servers[i]->n_findings;
	printf("%7zu servers: %6.1f KiB/report; store %6.2f s; history pass %6.2f s;"
	       " load + every rule %6.3f s; JSON report %6.3f s (%zu MiB);"
	       " rules + JSON %6.3f s; %zu findings\n",
	    n, (double)total_bytes / (double)n / 1024.0, t_import, t_hist, t_load, t_json,
	    strlen(json) >> 20, t_load + t_json, findings);
	{
		char *per = json_dumps(
		    json_object_get(json_object_get(doc, "summary"), "findings_per_rule"),
		    JSON_COMPACT);

		printf("         per rule: %s\n", per != NULL ? per : "?");
		free(per);
	}
	fflush(stdout);
	free(json);
	json_decref(doc);
	bs_analysis_destroy(an);
	bs_store_close(st);
	if (getenv("BS_BENCH_KEEP") == NULL) /* the dashboard benchmark serves it */
		remove(path);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t sizes[8] = {1000, 10000};
	size_t nsizes = 2;

	if (argc < 2) {
		fprintf(stderr, "usage: rules_bench DIR [N...]\n");
		return 2;
	}
	if (argc > 2) {
		nsizes = 0;
		for (int i = 2; i < argc && nsizes < 8; i++) {
			unsigned long long v;

			if (bs_parse_uint(argv[i], 10000000, &v) != 0 || v == 0) {
				fprintf(
				    stderr, "rules_bench: '%s': expected a fleet size\n", argv[i]);
				return 2;
			}
			sizes[nsizes++] = (size_t)v;
		}
	}
	for (size_t i = 0; i < nsizes; i++)
		if (run(argv[1], sizes[i]) != 0) {
			fprintf(stderr, "rules_bench: fleet of %zu failed\n", sizes[i]);
			return 1;
		}
	return 0;
}
