/* format: the report's formats, in one table: `report --format NAME`
 * takes its names and help from it, and the HTTP API serves /api/report
 * through its JSON entry, with the entry's content type. */
#ifndef BS_OUTPUT_FORMAT_H
#define BS_OUTPUT_FORMAT_H

#include <stddef.h>

#include "analysis/model.h"
#include "buf.h"
#include "store/store.h"

struct bs_format {
	const char *name;
	const char *ctype; /* Content-Type over HTTP */
	const char *help; /* one line for --help */
	/* Appends the rendering to out; compact: for a machine (the API),
	 * else for people (JSON indented). st, when not NULL, gives the
	 * history the HTML file's pictures draw (the findings over time). */
	int (*render)(
	    const struct bs_analysis *a, struct bs_store *st, int compact, struct bs_buf *out);
};

extern const struct bs_format bs_formats[];
extern const size_t bs_formats_count;

/* The format called name, or NULL. */
const struct bs_format *bs_format_find(const char *name);

#endif
