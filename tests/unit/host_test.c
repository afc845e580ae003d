/* host_test: who the server is from its registry exports: the Windows
 * build and product (Windows NT\CurrentVersion) and the Exchange roles,
 * a role being installed when its key exists (present), not when the
 * export says the key does not exist ([-KEY]) or never exported it. */
#include "test_sweep.h"

#include "err.h"
#include "registry.h"

static void
load(struct fx *f, const char *fixture)
{
	size_t len;
	char *data = test_fixture(fixture, &len);

	assert_int_equal(bs_registry_load_reg(f->s.reg, data, len, fixture, NULL, NULL), 0);
	free(data);
}

static int
setup(void **state)
{
	struct fx *f;

	sweep_setup(state);
	f = *state;
	assert_int_equal(bs_registry_create(&f->s.reg), 0);
	load(f, "reg/regedit4_ansi.reg"); /* Tcpip: the host name */
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	bs_registry_destroy(f->s.reg);
	return sweep_teardown(state);
}

static void
test_os_and_mailbox_role(void **state)
{
	struct fx *f = *state;
	const Bindscope__V1__Host *h;

	load(f, "reg/windows_version.reg");
	load(f, "reg/exchange_mailboxrole.reg");
	load(f, "reg/tomb_edgerole.reg"); /* ClientAccessRole: not exported at all */
	assert_int_equal(bs_src_host(&f->s), 0);
	h = f->s.report->host;
	assert_string_equal(h->os_build, "17763");
	assert_string_equal(h->os_product, "Windows Server 2019 Datacenter");
	assert_int_equal(h->n_exchange_roles, 1);
	assert_string_equal(h->exchange_roles[0], "Mailbox");
	assert_int_equal(f->s.report->n_errors, 0);
}

/* Every role key present (an Exchange 2013 multi-role server), in the
 * table's order; a later tombstone of one takes it away. */
static void
test_roles_present_and_tombstoned(void **state)
{
	struct fx *f = *state;
	static const char roles[] =
	    "REGEDIT4\r\n\r\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\ClientAccessRole]\r\n"
	    "\"ConfiguredVersion\"=\"15.0.1497.2\"\r\n\r\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\EdgeTransportRole]\r\n\r\n";
	static const char gone[] =
	    "REGEDIT4\r\n\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\ClientAccessRole]\r\n";
	const Bindscope__V1__Host *h;

	load(f, "reg/exchange_mailboxrole.reg");
	assert_int_equal(
	    bs_registry_load_reg(f->s.reg, roles, strlen(roles), "r.reg", NULL, NULL), 0);
	assert_int_equal(bs_src_host(&f->s), 0);
	h = f->s.report->host;
	assert_int_equal(h->n_exchange_roles, 3);
	assert_string_equal(h->exchange_roles[0], "Mailbox");
	assert_string_equal(h->exchange_roles[1], "ClientAccess");
	assert_string_equal(h->exchange_roles[2], "Edge");
	/* No Windows NT\CurrentVersion export: unknown, said as "". */
	assert_string_equal(h->os_build, "");
	assert_string_equal(h->os_product, "");

	assert_int_equal(
	    bs_registry_load_reg(f->s.reg, gone, strlen(gone), "g.reg", NULL, NULL), 0);
	assert_int_equal(bs_src_host(&f->s), 0);
	h = f->s.report->host;
	assert_int_equal(h->n_exchange_roles, 2);
	assert_string_equal(h->exchange_roles[0], "Mailbox");
	assert_string_equal(h->exchange_roles[1], "Edge");
}

/* CurrentBuildNumber of another type: the build is taken from
 * CurrentBuild, the other value Windows keeps it in. */
static void
test_os_build_wrong_type(void **state)
{
	struct fx *f = *state;
	static const char reg[] =
	    "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
	    "\"CurrentBuildNumber\"=dword:00004f7c\r\n\"CurrentBuild\"=\"20348\"\r\n";

	assert_int_equal(bs_registry_load_reg(f->s.reg, reg, strlen(reg), "w.reg", NULL, NULL), 0);
	assert_int_equal(bs_src_host(&f->s), 0);
	assert_string_equal(f->s.report->host->os_build, "20348");
	assert_string_equal(f->s.report->host->os_product, "");
}

TEST_MAIN(NULL, NULL, cmocka_unit_test_setup_teardown(test_os_and_mailbox_role, setup, teardown),
    cmocka_unit_test_setup_teardown(test_roles_present_and_tombstoned, setup, teardown),
    cmocka_unit_test_setup_teardown(test_os_build_wrong_type, setup, teardown))
