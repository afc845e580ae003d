/* tls_settings_test: SCHANNEL, .NET, Lsa and cipher suite policy values
 * read from `reg export` files as Windows writes them (UTF-16LE, BOM,
 * CRLF, wrapped hex(7)), each in its three states: set, absent (the OS
 * default), unreadable (with why), never a guess. */
#include "test_sweep.h"

#include "err.h"
#include "registry.h"

#define SCHANNEL "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"

#define SET BINDSCOPE__V1__REG_STATE__REG_SET
#define ABSENT BINDSCOPE__V1__REG_STATE__REG_ABSENT
#define UNREADABLE BINDSCOPE__V1__REG_STATE__REG_UNREADABLE

/* Loads the fixtures (NULL-terminated) into one registry, as the sweep
 * loads every file of ROOT/registry, and runs the source. */
static const Bindscope__V1__TlsSettings *
run(struct fx *f, ...)
{
	va_list ap;
	const char *fixture;

	assert_int_equal(bs_registry_create(&f->s.reg), 0);
	va_start(ap, f);
	while ((fixture = va_arg(ap, const char *)) != NULL) {
		size_t len;
		char *data = test_fixture(fixture, &len);

		assert_int_equal(bs_registry_load_reg(f->s.reg, data, len, fixture, NULL, NULL), 0);
		free(data);
	}
	va_end(ap);
	assert_int_equal(bs_src_tls_settings(&f->s), 0);
	assert_non_null(f->s.report->tls);
	return f->s.report->tls;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	bs_registry_destroy(f->s.reg);
	return sweep_teardown(state);
}

static const Bindscope__V1__SchannelProtocol *
proto(const Bindscope__V1__TlsSettings *t, const char *protocol, const char *side)
{
	for (size_t i = 0; i < t->n_protocols; i++)
		if (strcmp(t->protocols[i]->protocol, protocol) == 0 &&
		    strcmp(t->protocols[i]->side, side) == 0)
			return t->protocols[i];
	fail_msg("no %s %s", protocol, side);
	return NULL;
}

static const Bindscope__V1__DotNetTls *
dotnet(const Bindscope__V1__TlsSettings *t, const char *version, int wow6432)
{
	for (size_t i = 0; i < t->n_dotnet; i++)
		if (strcmp(t->dotnet[i]->version, version) == 0 && t->dotnet[i]->wow6432 == wow6432)
			return t->dotnet[i];
	fail_msg("no .NET %s (wow6432 %d)", version, wow6432);
	return NULL;
}

static void
want_dword(const Bindscope__V1__RegSetting *rs, uint32_t v)
{
	assert_int_equal(rs->state, SET);
	assert_int_equal(rs->dword, v);
	assert_string_equal(rs->reason, "");
}

/* Every protocol and side is reported, whatever the export holds. */
static void
test_schannel_states(void **state)
{
	struct fx *f = *state;
	const Bindscope__V1__TlsSettings *t = run(f, "reg/schannel.reg", NULL);
	const Bindscope__V1__SchannelProtocol *p;

	assert_int_equal(t->n_protocols, 12);
	/* 0xffffffff is a set value, kept as written (any non-zero is on). */
	p = proto(t, "TLS 1.2", "Server");
	want_dword(p->enabled, 0xffffffffu);
	want_dword(p->disabled_by_default, 0);
	assert_string_equal(p->enabled->key, SCHANNEL "\\Protocols\\TLS 1.2\\Server");
	assert_string_equal(p->enabled->name, "Enabled");
	want_dword(proto(t, "TLS 1.2", "Client")->enabled, 1);
	want_dword(proto(t, "TLS 1.0", "Server")->enabled, 0);
	want_dword(proto(t, "TLS 1.0", "Client")->disabled_by_default, 1);
	/* Half-disabled, as written: both values set, both 0. */
	p = proto(t, "TLS 1.1", "Server");
	want_dword(p->enabled, 0);
	want_dword(p->disabled_by_default, 0);
	/* A value missing from a present key: absent, not 0. */
	p = proto(t, "SSL 2.0", "Client");
	assert_int_equal(p->enabled->state, ABSENT);
	want_dword(p->disabled_by_default, 1);
	/* A key missing below the exported SCHANNEL key does not exist. */
	assert_int_equal(proto(t, "TLS 1.3", "Server")->enabled->state, ABSENT);
	assert_int_equal(proto(t, "TLS 1.1", "Client")->disabled_by_default->state, ABSENT);
	assert_int_equal(proto(t, "SSL 2.0", "Server")->enabled->state, ABSENT);
	/* Renegotiation: one set, one absent, on the SCHANNEL key itself. */
	want_dword(t->allow_insecure_renego_clients, 0);
	assert_int_equal(t->allow_insecure_renego_servers->state, ABSENT);
	assert_string_equal(t->allow_insecure_renego_servers->key, SCHANNEL);
}

/* Enabled="1" (REG_SZ): Windows ignores it; the report says so, with an
 * error naming the key and the value, instead of reading 1 or "absent". */
static void
test_wrong_type_unreadable_and_named(void **state)
{
	struct fx *f = *state;
	const Bindscope__V1__TlsSettings *t = run(f, "reg/schannel.reg", NULL);
	const Bindscope__V1__SchannelProtocol *p = proto(t, "SSL 3.0", "Server");
	const bs_report *r = f->s.report;

	assert_int_equal(p->enabled->state, UNREADABLE);
	assert_non_null(strstr(p->enabled->reason, "REG_SZ"));
	assert_non_null(strstr(p->enabled->reason, "REG_DWORD"));
	want_dword(p->disabled_by_default, 1);
	assert_int_equal(r->n_errors, 1);
	assert_string_equal(r->errors[0]->source, "tls_settings");
	assert_string_equal(r->errors[0]->path, SCHANNEL "\\Protocols\\SSL 3.0\\Server");
	assert_non_null(strstr(r->errors[0]->reason, "value Enabled"));
}

/* Nothing exported: every value unreadable, with the reason, and no
 * error per value (the registry source already said what is missing). */
static void
test_never_exported_unreadable(void **state)
{
	struct fx *f = *state;
	const Bindscope__V1__TlsSettings *t = run(f, "reg/http_utf16.reg", NULL);

	for (size_t i = 0; i < t->n_protocols; i++) {
		assert_int_equal(t->protocols[i]->enabled->state, UNREADABLE);
		assert_string_equal(
		    t->protocols[i]->enabled->reason, "the key is not in the registry exports");
		assert_int_equal(t->protocols[i]->disabled_by_default->state, UNREADABLE);
	}
	assert_int_equal(t->n_dotnet, 4);
	for (size_t i = 0; i < t->n_dotnet; i++)
		assert_int_equal(t->dotnet[i]->sch_use_strong_crypto->state, UNREADABLE);
	assert_int_equal(t->lm_compatibility_level->state, UNREADABLE);
	assert_int_equal(t->cipher_suite_order->state, UNREADABLE);
	assert_int_equal(t->allow_insecure_renego_clients->state, UNREADABLE);
	assert_int_equal(f->s.report->n_errors, 0);
}

/* .NET in both views: each file its own key; a tombstone ([-KEY], what
 * the exporter writes for a key the server lacks) is absent; a key no
 * file mentions is unreadable. */
static void
test_dotnet_both_views(void **state)
{
	struct fx *f = *state;
	const Bindscope__V1__TlsSettings *t = run(f, "reg/dotnet_v4.reg", "reg/dotnet_v4_wow64.reg",
	    "reg/tomb_dotnet_v2_wow64.reg", NULL);
	const Bindscope__V1__DotNetTls *d;

	d = dotnet(t, "v4.0.30319", 0);
	want_dword(d->sch_use_strong_crypto, 1);
	want_dword(d->system_default_tls_versions, 1);
	assert_string_equal(
	    d->sch_use_strong_crypto->key, "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319");
	d = dotnet(t, "v4.0.30319", 1);
	want_dword(d->sch_use_strong_crypto, 0); /* the 32-bit view differs */
	want_dword(d->system_default_tls_versions, 1);
	assert_string_equal(d->sch_use_strong_crypto->key,
	    "HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319");
	d = dotnet(t, "v2.0.50727", 1);
	assert_int_equal(d->sch_use_strong_crypto->state, ABSENT);
	assert_int_equal(d->system_default_tls_versions->state, ABSENT);
	assert_string_equal(d->sch_use_strong_crypto->reason, "");
	d = dotnet(t, "v2.0.50727", 0);
	assert_int_equal(d->sch_use_strong_crypto->state, UNREADABLE);
	assert_non_null(strstr(d->sch_use_strong_crypto->reason, "not in the registry exports"));
	assert_int_equal(f->s.report->n_errors, 0);
}

/* Lsa: LmCompatibilityLevel set, SuppressExtendedProtection absent. */
static void
test_lsa(void **state)
{
	struct fx *f = *state;
	const Bindscope__V1__TlsSettings *t = run(f, "reg/lsa.reg", NULL);

	want_dword(t->lm_compatibility_level, 5);
	assert_int_equal(t->suppress_extended_protection->state, ABSENT);
	assert_string_equal(
	    t->suppress_extended_protection->key, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa");
}

/* The cipher suite order policy: REG_SZ as written, REG_MULTI_SZ (wrapped
 * hex(7)) joined with ","; the policy key tombstoned: absent. */
static void
test_cipher_suite_policy(void **state)
{
	struct fx *f = *state;
	const Bindscope__V1__TlsSettings *t = run(f, "reg/cipher_policy_sz.reg", NULL);

	assert_int_equal(t->cipher_suite_order->state, SET);
	assert_string_equal(t->cipher_suite_order->text,
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	assert_string_equal(t->cipher_suite_order->name, "Functions");
	bs_registry_destroy(f->s.reg);
	f->s.report->tls = NULL;

	t = run(f, "reg/cipher_policy_multi.reg", NULL);
	assert_int_equal(t->cipher_suite_order->state, SET);
	assert_string_equal(t->cipher_suite_order->text,
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
	    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
	bs_registry_destroy(f->s.reg);

	t = run(f, "reg/tomb_cipher_policy.reg", NULL);
	assert_int_equal(t->cipher_suite_order->state, ABSENT);
	assert_string_equal(t->cipher_suite_order->text, "");
	assert_int_equal(f->s.report->n_errors, 0);
}

/* A hand-saved REGEDIT4 file holds REG_MULTI_SZ as ANSI bytes: every
 * string is kept, not only the first; a DWORD policy value is named. */
static void
test_cipher_suite_regedit4_and_dword(void **state)
{
	struct fx *f = *state;
	static const char multi[] =
	    "REGEDIT4\r\n\r\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]\r\n"
	    "\"Functions\"=hex(7):41,42,00,43,e9,00,00\r\n";
	static const char dword[] =
	    "REGEDIT4\r\n\r\n"
	    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002]\r\n"
	    "\"Functions\"=dword:00000001\r\n";

	assert_int_equal(bs_registry_create(&f->s.reg), 0);
	assert_int_equal(
	    bs_registry_load_reg(f->s.reg, multi, strlen(multi), "m.reg", NULL, NULL), 0);
	assert_int_equal(bs_src_tls_settings(&f->s), 0);
	assert_int_equal(f->s.report->tls->cipher_suite_order->state, SET);
	assert_string_equal(
	    f->s.report->tls->cipher_suite_order->text, "AB,C\xc3\xa9"); /* Latin-1 é */
	bs_registry_destroy(f->s.reg);

	assert_int_equal(bs_registry_create(&f->s.reg), 0);
	assert_int_equal(
	    bs_registry_load_reg(f->s.reg, dword, strlen(dword), "d.reg", NULL, NULL), 0);
	assert_int_equal(bs_src_tls_settings(&f->s), 0);
	assert_int_equal(f->s.report->tls->cipher_suite_order->state, UNREADABLE);
	assert_non_null(strstr(f->s.report->tls->cipher_suite_order->reason, "REG_DWORD where"));
	assert_int_equal(f->s.report->n_errors, 1);
	assert_non_null(strstr(f->s.report->errors[0]->reason, "value Functions"));
}

TEST_MAIN(NULL, NULL, cmocka_unit_test_setup_teardown(test_schannel_states, sweep_setup, teardown),
    cmocka_unit_test_setup_teardown(test_wrong_type_unreadable_and_named, sweep_setup, teardown),
    cmocka_unit_test_setup_teardown(test_never_exported_unreadable, sweep_setup, teardown),
    cmocka_unit_test_setup_teardown(test_dotnet_both_views, sweep_setup, teardown),
    cmocka_unit_test_setup_teardown(test_lsa, sweep_setup, teardown),
    cmocka_unit_test_setup_teardown(test_cipher_suite_policy, sweep_setup, teardown),
    cmocka_unit_test_setup_teardown(test_cipher_suite_regedit4_and_dword, sweep_setup, teardown))
