/* test_search_args: dates, argument validation, and JSON-RPC dispatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "search.h"

static void test_iso(void **state)
{
	static const struct { const char *s; int ok; int64_t ms; } cases[] = {
		{ "2025-01-14", 1, 1736812800000LL },
		{ "2025-01-14T09:05:00Z", 1, 1736845500000LL },
		{ "2025-01-14T09:05:00.250Z", 1, 1736845500250LL },
		{ "2025-01-14T09:05:00", 1, 1736845500000LL },
		{ "2025-01-14T11:05:00+02:00", 1, 1736845500000LL },
		{ "2025-01-14T04:05:00-0500", 1, 1736845500000LL },
		{ "2025-01-14T09:05", 1, 1736845500000LL },
		{ "2025-13-01", 0, 0 },
		{ "2025-01-14T25:00:00Z", 0, 0 },
		{ "yesterday", 0, 0 },
		{ "2025-01-14X", 0, 0 },
		{ "", 0, 0 },
	};
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = args_parse_iso(cases[i].s, &ms);

		assert_int_equal(r, cases[i].ok ? 0 : -1);
		if (cases[i].ok)
			assert_int_equal(ms, cases[i].ms);
	}
}

static const struct tool_param tp[] = {
	{ P_QUERY, 0, NULL }, { P_FORMAT, 0, "\"index\"" },
	{ P_TYPE, 0, NULL }, { P_DATERANGE, 0, NULL },
	{ P_DATESTART, 0, NULL }, { P_LIMIT, 0, "20" }, { P_OFFSET, 0, "0" },
	{ P_ORDERBY, 0, "\"relevance\"" },
};

static void test_parse(void **state)
{
	static const struct { const char *json; int ok; } cases[] = {
		{ "{}", 1 },
		{ "{\"limit\":100,\"offset\":3,\"orderBy\":\"date_asc\"}", 1 },
		{ "{\"limit\":\"7\"}", 1 },		/* query-string form */
		{ "{\"limit\":0}", 0 },
		{ "{\"limit\":101}", 0 },
		{ "{\"limit\":2.5}", 0 },
		{ "{\"offset\":-1}", 0 },
		{ "{\"orderBy\":\"sideways\"}", 0 },
		{ "{\"format\":\"full\"}", 1 },
		{ "{\"format\":3}", 0 },
		{ "{\"type\":\"bugfix, feature\"}", 1 },
		{ "{\"type\":[\"bugfix\",\"feature\"]}", 1 },
		{ "{\"type\":[1]}", 0 },
		{ "{\"dateRange\":{\"start\":\"2025-01-01\",\"end\":1}}", 1 },
		{ "{\"dateRange\":\"2025\"}", 0 },
		{ "{\"dateStart\":\"soon\"}", 0 },
		{ "{\"query\":5}", 0 },
		{ "{\"unknown\":1}", 1 },
	};
	struct targs a;
	char err[128];
	json_t *j;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		j = json_loads(cases[i].json, 0, NULL);
		assert_non_null(j);
		assert_int_equal(args_parse(tp, sizeof(tp) / sizeof(tp[0]), j,
		    &a, err, sizeof(err)), cases[i].ok ? 0 : -1);
		args_free(&a);
		json_decref(j);
	}
	j = json_loads("{\"type\":\"bugfix, feature\",\"limit\":5,"
	    "\"dateRange\":{\"start\":\"2025-01-14\"}}", 0, NULL);
	assert_int_equal(args_parse(tp, sizeof(tp) / sizeof(tp[0]), j, &a,
	    err, sizeof(err)), 0);
	assert_int_equal(a.types.n, 2);
	assert_string_equal(a.types.v[1], "feature");
	assert_int_equal(a.limit, 5);
	assert_int_equal(a.offset, 0);
	assert_int_equal(a.start, 1736812800000LL);
	assert_true(a.end == DATE_UNSET);
	assert_int_equal(a.order, ORDER_RELEVANCE);
	args_free(&a);
	json_decref(j);
}

static void test_schema(void **state)
{
	json_t *s;

	(void)state;
	s = args_schema(tp, sizeof(tp) / sizeof(tp[0]));
	assert_non_null(s);
	assert_string_equal(json_string_value(json_object_get(s, "type")),
	    "object");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    json_object_get(s, "properties"), "limit"), "default")), 20);
	json_decref(s);
}

/* Messages that never reach a tool: no database needed. */
static void test_mcp(void **state)
{
	static const struct { const char *in; int code; } cases[] = {
		{ "{", -32700 },
		{ "[]", -32600 },
		{ "\"x\"", -32600 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", -32600 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1}", -32600 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x/y\"}", -32601 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
		  "\"params\":{\"name\":\"zz\"}}", -32602 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 0 },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
		  1 },	/* no reply */
		{ "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}", 1 },
	};
	struct search_ctx sc;
	struct mcp_server m;
	json_t *r;
	char *out;
	size_t i;
	int isreq;

	(void)state;
	memset(&sc, 0, sizeof(sc));
	mcp_init(&m, &sc);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = mcp_handle_text(&m, cases[i].in, strlen(cases[i].in),
		    &isreq);
		if (cases[i].code == 1) {
			assert_null(out);
			continue;
		}
		assert_non_null(out);
		assert_null(strchr(out, '\n'));
		r = json_loads(out, 0, NULL);
		assert_non_null(r);
		if (cases[i].code == 0)
			assert_non_null(json_object_get(r, "result"));
		else
			assert_int_equal(json_integer_value(json_object_get(
			    json_object_get(r, "error"), "code")), cases[i].code);
		json_decref(r);
		free(out);
	}
	assert_int_equal(m.initialized, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_mcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
