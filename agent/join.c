/* join: links each IIS https binding to the http.sys entry that serves it
 * and that entry to its certificate, the way http.sys itself resolves
 * them. Every broken link becomes a recorded fact, never a skip. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "sweep.h"

static Bindscope__V1__SslBinding *
join_find_ssl(const bs_report *r, Bindscope__V1__SslBindingKind kind, const char *endpoint)
{
	for (size_t i = 0; i < r->n_ssl_bindings; i++) {
		Bindscope__V1__SslBinding *b = r->ssl_bindings[i];

		if (b->kind == kind && strcasecmp(b->endpoint, endpoint) == 0)
			return b;
	}
	return NULL;
}

/* http.sys picks the most specific entry: the exact IP:port, then the
 * wildcard of the address family. */
static Bindscope__V1__SslBinding *
join_resolve(const bs_report *r, const Bindscope__V1__Binding *b)
{
	char ep[512];
	Bindscope__V1__SslBinding *sb;

	if (b->ssl_flags & 1u) {
		snprintf(ep, sizeof(ep), "%s:%u", b->host, b->port);
		return join_find_ssl(r, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_SNI, ep);
	}
	if (strcmp(b->ip, "*") != 0) {
		snprintf(ep, sizeof(ep), "%s:%u", b->ip, b->port);
		if ((sb = join_find_ssl(r, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP, ep)) !=
		    NULL)
			return sb;
		if (b->ip[0] == '[') {
			snprintf(ep, sizeof(ep), "[::]:%u", b->port);
			if ((sb = join_find_ssl(
			         r, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP, ep)) != NULL)
				return sb;
		}
	}
	snprintf(ep, sizeof(ep), "0.0.0.0:%u", b->port);
	return join_find_ssl(r, BINDSCOPE__V1__SSL_BINDING_KIND__SSL_BINDING_IP, ep);
}

static int
join_store_exists(const struct bs_sweep *s, const char *store)
{
	for (size_t i = 0; i < s->nstores; i++)
		if (strcasecmp(s->stores[i], store) == 0)
			return 1;
	return 0;
}

static int
join_ssl_to_cert(struct bs_sweep *s, Bindscope__V1__SslBinding *sb)
{
	bs_report *r = s->report;

	if (sb->cert_hash[0] == '\0') {
		sb->cert_status = BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE;
		return 0;
	}
	/* No store at all (certstore/ not exported, or Windows refused to
	 * list them) says nothing of this certificate: a server always has
	 * My and Root. Not "not in store", which is an outage. */
	if (s->nstores == 0) {
		sb->cert_status = BINDSCOPE__V1__JOIN_STATUS__JOIN_STORES_NOT_READ;
		return 0;
	}
	if (!join_store_exists(s, sb->store_name)) {
		sb->cert_status = BINDSCOPE__V1__JOIN_STATUS__JOIN_STORE_MISSING;
		return 0;
	}
	sb->cert_status = BINDSCOPE__V1__JOIN_STATUS__JOIN_CERT_NOT_IN_STORE;
	for (size_t i = 0; i < r->n_certificates; i++) {
		Bindscope__V1__Certificate *c = r->certificates[i];

		if (strcasecmp(c->thumbprint, sb->cert_hash) == 0 &&
		    strcasecmp(c->store, sb->store_name) == 0) {
			sb->cert_status = BINDSCOPE__V1__JOIN_STATUS__JOIN_OK;
			return BS_PUSH(s, c->used_by, c->n_used_by, sb->endpoint);
		}
	}
	return 0;
}

int
bs_join(struct bs_sweep *s)
{
	bs_report *r = s->report;
	int rv;

	for (size_t i = 0; i < r->n_ssl_bindings; i++)
		if ((rv = join_ssl_to_cert(s, r->ssl_bindings[i])) != 0)
			return rv;
	for (size_t i = 0; i < r->n_sites; i++) {
		Bindscope__V1__Site *site = r->sites[i];

		for (size_t k = 0; k < site->n_bindings; k++) {
			Bindscope__V1__Binding *b = site->bindings[k];
			Bindscope__V1__SslBinding *sb;

			if (b->join == BINDSCOPE__V1__JOIN_STATUS__JOIN_NOT_HTTPS || b->port == 0)
				continue;
			if (b->ssl_flags & 2u) {
				b->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_CENTRAL_CERT_STORE;
				continue;
			}
			sb = join_resolve(r, b);
			if (sb == NULL) {
				b->join = BINDSCOPE__V1__JOIN_STATUS__JOIN_NO_SSL_BINDING;
				continue;
			}
			b->ssl_endpoint = sb->endpoint;
			b->cert_thumbprint = sb->cert_hash;
			b->join = sb->cert_status;
		}
	}
	return 0;
}
