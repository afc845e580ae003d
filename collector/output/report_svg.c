/* report_svg: inline SVG pictures for the auditor's HTML file. */
#include "output/report_svg.h"

#include <math.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "output/escape.h"

#define DAY_MS (86400LL * 1000)

const char bs_svg_style[] =
    "figure{margin:1rem 0}figcaption{color:#444;margin-bottom:.25rem}"
    "svg.pic{width:100%;height:auto;display:block;max-width:64rem}"
    "svg text{font:12px system-ui,sans-serif;fill:#1b1b1b}svg .tick{fill:#555;font-size:11px}"
    ".axis{stroke:#999}.today{stroke:#1b1b1b;stroke-dasharray:3 2}"
    ".zone{fill:#a00;opacity:.08}.mark{fill:#176117}.soon{fill:#8a5a00}.expired{fill:#a00}"
    ".auth{stroke:#4b4b8f;stroke-width:2}.crit{fill:#a00}.warn{fill:#8a5a00}.info{fill:#4b4b8f}"
    ".major{fill:#176117}.odd{fill:#a00}.bar rect{stroke:#fff}"
    ".legend{font-size:12px;color:#444}"
    "@media print{figure,tr{break-inside:avoid}svg,.mark,.crit,.warn,.info,.odd,.major{"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static const char *
svg_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static json_int_t
svg_num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* "YYYY-MM-DD" of ms into out (11 bytes at least). */
static void
svg_date(int64_t ms, char *out, size_t n)
{
	bs_time_format(ms, out, n);
	if (strlen(out) > 10)
		out[10] = '\0';
}

static int
svg_text(struct bs_buf *out, double x, double y, const char *cls, const char *text)
{
	int rv = bs_buf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\">", x, y, cls);

	rv |= bs_html_escape(out, text);
	return rv | bs_buf_puts(out, "</text>");
}

int
bs_svg_expiry(struct bs_buf *out, json_t *ex, int64_t generated_ms)
{
	const double W = 1000, L = 150, R = 10, ROW = 46, TOP = 22;
	json_t *series = json_object_get(ex, "series");
	json_int_t from = svg_num(ex, "from_day"), to = svg_num(ex, "to_day");
	double span = to > from ? (double)(to - from) : 1, H;
	static const struct {
		json_int_t day;
		const char *label;
	} ticks[] = {{0, "today"}, {30, "30 d"}, {90, "90 d"}, {180, "180 d"}, {365, "1 year"}};
	json_int_t max = 1;
	int rv = 0;

#define X(d) (L + ((double)(d) - (double)from) / span * (W - L - R))
	H = TOP + ROW * (double)json_array_size(series) + 4;
	for (size_t i = 0; i < json_array_size(series); i++) {
		json_t *b = json_object_get(json_array_get(series, i), "buckets");

		for (size_t k = 0; k < json_array_size(b); k++)
			if (svg_num(json_array_get(b, k), "servers") > max)
				max = svg_num(json_array_get(b, k), "servers");
	}
	rv |= bs_buf_printf(out,
	    "<figure id=\"expiry\"><figcaption>Certificate expiry: every bound certificate, by "
	    "the day it expires (expired ones left of today; hover a mark for its certificates "
	    "and servers).</figcaption>\n<svg class=\"pic\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-label=\"Certificate expiry timeline\">",
	    W, H);
	rv |= bs_buf_printf(out,
	    "<rect class=\"zone\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", L,
	    TOP - 4, X(0) - L, H - TOP);
	rv |= bs_buf_printf(out,
	    "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", X(from),
	    X(from), TOP - 6, H);
	{
		char t[32];

		snprintf(t, sizeof(t), "%lld+ days ago", (long long)-from);
		rv |= svg_text(out, X(from) + 2, 12, "tick", t);
	}
	for (size_t i = 0; i < sizeof(ticks) / sizeof(ticks[0]); i++) {
		rv |= bs_buf_printf(out,
		    "<line class=\"axis%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>",
		    ticks[i].day == 0 ? " today" : "", X(ticks[i].day), X(ticks[i].day), TOP - 6,
		    H);
		rv |= svg_text(out, X(ticks[i].day) + 2, 12, "tick", ticks[i].label);
	}
	for (size_t i = 0; rv == 0 && i < json_array_size(series); i++) {
		json_t *s = json_array_get(series, i), *buckets = json_object_get(s, "buckets");
		double y0 = TOP + ROW * (double)i;
		int auth_role = strcmp(svg_str(s, "role"), "auth") == 0;
		char note[96];

		rv |= bs_buf_puts(out, "<g data-series=\"");
		rv |= bs_html_escape(out, svg_str(s, "name"));
		rv |= bs_buf_puts(out, "\">");
		rv |= svg_text(out, 0, y0 + ROW / 2, "label", svg_str(s, "label"));
		rv |= bs_buf_printf(out,
		    "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", L,
		    W - R, y0 + ROW - 8, y0 + ROW - 8);
		for (size_t k = 0; rv == 0 && k < json_array_size(buckets); k++) {
			json_t *b = json_array_get(buckets, k),
			       *certs = json_object_get(b, "certs");
			json_int_t day = svg_num(b, "day"), n = svg_num(b, "servers");
			double h = 6 + (ROW - 18) * sqrt((double)n / (double)max);
			int auth = auth_role;
			char when[32];

			for (size_t c = 0; c < json_array_size(certs); c++)
				if (strstr(svg_str(json_array_get(certs, c), "role"), "auth") !=
				    NULL)
					auth = 1;
			svg_date(generated_ms + day * DAY_MS, when, sizeof(when));
			rv |= bs_buf_printf(out,
			    "<rect class=\"mark%s%s\" x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"%.1f\" "
			    "data-day=\"%lld\" data-servers=\"%lld\"><title>",
			    day < 0        ? " expired"
			        : day < 30 ? " soon"
			                   : "",
			    auth ? " auth" : "", X(day) - 1.5, y0 + ROW - 8 - h, h, (long long)day,
			    (long long)n);
			rv |= bs_html_escape(out, svg_str(s, "label"));
			if (day <= from)
				rv |= bs_buf_printf(out, ": %lld servers, expired long ago (%s)",
				    (long long)n, when);
			else if (day < 0)
				rv |=
				    bs_buf_printf(out, ": %lld servers, expired %lld days ago (%s)",
				        (long long)n, (long long)-day, when);
			else
				rv |= bs_buf_printf(out, ": %lld servers, in %lld days (%s)",
				    (long long)n, (long long)day, when);
			for (size_t c = 0; c < json_array_size(certs); c++) {
				json_t *ce = json_array_get(certs, c),
				       *names = json_object_get(ce, "servers");

				rv |= bs_buf_puts(out, "\n");
				rv |= bs_html_escape(out, svg_str(ce, "name"));
				rv |= bs_buf_puts(out, " [");
				rv |= bs_html_escape(out, svg_str(ce, "thumbprint"));
				rv |= bs_buf_puts(out, "] on ");
				for (size_t m = 0; m < json_array_size(names); m++) {
					if (m > 0)
						rv |= bs_buf_puts(out, ", ");
					rv |= bs_html_escape(
					    out, json_string_value(json_array_get(names, m)));
				}
				if (svg_num(ce, "count") > (json_int_t)json_array_size(names))
					rv |= bs_buf_printf(out, " and %lld more",
					    (long long)(svg_num(ce, "count") -
					        (json_int_t)json_array_size(names)));
			}
			if (svg_num(b, "more_certs") > 0)
				rv |= bs_buf_printf(out, "\nand %lld more certificates",
				    (long long)svg_num(b, "more_certs"));
			rv |= bs_buf_puts(out, "</title></rect>");
		}
		snprintf(note, sizeof(note),
		    "%lld later than %lld days; %lld without a certificate",
		    (long long)svg_num(s, "later"), (long long)to, (long long)svg_num(s, "none"));
		rv |= svg_text(out, L, y0 + ROW, "tick", note);
		rv |= bs_buf_puts(out, "</g>");
	}
#undef X
	rv |= bs_buf_puts(out,
	    "</svg><p class=\"legend\">Red: expired; amber: within 30 days; green: later; outlined: "
	    "the Auth certificate.</p></figure>\n");
	return rv != 0 ? BS_ENOMEM : 0;
}

int
bs_svg_trend(struct bs_buf *out, json_t *t)
{
	const double W = 1000, H = 140, L = 40, B = 18, T = 8;
	static const char *const sev[3] = {"critical", "warning", "info"};
	static const char *const cls[3] = {"crit", "warn", "info"};
	json_t *arr[3];
	json_int_t days = svg_num(t, "days"), max = 1;
	const char *from = svg_str(t, "from");
	int64_t start = 0;
	double bw;
	char last[32], mx[24];
	int rv = 0;

	for (int s = 0; s < 3; s++)
		arr[s] = json_object_get(t, sev[s]);
	if (days <= 0)
		return 0;
	for (json_int_t d = 0; d < days; d++) {
		json_int_t n = 0;

		for (int s = 0; s < 3; s++)
			n += json_integer_value(json_array_get(arr[s], (size_t)d));
		if (n > max)
			max = n;
	}
	{
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		/* "YYYY-MM-DD", made by summary.c: digits at fixed places. */
		if (strlen(from) == 10) {
			tm.tm_year = (from[0] - '0') * 1000 + (from[1] - '0') * 100 +
			    (from[2] - '0') * 10 + (from[3] - '0') - 1900;
			tm.tm_mon = (from[5] - '0') * 10 + (from[6] - '0') - 1;
			tm.tm_mday = (from[8] - '0') * 10 + (from[9] - '0');
			start = bs_timegm(&tm) * 1000;
		}
	}
	bw = (W - L) / (double)days;
	svg_date(start + (days - 1) * DAY_MS, last, sizeof(last));
	snprintf(mx, sizeof(mx), "%lld", (long long)max);
	rv |= bs_buf_printf(out,
	    "<figure id=\"trend\"><figcaption>Findings open per day, by severity, from the findings "
	    "history (red critical, amber warning, blue info).</figcaption>\n"
	    "<svg class=\"pic\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Findings open per "
	    "day\"><line class=\"axis\" x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\"/>",
	    W, H, L, W, H - B, H - B);
	rv |= svg_text(out, 0, T + 8, "tick", mx);
	rv |= svg_text(out, 0, H - B, "tick", "0");
	rv |= svg_text(out, L, H - 4, "tick", from);
	rv |= svg_text(out, W - 70, H - 4, "tick", last);
	for (json_int_t d = 0; rv == 0 && d < days; d++) {
		json_int_t c[3];
		double y = H - B;
		char day[32];

		for (int s = 0; s < 3; s++)
			c[s] = json_integer_value(json_array_get(arr[s], (size_t)d));
		svg_date(start + d * DAY_MS, day, sizeof(day));
		rv |= bs_buf_printf(out,
		    "<g class=\"day\" data-date=\"%s\" data-critical=\"%lld\" data-warning=\"%lld\" "
		    "data-info=\"%lld\"><title>%s: %lld critical, %lld warning, %lld info</title>",
		    day, (long long)c[0], (long long)c[1], (long long)c[2], day, (long long)c[0],
		    (long long)c[1], (long long)c[2]);
		for (int s = 0; s < 3; s++) {
			double h = (double)c[s] / (double)max * (H - B - T);

			if (h <= 0)
				continue;
			y -= h;
			rv |= bs_buf_printf(out,
			    "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
			    cls[s], L + (double)d * bw, y, bw > 2 ? bw - 1 : 1, h);
		}
		rv |= bs_buf_puts(out, "</g>");
	}
	rv |= bs_buf_puts(out, "</svg></figure>\n");
	return rv != 0 ? BS_ENOMEM : 0;
}

int
bs_svg_consistency(struct bs_buf *out, json_t *cons)
{
	const double W = 600, H = 26;
	int rv = bs_buf_puts(out,
	    "<figure id=\"consistency\"><figcaption>Consistency: servers grouped by what should be "
	    "alike, one bar per property; a red segment is a group smaller than the biggest, the odd "
	    "one out.</figcaption>\n");

	for (size_t i = 0; rv == 0 && i < json_array_size(cons); i++) {
		json_t *p = json_array_get(cons, i), *groups = json_object_get(p, "groups");
		json_int_t total = svg_num(p, "servers") > 0 ? svg_num(p, "servers") : 1;
		double x = 0;

		rv |= bs_buf_puts(out, "<h3>");
		rv |= bs_html_escape(out, svg_str(p, "label"));
		rv |= bs_buf_printf(out,
		    "</h3><svg class=\"pic bar\" viewBox=\"0 0 %.0f %.0f\" "
		    "role=\"img\" data-prop=\"",
		    W, H);
		rv |= bs_html_escape(out, svg_str(p, "name"));
		rv |= bs_buf_puts(out, "\" aria-label=\"");
		rv |= bs_html_escape(out, svg_str(p, "label"));
		rv |= bs_buf_puts(out, "\">");
		for (size_t k = 0; k < json_array_size(groups); k++) {
			json_t *g = json_array_get(groups, k);
			double w = (double)svg_num(g, "count") / (double)total * W;
			int odd = json_is_true(json_object_get(g, "odd"));

			if (w < 3)
				w = 3;
			rv |= bs_buf_printf(out,
			    "<rect class=\"%s\" x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"%.0f\" "
			    "data-count=\"%lld\"><title>",
			    odd ? "odd" : "major", x, w, H, (long long)svg_num(g, "count"));
			rv |= bs_html_escape(out, svg_str(g, "label"));
			rv |= bs_buf_printf(
			    out, ": %lld servers</title></rect>", (long long)svg_num(g, "count"));
			x += w;
		}
		rv |= bs_buf_puts(out, "</svg><ul>");
		for (size_t k = 0; k < json_array_size(groups); k++) {
			json_t *g = json_array_get(groups, k);

			rv |= bs_buf_printf(out, "<li%s>",
			    json_is_true(json_object_get(g, "odd")) ? " class=\"warning\"" : "");
			rv |= bs_html_escape(out, svg_str(g, "label"));
			rv |= bs_buf_printf(out, ": %lld</li>", (long long)svg_num(g, "count"));
		}
		if (svg_num(p, "more_groups") > 0)
			rv |= bs_buf_printf(out, "<li>and %lld smaller groups</li>",
			    (long long)svg_num(p, "more_groups"));
		rv |= bs_buf_puts(out, "</ul>");
	}
	rv |= bs_buf_puts(out, "</figure>\n");
	return rv != 0 ? BS_ENOMEM : 0;
}
