/* test_search_rank: the pure parts of rank.c, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "search.h"

static void test_fts_expr(void **state)
{
	static const struct { const char *q, *want; } cases[] = {
		{ "process leak", "\"process\" OR \"leak\"" },
		{ "\"unbalanced AND (", "\"unbalanced\" OR \"AND\"" },
		{ "NEAR(a b) *x* ^y", "\"NEAR\" OR \"a\" OR \"b\" OR \"x\" OR \"y\"" },
		{ "kill_subtree.c", "\"kill\" OR \"subtree\" OR \"c\"" },
		{ "caf\xc3\xa9 cr\xc3\xa8me", "\"caf\xc3\xa9\" OR \"cr\xc3\xa8me\"" },
		{ "  ", NULL },
		{ "*** - :", NULL },
		{ "", NULL },
	};
	size_t i;
	char *e;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e = rank_fts_expr(cases[i].q);
		if (cases[i].want == NULL)
			assert_null(e);
		else
			assert_string_equal(e, cases[i].want);
		free(e);
	}
}

static double cosine(const char *a, const char *b)
{
	uint32_t *ba, *bb;
	float *wa, *wb;
	size_t na, nb, i = 0, j = 0;
	double dot = 0;

	assert_int_equal(rank_vector(a, &ba, &wa, &na), 0);
	assert_int_equal(rank_vector(b, &bb, &wb, &nb), 0);
	while (i < na && j < nb) {
		if (ba[i] == bb[j])
			dot += (double)wa[i++] * wb[j++];
		else if (ba[i] < bb[j])
			i++;
		else
			j++;
	}
	free(ba); free(bb); free(wa); free(wb);
	return dot;
}

static void test_vector(void **state)
{
	static const struct { const char *q, *near, *far; } cases[] = {
		{ "procesess leek", "Fixed process leak in supervisor",
		  "Use libev for the event loop" },
		{ "leaks", "the process leaked", "cron restarts" },
		{ "evnt lop", "event loop", "cgroup kill" },
		{ "KILL Timeout", "kill_timeout", "login page" },
	};
	uint32_t *b;
	float *w;
	size_t i, n;
	double norm = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_true(cosine(cases[i].q, cases[i].near) >
		    cosine(cases[i].q, cases[i].far) + 0.1);
	/* normalised, sorted, unique buckets */
	assert_int_equal(rank_vector("abc abc abd", &b, &w, &n), 0);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		norm += (double)w[i] * w[i];
		if (i)
			assert_true(b[i - 1] < b[i]);
	}
	assert_true(norm > 0.999 && norm < 1.001);
	free(b);
	free(w);
	assert_int_equal(rank_vector("", &b, &w, &n), 0);
	assert_int_equal(n, 0);
	free(b);
	free(w);
}

static void test_fuse(void **state)
{
	const struct ranked a[] = { { 1, 0, 0 }, { 2, 0, 0 }, { 3, 0, 0 } };
	const struct ranked b[] = { { 3, 0, 0 }, { 4, 0, 0 } };
	struct ranked *out;
	size_t n;

	(void)state;
	assert_int_equal(rank_fuse(a, 3, b, 2, &out, &n), 0);
	assert_int_equal(n, 4);
	/* 3: 1/63 + 1/61 beats 1: 1/61; then 1, then 4 (1/62) ties 2 (1/62) */
	assert_int_equal(out[0].id, 3);
	assert_int_equal(out[1].id, 1);
	assert_int_equal(out[2].id, 2);
	assert_int_equal(out[3].id, 4);
	assert_true(out[0].score > 1.0 / 61 + 1.0 / 63 - 1e-12);
	free(out);
	assert_int_equal(rank_fuse(NULL, 0, NULL, 0, &out, &n), 0);
	assert_int_equal(n, 0);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fts_expr),
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_fuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
