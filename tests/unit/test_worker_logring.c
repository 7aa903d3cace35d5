/*
 * test_worker_logring.c: the in-memory log ring behind GET /api/logs:
 * bounded (oldest dropped), the tail of n lines, clear, and the line format
 * of claude-mem 13's logger (one row a level/message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "worker.h"

static void tail_is(struct logring *r, size_t n, const char *want,
    size_t want_n)
{
	size_t got_n = 99;
	char *got = logring_tail(r, n, &got_n);

	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(got_n, want_n);
	free(got);
}

static void test_bounded(void **state)
{
	struct logring *r = logring_new(3);
	char line[16];
	int i;

	(void)state;
	assert_non_null(r);
	tail_is(r, 10, "", 0);
	for (i = 1; i <= 5; i++) {
		snprintf(line, sizeof(line), "l%d", i);
		logring_add(r, line);
	}
	assert_int_equal(logring_count(r), 3);
	tail_is(r, 10, "l3\nl4\nl5", 3);
	tail_is(r, 2, "l4\nl5", 2);
	tail_is(r, 0, "", 0);
	logring_clear(r);
	assert_int_equal(logring_count(r), 0);
	tail_is(r, 10, "", 0);
	logring_add(r, "after");
	tail_is(r, 10, "after", 1);
	logring_free(r);
}

static void test_invalid_utf8_kept_as_json_text(void **state)
{
	struct logring *r = logring_new(2);
	size_t n;
	char *got;
	json_t *j;

	(void)state;
	logring_add(r, "bad \xff\xfe byte");
	got = logring_tail(r, 1, &n);
	j = json_string(got);
	assert_non_null(j);             /* valid UTF-8 now */
	assert_string_equal(got, "bad ?? byte");
	json_decref(j);
	free(got);
	logring_free(r);
}

static const struct {
	const char *level, *msg, *want;
} rows[] = {
	{ "info", "listening on 127.0.0.1:1",
	  "[2026-01-02 03:04:05.006] [INFO ] [WORKER] listening on 127.0.0.1:1" },
	{ "warn", "http: bad request",
	  "[2026-01-02 03:04:05.006] [WARN ] [HTTP  ] http: bad request" },
	{ "debug", "session 3: queued",
	  "[2026-01-02 03:04:05.006] [DEBUG] [SESSION] session 3: queued" },
	{ "fatal", "database x: locked",
	  "[2026-01-02 03:04:05.006] [ERROR] [DB    ] database x: locked" },
	{ "warn", "agent of session 2 exited",
	  "[2026-01-02 03:04:05.006] [WARN ] [SDK   ] agent of session 2 exited" },
	{ "info", "shutdown 1/4 sessions: done in 3 ms",
	  "[2026-01-02 03:04:05.006] [INFO ] [SYSTEM] shutdown 1/4 sessions: done in 3 ms" },
};

static void test_format(void **state)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 0, .tm_mday = 2,
	    .tm_hour = 3, .tm_min = 4, .tm_sec = 5 };
	char buf[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(logring_format(buf, sizeof(buf), &tm, 6,
		    rows[i].level, rows[i].msg), 0);
		assert_string_equal(buf, rows[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_invalid_utf8_kept_as_json_text),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
