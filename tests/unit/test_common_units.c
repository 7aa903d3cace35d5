/* test_common_units.c: durations, sizes, signal names and the short formats. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "units.h"

#define BAD INT64_MIN

static const struct {
	const char	*in;
	int64_t		 want;	/* BAD: refused */
} durations[] = {
	{ "1500", 1500 }, { "0", 0 }, { "500ms", 500 }, { "5s", 5000 }, { "2m", 120000 },
	{ "1h", 3600000 }, { "1d", 86400000 }, { "1.5s", 1500 }, { "5 s", 5000 },
	{ "5S", 5000 }, { " 10ms", 10 }, { "10ms ", 10 },
	{ "", BAD }, { "abc", BAD }, { "-5", BAD }, { "5x", BAD }, { "5ss", BAD },
	{ "ms", BAD }, { "s5", BAD }, { "5 s s", BAD }, { "0x10", BAD }, { "1e3", BAD },
	{ "1..5s", BAD },
}, sizes[] = {
	{ "1024", 1024 }, { "0", 0 }, { "10K", 10240 }, { "50M", 52428800 },
	{ "1G", 1073741824 }, { "1.5GB", 1610612736 }, { "512kb", 524288 },
	{ "10MB", 10485760 }, { "3b", 3 }, { "2 M", 2097152 },
	{ "", BAD }, { "-1", BAD }, { "10Q", BAD }, { "K", BAD }, { "10MiB", BAD },
};

static void test_durations(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		int64_t v = -7;
		int rc = units_parse_duration(durations[i].in, &v);
		if (durations[i].want == BAD) {
			if (rc != -1 || v != -7)
				fail_msg("duration '%s' accepted (%lld)", durations[i].in, (long long)v);
		} else if (rc != 0 || v != durations[i].want) {
			fail_msg("duration '%s' = %lld (rc %d), want %lld", durations[i].in,
			    (long long)v, rc, (long long)durations[i].want);
		}
	}
	assert_int_equal(units_parse_duration(NULL, &(int64_t){ 0 }), -1);
}

static void test_sizes(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int64_t v = -7;
		int rc = units_parse_size(sizes[i].in, &v);
		if (sizes[i].want == BAD) {
			if (rc != -1 || v != -7)
				fail_msg("size '%s' accepted (%lld)", sizes[i].in, (long long)v);
		} else if (rc != 0 || v != sizes[i].want) {
			fail_msg("size '%s' = %lld (rc %d), want %lld", sizes[i].in,
			    (long long)v, rc, (long long)sizes[i].want);
		}
	}
}

static void test_signals(void **state)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
		{ "SIGTERM", SIGTERM }, { "TERM", SIGTERM }, { "sigterm", SIGTERM },
		{ "15", 15 }, { "SIGKILL", SIGKILL }, { "int", SIGINT }, { "SIGUSR2", SIGUSR2 },
		{ "0", -1 }, { "FOO", -1 }, { "", -1 }, { "999", -1 }, { "15x", -1 },
		{ NULL, -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (units_signal_parse(cases[i].in) != cases[i].want)
			fail_msg("signal '%s' = %d, want %d", cases[i].in ? cases[i].in : "NULL",
			    units_signal_parse(cases[i].in), cases[i].want);
	assert_string_equal(units_signal_name(SIGTERM), "SIGTERM");
	assert_string_equal(units_signal_name(SIGINT), "SIGINT");
	assert_string_equal(units_signal_name(999), "SIG?");
}

static void test_format(void **state)
{
	static const struct {
		int64_t v;
		const char *uptime, *size;
	} cases[] = {
		{ 0, "0s", "0B" }, { 999, "0s", "999B" }, { 45000, "45s", "43.9K" },
		{ 180000, "3m", "176K" }, { 7200000, "2h", "6.9M" },
		{ 4LL * 86400000, "4d", "330M" }, { 1023, "1s", "1023B" },
		{ 1024, "1s", "1.0K" }, { 13002342, "3h", "12.4M" }, { 1003520, "16m", "980K" },
		{ 52428800, "14h", "50M" }, { 157286400, "1d", "150M" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(units_format_uptime(cases[i].v, buf, sizeof(buf)),
		    cases[i].uptime);
		assert_string_equal(units_format_size(cases[i].v, buf, sizeof(buf)),
		    cases[i].size);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
