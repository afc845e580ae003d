/* report_text: CSV and self-contained HTML renderings of an analysis. */
#include "output/report_text.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "output/escape.h"
#include "output/report_json.h"
#include "output/report_svg.h"
#include "output/summary.h"

/* "until T by WHO: reason" for a muted finding, "" otherwise. */
static void
report_muted_text(const struct bs_finding *f, char *out, size_t n)
{
	char until[32];

	out[0] = '\0';
	if (f->mute == NULL)
		return;
	bs_time_format(f->mute->expires_ms, until, sizeof(until));
	snprintf(out, n, "until %s by %s: %s", until, f->mute->by, f->mute->reason);
}

int
bs_report_csv(const struct bs_analysis *a, struct bs_buf *out)
{
	int rv = bs_buf_puts(out,
	    "server,exchange_build,status,rule,severity,title,"
	    "evidence,remediation,first_seen,last_seen,muted,fix\r\n");

	for (size_t i = 0; rv == 0 && i < a->n_servers; i++) {
		const struct bs_server *s = a->servers[i];

		for (size_t k = 0; rv == 0 && k < s->n_findings; k++) {
			const struct bs_finding *f = s->findings[k];
			char *ev = json_dumps(f->evidence, JSON_COMPACT | JSON_SORT_KEYS);
			char first[32], last[32], muted[600];
			const char *cells[] = {s->fqdn, s->report->host->exchange_build,
			    bs_report_status(s), f->rule->id, bs_severity_name(f->severity),
			    f->title, ev != NULL ? ev : "{}", f->remediation, first, last, muted,
			    f->fix != NULL ? f->fix : ""};

			bs_time_format(f->first_seen_ms, first, sizeof(first));
			bs_time_format(f->last_seen_ms, last, sizeof(last));
			report_muted_text(f, muted, sizeof(muted));

			for (size_t c = 0; rv == 0 && c < sizeof(cells) / sizeof(cells[0]); c++) {
				if (c > 0)
					rv = bs_buf_putc(out, ',');
				if (rv == 0)
					rv = bs_csv_field(out, cells[c]);
			}
			if (rv == 0)
				rv = bs_buf_puts(out, "\r\n");
			free(ev);
		}
	}
	return rv;
}

/* The finding's PowerShell block, and which of its values the evidence
 * did not hold (the <placeholders> an admin must fill in first). */
static int
report_html_fix(struct bs_buf *out, const struct bs_finding *f)
{
	json_t *ph;
	int rv = 0;

	if (f->fix == NULL || f->fix[0] == '\0')
		return 0;
	rv |= bs_buf_puts(out, "<pre class=\"fix\">");
	rv |= bs_html_escape(out, f->fix);
	rv |= bs_buf_puts(out, "</pre>");
	ph = bs_finding_placeholders(f);
	if (ph == NULL)
		return BS_ENOMEM;
	if (json_array_size(ph) > 0) {
		rv |= bs_buf_puts(out, "<p>Values not in the evidence: ");
		for (size_t i = 0; i < json_array_size(ph); i++) {
			rv |= bs_buf_puts(out, i > 0 ? ", <code>" : "<code>");
			rv |= bs_html_escape(out, json_string_value(json_array_get(ph, i)));
			rv |= bs_buf_puts(out, "</code>");
		}
		rv |= bs_buf_puts(out, "; replace them before running the block.</p>");
	}
	json_decref(ph);
	return rv;
}

/* Log samples the agent found copy-truncated and read again from the
 * start (LogSample.files_truncated), as the dashboard's server page says
 * it; the table only when some sample has any. */
static int
report_html_truncated(struct bs_buf *out, const struct bs_analysis *a)
{
	int rv = 0, any = 0;

	for (size_t i = 0; rv == 0 && i < a->n_servers; i++) {
		const bs_report *r = a->servers[i]->report;

		for (size_t k = 0; rv == 0 && k < r->n_log_samples; k++) {
			const Bindscope__V1__LogSample *l = r->log_samples[k];

			if (l->files_truncated == 0)
				continue;
			if (!any++)
				rv |= bs_buf_puts(out,
				    "<table><caption>Log files truncated in place</caption><thead><tr>"
				    "<th scope=\"col\">Server</th><th scope=\"col\">Log</th>"
				    "<th scope=\"col\">Files</th></tr></thead><tbody>\n");
			rv |= bs_buf_puts(out, "<tr><td>");
			rv |= bs_html_escape(out, a->servers[i]->fqdn);
			rv |= bs_buf_printf(out, "</td><td>%s ",
			    l->kind == BINDSCOPE__V1__LOG_KIND__LOG_W3C ? "IIS" : "HttpProxy");
			rv |= bs_html_escape(out, l->name);
			if (l->files_truncated == 1)
				rv |= bs_buf_puts(out,
				    "</td><td>1 log file was truncated in place and re-read</td></tr>\n");
			else
				rv |= bs_buf_printf(out,
				    "</td><td>%u log files were truncated in place and re-read</td></tr>\n",
				    (unsigned)l->files_truncated);
		}
	}
	if (any)
		rv |= bs_buf_puts(out, "</tbody></table>\n");
	return rv;
}

static const char html_style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1b1b;background:#fff}"
    "h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0}"
    "th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#eee}.critical{color:#a00;font-weight:600}.warning{color:#8a5a00;"
    "font-weight:600}.clean{color:#176117}pre{white-space:pre-wrap;margin:0;font-size:12px}"
    "pre.fix{margin:.4rem 0 0;padding:.35rem;border:1px solid #bbb;background:#f6f6f6}"
    "footer{margin-top:2rem;font-size:12px;color:#444}"
    "@media (prefers-color-scheme:dark){body{background:#121212;color:#e6e6e6}"
    "th{background:#2a2a2a}pre.fix{background:#1e1e1e}.critical{color:#ff7b7b}"
    ".warning{color:#ffc861}"
    ".clean{color:#8fd88f}footer{color:#aaa}}"
    "@media print{body{margin:0;font-size:11px}table{font-size:10px}"
    "thead{display:table-header-group}pre{font-size:9px}}";

int
bs_report_html(const struct bs_analysis *a, struct bs_store *st, struct bs_buf *out)
{
	char when[32], hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	json_t *doc = bs_report_json(a);
	char *data = doc != NULL ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char first[32];
	int rv = 0;

	json_decref(doc);
	if (data == NULL)
		return BS_ENOMEM;
	/* The digest covers the report data the page shows (compact JSON,
	 * sorted keys), so a later copy can be checked against the filed one. */
	EVP_Digest(data, strlen(data), md, &mdlen, EVP_sha256(), NULL);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	free(data);
	bs_time_format(a->generated_at_ms, when, sizeof(when));
	rv |= bs_buf_printf(out,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\">"
	    "<title>bindscope audit %s</title><style>%s%s</style></head><body>\n"
	    "<h1>bindscope audit of Exchange certificate bindings</h1>\n"
	    "<p>Generated %s from the newest report of each of %zu servers.</p>\n",
	    when, html_style, bs_svg_style, when, a->n_servers);
	{
		/* The dashboard's pictures, from the same summary document. */
		json_t *sum = NULL;

		if (rv == 0 && bs_summary_json(a, st, 0, &sum) == 0) {
			rv |= bs_svg_expiry(out, json_object_get(sum, "expiry"),
			    a->generated_at_ms > 0 ? a->generated_at_ms : bs_now_ms());
			rv |= bs_svg_trend(out, json_object_get(sum, "findings_trend"));
			rv |= bs_svg_consistency(out, json_object_get(sum, "consistency"));
		}
		json_decref(sum);
	}
	rv |= bs_buf_puts(out,
	    "<table><caption>Servers</caption><thead><tr>"
	    "<th scope=\"col\">Server</th><th scope=\"col\">Exchange build</th>"
	    "<th scope=\"col\">Status</th><th scope=\"col\">Last report</th>"
	    "<th scope=\"col\">Provenance</th></tr></thead><tbody>\n");
	for (size_t i = 0; rv == 0 && i < a->n_servers; i++) {
		const struct bs_server *s = a->servers[i];
		char last[32];

		bs_time_format(s->received_at_ms, last, sizeof(last));
		rv |= bs_buf_puts(out, "<tr><td>");
		rv |= bs_html_escape(out, s->fqdn);
		rv |= bs_buf_puts(out, "</td><td>");
		rv |= bs_html_escape(out, s->report->host->exchange_build);
		rv |= bs_buf_printf(out, "</td><td class=\"%s\">%s</td><td>%s</td><td>",
		    bs_report_status(s), bs_report_status(s), last);
		rv |= bs_html_escape(out, s->provenance);
		rv |= bs_buf_puts(out, "</td></tr>\n");
	}
	rv |= bs_buf_puts(out,
	    "</tbody></table>\n<table><caption>Findings</caption><thead><tr>"
	    "<th scope=\"col\">Server</th><th scope=\"col\">Severity</th>"
	    "<th scope=\"col\">Rule</th><th scope=\"col\">Finding</th>"
	    "<th scope=\"col\">Evidence</th><th scope=\"col\">Remediation</th>"
	    "<th scope=\"col\">First seen</th></tr></thead><tbody>\n");
	for (size_t i = 0; rv == 0 && i < a->n_servers; i++) {
		const struct bs_server *s = a->servers[i];

		for (size_t k = 0; rv == 0 && k < s->n_findings; k++) {
			const struct bs_finding *f = s->findings[k];
			char *ev = json_dumps(f->evidence, JSON_INDENT(1) | JSON_SORT_KEYS);

			rv |= bs_buf_puts(out, "<tr><td>");
			rv |= bs_html_escape(out, s->fqdn);
			rv |= bs_buf_printf(out, "</td><td class=\"%s\">%s</td><td>%s</td><td>",
			    bs_severity_name(f->severity), bs_severity_name(f->severity),
			    f->rule->id);
			rv |= bs_html_escape(out, f->title);
			if (f->mute != NULL) {
				char muted[600];

				report_muted_text(f, muted, sizeof(muted));
				rv |= bs_buf_puts(out, "<br><em>Muted ");
				rv |= bs_html_escape(out, muted);
				rv |= bs_buf_puts(out, "</em>");
			}
			rv |= bs_buf_puts(out, "</td><td><pre>");
			rv |= bs_html_escape(out, ev != NULL ? ev : "{}");
			rv |= bs_buf_puts(out, "</pre></td><td>");
			rv |= bs_html_escape(out, f->remediation);
			rv |= report_html_fix(out, f);
			bs_time_format(f->first_seen_ms, first, sizeof(first));
			rv |= bs_buf_printf(out, "</td><td>%s</td></tr>\n", first);
			free(ev);
		}
	}
	rv |= bs_buf_puts(out,
	    "</tbody></table>\n<table><caption>Recent changes</caption><thead><tr>"
	    "<th scope=\"col\">Server</th><th scope=\"col\">Seen</th>"
	    "<th scope=\"col\">Change</th><th scope=\"col\">Object</th>"
	    "<th scope=\"col\">Before</th><th scope=\"col\">After</th>"
	    "</tr></thead><tbody>\n");
	for (size_t i = 0; rv == 0 && i < a->n_servers; i++) {
		const struct bs_server *s = a->servers[i];

		for (size_t k = 0; rv == 0 && k < s->n_changes; k++) {
			const struct bs_change *c = s->changes[k];

			bs_time_format(c->at_ms, first, sizeof(first));
			rv |= bs_buf_puts(out, "<tr><td>");
			rv |= bs_html_escape(out, s->fqdn);
			rv |= bs_buf_printf(out, "</td><td>%s</td><td>%s</td><td>", first, c->kind);
			rv |= bs_html_escape(out, c->object);
			rv |= bs_buf_puts(out, "</td><td>");
			rv |= bs_html_escape(out, c->before);
			rv |= bs_buf_puts(out, "</td><td>");
			rv |= bs_html_escape(out, c->after);
			rv |= bs_buf_puts(out, "</td></tr>\n");
		}
	}
	rv |= bs_buf_puts(out, "</tbody></table>\n");
	if (rv == 0)
		rv |= report_html_truncated(out, a);
	rv |= bs_buf_printf(out,
	    "<footer>bindscope-collector %s. "
	    "SHA-256 of the report data: <code>%s</code></footer>\n"
	    "</body></html>\n",
	    BS_VERSION, hex);
	return rv != 0 ? BS_ENOMEM : 0;
}
