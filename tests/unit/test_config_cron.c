/*
 * test_config_cron.c: cron_parse (accepted and refused expressions) and
 * cron_next (the first match strictly after a time), in UTC.
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

#include "cron.h"

#define JAN1 1767225600	/* 2026-01-01 00:00:00 UTC, a Thursday */

static const struct {
	const char	*expr;
	time_t		 after, want;
} next_cases[] = {
	{ "* * * * *", JAN1, JAN1 + 60 },
	{ "* * * * *", JAN1 + 30, JAN1 + 60 },
	{ "0 3 * * *", JAN1, 1767236400 },
	{ "*/15 * * * *", JAN1, 1767226500 },
	{ "30 2 * * mon", JAN1, 1767580200 },
	{ "0 0 1 * *", JAN1, 1769904000 },		/* strictly after: not Jan 1 itself */
	{ "0 0 29 2 *", JAN1, 1835395200 },		/* the next leap day */
	{ "0 12 13 * fri", JAN1, 1767355200 },		/* day-of-month OR day-of-week */
	{ "0 0 * * 7", JAN1, 1767484800 },		/* 7 is Sunday */
	{ "5-10/5 8 * * *", JAN1, 1767254700 },
	{ "0 9 * JUN *", JAN1, 1780304400 },
	{ "@hourly", JAN1, 1767229200 },
	{ "0,30 0 1 1 *", JAN1, JAN1 + 1800 },
	/* PM2's six fields, seconds first */
	{ "0 * * * * *", JAN1, JAN1 + 60 },
	{ "*/10 * * * * *", JAN1, JAN1 + 10 },
	{ "*/10 * * * * *", JAN1 + 55, JAN1 + 60 },
	{ "30 0 3 * * *", JAN1, 1767236400 + 30 },
	{ "15,45 * * * * *", JAN1 + 15, JAN1 + 45 },
	{ "0 */5 * * * *", JAN1 + 1, JAN1 + 300 },
	{ "5 0 0 1 1 *", JAN1, JAN1 + 5 },
};

static const struct {
	const char *expr, *err;
} bad_cases[] = {
	{ "61 * * * *", "bad cron minute '61'" },
	{ "* * *", "five fields" },
	{ "* * * * * * *", "six with seconds first" },
	{ "60 * * * * *", "bad cron second '60'" },
	{ "", "five fields" },
	{ "a * * * *", "bad cron minute 'a'" },
	{ "5-1 * * * *", "bad cron minute '5-1'" },
	{ "*/0 * * * *", "bad cron minute '*/0'" },
	{ "0 24 * * *", "bad cron hour '24'" },
	{ "0 0 0 * *", "bad cron day of month '0'" },
	{ "0 0 * 13 *", "bad cron month '13'" },
	{ "0 0 * * 8", "bad cron day of week '8'" },
	{ "0 0 * * funday", "bad cron day of week 'funday'" },
	{ "0 0 31 2 *", "never matches" },
};

static void test_next(void **state)
{
	struct cron_expr c;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof(next_cases) / sizeof(next_cases[0]); i++) {
		if (cron_parse(next_cases[i].expr, &c, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", next_cases[i].expr, err);
		time_t got = cron_next(&c, next_cases[i].after);
		if (got != next_cases[i].want)
			fail_msg("'%s': next %lld, want %lld", next_cases[i].expr,
			    (long long)got, (long long)next_cases[i].want);
	}
}

static void test_bad(void **state)
{
	struct cron_expr c = { 0 };
	char err[200];
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		err[0] = '\0';
		if (cron_parse(bad_cases[i].expr, &c, err, sizeof(err)) != -1)
			fail_msg("'%s' accepted", bad_cases[i].expr);
		if (strstr(err, bad_cases[i].err) == NULL)
			fail_msg("'%s': '%s', want '%s'", bad_cases[i].expr, err, bad_cases[i].err);
		assert_false(c.set);
	}
}

static void test_bits(void **state)
{
	struct cron_expr c;
	char err[200];

	assert_int_equal(cron_parse("1,3-5 */6 1 jan,dec sun-tue", &c, err, sizeof(err)), 0);
	assert_true(c.set);
	assert_true(c.minutes == ((1ull << 1) | (1ull << 3) | (1ull << 4) | (1ull << 5)));
	assert_int_equal(c.hours, (1u << 0) | (1u << 6) | (1u << 12) | (1u << 18));
	assert_int_equal(c.mdays, 1u << 1);
	assert_int_equal(c.months, (1u << 1) | (1u << 12));
	assert_int_equal(c.wdays, 0x07);
	assert_false(c.mday_star);
	assert_false(c.wday_star);
	assert_int_equal(cron_next(&(struct cron_expr){ 0 }, JAN1), (time_t)-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_bits),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
