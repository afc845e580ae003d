/* analyze: runs the rule table (rules/table.c) over every server of an
 * analysis. A pure function of its inputs: the caller loads reports,
 * mutes and changes into the model (output/load.h does it from the store;
 * tests and benchmarks build them in memory) and reads the findings back. */
#ifndef BS_ANALYSIS_ANALYZE_H
#define BS_ANALYSIS_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/model.h"

/* 0 when a mute may be added: a known rule ID, a server ("*": all), a
 * reason, and an expiry after now_ms and at most BS_MUTE_MAX_MS away;
 * otherwise BS_EINVAL with the reason in why. */
int bs_mute_check(const char *server, const char *rule, const char *reason, int64_t now_ms,
    int64_t expires_ms, char *why, size_t whysz);

/* Prepares (below), then runs every rule over every server. */
int bs_analysis_evaluate(struct bs_analysis *a);
/* The fleet-wide part of evaluate (name index, norms, peer index) alone. */
int bs_analysis_prepare(struct bs_analysis *a);
/* Runs the rules for one server against the fleet of a (norms and peers
 * as evaluated), for a report that is not the server's newest: the
 * history pass uses it (analysis/pass.h). s need not be in a->servers. */
int bs_analysis_evaluate_one(struct bs_analysis *a, struct bs_server *s);

#endif
