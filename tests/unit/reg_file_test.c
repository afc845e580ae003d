/* reg_file_test: the .reg export parser on files shaped like reg.exe's. */
#include "test_util.h"

#include "err.h"
#include "registry.h"

#define SSL "HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters"

struct errs {
	unsigned lines[32];
	char reasons[32][256];
	size_t n;
};

static void
collect(void *arg, const char *file, unsigned line, const char *reason)
{
	struct errs *e = arg;

	(void)file;
	if (e->n < 32) {
		e->lines[e->n] = line;
		snprintf(e->reasons[e->n], sizeof(e->reasons[0]), "%s", reason);
		e->n++;
	}
}

static struct bs_registry *
load(const char *fixture, struct errs *e, int *rv)
{
	struct bs_registry *r = NULL;
	size_t len;
	char *data = test_fixture(fixture, &len);

	assert_int_equal(bs_registry_create(&r), 0);
	memset(e, 0, sizeof(*e));
	*rv = bs_registry_load_reg(r, data, len, fixture, collect, e);
	free(data);
	return r;
}

static void
test_utf16_wrapped_hex(void **state)
{
	struct errs e;
	int rv;
	struct bs_registry *r = load("reg/http_utf16.reg", &e, &rv);
	struct bs_reg_value v;
	char store[32];
	uint32_t mode;
	const char **names;
	size_t n;
	static const uint8_t hash[20] = {0x5f, 0x2d, 0x9c, 0xb1, 0x4e, 0x7a, 0x00, 0x11, 0x22, 0x33,
	    0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd};

	(void)state;
	assert_int_equal(rv, 0);
	assert_int_equal(e.n, 0);
	/* Both root spellings and any case find the same key. */
	assert_int_equal(
	    bs_registry_get(r,
	        "HKEY_LOCAL_MACHINE\\system\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:444",
	        "SslCertHash", &v),
	    0);
	assert_int_equal(v.type, BS_REG_BINARY);
	assert_int_equal(v.len, 20); /* the wrapped line's last byte joined */
	assert_memory_equal(v.data, hash, 20);
	assert_int_equal(bs_registry_get_string(r, SSL "\\SslBindingInfo\\0.0.0.0:444",
	                     "SslCertStoreName", store, sizeof(store)),
	    0);
	assert_string_equal(store, "MY");
	assert_int_equal(bs_registry_get_dword(r, SSL "\\SslBindingInfo\\0.0.0.0:444",
	                     "DefaultSslCertCheckMode", &mode),
	    0);
	assert_int_equal(mode, 1);
	assert_int_equal(bs_registry_subkeys(r, SSL "\\SslSniBindingInfo", &names, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "mail.contoso.com:443");
	assert_int_equal(bs_registry_subkeys(r, SSL, &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "SslBindingInfo");
	assert_string_equal(names[1], "SslSniBindingInfo");
	bs_registry_destroy(r);
}

static void
test_utf8_value_types(void **state)
{
	struct errs e;
	int rv;
	struct bs_registry *r = load("reg/utf8_values.reg", &e, &rv);
	const char *k = "HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup";
	struct bs_reg_value v;
	char s[256];
	uint32_t dw;

	(void)state;
	assert_int_equal(rv, 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(bs_registry_get_string(r, k, "MsiInstallPath", s, sizeof(s)), 0);
	assert_string_equal(s, "D:\\Exchange Server\\V15\\");
	assert_int_equal(bs_registry_get_string(r, k, "Quoted", s, sizeof(s)), 0);
	assert_string_equal(s, "say \"hi\"");
	assert_int_equal(bs_registry_get_string(r, k, "", s, sizeof(s)), 0);
	assert_string_equal(s, "default value");
	assert_int_equal(bs_registry_get_dword(r, k, "MsiProductMajor", &dw), 0);
	assert_int_equal(dw, 15);
	/* hex(2) in a version 5 file is UTF-16LE, continued over two lines. */
	assert_int_equal(bs_registry_get_string(r, k, "Expand", s, sizeof(s)), 0);
	assert_string_equal(s, "%SystemDrive%");
	assert_int_equal(bs_registry_get(r, k, "Multi", &v), 0);
	assert_int_equal(v.type, BS_REG_MULTI_SZ);
	assert_int_equal(v.len, 10);
	assert_int_equal(bs_registry_get(r, k, "Qword", &v), 0);
	assert_int_equal(v.type, BS_REG_QWORD);
	assert_int_equal(v.len, 8);
	assert_int_equal(bs_registry_get(r, k, "Gone", &v), BS_ENOENT);
	assert_int_equal(bs_registry_get_string(r, k, "Unicodé", s, sizeof(s)), 0);
	assert_string_equal(s, "naïve");
	/* A dword read as a string is a type error, not garbage. */
	assert_int_equal(bs_registry_get_string(r, k, "MsiProductMajor", s, sizeof(s)), BS_EPARSE);
	/* [-KEY] deletes the key and its subkeys. */
	assert_false(bs_registry_has_key(r, "HKLM\\SOFTWARE\\Doomed"));
	assert_false(bs_registry_has_key(r, "HKLM\\SOFTWARE\\Doomed\\Child"));
	bs_registry_destroy(r);
}

static void
test_regedit4_ansi(void **state)
{
	struct errs e;
	int rv;
	struct bs_registry *r = load("reg/regedit4_ansi.reg", &e, &rv);
	const char *k = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters";
	char s[64];

	(void)state;
	assert_int_equal(rv, 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(bs_registry_get_string(r, k, "Hostname", s, sizeof(s)), 0);
	assert_string_equal(s, "MBX\xc3\xa9"); /* Latin-1 0xE9 -> UTF-8 é */
	/* hex(2) in REGEDIT4 is ANSI with a trailing NUL. */
	assert_int_equal(bs_registry_get_string(r, k, "Path", s, sizeof(s)), 0);
	assert_string_equal(s, "C:\\");
	bs_registry_destroy(r);
}

static void
test_bad_lines_named(void **state)
{
	struct errs e;
	int rv;
	struct bs_registry *r = load("reg/bad_lines.reg", &e, &rv);
	static const unsigned want[] = {3, 4, 7, 8, 9, 10, 11, 12};
	char s[32];
	uint32_t dw;

	(void)state;
	assert_int_equal(rv, 0); /* a registry export, with bad lines */
	assert_int_equal(e.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < e.n; i++)
		assert_int_equal(e.lines[i], want[i]);
	assert_non_null(strstr(e.reasons[0], "before any [key]"));
	assert_non_null(strstr(e.reasons[1], "']'"));
	assert_non_null(strstr(e.reasons[3], "baddword"));
	/* The good values around the bad ones are kept. */
	assert_int_equal(bs_registry_get_string(r, "HKLM\\SOFTWARE\\Good", "ok", s, sizeof(s)), 0);
	assert_string_equal(s, "fine");
	assert_int_equal(bs_registry_get_dword(r, "HKLM\\SOFTWARE\\Good", "after", &dw), 0);
	assert_int_equal(dw, 2);
	bs_registry_destroy(r);
}

static void
test_not_a_registry_export(void **state)
{
	struct errs e;
	int rv;
	struct bs_registry *r = load("reg/not_a_reg.reg", &e, &rv);

	(void)state;
	assert_int_equal(rv, BS_EPARSE);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.lines[0], 1);
	bs_registry_destroy(r);
}

static void
test_truncated_export(void **state)
{
	struct errs e;
	int rv;
	struct bs_registry *r = load("reg/truncated.reg", &e, &rv);
	struct bs_reg_value v;

	(void)state;
	assert_int_equal(e.n, 1);
	assert_int_equal(e.lines[0], 4);
	assert_non_null(strstr(e.reasons[0], "truncated"));
	assert_int_equal(bs_registry_get(r, "HKLM\\SOFTWARE\\T", "SslCertHash", &v), BS_ENOENT);
	bs_registry_destroy(r);
}

static void
test_later_file_wins(void **state)
{
	struct bs_registry *r = NULL;
	const char *a = "REGEDIT4\n[HKLM\\K]\n\"v\"=\"one\"\n\"w\"=\"kept\"\n";
	const char *b = "REGEDIT4\n[HKLM\\K]\n\"v\"=\"two\"\n";
	char s[16];

	(void)state;
	assert_int_equal(bs_registry_create(&r), 0);
	assert_int_equal(bs_registry_load_reg(r, a, strlen(a), "a", NULL, NULL), 0);
	assert_int_equal(bs_registry_load_reg(r, b, strlen(b), "b", NULL, NULL), 0);
	assert_int_equal(bs_registry_get_string(r, "HKLM\\K", "v", s, sizeof(s)), 0);
	assert_string_equal(s, "two");
	assert_int_equal(bs_registry_get_string(r, "HKLM\\K", "w", s, sizeof(s)), 0);
	assert_string_equal(s, "kept");
	bs_registry_destroy(r);
}

/* [-KEY], what the exporter writes for a key the server lacks: the key
 * and everything below it is absent; a key below an exported one that
 * the export does not hold is absent too; any other key is unknown. */
static void
test_tombstone_key_states(void **state)
{
	struct errs e;
	int rv;
	struct bs_registry *r = load("reg/tomb_cipher_policy.reg", &e, &rv);
	const char *pol =
	    "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002";
	const char *sch = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL";
	char key[256];
	size_t len;
	char *data = test_fixture("reg/schannel.reg", &len);

	(void)state;
	assert_int_equal(rv, 0);
	assert_int_equal(e.n, 0);
	assert_int_equal(bs_registry_load_reg(r, data, len, "schannel.reg", collect, &e), 0);
	free(data);
	assert_int_equal(e.n, 0);
	assert_int_equal(bs_registry_key_state(r, pol), BS_REG_KEY_ABSENT);
	assert_int_equal(bs_registry_key_state(r,
	                     "hkey_local_machine\\software\\policies\\microsoft\\cryptography\\"
	                     "configuration\\ssl\\00010002\\"),
	    BS_REG_KEY_ABSENT);
	snprintf(key, sizeof(key), "%s\\Sub", pol);
	assert_int_equal(bs_registry_key_state(r, key), BS_REG_KEY_ABSENT);
	/* The tombstoned key's parent may well exist: unknown. */
	assert_int_equal(
	    bs_registry_key_state(
	        r, "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL"),
	    BS_REG_KEY_UNKNOWN);
	/* A sibling whose name starts like it is another key. */
	snprintf(key, sizeof(key), "%s0", pol);
	assert_int_equal(bs_registry_key_state(r, key), BS_REG_KEY_UNKNOWN);
	assert_int_equal(bs_registry_key_state(r, sch), BS_REG_KEY_PRESENT);
	snprintf(key, sizeof(key), "%s\\Protocols\\TLS 1.2\\Server", sch);
	assert_int_equal(bs_registry_key_state(r, key), BS_REG_KEY_PRESENT);
	snprintf(key, sizeof(key), "%s\\Protocols\\TLS 1.3\\Server", sch);
	assert_int_equal(bs_registry_key_state(r, key), BS_REG_KEY_ABSENT);
	assert_int_equal(bs_registry_key_state(r, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa"),
	    BS_REG_KEY_UNKNOWN);
	assert_false(bs_registry_has_key(r, pol));
	bs_registry_destroy(r);
}

/* Files load in turn and the later one wins for a key too: a key
 * re-created after its tombstone is present with the new values; a key
 * tombstoned after it was exported is absent, its values gone. */
static void
test_tombstone_later_file_wins(void **state)
{
	struct bs_registry *r = NULL;
	const char *gone = "REGEDIT4\r\n\r\n[-HKEY_LOCAL_MACHINE\\SOFTWARE\\K]\r\n";
	const char *back =
	    "REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\K]\r\n\"v\"=dword:00000002\r\n";
	struct bs_reg_value v;
	uint32_t dw;

	(void)state;
	assert_int_equal(bs_registry_create(&r), 0);
	assert_int_equal(bs_registry_load_reg(r, gone, strlen(gone), "a.reg", NULL, NULL), 0);
	assert_int_equal(bs_registry_key_state(r, "HKLM\\SOFTWARE\\K"), BS_REG_KEY_ABSENT);
	assert_int_equal(bs_registry_load_reg(r, back, strlen(back), "b.reg", NULL, NULL), 0);
	assert_int_equal(bs_registry_key_state(r, "HKLM\\SOFTWARE\\K"), BS_REG_KEY_PRESENT);
	assert_int_equal(bs_registry_get_dword(r, "HKLM\\SOFTWARE\\K", "v", &dw), 0);
	assert_int_equal(dw, 2);
	/* Its subkeys: not in the new export of K, so they do not exist. */
	assert_int_equal(bs_registry_key_state(r, "HKLM\\SOFTWARE\\K\\Sub"), BS_REG_KEY_ABSENT);
	assert_int_equal(bs_registry_load_reg(r, gone, strlen(gone), "c.reg", NULL, NULL), 0);
	assert_int_equal(bs_registry_key_state(r, "HKLM\\SOFTWARE\\K"), BS_REG_KEY_ABSENT);
	assert_int_equal(bs_registry_get(r, "HKLM\\SOFTWARE\\K", "v", &v), BS_ENOENT);
	/* The live reader records a key it did not find the same way. */
	assert_int_equal(bs_registry_key_state(r, "HKLM\\SOFTWARE\\L"), BS_REG_KEY_UNKNOWN);
	assert_int_equal(bs_registry_put_absent(r, "HKEY_LOCAL_MACHINE\\SOFTWARE\\L\\"), 0);
	assert_int_equal(bs_registry_key_state(r, "hklm\\software\\l"), BS_REG_KEY_ABSENT);
	bs_registry_destroy(r);
}

static void
test_utf16_surrogates(void **state)
{
	/* U+1F600 as a surrogate pair, an unpaired high surrogate, then 'A'. */
	static const uint8_t in[] = {0x3d, 0xd8, 0x00, 0xde, 0x3d, 0xd8, 0x41, 0x00};
	char out[16];

	(void)state;
	bs_utf16le_to_utf8(in, sizeof(in), out, sizeof(out));
	assert_string_equal(out,
	    "\xf0\x9f\x98\x80\xef\xbf\xbd"
	    "A");
	/* The output bound is honoured. */
	bs_utf16le_to_utf8(in, sizeof(in), out, 3);
	assert_true(strlen(out) < 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf16_wrapped_hex),
	    cmocka_unit_test(test_utf8_value_types),
	    cmocka_unit_test(test_regedit4_ansi),
	    cmocka_unit_test(test_bad_lines_named),
	    cmocka_unit_test(test_not_a_registry_export),
	    cmocka_unit_test(test_truncated_export),
	    cmocka_unit_test(test_later_file_wins),
	    cmocka_unit_test(test_utf16_surrogates),
	    cmocka_unit_test(test_tombstone_key_states),
	    cmocka_unit_test(test_tombstone_later_file_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
