/* report_json: the analysis as JSON, the one shape behind the JSON API,
 * the dashboard, `report --format json` and the auditor's HTML file. All
 * returned values are new references (json_decref them). */
#ifndef BS_OUTPUT_REPORT_JSON_H
#define BS_OUTPUT_REPORT_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/model.h"

/* The whole report: generated_at, summary, servers (with findings). */
json_t *bs_report_json(const struct bs_analysis *a);
/* Fleet counts: servers by status, findings per rule, newest report. */
json_t *bs_report_json_summary(const struct bs_analysis *a);
/* One server; detail adds its full report (sites, bindings, certs...). */
json_t *bs_report_json_server(const struct bs_server *s, int detail);
/* Every finding, flat, each with its server's fqdn. */
json_t *bs_report_json_findings(const struct bs_analysis *a);

/* The certificate behind the first https binding of the front-end
 * (443) or back-end (444) site: cert NULL and kind "missing" when there is
 * no such binding (binding NULL) or its certificate is not in the store.
 * Pointers into the report. */
struct bs_site_cert {
	const char *kind; /* "self-signed", "third-party" or "missing" */
	const Bindscope__V1__Certificate *cert;
	const Bindscope__V1__Binding *binding;
	int backend;
};
void bs_report_site_cert(const bs_report *r, int backend, struct bs_site_cert *out);
/* "third-party: mail.corp.example", "missing"; a back-end certificate
 * that does not cover the server's FQDN says so. */
void bs_report_site_cert_label(const struct bs_site_cert *sc, char *out, size_t n);

/* "critical", "warning", "stale" or "clean". */
const char *bs_report_status(const struct bs_server *s);

#endif
