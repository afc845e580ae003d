/* probes: the sweep's live TLS probes, joined to the evidence: which
 * certificate http.sys should present on that port, and whether the
 * server presented it. Trust anchors are the server's exported Root store
 * (what Windows on that server trusts) plus an optional CA bundle. */
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "tls_probe.h"
#include "sweep.h"

#define PROBE_MAX_TARGETS 32

static X509_STORE *
probes_trust(struct bs_sweep *s)
{
	const bs_report *r = s->report;
	X509_STORE *st = X509_STORE_new();

	if (st == NULL)
		return NULL;
	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];
		const unsigned char *p = c->der.data;
		X509 *x;

		if (strcasecmp(c->store, "Root") != 0 || c->der.len == 0)
			continue;
		if ((x = d2i_X509(NULL, &p, (long)c->der.len)) != NULL) {
			X509_STORE_add_cert(st, x);
			X509_free(x);
		}
	}
	if (s->probes->ca_file != NULL && s->probes->ca_file[0] != '\0' &&
	    X509_STORE_load_file(st, s->probes->ca_file) != 1)
		bs_sweep_error(s, "probe", s->probes->ca_file, 0, "cannot load the CA bundle");
	return st;
}

/* The thumbprint http.sys would present for name:port. */
static const char *
probes_binding(const bs_report *r, const char *name, unsigned port)
{
	char sni[300], ip[32];

	snprintf(sni, sizeof(sni), "%s:%u", name, port);
	snprintf(ip, sizeof(ip), "0.0.0.0:%u", port);
	for (size_t i = 0; i < r->n_ssl_bindings; i++)
		if (r->ssl_bindings[i]->kind == BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI &&
		    strcasecmp(r->ssl_bindings[i]->endpoint, sni) == 0)
			return r->ssl_bindings[i]->cert_hash;
	for (size_t i = 0; i < r->n_ssl_bindings; i++)
		if (strcmp(r->ssl_bindings[i]->endpoint, ip) == 0)
			return r->ssl_bindings[i]->cert_hash;
	return NULL;
}

int
bs_src_probes(struct bs_sweep *s)
{
	const struct bs_probe_options *po = s->probes;
	const char *fqdn = s->report->host != NULL ? s->report->host->fqdn : "";
	struct bs_probe_target t[PROBE_MAX_TARGETS];
	char names[PROBE_MAX_TARGETS][256], hosts[PROBE_MAX_TARGETS][256];
	Bindscope__V1__Probe *out[PROBE_MAX_TARGETS];
	unsigned ports[PROBE_MAX_TARGETS]; /* the port the front end would use */
	struct bs_probe_opts o;
	size_t n = 0;
	int rv;

	if (po == NULL || po->ntargets == 0)
		return 0;
	for (size_t i = 0; i < po->ntargets && n < PROBE_MAX_TARGETS; i++) {
		const char *spec = po->targets[i], *at = strchr(spec, '@');
		char first[300];
		unsigned port, cport;

		snprintf(first, sizeof(first), "%.*s",
		    at != NULL ? (int)(at - spec) : (int)strlen(spec), spec);
		if (bs_probe_parse_target(first, names[n], sizeof(names[n]), &port) != 0 ||
		    (at != NULL &&
		        bs_probe_parse_target(at + 1, hosts[n], sizeof(hosts[n]), &cport) != 0)) {
			bs_sweep_error(s, "probe", spec, 0, "not NAME:PORT or NAME:PORT@HOST:PORT");
			continue;
		}
		if (strcmp(names[n], "self") == 0) {
			if (fqdn[0] == '\0') {
				bs_sweep_error(s, "probe", spec, 0, "the server's FQDN is unknown");
				continue;
			}
			snprintf(names[n], sizeof(names[n]), "%s", fqdn);
		}
		if (at == NULL) {
			snprintf(hosts[n], sizeof(hosts[n]), "%s", names[n]);
			cport = port;
		}
		t[n].host = hosts[n];
		t[n].port = cport;
		t[n].name = names[n];
		ports[n] = port;
		out[n] = NULL;
		n++;
	}
	o.timeout_ms = po->timeout_ms;
	if ((o.trust = probes_trust(s)) == NULL)
		return BS_ENOMEM;
	rv = bs_probe_run_many(t, n, &o, s->arena, out);
	X509_STORE_free(o.trust);
	for (size_t i = 0; rv == 0 && i < n; i++) {
		Bindscope__V1__Probe *p = out[i];
		const char *bind;

		if (p == NULL)
			continue;
		/* Report the port the front end would use, not a relay's. */
		p->port = ports[i];
		bind = probes_binding(s->report, p->sni, ports[i]);
		if (bind != NULL && bind[0] != '\0') {
			p->binding_thumbprint = (char *)bind;
			if (p->n_chain_thumbprints > 0)
				p->leaf_matches_binding =
				    strcasecmp(p->chain_thumbprints[0], bind) == 0
				    ? BINDSCOPE__V1__TRI__TRI_YES
				    : BINDSCOPE__V1__TRI__TRI_NO;
		}
		rv = BS_PUSH(s, s->report->probes, s->report->n_probes, p);
	}
	return rv;
}
