/*
 * test_monit_layout.c: csup monit's pure parts. Columns shrink and drop in
 * their fixed order and never pass the width; sparklines keep the highest
 * value of each slice; the log tail keeps the last lines and follows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "monit.h"

/* A row: width, longest name, id column; then the columns shown ('.' dropped). */
static const struct {
	int		 width;
	int		 name;
	bool		 id;
	int		 name_w;
	const char	*shown;	/* one char a column, in enum col order */
} fits[] = {
	/*                       id name state pid up rst procs ps cpu cs mem ms */
	{ 120, 12, true,  12, "xxxxxxxxxxxx" },
	{ 100, 11, false, 11, ".xxxxxxxxxxx" },
	{  80, 12, false, 12, ".xxxxxxxxxxx" },	/* everything fits */
	{  80, 16, false, 16, ".xxxxxx.xxxx" },	/* procs sparkline first */
	{  80, 16, true,  16, "xxxxxxx.xxx." },	/* then memory's */
	{  80, 25, true,  25, "xxxxxxx.x.x." },	/* then cpu's, before a name shrinks */
	{  80, 40, true,  24, "xxxxxxx.x.x." },	/* a long name shrinks to 24 */
	{ 100, 40, true,  40, "xxxxxxx.xxx." },
	{  60, 12, true,  12, "xxx.xxx.x.x." },	/* cpu sparkline, then pid */
	{  40, 12, true,   6, ".xx..x..x.x." },
	{  20, 12, false,  6, ".xx........." },
	{   8, 12, false,  6, ".x.........." },
};

static void test_fit(void **state)
{
	for (size_t i = 0; i < sizeof(fits) / sizeof(fits[0]); i++) {
		struct layout l;
		char shown[NCOLS + 1];
		int right = 0;

		layout_fit(&l, fits[i].width, fits[i].name, fits[i].id);
		for (int c = 0; c < NCOLS; c++) {
			shown[c] = l.w[c] > 0 ? 'x' : '.';
			if (l.w[c] > 0 && l.x[c] + l.w[c] > right)
				right = l.x[c] + l.w[c];
		}
		shown[NCOLS] = '\0';
		printf("width %d name %d: %s name %d, right edge %d\n", fits[i].width,
		    fits[i].name, shown, l.w[COL_NAME], right);
		assert_string_equal(shown, fits[i].shown);
		assert_int_equal(l.w[COL_NAME], fits[i].name_w);
		assert_true(right <= fits[i].width);
	}
}

static void test_columns_do_not_overlap(void **state)
{
	for (int width = 1; width <= 200; width++) {
		struct layout l;
		int edge = 0;

		layout_fit(&l, width, 20, true);
		for (int c = 0; c < NCOLS; c++) {
			if (l.w[c] == 0)
				continue;
			assert_true(l.x[c] >= edge);
			edge = l.x[c] + l.w[c] + 1;
			assert_true(edge - 1 <= width);
		}
		assert_true(l.w[COL_NAME] > 0);
	}
}

static void test_spark(void **state)
{
	struct point s[] = {
		{ .t = 1000, .cpu = 10 }, { .t = 1500, .cpu = 40 },	/* slice 0: 40 */
		{ .t = 5500, .cpu = 20 },				/* slice 2 */
		{ .t = 9999, .cpu = 0 },				/* slice 4 */
		{ .t = 20000, .cpu = 90 },				/* in the future */
	};
	int lv[5];

	spark_levels(s, 5, SPARK_CPU, 10000, 10000, 5, lv);
	assert_int_equal(lv[0], 7);	/* the highest of all */
	assert_int_equal(lv[1], -1);	/* no sample */
	assert_int_equal(lv[2], 4);	/* 20/40 of 7, rounded */
	assert_int_equal(lv[3], -1);
	assert_int_equal(lv[4], 0);
	/* Idle: 0.4% is drawn low, not as full bars. */
	s[0].cpu = 0.4;
	spark_levels(s, 1, SPARK_CPU, 10000, 10000, 5, lv);
	assert_int_equal(lv[0], 1);
}

static void test_logtail(void **state)
{
	char dir[] = "/tmp/monit-unit.XXXXXX", out[64], err[64], rot[80];
	struct logtail t;
	const char *l;
	bool is_err;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out.log", dir);
	snprintf(err, sizeof(err), "%s/err.log", dir);
	assert_non_null(f = fopen(out, "w"));
	for (int i = 1; i <= 10; i++)
		fprintf(f, "out %d\n", i);
	fprintf(f, "half");
	fclose(f);
	logtail_open(&t, out, err, 3);	/* err does not exist yet */
	l = logtail_line(&t, 0, &is_err);
	assert_string_equal(l, "out 10");
	assert_string_equal(logtail_line(&t, 2, &is_err), "out 8");
	assert_null(logtail_line(&t, 3, &is_err));
	assert_non_null(f = fopen(out, "a"));
	fprintf(f, " line\n");
	fclose(f);
	assert_non_null(f = fopen(err, "w"));
	fprintf(f, "oops\n");
	fclose(f);
	logtail_poll(&t);
	assert_string_equal(logtail_line(&t, 1, &is_err), "half line");
	assert_false(is_err);
	assert_string_equal(logtail_line(&t, 0, &is_err), "oops");
	assert_true(is_err);
	/* Rotation: a new, shorter file is read from its start. */
	snprintf(rot, sizeof(rot), "%s.1", out);
	assert_int_equal(rename(out, rot), 0);
	assert_non_null(f = fopen(out, "w"));
	fprintf(f, "fresh\n");
	fclose(f);
	logtail_poll(&t);
	assert_string_equal(logtail_line(&t, 0, &is_err), "fresh");
	logtail_close(&t);
	unlink(out);
	unlink(err);
	unlink(rot);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_columns_do_not_overlap),
		cmocka_unit_test(test_spark),
		cmocka_unit_test(test_logtail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
