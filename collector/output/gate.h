/* gate: the readiness gate (`check`): every finding at or above a
 * severity that no mute hides, one line each, and the verdict; muted ones
 * are counted, not listed. */
#ifndef BS_OUTPUT_GATE_H
#define BS_OUTPUT_GATE_H

#include <stddef.h>

#include "analysis/model.h"
#include "buf.h"

struct bs_gate {
	size_t checked; /* servers looked at */
	size_t hits; /* findings at or above the level, not muted: the gate fails */
	size_t muted; /* at or above the level, but muted */
};

/* Appends the lines and the "PASS: ..."/"FAIL: ..." verdict to out for
 * every server, or only server (an FQDN the caller found in a). */
int bs_gate_render(const struct bs_analysis *a, enum bs_severity fail_on, const char *server,
    struct bs_buf *out, struct bs_gate *g);

#endif
