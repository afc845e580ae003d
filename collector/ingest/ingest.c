/* ingest: validation and storage of received reports. */
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "ingest/fqdn.h"
#include "log.h"
#include "pbjson.h"

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
bs_ingest_validate(const bs_report *r, char *why, size_t whysz)
{
	const char *fqdn, *bad = NULL;
	size_t bad_at;
	int rv;

	if (r->schema_version == BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_UNSPECIFIED ||
	    r->schema_version > BINDSCOPE__V1__SCHEMA_VERSION__SCHEMA_VERSION_CURRENT) {
		snprintf(why, whysz, "unsupported schema_version %d", (int)r->schema_version);
		return BS_EPARSE;
	}
	if (r->agent == NULL || r->agent->boot_id[0] == '\0' || r->agent->sequence == 0) {
		snprintf(why, whysz, "agent.boot_id or agent.sequence missing");
		return BS_EPARSE;
	}
	if (r->host == NULL || r->host->fqdn[0] == '\0') {
		snprintf(why, whysz,
		    "host.fqdn missing: the report names no server (FQDN unknown: its evidence "
		    "had no Hostname in HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\"
		    "Parameters); collect again with that key exported");
		return BS_EPARSE;
	}
	/* Every string is shown somewhere (JSON, HTML, CSV): refuse what is
	 * not text rather than render it wrongly. */
	if (!bs_pbjson_strings_valid(&r->base, &bad)) {
		snprintf(why, whysz, "field %s is not valid UTF-8", bad);
		return BS_EPARSE;
	}
	fqdn = r->host->fqdn;
	rv = bs_fqdn_check(fqdn, &bad_at);
	if (rv == BS_ETOOBIG) {
		snprintf(why, whysz, "host.fqdn longer than 253 characters");
		return BS_EPARSE;
	}
	if (rv != 0) {
		snprintf(why, whysz, "host.fqdn has a character outside [a-z0-9.-] at offset %zu",
		    bad_at);
		return BS_EPARSE;
	}
	return 0;
}

/* Decodes, validates and (with v and env) verifies one report: no
 * database. 0 when it may be stored; otherwise res says why not. */
static int
ingest_prepare_report(struct bs_verifier *v, const Bindscope__V1__Envelope *env, const uint8_t *raw,
    size_t len, const char *provenance, struct bs_ingest_prepared *p, struct bs_ingest_result *res)
{
	int rv;

	p->raw = raw;
	p->len = len;
	p->provenance = provenance;
	rv = bs_wire_unpack_report(&p->arena, raw, len, &p->r);
	if (rv != 0) {
		res->status = BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED;
		snprintf(res->reason, sizeof(res->reason), "report does not decode: %s",
		    bs_strerror(rv));
		res->code = "undecodable";
		return BS_EPARSE;
	}
	if (bs_ingest_validate(p->r, res->reason, sizeof(res->reason)) != 0) {
		res->status = BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED;
		res->code = "invalid";
		return BS_EPARSE;
	}
	/* Identity from the verified certificate, never from the report. */
	if (v != NULL && env != NULL &&
	    bs_verifier_check(v, env, p->r, res->reason, sizeof(res->reason), &res->code) != 0) {
		res->status = BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED;
		return BS_EREFUSED;
	}
	if (v != NULL && env != NULL && env->signature.len > 0)
		p->env = env;
	snprintf(res->fqdn, sizeof(res->fqdn), "%s", p->r->host->fqdn);
	return 0;
}

void
bs_ingest_store(
    struct bs_store *st, const struct bs_ingest_prepared *p, struct bs_ingest_result *res)
{
	int rv, dup = 0;

	/* Duplicates are keyed on who verifiably sent the report: with a
	 * verified signature the certificate covers host.fqdn (verify.h);
	 * an unsigned import is "offline import"; plain tcp:// (demo) has no
	 * identity but the one claimed. */
	const char *identity = p->env == NULL && strcmp(p->provenance, BS_PROV_OFFLINE) == 0
	    ? BS_IDENTITY_OFFLINE
	    : p->r->host->fqdn;

	if (p->env != NULL) {
		struct bs_store_sig sig = {p->env->signature.data, p->env->signature.len,
		    p->env->signature_alg, p->env->certificate.data, p->env->certificate.len};

		rv = bs_store_put_report(st, p->r->host->fqdn, identity, p->provenance, p->raw,
		    p->len, p->r, &sig, now_ms(), &dup);
	} else {
		rv = bs_store_put_report(st, p->r->host->fqdn, identity, p->provenance, p->raw,
		    p->len, p->r, NULL, now_ms(), &dup);
	}
	if (rv != 0) {
		res->status = BINDSCOPE__V1__ACK_STATUS__ACK_RETRY;
		snprintf(res->reason, sizeof(res->reason), "store: %s", bs_strerror(rv));
		res->code = "store_error";
		return;
	}
	res->status =
	    dup ? BINDSCOPE__V1__ACK_STATUS__ACK_DUPLICATE : BINDSCOPE__V1__ACK_STATUS__ACK_STORED;
	snprintf(res->reason, sizeof(res->reason), "%s", dup ? "duplicate" : "stored");
	res->code = dup ? "duplicate" : "stored";
}

void
bs_ingest_prepared_fini(struct bs_ingest_prepared *p)
{
	bs_arena_fini(&p->arena);
	memset(p, 0, sizeof(*p));
}

int
bs_ingest_prepare_envelope(struct bs_verifier *v, const uint8_t *data, size_t len,
    struct bs_ingest_prepared *p, struct bs_ingest_result *res)
{
	Bindscope__V1__Envelope *env;
	int rv;

	memset(res, 0, sizeof(*res));
	memset(p, 0, sizeof(*p));
	bs_arena_init(&p->arena, BS_WIRE_UNPACK_BUDGET);
	rv = bs_wire_unpack_envelope(&p->arena, data, len, &env);
	if (rv != 0 || env->report.len == 0) {
		res->status = BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED;
		snprintf(res->reason, sizeof(res->reason), "not a bindscope envelope: %s",
		    rv != 0 ? bs_strerror(rv) : "empty report");
		res->code = "not_envelope";
		return BS_EPARSE;
	}
	return ingest_prepare_report(v, env, env->report.data, env->report.len,
	    v != NULL ? BS_PROV_AGENT_SIGNED : BS_PROV_AGENT_UNSIGNED, p, res);
}

void
bs_ingest_envelope(struct bs_store *st, struct bs_verifier *v, const uint8_t *data, size_t len,
    struct bs_ingest_result *res)
{
	struct bs_ingest_prepared p;

	if (bs_ingest_prepare_envelope(v, data, len, &p, res) == 0)
		bs_ingest_store(st, &p, res);
	bs_ingest_prepared_fini(&p);
}

static void
ingest_file_report(struct bs_store *st, struct bs_verifier *v, const Bindscope__V1__Envelope *env,
    const uint8_t *raw, size_t len, const char *provenance, struct bs_ingest_result *res)
{
	struct bs_ingest_prepared p;

	memset(&p, 0, sizeof(p));
	bs_arena_init(&p.arena, BS_WIRE_UNPACK_BUDGET);
	if (ingest_prepare_report(v, env, raw, len, provenance, &p, res) == 0)
		bs_ingest_store(st, &p, res);
	bs_ingest_prepared_fini(&p);
}

void
bs_ingest_file(struct bs_store *st, struct bs_verifier *v, const uint8_t *data, size_t len,
    struct bs_ingest_result *res)
{
	struct bs_arena a;
	Bindscope__V1__Envelope *env;

	memset(res, 0, sizeof(*res));
	/* A file from an agent's spool: check its frame, then read on. */
	if (bs_wire_is_framed(data, len)) {
		if (bs_wire_unframe(data, len, &data, &len) != 0) {
			res->status = BINDSCOPE__V1__ACK_STATUS__ACK_REFUSED;
			snprintf(res->reason, sizeof(res->reason),
			    "spool file is torn or altered (length or SHA-256 differ)");
			res->code = "torn_file";
			return;
		}
	}
	/* A bare Report has field 1 as a varint (schema_version); an Envelope
	 * has field 1 as bytes. Decide by that first tag byte. */
	if (len > 0 && data[0] == 0x0a) {
		bs_arena_init(&a, BS_WIRE_UNPACK_BUDGET);
		if (bs_wire_unpack_envelope(&a, data, len, &env) == 0 && env->report.len > 0) {
			int verified = v != NULL && env->signature.len > 0;

			ingest_file_report(st, verified ? v : NULL, verified ? env : NULL,
			    env->report.data, env->report.len,
			    verified ? BS_PROV_AGENT_SIGNED : BS_PROV_OFFLINE, res);
			bs_arena_fini(&a);
			return;
		}
		bs_arena_fini(&a);
	}
	ingest_file_report(st, NULL, NULL, data, len, BS_PROV_OFFLINE, res);
}
