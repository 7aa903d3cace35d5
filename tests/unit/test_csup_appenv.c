/*
 * test_csup_appenv.c: the daemon's shared client environments (appenv.c):
 * which strings a block keeps, equality against a request's array, and a
 * block that lives exactly as long as its last user (ASan sees the rest).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "appenv.h"

struct row {
	const char	*json;		/* the request's "env" */
	const char	*want[6];	/* the block's strings, NULL-terminated */
};

static const struct row rows[] = {
	{ "[\"A=1\", \"B=two\"]", { "A=1", "B=two", NULL } },
	{ "[]", { NULL } },
	{ "null", { NULL } },				/* no array: empty */
	{ "{\"A\": \"1\"}", { NULL } },
	{ "[\"NOEQ\", \"A=\", 7, null, \"=x\"]", { "A=", "=x", NULL } },
	{ "[\"A=1\", \"A=2\"]", { "A=1", "A=2", NULL } },	/* kept as sent */
	{ "[\"LONG=" "0123456789012345678901234567890123456789\"]",
	  { "LONG=0123456789012345678901234567890123456789", NULL } },
};

static void check_strings(char **env, const char *const *want, size_t row)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		if (env[i] == NULL || strcmp(env[i], want[i]) != 0)
			fail_msg("row %zu: string %zu is %s, not %s", row, i,
			    env[i] ? env[i] : "(end)", want[i]);
	}
	if (env[i] != NULL)
		fail_msg("row %zu: more strings than %zu", row, i);
}

static void test_from_json_rows(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		json_t *arr = json_loads(rows[r].json, JSON_DECODE_ANY, NULL);
		char **env;

		assert_non_null(arr);
		assert_non_null(env = appenv_from_json(arr));
		check_strings(env, rows[r].want, r);
		assert_true(appenv_equal_json(env, arr));
		appenv_unref(env);
		json_decref(arr);
	}
}

static void test_equal(void **state)
{
	json_t *ab = json_loads("[\"A=1\", \"B=2\"]", 0, NULL);
	json_t *ab_noise = json_loads("[\"A=1\", \"junk\", \"B=2\", 3]", 0, NULL);
	json_t *a = json_loads("[\"A=1\"]", 0, NULL);
	json_t *abc = json_loads("[\"A=1\", \"B=2\", \"C=3\"]", 0, NULL);
	json_t *ba = json_loads("[\"B=2\", \"A=1\"]", 0, NULL);
	json_t *ab2 = json_loads("[\"A=1\", \"B=22\"]", 0, NULL);
	char **env;

	(void)state;
	assert_non_null(env = appenv_from_json(ab));
	assert_true(appenv_equal_json(env, ab));
	assert_true(appenv_equal_json(env, ab_noise));	/* what from_json keeps */
	assert_false(appenv_equal_json(env, a));	/* shorter */
	assert_false(appenv_equal_json(env, abc));	/* longer */
	assert_false(appenv_equal_json(env, ba));	/* order matters */
	assert_false(appenv_equal_json(env, ab2));
	assert_false(appenv_equal_json(NULL, ab));
	appenv_unref(env);
	json_decref(ab);
	json_decref(ab_noise);
	json_decref(a);
	json_decref(abc);
	json_decref(ba);
	json_decref(ab2);
}

static void test_refs_and_strv(void **state)
{
	char *src[] = { "PATH=/bin", "HOME=/root", "X=", NULL };
	const char *want[] = { "PATH=/bin", "HOME=/root", "X=", NULL };
	const char *none[] = { NULL };
	char **env, **shared, **empty;

	(void)state;
	assert_non_null(env = appenv_from_strv(src));
	assert_ptr_not_equal(env[0], src[0]);		/* a copy */
	check_strings(env, want, 0);
	shared = appenv_ref(env);
	assert_ptr_equal(shared, env);
	appenv_unref(env);				/* one user left */
	check_strings(shared, want, 0);			/* ASan: still valid */
	appenv_unref(shared);				/* freed: no leak */
	assert_non_null(empty = appenv_from_strv(NULL));
	check_strings(empty, none, 1);
	appenv_unref(empty);
	assert_null(appenv_ref(NULL));
	appenv_unref(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_json_rows),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_refs_and_strv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
