/* gate: the findings that fail a readiness check, as lines. */
#include "output/gate.h"

#include <string.h>
#include <strings.h>

#include "err.h"

int
bs_gate_render(const struct bs_analysis *a, enum bs_severity fail_on, const char *server,
    struct bs_buf *out, struct bs_gate *g)
{
	int rv = 0;

	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < a->n_servers; i++) {
		const struct bs_server *s = a->servers[i];

		/* DNS ignores case, and so did the lookup that found server. */
		if (server != NULL && strcasecmp(s->fqdn, server) != 0)
			continue;
		g->checked++;
		for (size_t k = 0; k < s->n_findings; k++) {
			const struct bs_finding *f = s->findings[k];

			if (f->severity < fail_on)
				continue;
			if (f->mute != NULL) {
				g->muted++;
				continue;
			}
			g->hits++;
			rv |= bs_buf_printf(out, "%-8s %-28s %s: %s\n",
			    bs_severity_name(f->severity), f->rule->id, s->fqdn, f->title);
		}
	}
	rv |= bs_buf_printf(out, "%s: %zu server(s) checked, %zu finding(s) at or above %s",
	    g->hits > 0 ? "FAIL" : "PASS", g->checked, g->hits, bs_severity_name(fail_on));
	if (g->muted > 0)
		rv |= bs_buf_printf(out, " (%zu more muted: bindscope-collector mutes)", g->muted);
	rv |= bs_buf_putc(out, '\n');
	return rv != 0 ? BS_ENOMEM : 0;
}
