/*
 * test_csup_proto.c: control frames: length checked first, malformed input
 * refused; proto_feed_each() delivers a read's frames, stops when told.
 */
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

/* proto_feed_each(): what one read() hands the loop. */

struct seen {
	json_t	*msgs;		/* each message on_msg got, in order */
	size_t	 stop_at;	/* on_msg returns 1 on this message (1-based); 0: never */
};

static int collect(json_t *msg, void *arg)
{
	struct seen *s = arg;

	json_array_append(s->msgs, msg);
	return json_array_size(s->msgs) == s->stop_at;
}

/* The frames of n messages {"n": 1}, {"n": 2}, ..., one after another. */
static char *frames(int n, size_t *len)
{
	char *all = NULL, *buf;
	size_t got = 0, one;

	for (int i = 1; i <= n; i++) {
		json_t *msg = json_pack("{s:i}", "n", i);

		buf = proto_encode(msg, &one);
		assert_non_null(buf);
		all = realloc(all, got + one);
		assert_non_null(all);
		memcpy(all + got, buf, one);
		got += one;
		free(buf);
		json_decref(msg);
	}
	*len = got;
	return all;
}

static void assert_seen(const struct seen *s, size_t n)
{
	assert_int_equal(json_array_size(s->msgs), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(json_integer_value(json_object_get(
		    json_array_get(s->msgs, i), "n")), (json_int_t)i + 1);
}

static void test_each_several(void **state)
{
	struct seen s = { .msgs = json_array() };
	struct proto_reader r = { 0 };
	char err[256], *buf;
	size_t len;

	buf = frames(3, &len);
	assert_int_equal(proto_feed_each(&r, buf, len, collect, &s, err, sizeof(err)), 0);
	assert_seen(&s, 3);
	assert_int_equal(r.hdr_got, 0);
	assert_null(r.body);
	free(buf);
	json_decref(s.msgs);
}

/* Two frames cut at every byte: the second arrives whole on the second call. */
static void test_each_split(void **state)
{
	struct proto_reader r = { 0 };
	char err[256], *buf;
	size_t len, first;

	buf = frames(1, &first);
	free(buf);
	buf = frames(2, &len);
	for (size_t cut = 1; cut < len; cut++) {
		struct seen s = { .msgs = json_array() };

		assert_int_equal(proto_feed_each(&r, buf, cut, collect, &s, err,
		    sizeof(err)), 0);
		assert_seen(&s, cut < first ? 0 : 1);
		assert_int_equal(proto_feed_each(&r, buf + cut, len - cut, collect, &s,
		    err, sizeof(err)), 0);
		assert_seen(&s, 2);
		assert_int_equal(r.hdr_got, 0);
		json_decref(s.msgs);
	}
	free(buf);
}

/* A garbled frame: -1 and why; frames before it delivered, none after it. */
static void test_each_garbled(void **state)
{
	static const char bad[] = { 0, 0, 0, 3, 'x', 'y', 'z' };
	static const char over[] = { 0x7f, 0, 0, 0 };
	const struct { const char *bytes; size_t len; const char *why; } cases[] = {
		{ bad, sizeof(bad), "malformed frame" },
		{ over, sizeof(over), "frame length out of range" },
	};
	char err[256], *one, *buf;
	size_t len, olen;

	one = frames(1, &olen);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seen s = { .msgs = json_array() };
		struct proto_reader r = { 0 };

		/* {"n":1}, the bad frame, {"n":1} again */
		len = olen + cases[i].len + olen;
		buf = malloc(len);
		assert_non_null(buf);
		memcpy(buf, one, olen);
		memcpy(buf + olen, cases[i].bytes, cases[i].len);
		memcpy(buf + olen + cases[i].len, one, olen);
		err[0] = '\0';
		assert_int_equal(proto_feed_each(&r, buf, len, collect, &s, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, cases[i].why));
		assert_seen(&s, 1);
		proto_reader_reset(&r);
		free(buf);
		json_decref(s.msgs);
	}
	free(one);
}

/* on_msg stops it: nothing after that frame is fed, not even a garbled one. */
static void test_each_stop(void **state)
{
	static const char bad[] = { 0, 0, 0, 3, 'x', 'y', 'z' };
	struct seen s = { .msgs = json_array(), .stop_at = 2 };
	struct proto_reader r = { 0 };
	char err[256], *buf;
	size_t len;

	buf = frames(3, &len);
	assert_int_equal(proto_feed_each(&r, buf, len, collect, &s, err, sizeof(err)), 1);
	assert_seen(&s, 2);
	assert_int_equal(r.hdr_got, 0);		/* the third frame untouched */
	assert_null(r.body);

	buf = realloc(buf, len + sizeof(bad));
	assert_non_null(buf);
	memcpy(buf + len, bad, sizeof(bad));
	json_array_clear(s.msgs);
	s.stop_at = 3;
	assert_int_equal(proto_feed_each(&r, buf, len + sizeof(bad), collect, &s, err,
	    sizeof(err)), 1);
	assert_seen(&s, 3);
	assert_int_equal(r.hdr_got, 0);
	free(buf);
	json_decref(s.msgs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_len),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_roundtrip_split),
		cmocka_unit_test(test_feed_rejects),
		cmocka_unit_test(test_each_several),
		cmocka_unit_test(test_each_split),
		cmocka_unit_test(test_each_garbled),
		cmocka_unit_test(test_each_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
