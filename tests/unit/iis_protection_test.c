/* iis_protection_test: Extended Protection, sslFlags, ipSecurity and HSTS
 * from applicationHost.config as IIS writes it (CRLF, <location path>
 * elements after the sections), each virtual directory's value resolved
 * the way IIS inherits it, and where it came from. */
#include "test_sweep.h"

#include "err.h"
#include "iis_config.h"

#define YES BINDSCOPE__V1__TRI__TRI_YES
#define NO BINDSCOPE__V1__TRI__TRI_NO
#define UNKNOWN BINDSCOPE__V1__TRI__TRI_UNKNOWN

static int
parse(struct fx *f, const char *fixture)
{
	size_t len;
	char *xml = test_fixture(fixture, &len);
	int rv = bs_iis_config_parse(&f->s, xml, len, fixture);

	free(xml);
	return rv;
}

static const Bindscope__V1__VirtualDirectory *
vdir(const bs_report *r, const char *path)
{
	for (size_t i = 0; i < r->n_vdirs; i++)
		if (strcmp(r->vdirs[i]->path, path) == 0)
			return r->vdirs[i];
	fail_msg("no virtual directory %s", path);
	return NULL;
}

static const Bindscope__V1__Site *
site(const bs_report *r, const char *name)
{
	for (size_t i = 0; i < r->n_sites; i++)
		if (strcmp(r->sites[i]->name, name) == 0)
			return r->sites[i];
	fail_msg("no site %s", name);
	return NULL;
}

static void
want_token(const Bindscope__V1__VirtualDirectory *v, const char *value, int set, const char *from)
{
	if (strcmp(v->token_checking, value) != 0 || v->token_checking_set != set ||
	    strcmp(v->token_checking_from, from) != 0)
		fail_msg("%s: got %s (set %d, from '%s'), want %s (set %d, from '%s')", v->path,
		    v->token_checking, v->token_checking_set, v->token_checking_from, value, set,
		    from);
}

static void
test_token_checking_resolved(void **state)
{
	struct fx *f = *state;
	const bs_report *r = f->s.report;
	const Bindscope__V1__VirtualDirectory *v;

	assert_int_equal(parse(f, "iis/protection.config"), 0);
	assert_int_equal(r->n_errors, 0);
	/* Sites are locations too, but not virtual directories. */
	assert_int_equal(r->n_vdirs, 8);
	v = vdir(r, "Default Web Site/owa");
	assert_string_equal(v->site, "Default Web Site");
	assert_string_equal(v->vdir, "/owa");
	want_token(v, "Require", 1, "Default Web Site/owa");
	want_token(vdir(r, "Default Web Site/EWS"), "Allow", 1, "Default Web Site/EWS");
	want_token(
	    vdir(r, "Default Web Site/PowerShell"), "None", 1, "Default Web Site/PowerShell");
	/* Nothing set anywhere above it: IIS's default, from nowhere. */
	want_token(vdir(r, "Default Web Site/Autodiscover"), "None", 0, "");
	/* Inherited from the site's own location. */
	want_token(vdir(r, "Exchange Back End/owa"), "Require", 0, "Exchange Back End");
	/* "mapi/" is "mapi"; a path in another case is the same place, and
	 * a deeper one inherits from its nearest parent. */
	v = vdir(r, "Exchange Back End/mapi");
	want_token(v, "Allow", 1, "Exchange Back End/mapi");
	assert_string_equal(v->vdir, "/mapi");
	v = vdir(r, "exchange back end/MAPI/emsmdb");
	want_token(v, "Allow", 0, "Exchange Back End/mapi");
	assert_string_equal(v->vdir, "/MAPI/emsmdb");
	assert_string_equal(v->ssl_flags, "Ssl, Ssl128");
	assert_false(v->ssl_flags_set);
}

/* Two <location> elements with one path merge: the EWS back end's
 * tokenChecking from the first, sslFlags from the second. */
static void
test_same_path_merges(void **state)
{
	struct fx *f = *state;
	const bs_report *r = f->s.report;
	const Bindscope__V1__VirtualDirectory *v;

	assert_int_equal(parse(f, "iis/protection.config"), 0);
	v = vdir(r, "Exchange Back End/EWS");
	want_token(v, "None", 1, "Exchange Back End/EWS");
	assert_string_equal(v->ssl_flags, "Ssl, Ssl128");
	assert_true(v->ssl_flags_set);
	assert_int_equal(v->allow_unlisted, NO);
	for (size_t i = 0; i < r->n_vdirs; i++)
		if (r->vdirs[i] != v)
			assert_string_not_equal(r->vdirs[i]->path, "Exchange Back End/EWS");
}

/* sslFlags and allowUnlisted inherit like tokenChecking: the front-end
 * PowerShell without SSL by its own setting, the rest from the server. */
static void
test_ssl_flags_and_allow_unlisted(void **state)
{
	struct fx *f = *state;
	const bs_report *r = f->s.report;
	const Bindscope__V1__VirtualDirectory *v;

	assert_int_equal(parse(f, "iis/protection.config"), 0);
	v = vdir(r, "Default Web Site/owa");
	assert_string_equal(v->ssl_flags, "Ssl, Ssl128");
	assert_true(v->ssl_flags_set);
	assert_int_equal(v->allow_unlisted, YES); /* the server level's */
	v = vdir(r, "Default Web Site/PowerShell");
	assert_string_equal(v->ssl_flags, "None");
	assert_true(v->ssl_flags_set);
	v = vdir(r, "Default Web Site/EWS");
	assert_string_equal(v->ssl_flags, "None"); /* server level */
	assert_false(v->ssl_flags_set);
}

static void
test_site_hsts_and_header(void **state)
{
	struct fx *f = *state;
	const bs_report *r = f->s.report;
	const Bindscope__V1__Site *s;

	assert_int_equal(parse(f, "iis/protection.config"), 0);
	s = site(r, "Default Web Site");
	assert_non_null(s->hsts);
	assert_int_equal(s->hsts->enabled, YES);
	assert_non_null(s->hsts->max_age);
	assert_int_equal(s->hsts->max_age->value, 31536000);
	assert_int_equal(s->hsts->include_subdomains, YES);
	assert_int_equal(s->hsts->redirect_http_to_https, NO);
	assert_int_equal(s->hsts->preload, UNKNOWN);
	assert_string_equal(s->sts_header, "max-age=31536000; includeSubDomains");
	s = site(r, "Exchange Back End");
	assert_null(s->hsts);
	/* The server level clears the headers and adds another one only. */
	assert_string_equal(s->sts_header, "");
}

/* Settings at the server level reach every location below; the header
 * added there is removed by <remove name> in one site and by <clear/>
 * in another. */
static void
test_server_level(void **state)
{
	struct fx *f = *state;
	const bs_report *r = f->s.report;
	const Bindscope__V1__VirtualDirectory *v;

	assert_int_equal(parse(f, "iis/protection_server.config"), 0);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->n_vdirs, 1);
	v = vdir(r, "Inherits/app");
	/* From the server level: named as IIS names that level, never ""
	 * (which says "IIS's default"). */
	want_token(v, "Allow", 0, "MACHINE/WEBROOT/APPHOST");
	assert_string_equal(v->ssl_flags, "Ssl");
	assert_false(v->ssl_flags_set);
	assert_int_equal(v->allow_unlisted, UNKNOWN); /* configured nowhere */
	assert_string_equal(site(r, "Inherits")->sts_header, "max-age=300");
	assert_string_equal(site(r, "Removes")->sts_header, "");
	assert_string_equal(site(r, "Clears")->sts_header, "");
	assert_null(site(r, "Inherits")->hsts);
}

/* Bad values are named with file and line; tokenChecking is matched in
 * any case, as IIS matches it, and reported in IIS's spelling. */
static void
test_bad_values_named(void **state)
{
	struct fx *f = *state;
	const bs_report *r = f->s.report;
	const Bindscope__V1__Site *s;
	const Bindscope__V1__VirtualDirectory *v;
	static const struct {
		unsigned line;
		const char *want;
	} errs[] = {
	    {9, "enabled=\"yes\" is not true or false"},
	    {9, "hsts max-age 'one year' is not a number of seconds"},
	    {18, "tokenChecking=\"Requir\" is not None, Allow or Require"},
	    {21, "allowUnlisted=\"maybe\" is not true or false"},
	};

	assert_int_equal(parse(f, "iis/protection_bad.config"), 0);
	assert_int_equal(r->n_errors, sizeof(errs) / sizeof(errs[0]));
	for (size_t i = 0; i < r->n_errors; i++) {
		test_error_names(r->errors[i]->path, "iis/protection_bad.config", "", i);
		assert_int_equal(r->errors[i]->line, errs[i].line);
		test_error_names(r->errors[i]->reason, "", errs[i].want, i);
	}
	s = site(r, "Default Web Site");
	assert_non_null(s->hsts);
	assert_int_equal(s->hsts->enabled, UNKNOWN);
	assert_null(s->hsts->max_age);
	/* Not a value IIS accepts: kept as written, never read as None. */
	v = vdir(r, "Default Web Site/owa");
	want_token(v, "Requir", 1, "Default Web Site/owa");
	assert_int_equal(v->allow_unlisted, UNKNOWN);
	want_token(vdir(r, "Default Web Site/ecp"), "Require", 1, "Default Web Site/ecp");
}

TEST_MAIN(NULL, NULL,
    cmocka_unit_test_setup_teardown(test_token_checking_resolved, sweep_setup, sweep_teardown),
    cmocka_unit_test_setup_teardown(test_same_path_merges, sweep_setup, sweep_teardown),
    cmocka_unit_test_setup_teardown(test_ssl_flags_and_allow_unlisted, sweep_setup, sweep_teardown),
    cmocka_unit_test_setup_teardown(test_site_hsts_and_header, sweep_setup, sweep_teardown),
    cmocka_unit_test_setup_teardown(test_server_level, sweep_setup, sweep_teardown),
    cmocka_unit_test_setup_teardown(test_bad_values_named, sweep_setup, sweep_teardown))
