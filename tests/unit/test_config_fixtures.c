/*
 * test_config_fixtures.c: every PM2 process file in tests/fixtures/pm2 loads
 * and matches its FILE.expect sidecar (lines: `env NAME`, `apps N|max`,
 * `warnings N`, `field INDEX KEY JSON`, @DIR@ = the file's folder, @HOME@ = $HOME); every
 * file in tests/fixtures/bad fails with the error its first line names
 * (`# expect: LINE:COL: message` or `// expect: ...`).
 */
#include <dirent.h>
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

static const char *fixtures(char *buf, size_t len, const char *sub)
{
	const char *src = getenv("CSUP_SRC_DIR");

	if (src != NULL)
		snprintf(buf, len, "%s/tests/fixtures/%s", src, sub);
	else
		snprintf(buf, len, "fixtures/%s", sub);
	return buf;
}

static bool is_config(const char *name)
{
	const char *dot = strrchr(name, '.');

	return name[0] != '.' && dot != NULL && strcmp(dot, ".expect") != 0;
}

static void check_field(const char *file, const struct app_list *l, const char *dir,
    char *spec)
{
	char key[64], *want, *p;
	json_t *obj, *jw;
	int idx, off = 0;

	if (sscanf(spec, "%d %63s %n", &idx, key, &off) != 2 || off == 0)
		fail_msg("%s: bad expect line 'field %s'", file, spec);
	if (idx < 0 || (size_t)idx >= l->n)
		fail_msg("%s: no app %d", file, idx);
	want = strdup(spec + off);
	while ((p = strstr(want, "@DIR@")) != NULL) {
		char *n;
		assert_true(asprintf(&n, "%.*s%s%s", (int)(p - want), want, dir, p + 5) > 0);
		free(want);
		want = n;
	}
	while ((p = strstr(want, "@HOME@")) != NULL) {
		char *n;
		assert_true(asprintf(&n, "%.*s%s%s", (int)(p - want), want, getenv("HOME"),
		    p + 6) > 0);
		free(want);
		want = n;
	}
	jw = json_loads(want, JSON_DECODE_ANY, NULL);
	if (jw == NULL)
		fail_msg("%s: bad JSON '%s'", file, want);
	obj = config_app_to_json(&l->apps[idx]);
	if (!json_equal(json_object_get(obj, key), jw)) {
		char *g = json_dumps(json_object_get(obj, key), JSON_ENCODE_ANY | JSON_COMPACT);
		fail_msg("%s: app %d %s = %s, want %s", file, idx, key, g ? g : "(none)", want);
	}
	json_decref(obj);
	json_decref(jw);
	free(want);
}

/* Reads FILE.expect: the option lines first, then the checks after loading. */
static void check_good(const char *dir, const char *name)
{
	char path[PATH_MAX], expect[PATH_MAX + 8], line[1024], env[64] = "", *real;
	struct config_options opt = { 0 };
	struct config_error err;
	struct app_list l;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(expect, sizeof(expect), "%s.expect", path);
	if ((f = fopen(expect, "r")) == NULL)
		fail_msg("%s: no .expect sidecar", name);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "env %63s", env) == 1)
			opt.env_name = env;
	if (config_load(path, &opt, &l, &err) != 0)
		fail_msg("%s:%d:%d: %s", name, err.line, err.column, err.msg);
	real = realpath(dir, NULL);
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "apps max") == 0)
			n = sysconf(_SC_NPROCESSORS_ONLN), assert_int_equal(l.n, n);
		else if (sscanf(line, "apps %ld", &n) == 1)
			assert_int_equal(l.n, n);
		else if (sscanf(line, "warnings %ld", &n) == 1 && (long)l.nwarnings != n)
			fail_msg("%s: %zu warnings, want %ld (first: %s)", name, l.nwarnings, n,
			    l.nwarnings ? l.warnings[0].msg : "-");
		else if (strncmp(line, "field ", 6) == 0)
			check_field(name, &l, real, line + 6);
	}
	free(real);
	fclose(f);
	config_app_list_free(&l);
}

static void check_bad(const char *dir, const char *name)
{
	char path[PATH_MAX], line[512], got[700], *want;
	struct config_error err;
	struct app_list l;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL || fgets(line, sizeof(line), f) == NULL)
		fail_msg("%s: unreadable", name);
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if ((want = strstr(line, "expect: ")) == NULL)
		fail_msg("%s: first line names no expected error", name);
	want += 8;
	if (config_load(path, NULL, &l, &err) != -1)
		fail_msg("%s: loaded, want %s", name, want);
	snprintf(got, sizeof(got), "%d:%d: %s", err.line, err.column, err.msg);
	if (strncmp(got, want, strlen(want)) != 0)
		fail_msg("%s: got '%s', want '%s'", name, got, want);
}

static void run_dir(const char *sub, void (*check)(const char *, const char *), int min)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(fixtures(dir, sizeof(dir), sub));
	int n = 0;

	if (d == NULL)
		fail_msg("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (!is_config(e->d_name))
			continue;
		check(dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n < min)
		fail_msg("%s: %d files, want at least %d", dir, n, min);
}

static void test_pm2_files(void **state)
{
	run_dir("pm2", check_good, 10);
}

static void test_bad_files(void **state)
{
	run_dir("bad", check_bad, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pm2_files),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
