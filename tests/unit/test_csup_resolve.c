/*
 * test_csup_resolve.c: spawn_resolve() finds argv[0] the way the daemon
 * executes it: a path against the app's cwd, a bare name in the cwd, then
 * in each PATH entry in order (empty entries skipped, a directory without
 * it or with a non-executable file passed over).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "resolve.h"

struct row {
	const char	*argv0;
	const char	*path;	/* PATH, dirs named as "@x" below the fixture */
	const char	*want;	/* "@x/prog", or NULL: not found */
};

static const struct row rows[] = {
	{ "prog", "@a:@b", "@a/prog" },
	{ "prog", "@none:@b:@a", "@b/prog" },	/* missing dir, then order */
	{ "prog", "::@noexec:@b", "@b/prog" },	/* empties and a non-executable */
	{ "prog", "@b:", "@b/prog" },		/* a trailing empty entry */
	{ "prog", "@noexec", NULL },
	{ "prog", "", NULL },
	{ "prog", ":::", NULL },
	{ "other", "@a:@b", NULL },
	{ "local", "@a", "@cwd/local" },	/* the cwd comes first */
	{ "./local", "@a", "@cwd/./local" },
	{ "@a/prog", "", "@a/prog" },		/* an absolute path as is */
};

static char root[PATH_MAX];

static void expand(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in && n + 1 < len; in++) {
		if (*in == '@') {
			n += (size_t)snprintf(out + n, len - n, "%s/", root);
			continue;
		}
		out[n++] = *in;
	}
	out[n] = '\0';
}

static void put_file(const char *rel, mode_t mode)
{
	char p[PATH_MAX];
	FILE *f;

	expand(rel, p, sizeof(p));
	assert_non_null(f = fopen(p, "w"));
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static void mkdirs(void)
{
	static const char *dirs[] = { "@a", "@b", "@noexec", "@cwd" };
	char p[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		expand(dirs[i], p, sizeof(p));
		assert_int_equal(mkdir(p, 0755), 0);
	}
	put_file("@a/prog", 0755);
	put_file("@b/prog", 0755);
	put_file("@noexec/prog", 0644);
	put_file("@cwd/local", 0755);
}

static void test_resolve_rows(void **state)
{
	char path[PATH_MAX + 8], cwd[PATH_MAX], a0[PATH_MAX], want[PATH_MAX];
	char out[PATH_MAX], err[512];
	(void)state;

	snprintf(root, sizeof(root), "/tmp/csup-resolve-XXXXXX");
	assert_non_null(mkdtemp(root));
	mkdirs();
	expand("@cwd", cwd, sizeof(cwd));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		char *argv[] = { a0, NULL }, *env[] = { path, NULL };
		struct app_config c = { .name = "t", .exec_argv = argv, .cwd = cwd };
		int rc;

		expand(r->argv0, a0, sizeof(a0));
		memcpy(path, "PATH=", 5);
		expand(r->path, path + 5, sizeof(path) - 5);
		rc = spawn_resolve(&c, env, out, sizeof(out), err, sizeof(err));
		if (r->want == NULL) {
			if (rc != -1)
				fail_msg("row %zu: found %s", i, out);
			continue;
		}
		expand(r->want, want, sizeof(want));
		if (rc != 0)
			fail_msg("row %zu: %s", i, err);
		/* "@x/" expands with a slash of its own: compare without doubles. */
		for (char *s = want; (s = strstr(s, "//")) != NULL;)
			memmove(s, s + 1, strlen(s));
		for (char *s = out; (s = strstr(s, "//")) != NULL;)
			memmove(s, s + 1, strlen(s));
		assert_string_equal(out, want);
	}
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
