/* test_csup_healthproto.c: csupd <-> csup-health messages, one row a case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "healthproto.h"

static const struct {
	const char	*json;
	int		 rc;
	const char	*url, *tcp;
	int64_t		 timeout_ms;
} requests[] = {
	{ "{\"id\":1,\"url\":\"http://127.0.0.1:80/h\",\"timeout_ms\":2000}", 0,
	  "http://127.0.0.1:80/h", NULL, 2000 },
	{ "{\"id\":7,\"tcp\":\"[::1]:8080\",\"timeout_ms\":1}", 0, NULL, "[::1]:8080", 1 },
	{ "{\"id\":1,\"url\":\"http://a/\",\"tcp\":\"a:1\",\"timeout_ms\":1}", -1, NULL, NULL, 0 },	/* both */
	{ "{\"id\":1,\"timeout_ms\":1}", -1, NULL, NULL, 0 },					/* neither */
	{ "{\"id\":-1,\"tcp\":\"a:1\",\"timeout_ms\":1}", -1, NULL, NULL, 0 },			/* negative id */
	{ "{\"id\":1,\"tcp\":\"a:1\",\"timeout_ms\":0}", -1, NULL, NULL, 0 },			/* no time */
	{ "{\"id\":1,\"tcp\":\"a:1\"}", -1, NULL, NULL, 0 },					/* no timeout */
	{ "{\"tcp\":\"a:1\",\"timeout_ms\":1}", -1, NULL, NULL, 0 },				/* no id */
	{ "{\"id\":\"1\",\"tcp\":\"a:1\",\"timeout_ms\":1}", -1, NULL, NULL, 0 },		/* id a string */
	{ "{\"id\":1,\"tcp\":5,\"timeout_ms\":1}", -1, NULL, NULL, 0 },			/* tcp a number */
	{ "{\"id\":1,\"tcp\":\"a:1\",\"timeout_ms\":1,\"x\":1}", -1, NULL, NULL, 0 },		/* unknown key */
};

static void test_request_unpack(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		json_t *o = json_loads(requests[i].json, 0, NULL);
		struct hproto_req q;
		char err[200] = "";

		assert_non_null(o);
		assert_int_equal(hproto_req_unpack(o, &q, err, sizeof(err)), requests[i].rc);
		if (requests[i].rc == -1) {
			assert_true(strncmp(err, "bad request: ", 13) == 0);
		} else {
			if (requests[i].url != NULL)
				assert_string_equal(q.url, requests[i].url);
			else
				assert_null(q.url);
			if (requests[i].tcp != NULL)
				assert_string_equal(q.tcp, requests[i].tcp);
			else
				assert_null(q.tcp);
			assert_int_equal(q.timeout_ms, requests[i].timeout_ms);
		}
		json_decref(o);
	}
}

/* What pack makes, unpack reads back; a NULL url or tcp is no key at all. */
static void test_round_trip(void **state)
{
	struct hproto_req q = { .id = 42, .tcp = "127.0.0.1:9", .timeout_ms = 300 }, q2;
	struct hproto_reply r = { .id = 42, .ok = false, .text = "connection refused",
		.latency_ms = 3 }, r2;
	json_t *o;
	char err[200];

	(void)state;
	o = hproto_req_pack(&q);
	assert_non_null(o);
	assert_null(json_object_get(o, "url"));
	assert_int_equal(hproto_req_unpack(o, &q2, err, sizeof(err)), 0);
	assert_int_equal(q2.id, 42);
	assert_string_equal(q2.tcp, "127.0.0.1:9");
	assert_null(q2.url);
	assert_int_equal(q2.timeout_ms, 300);
	json_decref(o);
	o = hproto_reply_pack(&r);
	assert_non_null(o);
	assert_int_equal(hproto_reply_unpack(o, &r2, err, sizeof(err)), 0);
	assert_int_equal(r2.id, 42);
	assert_false(r2.ok);
	assert_string_equal(r2.text, "connection refused");
	assert_int_equal(r2.latency_ms, 3);
	json_decref(o);
}

static const struct {
	const char	*json;
	int		 rc;
} replies[] = {
	{ "{\"id\":3,\"ok\":true,\"text\":\"HTTP 200\",\"latency_ms\":5}", 0 },
	{ "{\"id\":3,\"ok\":true,\"latency_ms\":5}", -1 },			/* no text */
	{ "{\"id\":3,\"ok\":1,\"text\":\"HTTP 200\",\"latency_ms\":5}", -1 },	/* ok a number */
	{ "{\"id\":-3,\"ok\":true,\"text\":\"x\",\"latency_ms\":5}", -1 },
	{ "{\"ok\":true,\"text\":\"x\",\"latency_ms\":5}", -1 },
};

static void test_reply_unpack(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		json_t *o = json_loads(replies[i].json, 0, NULL);
		struct hproto_reply r;
		char err[200] = "";

		assert_non_null(o);
		assert_int_equal(hproto_reply_unpack(o, &r, err, sizeof(err)), replies[i].rc);
		if (replies[i].rc == -1)
			assert_true(strncmp(err, "bad reply: ", 11) == 0);
		json_decref(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_unpack),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_reply_unpack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
