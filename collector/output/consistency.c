/* consistency: the compared properties' table and the grouping. */
#include "output/consistency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "output/report_json.h"

/* One compared property: its value (what groups and filters) and the
 * label people read for it. */
struct prop {
	const char *name, *label;
	void (*value)(const struct bs_server *s, char *value, char *label, size_t n);
};

static void
prop_cert_443(const struct bs_server *s, char *value, char *label, size_t n)
{
	struct bs_site_cert sc;

	bs_report_site_cert(s->report, 0, &sc);
	if (sc.cert == NULL) {
		snprintf(value, n, "missing");
		snprintf(label, n, "missing");
		return;
	}
	snprintf(value, n, "%s", sc.cert->thumbprint);
	snprintf(label, n, "%s [%s]", sc.cert->common_name[0] ? sc.cert->common_name : "?",
	    sc.cert->thumbprint);
}

static void
prop_kind_444(const struct bs_server *s, char *value, char *label, size_t n)
{
	struct bs_site_cert sc;

	bs_report_site_cert(s->report, 1, &sc);
	snprintf(value, n, "%s", sc.kind);
	snprintf(label, n, "%s", sc.kind);
}

static void
prop_build(const struct bs_server *s, char *value, char *label, size_t n)
{
	const char *b = s->report->host->exchange_build;

	snprintf(value, n, "%s", b[0] ? b : "unknown");
	snprintf(label, n, "%s", b[0] ? b : "unknown");
}

static const struct prop props[] = {
    {"cert_443", "443 certificate", prop_cert_443},
    {"kind_444", "444 certificate kind", prop_kind_444},
    {"build", "Exchange build", prop_build},
};
#define NPROPS (sizeof(props) / sizeof(props[0]))

int
bs_consistency_known(const char *name)
{
	for (size_t i = 0; i < NPROPS; i++)
		if (strcmp(props[i].name, name) == 0)
			return 1;
	return 0;
}

int
bs_consistency_value(const struct bs_server *s, const char *name, char *out, size_t n)
{
	char label[BS_CONSISTENCY_VALUE_MAX];

	out[0] = '\0';
	for (size_t i = 0; i < NPROPS; i++) {
		if (strcmp(props[i].name, name) == 0) {
			props[i].value(s, out, label, n);
			return 0;
		}
	}
	return BS_EINVAL;
}

/* One server's value, for sorting into groups. */
struct member {
	char value[BS_CONSISTENCY_VALUE_MAX];
	char label[BS_CONSISTENCY_VALUE_MAX];
	const struct bs_server *s;
};

/* A run of equal values in the sorted members. */
struct group {
	const char *value;
	size_t first, count;
};

static int
member_cmp(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	int c = strcmp(a->value, b->value);

	return c != 0 ? c : strcmp(a->s->fqdn, b->s->fqdn);
}

static int
group_cmp(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->value, b->value);
}

static json_t *
prop_json(const struct bs_analysis *a, const struct prop *p, struct member *m, struct group *g)
{
	size_t ng = 0;
	json_t *groups = json_array();

	for (size_t i = 0; i < a->n_servers; i++) {
		m[i].s = a->servers[i];
		p->value(a->servers[i], m[i].value, m[i].label, sizeof(m[i].value));
	}
	qsort(m, a->n_servers, sizeof(*m), member_cmp);
	for (size_t i = 0; i < a->n_servers; i++) {
		if (i == 0 || strcmp(m[i].value, m[i - 1].value) != 0)
			g[ng++] = (struct group){m[i].value, i, 0};
		g[ng - 1].count++;
	}
	qsort(g, ng, sizeof(*g), group_cmp);
	for (size_t k = 0; groups != NULL && k < ng && k < BS_CONSISTENCY_GROUPS; k++) {
		json_t *names = json_array();

		for (size_t i = 0; names != NULL && i < g[k].count && i < BS_CONSISTENCY_NAMES; i++)
			json_array_append_new(names, json_string(m[g[k].first + i].s->fqdn));
		json_array_append_new(groups,
		    json_pack("{s:s, s:s, s:I, s:b, s:o}", "value", m[g[k].first].value, "label",
		        m[g[k].first].label, "count", (json_int_t)g[k].count, "odd",
		        g[k].count < g[0].count, "servers", names != NULL ? names : json_array()));
	}
	return json_pack("{s:s, s:s, s:I, s:o, s:I}", "name", p->name, "label", p->label, "servers",
	    (json_int_t)a->n_servers, "groups", groups != NULL ? groups : json_array(),
	    "more_groups",
	    (json_int_t)(ng > BS_CONSISTENCY_GROUPS ? ng - BS_CONSISTENCY_GROUPS : 0));
}

json_t *
bs_consistency_json(const struct bs_analysis *a)
{
	size_t n = a->n_servers > 0 ? a->n_servers : 1;
	struct member *m = calloc(n, sizeof(*m));
	struct group *g = calloc(n, sizeof(*g));
	json_t *out = m != NULL && g != NULL ? json_array() : NULL;

	for (size_t i = 0; out != NULL && i < NPROPS; i++)
		json_array_append_new(out, prop_json(a, &props[i], m, g));
	free(m);
	free(g);
	return out;
}
