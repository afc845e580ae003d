/* cli_mutes: mute a rule on a server with a reason and an expiry, end a
 * mute early, list mutes, print the audit log. Each writes or reads the
 * collector's database directly (it may be running: SQLite WAL). */
#include "cli_mutes.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "analysis/analyze.h"
#include "err.h"
#include "output/log_json.h"
#include "store/mutes.h"
#include "store/store.h"

static int64_t
cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Who is acting: --by, else the invoking user (through sudo too). */
static const char *
cli_actor(const char *by)
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
cli_parse_until(const char *s, int64_t *out)
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

static void
usage_mute(FILE *f)
{
	fputs("usage: bindscope-collector mute --db FILE --server FQDN|'*' --rule RULE_ID\n"
	      "           --reason TEXT (--for DURATION | --until YYYY-MM-DD) [--by NAME]\n"
	      "       bindscope-collector unmute --db FILE --id N [--by NAME]\n"
	      "       bindscope-collector mutes --db FILE [--all]\n"
	      "       bindscope-collector audit --db FILE\n"
	      "\n"
	      "A muted finding stays in every report, marked with the reason, but does not\n"
	      "count toward a server's status or the check gate. Mutes expire (at most a\n"
	      "year); every mute and unmute is in the audit log with who and when.\n",
	    f);
}

static int
cli_open(const char *db, struct bs_store **st)
{
	int rv;

	if (db == NULL) {
		fprintf(stderr, "bindscope-collector: --db is required\n\n");
		usage_mute(stderr);
		return 2;
	}
	if ((rv = bs_store_open(db, 0, st)) != 0) {
		fprintf(stderr, "bindscope-collector: database %s: %s\n", db, bs_strerror(rv));
		return 2;
	}
	return 0;
}

static int
cli_print_json(json_t *j)
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
	const char *db = NULL, *server = NULL, *rule = NULL, *reason = NULL, *by = NULL;
	int64_t now = cli_now_ms(), expires = 0, id = 0;
	struct bs_store *st = NULL;
	char why[256];
	int rv;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long long secs;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage_mute(stdout);
			return 0;
		}
		if (v == NULL) {
			fprintf(stderr, "bindscope-collector mute: '%s' needs a value\n\n", a);
			usage_mute(stderr);
			return 2;
		}
		i++;
		if (strcmp(a, "--db") == 0) {
			db = v;
		} else if (strcmp(a, "--server") == 0) {
			server = v;
		} else if (strcmp(a, "--rule") == 0) {
			rule = v;
		} else if (strcmp(a, "--reason") == 0) {
			reason = v;
		} else if (strcmp(a, "--by") == 0) {
			by = v;
		} else if (strcmp(a, "--for") == 0) {
			if (bs_parse_duration(v, &secs) != 0 || secs == 0) {
				fprintf(stderr,
				    "bindscope-collector mute: --for: expected a "
				    "duration such as 12h or 30d\n");
				return 2;
			}
			expires = now + (int64_t)secs * 1000;
		} else if (strcmp(a, "--until") == 0) {
			if (cli_parse_until(v, &expires) != 0) {
				fprintf(stderr,
				    "bindscope-collector mute: --until: expected YYYY-MM-DD\n");
				return 2;
			}
		} else {
			fprintf(stderr, "bindscope-collector mute: unknown option '%s'\n\n", a);
			usage_mute(stderr);
			return 2;
		}
	}
	if (server == NULL || rule == NULL || reason == NULL || reason[0] == '\0' || expires == 0) {
		fprintf(stderr,
		    "bindscope-collector mute: --server, --rule, --reason and "
		    "--for or --until are required\n\n");
		usage_mute(stderr);
		return 2;
	}
	if (bs_mute_check(server, rule, reason, now, expires, why, sizeof(why)) != 0) {
		fprintf(stderr, "bindscope-collector mute: %s\n", why);
		return 2;
	}
	if ((rv = cli_open(db, &st)) != 0)
		return rv;
	rv = bs_store_mute_add(st, server, rule, reason, cli_actor(by), now, expires, &id);
	bs_store_close(st);
	if (rv != 0) {
		fprintf(stderr, "bindscope-collector mute: %s\n", bs_strerror(rv));
		return 2;
	}
	printf("mute %lld: %s on %s\n", (long long)id, rule, server);
	return 0;
}

int
bs_cli_unmute(int argc, char **argv)
{
	const char *db = NULL, *by = NULL, *ids = NULL;
	unsigned long long id;
	struct bs_store *st = NULL;
	int rv;

	for (int i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			db = argv[i + 1];
		else if (strcmp(argv[i], "--id") == 0)
			ids = argv[i + 1];
		else if (strcmp(argv[i], "--by") == 0)
			by = argv[i + 1];
	}
	if (ids == NULL || bs_parse_uint(ids, 1ULL << 62, &id) != 0) {
		usage_mute(stderr);
		return 2;
	}
	if ((rv = cli_open(db, &st)) != 0)
		return rv;
	rv = bs_store_mute_remove(st, (int64_t)id, cli_actor(by), cli_now_ms());
	bs_store_close(st);
	if (rv == BS_ENOENT) {
		fprintf(stderr, "bindscope-collector unmute: no active mute %llu\n", id);
		return 1;
	}
	if (rv != 0) {
		fprintf(stderr, "bindscope-collector unmute: %s\n", bs_strerror(rv));
		return 2;
	}
	printf("mute %llu ended\n", id);
	return 0;
}

int
bs_cli_mutes(int argc, char **argv)
{
	const char *db = NULL;
	struct bs_store *st = NULL;
	json_t *j = NULL;
	int all = 0, rv;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--all") == 0)
			all = 1;
	}
	if ((rv = cli_open(db, &st)) != 0)
		return rv;
	rv = bs_mutes_json(st, cli_now_ms(), all, &j);
	bs_store_close(st);
	return rv == 0 ? cli_print_json(j) : 2;
}

int
bs_cli_audit(int argc, char **argv)
{
	const char *db = NULL;
	struct bs_store *st = NULL;
	json_t *j = NULL;
	int rv;

	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], "--db") == 0)
			db = argv[i + 1];
	if ((rv = cli_open(db, &st)) != 0)
		return rv;
	rv = bs_audit_json(st, &j);
	bs_store_close(st);
	return rv == 0 ? cli_print_json(j) : 2;
}
