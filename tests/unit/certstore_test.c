/* certstore_test: the store-properties file an export writes beside each
 * certificate (<THUMBPRINT>.json), in the shapes Windows PowerShell 5.1
 * writes it: ConvertTo-Json's indentation, CRLF, and the UTF-8 byte-order
 * mark `Set-Content -Encoding UTF8` and `Out-File -Encoding utf8` put first. */
#include "test_util.h"

#include "certstore.h"
#include "err.h"

/* The arena the properties' strings live in, freed after each test. */
static struct bs_arena props_arena;

static int
props(const char *json, Bindscope__V1__Certificate *c, char *why, size_t whysz)
{
	bindscope__v1__certificate__init(c);
	return bs_certstore_parse_props(&props_arena, json, strlen(json), c, why, whysz);
}

static int
arena_setup(void **state)
{
	(void)state;
	bs_arena_init(&props_arena, 0);
	return 0;
}

static int
arena_teardown(void **state)
{
	(void)state;
	bs_arena_fini(&props_arena);
	return 0;
}

static void
test_powershell_shapes(void **state)
{
	Bindscope__V1__Certificate c;
	char why[256] = "";

	(void)state;
	/* ConvertTo-Json | Set-Content -Encoding UTF8: BOM, CRLF, 4-space indent. */
	assert_int_equal(props("\xEF\xBB\xBF{\r\n    \"FriendlyName\":  \"Microsoft Exchange\",\r\n"
	                       "    \"HasPrivateKey\":  true\r\n}\r\n",
	                     &c, why, sizeof(why)),
	    0);
	assert_string_equal(c.friendly_name, "Microsoft Exchange");
	assert_int_equal(c.has_private_key, BINDSCOPE__V1__TRI__TRI_YES);
	/* No BOM, FriendlyName empty (certificates imported without one). */
	assert_int_equal(
	    props("{\"FriendlyName\": \"\", \"HasPrivateKey\": false}", &c, why, sizeof(why)), 0);
	assert_string_equal(c.friendly_name, "");
	assert_int_equal(c.has_private_key, BINDSCOPE__V1__TRI__TRI_NO);
	/* null: not known. */
	assert_int_equal(props("{\"FriendlyName\": null}", &c, why, sizeof(why)), 0);
	assert_int_equal(c.has_private_key, BINDSCOPE__V1__TRI__TRI_UNKNOWN);
}

static void
test_bad_props_name_the_problem(void **state)
{
	Bindscope__V1__Certificate c;
	char why[256] = "";

	(void)state;
	assert_int_equal(props("{\r\n\"FriendlyName\": \"x\",\r\n\"HasPrivateKey\": tru\r\n}", &c,
	                     why, sizeof(why)),
	    BS_EPARSE);
	assert_non_null(strstr(why, "line 3"));
	assert_int_equal(props("{\"HasPrivateKey\": \"True\"}", &c, why, sizeof(why)), BS_EPARSE);
	assert_non_null(strstr(why, "HasPrivateKey"));
	assert_int_equal(props("[1]", &c, why, sizeof(why)), BS_EPARSE);
	assert_non_null(strstr(why, "object"));
	/* A BOM alone, or a BOM before nothing, is not a document. */
	assert_int_equal(props("\xEF\xBB\xBF", &c, why, sizeof(why)), BS_EPARSE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_powershell_shapes, arena_setup, arena_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_bad_props_name_the_problem, arena_setup, arena_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
