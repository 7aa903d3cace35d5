/*
 * test_config_parse.c: the ecosystem parser, one row a case (jq.test style):
 * a file's text, and either the error it gives (line, column, a piece of the
 * message) or one resolved field of one app as JSON. @DIR@ in an expected
 * value is the file's folder, @NPROC@ the number of CPUs.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "test_config_cases.h"

static char *subst(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	char *out;

	if (p == NULL)
		return strdup(s);
	if (asprintf(&out, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from)) == -1)
		return NULL;
	char *rest = subst(out, from, to);
	free(out);
	return rest;
}

static char *write_case(const struct pcase *c, char *dir, size_t dirlen)
{
	char tmpl[] = "/tmp/csup-cfg-XXXXXX", *path, *real;
	FILE *f;

	assert_non_null(mkdtemp(tmpl));
	real = realpath(tmpl, NULL);
	assert_non_null(real);
	snprintf(dir, dirlen, "%s", real);
	free(real);
	assert_true(asprintf(&path, "%s/eco%s", dir, c->ext ? c->ext : ".yaml") > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(c->text, f);
	fclose(f);
	return path;
}

static void check_warning(const struct pcase *c, const struct app_list *l)
{
	size_t i;

	if (c->nwarn >= 0)
		assert_int_equal(l->nwarnings, c->nwarn);
	if (c->warn == NULL)
		return;
	for (i = 0; i < l->nwarnings; i++) {
		char buf[600];
		snprintf(buf, sizeof(buf), "%d:%d: %s", l->warnings[i].line,
		    l->warnings[i].column, l->warnings[i].msg);
		if (strstr(buf, c->warn) != NULL)
			return;
	}
	fail_msg("%s: no warning with '%s'", c->id, c->warn);
}

static void check_field(const struct pcase *c, const struct app_list *l, const char *dir)
{
	char nproc[16], *w1, *w2;
	json_t *obj, *want, *got;
	json_error_t jerr;

	assert_true((size_t)c->app < l->n);
	obj = config_app_to_json(&l->apps[c->app]);
	snprintf(nproc, sizeof(nproc), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	w1 = subst(c->want, "@DIR@", dir);
	w2 = subst(w1, "@NPROC@", nproc);
	want = json_loads(w2, JSON_DECODE_ANY, &jerr);
	if (want == NULL)
		fail_msg("%s: bad expected JSON %s: %s", c->id, w2, jerr.text);
	got = json_object_get(obj, c->key);
	if (got == NULL || !json_equal(got, want)) {
		char *g = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		fail_msg("%s: %s = %s, want %s", c->id, c->key, g ? g : "(missing)", w2);
	}
	json_decref(want);
	json_decref(obj);
	free(w1);
	free(w2);
}

static void run_case(void **state)
{
	const struct pcase *c = *state;
	struct config_options opt = { .env_name = c->env, .strict = c->strict };
	struct config_error err;
	struct app_list list;
	char dir[PATH_MAX], *path = write_case(c, dir, sizeof(dir));
	int rc = config_load(path, &opt, &list, &err);

	if (c->err != NULL) {
		char got[700];
		snprintf(got, sizeof(got), "%d:%d: %s", err.line, err.column, err.msg);
		if (rc != -1 || strstr(got, c->err) == NULL)
			fail_msg("%s: rc %d, error '%s', want '%s'", c->id, rc, rc ? got : "", c->err);
		assert_int_equal(list.n, 0);
	} else {
		if (rc != 0)
			fail_msg("%s: unexpected error %d:%d: %s", c->id, err.line, err.column,
			    err.msg);
		if (c->napps == -2)
			assert_int_equal(list.n, sysconf(_SC_NPROCESSORS_ONLN));
		else if (c->napps > 0)
			assert_int_equal(list.n, c->napps);
		check_warning(c, &list);
		if (c->key != NULL)
			check_field(c, &list, dir);
		config_app_list_free(&list);
	}
	unlink(path);
	rmdir(dir);
	free(path);
}

int main(void)
{
	size_t n = sizeof(pcases) / sizeof(pcases[0]), i;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	int rc;

	for (i = 0; i < n; i++) {
		tests[i].name = pcases[i].id;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&pcases[i];
	}
	rc = _cmocka_run_group_tests("config_parse", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
