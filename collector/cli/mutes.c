/* mutes: `mute` a rule on a server with a reason and an expiry, `unmute`
 * (end one early), `mutes` (list them), `audit` (the operator log). Each
 * writes or reads the collector's database directly (it may be running:
 * SQLite WAL). */
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analyze.h"
#include "cli/cli.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "output/log_json.h"
#include "store/mutes.h"
#include "store/store.h"

struct mutes_args {
	const char *db, *server, *rule, *reason, *for_, *until, *by, *id;
	int all;
};

#define MUTES_DB                                                                                   \
	{                                                                                          \
		"db", "FILE", BS_OPT_VALUE, offsetof(struct mutes_args, db), 1,                    \
		    "the collector's database"                                                     \
	}
#define MUTES_BY                                                                                   \
	{                                                                                          \
		"by", "NAME", BS_OPT_VALUE, offsetof(struct mutes_args, by), 0,                    \
		    "who acts (default: the invoking user, through sudo too)"                      \
	}

static const struct bs_opt mute_opts[] = {MUTES_DB,
    {"server", "FQDN|'*'", BS_OPT_VALUE, offsetof(struct mutes_args, server), 1,
        "the server, or '*' for every server"},
    {"rule", "RULE_ID", BS_OPT_VALUE, offsetof(struct mutes_args, rule), 1,
        "the rule (docs/rules.md)"},
    {"reason", "TEXT", BS_OPT_VALUE, offsetof(struct mutes_args, reason), 1,
        "why (a change ticket), shown with the finding"},
    {"for", "DURATION", BS_OPT_VALUE, offsetof(struct mutes_args, for_), 0,
        "how long (12h, 30d); or --until"},
    {"until", "YYYY-MM-DD", BS_OPT_VALUE, offsetof(struct mutes_args, until), 0,
        "through the end of that day (UTC)"},
    MUTES_BY};

static const struct bs_opt unmute_opts[] = {MUTES_DB,
    {"id", "N", BS_OPT_VALUE, offsetof(struct mutes_args, id), 1,
        "the mute's number (bindscope-collector mutes)"},
    MUTES_BY};

static const struct bs_opt list_opts[] = {MUTES_DB,
    {"all", NULL, BS_OPT_FLAG, offsetof(struct mutes_args, all), 0, "ended and expired mutes too"}};

#define MUTES_OPTS(t) t, sizeof(t) / sizeof(t[0])

static const struct bs_cmd mute_cmd = {BS_CLI_PROG, "mute", MUTES_OPTS(mute_opts), NULL,
    "A muted finding stays in every report, marked with the reason, but does not\n"
    "count toward a server's status or the check gate. Mutes expire (at most a\n"
    "year); every mute and unmute is in the audit log with who and when.\n"};
static const struct bs_cmd unmute_cmd = {
    BS_CLI_PROG, "unmute", MUTES_OPTS(unmute_opts), NULL, "Ends a mute early (audited).\n"};
static const struct bs_cmd mutes_cmd = {
    BS_CLI_PROG, "mutes", MUTES_OPTS(list_opts), NULL, "The active mutes as JSON.\n"};
static const struct bs_cmd audit_cmd = {BS_CLI_PROG, "audit", list_opts, 1, NULL,
    "The audit log as JSON: every mute and unmute, who and when.\n"};

/* Who is acting: --by, else the invoking user (through sudo too). */
static const char *
mutes_actor(const char *by)
{
	const char *u;
	struct passwd *pw;

	if (by != NULL && by[0] != '\0')
		return by;
	if ((u = getenv("SUDO_USER")) != NULL && u[0] != '\0')
		return u;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		return pw->pw_name;
	return "unknown";
}

/* "YYYY-MM-DD": the end of that day (UTC), in ms. */
static int
mutes_parse_until(const char *s, int64_t *out)
{
	unsigned long long y, m, d;
	char buf[5];
	struct tm tm;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	memcpy(buf, s, 4);
	buf[4] = '\0';
	if (bs_parse_uint(buf, 9999, &y) != 0)
		return -1;
	memcpy(buf, s + 5, 2);
	buf[2] = '\0';
	if (bs_parse_uint(buf, 12, &m) != 0 || m == 0)
		return -1;
	memcpy(buf, s + 8, 2);
	buf[2] = '\0';
	if (bs_parse_uint(buf, 31, &d) != 0 || d == 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d + 1; /* through the whole named day */
	*out = (int64_t)timegm(&tm) * 1000;
	return 0;
}

/* When the mute ends: --for from now, or --until; 0 or the exit status. */
static int
mutes_expiry(const struct mutes_args *a, int64_t now, int64_t *expires)
{
	unsigned long long secs;

	*expires = 0;
	if (a->for_ != NULL) {
		if (bs_parse_duration(a->for_, &secs) != 0 || secs == 0) {
			fprintf(stderr,
			    BS_CLI_PROG " mute: --for: expected a duration such as 12h or 30d\n");
			return 2;
		}
		*expires = now + (int64_t)secs * 1000;
	}
	if (a->until != NULL && mutes_parse_until(a->until, expires) != 0) {
		fprintf(stderr, BS_CLI_PROG " mute: --until: expected YYYY-MM-DD\n");
		return 2;
	}
	if (*expires == 0) {
		fprintf(stderr, BS_CLI_PROG " mute: --for or --until is required\n\n");
		bs_opts_usage(&mute_cmd, stderr);
		return 2;
	}
	return 0;
}

static int
mutes_open(const char *db, struct bs_store **st)
{
	int rv;

	if ((rv = bs_store_open(db, 0, st)) != 0) {
		fprintf(stderr, BS_CLI_PROG ": database %s: %s\n", db, bs_strerror(rv));
		return 2;
	}
	return 0;
}

static int
mutes_print(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2));
	int rv = s != NULL && puts(s) >= 0 ? 0 : 2;

	free(s);
	json_decref(j);
	return rv;
}

int
bs_cli_mute(int argc, char **argv)
{
	struct mutes_args a = {0};
	int64_t now = bs_now_ms(), expires = 0, id = 0;
	struct bs_store *st = NULL;
	char why[256];
	int first, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(&mute_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	if ((rv = mutes_expiry(&a, now, &expires)) != 0)
		return rv;
	if (bs_mute_check(a.server, a.rule, a.reason, now, expires, why, sizeof(why)) != 0) {
		fprintf(stderr, BS_CLI_PROG " mute: %s\n", why);
		return 2;
	}
	if ((rv = mutes_open(a.db, &st)) != 0)
		return rv;
	rv =
	    bs_store_mute_add(st, a.server, a.rule, a.reason, mutes_actor(a.by), now, expires, &id);
	bs_store_close(st);
	if (rv != 0) {
		fprintf(stderr, BS_CLI_PROG " mute: %s\n", bs_strerror(rv));
		return 2;
	}
	printf("mute %lld: %s on %s\n", (long long)id, a.rule, a.server);
	return 0;
}

int
bs_cli_unmute(int argc, char **argv)
{
	struct mutes_args a = {0};
	unsigned long long id;
	struct bs_store *st = NULL;
	int first, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(&unmute_cmd, argc, argv, &a, &first))) >= 0)
		return rv;
	if (bs_parse_uint(a.id, 1ULL << 62, &id) != 0) {
		fprintf(stderr, BS_CLI_PROG " unmute: --id: expected a mute's number\n\n");
		bs_opts_usage(&unmute_cmd, stderr);
		return 2;
	}
	if ((rv = mutes_open(a.db, &st)) != 0)
		return rv;
	rv = bs_store_mute_remove(st, (int64_t)id, mutes_actor(a.by), bs_now_ms());
	bs_store_close(st);
	if (rv == BS_ENOENT) {
		fprintf(stderr, BS_CLI_PROG " unmute: no active mute %llu\n", id);
		return 1;
	}
	if (rv != 0) {
		fprintf(stderr, BS_CLI_PROG " unmute: %s\n", bs_strerror(rv));
		return 2;
	}
	printf("mute %llu ended\n", id);
	return 0;
}

/* mutes and audit: a log from the store as JSON on standard output. */
static int
mutes_list(const struct bs_cmd *c, int argc, char **argv, int audit)
{
	struct mutes_args a = {0};
	struct bs_store *st = NULL;
	json_t *j = NULL;
	int first, rv;

	if ((rv = bs_cli_parsed(bs_opts_parse(c, argc, argv, &a, &first))) >= 0)
		return rv;
	if ((rv = mutes_open(a.db, &st)) != 0)
		return rv;
	rv = audit ? bs_audit_json(st, &j) : bs_mutes_json(st, bs_now_ms(), a.all, &j);
	bs_store_close(st);
	return rv == 0 ? mutes_print(j) : 2;
}

int
bs_cli_mutes(int argc, char **argv)
{
	return mutes_list(&mutes_cmd, argc, argv, 0);
}

int
bs_cli_audit(int argc, char **argv)
{
	return mutes_list(&audit_cmd, argc, argv, 1);
}
