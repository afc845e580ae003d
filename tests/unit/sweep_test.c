/* sweep_test: the sweep reports its own cost (CPU, peak memory), and the
 * watchdog cuts a sweep short between sources when it runs over a limit
 * or its wall-clock deadline, saying so in the report; evidence that is a
 * FIFO or a link out of the root is refused by name, without blocking. */
#include "test_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "sweep.h"

static const Bindscope__V1__CollectionError *
watchdog_error(const bs_report *r)
{
	for (size_t i = 0; i < r->n_errors; i++)
		if (strcmp(r->errors[i]->source, "watchdog") == 0)
			return r->errors[i];
	return NULL;
}

/* registry/tcpip.reg in root as `reg export` writes it (CRLF), naming
 * MBX01 in corp.example. */
static void
write_tcpip(const char *root)
{
	static const char text[] =
	    "Windows Registry Editor Version 5.00\r\n\r\n"
	    "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters]\r\n"
	    "\"Domain\"=\"corp.example\"\r\n\"Hostname\"=\"MBX01\"\r\n\r\n";
	char reg[BS_PATH_MAX], p[BS_PATH_MAX];
	FILE *f;

	assert_int_equal(bs_path_join(reg, sizeof(reg), root, "registry"), 0);
	assert_int_equal(bs_fs_mkdirs(reg), 0);
	assert_int_equal(bs_path_join(p, sizeof(p), reg, "tcpip.reg"), 0);
	f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_footprint_reported_and_watchdog(void **state)
{
	char dir[64];
	struct bs_sweep_options opt;
	struct bs_arena a;
	bs_report *r = NULL;
	const Bindscope__V1__CollectionError *e;

	(void)state;
	test_tmpdir(dir, sizeof(dir)); /* an empty root: every source runs and finds little */
	memset(&opt, 0, sizeof(opt));
	opt.root = dir;
	opt.boot_id = "b";
	opt.sequence = 1;

	bs_arena_init(&a, 0);
	bs_sweep_run(&opt, &a, &r);
	assert_non_null(r);
	assert_false(r->agent->cut_short);
	assert_int_equal(r->agent->cut_limit, BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_NONE);
	assert_null(watchdog_error(r));
	assert_true(r->agent->peak_rss_kib > 0);
	bs_arena_fini(&a);

	/* A memory limit below any process: stopped after the first source,
	 * but the host facts are still read, so the report names its server
	 * (the collector refuses one that does not, and an agent over its
	 * limit would send nothing anyone sees). The CPU limit takes the
	 * same path; CPU time is not asserted here because the kernel may
	 * account it in whole ticks. */
	write_tcpip(dir);
	opt.max_rss_kib = 1;
	bs_arena_init(&a, 0);
	bs_sweep_run(&opt, &a, &r);
	assert_non_null(r);
	assert_true(r->agent->cut_short);
	e = watchdog_error(r);
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "sweep cut short after registry"));
	assert_non_null(strstr(e->reason, "KiB resident, over the 1 KiB limit"));
	/* The collector reads which limit from these, not from the words. */
	assert_int_equal(r->agent->cut_limit, BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_MEMORY);
	assert_int_equal(r->agent->cut_limit_value, 1);
	assert_non_null(r->host);
	assert_string_equal(r->host->fqdn, "mbx01.corp.example");
	assert_int_equal(r->n_sites, 0);
	assert_int_equal(r->n_certificates, 0);
	assert_int_equal(r->n_ssl_bindings, 0);
	bs_arena_fini(&a);
}

static const Bindscope__V1__CollectionError *
error_for(const bs_report *r, const char *path)
{
	for (size_t i = 0; i < r->n_errors; i++)
		if (strcmp(r->errors[i]->path, path) == 0)
			return r->errors[i];
	return NULL;
}

static void
mkdir_in(const char *dir, const char *rel, char *out, size_t outsz)
{
	assert_int_equal(bs_path_join(out, outsz, dir, rel), 0);
	assert_int_equal(bs_fs_mkdirs(out), 0);
}

/* 2,000 registry exports take far more than a millisecond to list and
 * read, so a 1 ms deadline passes during the first source. */
static void
test_wall_clock_deadline(void **state)
{
	char dir[64], reg[BS_PATH_MAX], p[BS_PATH_MAX];
	struct bs_sweep_options opt;
	struct bs_arena a;
	bs_report *r = NULL;
	const Bindscope__V1__CollectionError *e;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	mkdir_in(dir, "registry", reg, sizeof(reg));
	for (int i = 0; i < 2000; i++) {
		static const char text[] = "Windows Registry Editor Version 5.00\r\n\r\n"
		                           "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n\"a\"=\"b\"\r\n";

		char name[16];

		snprintf(name, sizeof(name), "k%04d.reg", i);
		FILE *f;

		assert_int_equal(bs_path_join(p, sizeof(p), reg, name), 0);
		f = fopen(p, "wb"); /* no fsync: 2,000 of them would take seconds */
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	memset(&opt, 0, sizeof(opt));
	opt.root = dir;
	opt.boot_id = "b";
	opt.sequence = 1;
	opt.max_wall_ms = 1;
	bs_arena_init(&a, 0);
	bs_sweep_run(&opt, &a, &r);
	assert_non_null(r);
	assert_true(r->agent->cut_short);
	e = watchdog_error(r);
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "sweep cut short at registry"));
	assert_non_null(strstr(e->reason, "over the 0.001 s wall-clock deadline"));
	assert_int_equal(r->agent->cut_limit, BINDSCOPE__V1__WATCHDOG_LIMIT__WATCHDOG_LIMIT_WALL);
	assert_int_equal(r->agent->cut_limit_value, 1);
	bs_arena_fini(&a);
	/* Generous: not cut. */
	opt.max_wall_ms = 600000;
	bs_arena_init(&a, 0);
	bs_sweep_run(&opt, &a, &r);
	assert_false(r->agent->cut_short);
	assert_null(watchdog_error(r));
	bs_arena_fini(&a);
}

/* FIFOs where evidence files belong, and links out of the root: each is
 * named in a collection error, nothing blocks, nothing outside is read;
 * a link that stays inside is followed. */
static void
test_fifos_and_links_out_refused(void **state)
{
	char dir[64], out[BS_PATH_MAX], p[BS_PATH_MAX], q[BS_PATH_MAX], root[BS_PATH_MAX];
	struct bs_sweep_options opt;
	struct bs_arena a;
	bs_report *r = NULL;
	const Bindscope__V1__CollectionError *e;

	(void)state;
	test_tmpdir(dir, sizeof(dir));
	mkdir_in(dir, "root", root, sizeof(root));
	mkdir_in(dir, "outside", out, sizeof(out));
	mkdir_in(root, "certstore/LocalMachine/My", p, sizeof(p));
	mkdir_in(root, "Windows/System32/inetsrv/config", q, sizeof(q));
	mkdir_in(root, "registry", q, sizeof(q));
	assert_int_equal(bs_path_join(q, sizeof(q), root, "certstore/LocalMachine/My/X.cer"), 0);
	assert_int_equal(mkfifo(q, 0600), 0);
	assert_int_equal(bs_path_join(q, sizeof(q), root, "registry/http.reg"), 0);
	assert_int_equal(mkfifo(q, 0600), 0);
	assert_int_equal(bs_path_join(q, sizeof(q), root,
	                     "Windows/System32/inetsrv/config/applicationHost.config"),
	    0);
	assert_int_equal(mkfifo(q, 0600), 0);
	/* A certificate outside, linked in as a file and as a whole store. */
	assert_int_equal(bs_path_join(q, sizeof(q), root, "certstore/LocalMachine/My/CA.cer"), 0);
	assert_int_equal(symlink("/etc/hostname", q), 0);
	assert_int_equal(bs_path_join(q, sizeof(q), root, "certstore/LocalMachine/Root"), 0);
	assert_int_equal(symlink(out, q), 0);
	assert_int_equal(bs_path_join(p, sizeof(p), out, "ca.cer"), 0);
	assert_int_equal(bs_fs_write_atomic(p, "x", 1), 0);
	/* Inside: followed (and then judged as a certificate). */
	assert_int_equal(bs_path_join(q, sizeof(q), root, "certstore/LocalMachine/My/Y.cer"), 0);
	assert_int_equal(bs_fs_write_atomic(q, "not a cert", 10), 0);
	assert_int_equal(bs_path_join(q, sizeof(q), root, "certstore/LocalMachine/My/Z.cer"), 0);
	assert_int_equal(symlink("Y.cer", q), 0);

	memset(&opt, 0, sizeof(opt));
	opt.root = root;
	opt.boot_id = "b";
	opt.sequence = 1;
	alarm(20); /* a blocking open fails the test instead of hanging it */
	bs_arena_init(&a, 0);
	bs_sweep_run(&opt, &a, &r);
	alarm(0);
	assert_non_null(r);
	e = error_for(r, "certstore/LocalMachine/My/X.cer");
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "not a regular file"));
	e = error_for(r, "registry/http.reg");
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "not a regular file"));
	e = error_for(r, "Windows/System32/inetsrv/config/applicationHost.config");
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "not a regular file"));
	e = error_for(r, "certstore/LocalMachine/My/CA.cer");
	assert_non_null(e);
	assert_non_null(
	    strstr(e->reason, "leads outside the evidence root (a link to /etc/hostname)"));
	e = error_for(r, "certstore/LocalMachine/Root");
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "leads outside the evidence root"));
	assert_null(error_for(r, "certstore/LocalMachine/Root/ca.cer")); /* never looked at */
	e = error_for(r, "certstore/LocalMachine/My/Z.cer");
	assert_non_null(e);
	assert_non_null(strstr(e->reason, "not a DER or PEM")); /* read: it stays inside */
	bs_arena_fini(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_footprint_reported_and_watchdog),
	    cmocka_unit_test(test_wall_clock_deadline),
	    cmocka_unit_test(test_fifos_and_links_out_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
