/* changes: the diff of two reports behind the change log. */
#include "analysis/changes.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int
changes_failed(const bs_report *r, const char *source)
{
	for (size_t i = 0; i < r->n_errors; i++)
		if (strcmp(r->errors[i]->source, source) == 0)
			return 1;
	return 0;
}

static const Bindscope__V1__Site *
changes_site(const bs_report *r, uint32_t id)
{
	for (size_t i = 0; i < r->n_sites; i++)
		if (r->sites[i]->id == id)
			return r->sites[i];
	return NULL;
}

static int
changes_has_binding(const Bindscope__V1__Site *s, const Bindscope__V1__Binding *b)
{
	for (size_t i = 0; i < s->n_bindings; i++)
		if (strcasecmp(s->bindings[i]->protocol, b->protocol) == 0 &&
		    strcasecmp(s->bindings[i]->binding_information, b->binding_information) == 0)
			return 1;
	return 0;
}

/* Bindings of a that b lacks, reported as kind. */
static int
changes_bindings(const Bindscope__V1__Site *a, const Bindscope__V1__Site *b, const char *kind,
    int added, bs_change_fn fn, void *arg)
{
	for (size_t i = 0; i < a->n_bindings; i++) {
		const Bindscope__V1__Binding *x = a->bindings[i];
		char object[512], what[256];
		int rv;

		if (changes_has_binding(b, x))
			continue;
		snprintf(object, sizeof(object), "%s: %s %s", a->name, x->protocol,
		    x->binding_information);
		snprintf(what, sizeof(what), "%s %s", x->protocol, x->binding_information);
		if ((rv = fn(arg, kind, object, added ? "" : what, added ? what : "")) != 0)
			return rv;
	}
	return 0;
}

static int
changes_sites(const bs_report *prev, const bs_report *cur, bs_change_fn fn, void *arg)
{
	int rv;

	for (size_t i = 0; i < cur->n_sites; i++) {
		const Bindscope__V1__Site *now = cur->sites[i];
		const Bindscope__V1__Site *was = changes_site(prev, now->id);

		if (was == NULL) {
			if ((rv = fn(arg, BS_CHANGE_SITE_ADDED, now->name, "", now->name)) != 0)
				return rv;
			continue;
		}
		if (strcmp(was->name, now->name) != 0 &&
		    (rv = fn(arg, BS_CHANGE_SITE_RENAMED, now->name, was->name, now->name)) != 0)
			return rv;
		if ((rv = changes_bindings(now, was, BS_CHANGE_BINDING_ADDED, 1, fn, arg)) != 0 ||
		    (rv = changes_bindings(was, now, BS_CHANGE_BINDING_REMOVED, 0, fn, arg)) != 0)
			return rv;
	}
	for (size_t i = 0; i < prev->n_sites; i++)
		if (changes_site(cur, prev->sites[i]->id) == NULL &&
		    (rv = fn(arg, BS_CHANGE_SITE_REMOVED, prev->sites[i]->name,
		         prev->sites[i]->name, "")) != 0)
			return rv;
	return 0;
}

static const Bindscope__V1__SslBinding *
changes_ssl(const bs_report *r, const char *endpoint)
{
	for (size_t i = 0; i < r->n_ssl_bindings; i++)
		if (strcasecmp(r->ssl_bindings[i]->endpoint, endpoint) == 0)
			return r->ssl_bindings[i];
	return NULL;
}

/* "THUMBPRINT (CN=name)" or the thumbprint alone when the certificate is
 * not in the report's stores (a dangling binding). */
static void
changes_cert_text(const bs_report *r, const Bindscope__V1__SslBinding *sb, char *out, size_t n)
{
	for (size_t i = 0; i < r->n_certificates; i++) {
		const Bindscope__V1__Certificate *c = r->certificates[i];

		if (strcasecmp(c->thumbprint, sb->cert_hash) == 0) {
			snprintf(out, n, "%s (%s%s)", sb->cert_hash,
			    c->common_name[0] != '\0' ? "CN=" : "",
			    c->common_name[0] != '\0' ? c->common_name : c->subject);
			return;
		}
	}
	snprintf(out, n, "%s (not in the store)", sb->cert_hash);
}

static int
changes_ssl_bindings(const bs_report *prev, const bs_report *cur, bs_change_fn fn, void *arg)
{
	char before[400], after[400];
	int rv;

	for (size_t i = 0; i < cur->n_ssl_bindings; i++) {
		const Bindscope__V1__SslBinding *now = cur->ssl_bindings[i];
		const Bindscope__V1__SslBinding *was = changes_ssl(prev, now->endpoint);

		changes_cert_text(cur, now, after, sizeof(after));
		if (was == NULL) {
			rv = fn(arg, BS_CHANGE_SSL_ADDED, now->endpoint, "", after);
		} else if (strcasecmp(was->cert_hash, now->cert_hash) != 0 ||
		    strcasecmp(was->store_name, now->store_name) != 0) {
			changes_cert_text(prev, was, before, sizeof(before));
			rv = fn(arg, BS_CHANGE_CERT_CHANGED, now->endpoint, before, after);
		} else {
			rv = 0;
		}
		if (rv != 0)
			return rv;
	}
	for (size_t i = 0; i < prev->n_ssl_bindings; i++) {
		const Bindscope__V1__SslBinding *was = prev->ssl_bindings[i];

		if (changes_ssl(cur, was->endpoint) != NULL)
			continue;
		changes_cert_text(prev, was, before, sizeof(before));
		if ((rv = fn(arg, BS_CHANGE_SSL_REMOVED, was->endpoint, before, "")) != 0)
			return rv;
	}
	return 0;
}

int
bs_changes_diff(const bs_report *prev, const bs_report *cur, bs_change_fn fn, void *arg)
{
	int rv = 0;

	if (!changes_failed(prev, "iis_config") && !changes_failed(cur, "iis_config"))
		rv = changes_sites(prev, cur, fn, arg);
	if (rv == 0 && !changes_failed(prev, "sslbind") && !changes_failed(cur, "sslbind") &&
	    !changes_failed(prev, "registry") && !changes_failed(cur, "registry"))
		rv = changes_ssl_bindings(prev, cur, fn, arg);
	return rv;
}

void
bs_change_describe(const char *kind, const char *object, const char *before, const char *after,
    char *out, size_t n)
{
	if (strcmp(kind, BS_CHANGE_CERT_CHANGED) == 0)
		snprintf(out, n, "certificate on %s changed from %s to %s", object, before, after);
	else if (strcmp(kind, BS_CHANGE_SSL_ADDED) == 0)
		snprintf(out, n, "http.sys binding %s added with %s", object, after);
	else if (strcmp(kind, BS_CHANGE_SSL_REMOVED) == 0)
		snprintf(out, n, "http.sys binding %s (%s) removed", object, before);
	else if (strcmp(kind, BS_CHANGE_SITE_RENAMED) == 0)
		snprintf(out, n, "site '%s' renamed to '%s'", before, after);
	else if (strcmp(kind, BS_CHANGE_SITE_ADDED) == 0)
		snprintf(out, n, "site '%s' added", object);
	else if (strcmp(kind, BS_CHANGE_SITE_REMOVED) == 0)
		snprintf(out, n, "site '%s' removed", object);
	else if (strcmp(kind, BS_CHANGE_BINDING_ADDED) == 0)
		snprintf(out, n, "binding %s added", object);
	else if (strcmp(kind, BS_CHANGE_BINDING_REMOVED) == 0)
		snprintf(out, n, "binding %s removed", object);
	else
		snprintf(out, n, "%s %s: '%s' -> '%s'", kind, object, before, after);
}
