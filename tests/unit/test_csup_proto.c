/* test_csup_proto.c: control frames: length checked first, malformed input refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

static const struct {
	unsigned char	hdr[4];
	int		rc;
	uint32_t	len;
} lengths[] = {
	{ { 0, 0, 0, 0 }, -1, 0 },			/* empty */
	{ { 0, 0, 0, 1 }, 0, 1 },
	{ { 0, 0, 1, 0 }, 0, 256 },
	{ { 0, 0x80, 0, 0 }, 0, PROTO_MAX_FRAME },	/* exactly the maximum */
	{ { 0, 0x80, 0, 1 }, -1, 0 },			/* one over */
	{ { 0xff, 0xff, 0xff, 0xff }, -1, 0 },
	{ { 0x80, 0, 0, 0 }, -1, 0 },
};

static void test_frame_len(void **state)
{
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		uint32_t len = 0;

		assert_int_equal(proto_frame_len(lengths[i].hdr, &len), lengths[i].rc);
		if (lengths[i].rc == 0)
			assert_int_equal(len, lengths[i].len);
	}
}

static const struct {
	const char	*body;
	bool		 ok;
} bodies[] = {
	{ "{\"cmd\":\"ping\"}", true },
	{ "{}", true },
	{ "[]", false },			/* not an object */
	{ "\"ping\"", false },
	{ "{\"cmd\":", false },			/* truncated */
	{ "not json", false },
	{ "{\"a\":1,\"a\":2}", false },		/* duplicate keys */
	{ "{\"cmd\":\"ping\"} trailing", false },
};

static void test_decode(void **state)
{
	char err[256];

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		json_t *v = proto_decode(bodies[i].body, strlen(bodies[i].body), err, sizeof(err));

		if (bodies[i].ok)
			assert_non_null(v);
		else {
			assert_null(v);
			assert_non_null(strstr(err, "malformed"));
		}
		json_decref(v);
	}
}

/* Encoding, then feeding the bytes in every split, gives the message back. */
static void test_roundtrip_split(void **state)
{
	json_t *msg = json_pack("{s:s,s:[i,i]}", "cmd", "start", "apps", 1, 2), *out;
	struct proto_reader r = { 0 };
	char err[256], *buf;
	size_t len, used, at;
	int rc;

	buf = proto_encode(msg, &len);
	assert_non_null(buf);
	for (size_t step = 1; step <= len; step++) {
		out = NULL;
		for (at = 0, rc = 0; at < len && rc == 0; at += used) {
			size_t n = len - at < step ? len - at : step;

			rc = proto_feed(&r, buf + at, n, &used, &out, err, sizeof(err));
			assert_true(used <= n);
		}
		assert_int_equal(rc, 1);
		assert_int_equal(at, len);
		assert_true(json_equal(msg, out));
		json_decref(out);
	}
	free(buf);
	json_decref(msg);
}

static void test_feed_rejects(void **state)
{
	const char over[4] = { 0x7f, 0, 0, 0 }, zero[4] = { 0 };
	const char bad[] = { 0, 0, 0, 3, 'x', 'y', 'z' };
	struct proto_reader r = { 0 };
	char err[256];
	json_t *out;
	size_t used;

	/* The length alone condemns it: nothing is allocated for the body. */
	assert_int_equal(proto_feed(&r, over, 4, &used, &out, err, sizeof(err)), -1);
	assert_null(r.body);
	proto_reader_reset(&r);
	assert_int_equal(proto_feed(&r, zero, 4, &used, &out, err, sizeof(err)), -1);
	proto_reader_reset(&r);
	assert_int_equal(proto_feed(&r, bad, sizeof(bad), &used, &out, err, sizeof(err)), -1);
	assert_null(out);
	proto_reader_reset(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_len),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_roundtrip_split),
		cmocka_unit_test(test_feed_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
