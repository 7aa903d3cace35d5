/* test_csup_watch.c: watch.c: ignore globs (table), then inotify scenarios. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "require.h"
#include <ev.h>

#include "evtest.h"
#include "watch.h"

/*
 * The debounce of these tests. A burst of 50 small writes must fit inside it
 * even under ASan on a loaded two-core machine (80 ms did not, now and then):
 * 300 ms is a margin, not a speed claim (watch speed is for make bench).
 */
#define DELAY_MS 300
#define QUIET (DELAY_MS / 1000. * 3)	/* long enough for a debounce to fire */

/* Pure matching: one row a case. */

static const struct {
	const char	*rel;
	const char	*abs;
	const char	*glob;
	bool		 ignored;
} ignore_rows[] = {
	{ "node_modules/x/index.js",	NULL, "node_modules",	true },
	{ "src/node_modules/a.js",	NULL, "node_modules",	true },
	{ ".git/objects/ab",		NULL, ".git",		true },
	{ ".env",			NULL, ".*",		true },
	{ "src/.cache/x",		NULL, ".*",		true },
	{ "src/app.js",			NULL, ".*",		false },
	{ "app.log",			NULL, "*.log",		true },
	{ "logs/2024/app.log",		NULL, "*.log",		true },
	{ "app.log.js",			NULL, "*.log",		false },
	{ "dist/a/b.js",		NULL, "dist",		true },
	{ "dist/a/b.js",		NULL, "dist/",		true },
	{ "src/dist.js",		NULL, "dist",		false },
	{ "tmp/a/b",			NULL, "tmp/**",		true },
	{ "tmp",			NULL, "tmp/**",		true },
	{ "src/tmp/a",			NULL, "tmp/**",		false },
	{ "a/b/x.tmp",			NULL, "**/*.tmp",	true },
	{ "x.tmp",			NULL, "**/*.tmp",	true },
	{ "build/out.o",		NULL, "./build",	true },
	{ "data/db.sqlite",		"/srv/app/data/db.sqlite", "/srv/app/data/*", true },
	{ "data/db.sqlite",		"/srv/other/data/db.sqlite", "/srv/app/data/*", false },
	{ "src/index.js",		NULL, "src/*.ts",	false },
	{ "src/index.ts",		NULL, "src/*.ts",	true },
	{ "README.md",			NULL, "",		false },
};

static void test_ignored_table(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(ignore_rows) / sizeof(ignore_rows[0]); i++) {
		const char *globs[] = { ignore_rows[i].glob, NULL };
		bool got = watch_ignored(ignore_rows[i].rel, ignore_rows[i].abs, globs);

		if (got != ignore_rows[i].ignored)
			fail_msg("row %zu: rel '%s' glob '%s': got %d, want %d", i,
			    ignore_rows[i].rel, ignore_rows[i].glob, got,
			    ignore_rows[i].ignored);
	}
}

static void test_defaults(void **state)
{
	assert_true(watch_ignored("node_modules/a", NULL, watch_default_ignore));
	assert_true(watch_ignored(".git/HEAD", NULL, watch_default_ignore));
	assert_true(watch_ignored("x/.swp", NULL, watch_default_ignore));
	assert_true(watch_ignored("err.log", NULL, watch_default_ignore));
	assert_false(watch_ignored("server.js", NULL, watch_default_ignore));
	assert_false(watch_ignored("lib/util.js", NULL, watch_default_ignore));
}

static const struct {
	const char	*path;
	bool		 listed;
} listed_rows[] = {
	{ "/app/out.txt",	true },
	{ "/app/out.txt.1",	true },		/* rotated */
	{ "/app/out.txt.12",	true },
	{ "/app/out.txt.",	false },
	{ "/app/out.txt.1a",	false },
	{ "/app/out.txt.bak",	false },
	{ "/app/out.txtx",	false },
	{ "/app/out.tx",	false },
	{ "/app/err.txt",	true },
	{ "/app/sub/out.txt",	false },
};

static void test_listed_table(void **state)
{
	const char *const list[] = { "/app/out.txt", "/app/err.txt", NULL };
	size_t i;

	for (i = 0; i < sizeof(listed_rows) / sizeof(listed_rows[0]); i++)
		if (watch_path_listed(listed_rows[i].path, list) != listed_rows[i].listed)
			fail_msg("row %zu: '%s'", i, listed_rows[i].path);
	assert_false(watch_path_listed("/app/out.txt", NULL));
}

/* Scenarios on a real loop and a temporary tree. */

struct fx {
	int		 fds;	/* open at setup */
	struct ev_loop	*loop;
	struct watch	*w;
	char		 dir[256];
	int		 changes;
	int		 warnings;
	bool		 free_in_cb;
};

static void on_change(void *arg)
{
	struct fx *f = arg;

	f->changes++;
	if (f->free_in_cb) {
		watch_free(f->w);
		f->w = NULL;
	}
}

static void on_warning(const char *msg, void *arg)
{
	struct fx *f = arg;

	assert_non_null(msg);
	f->warnings++;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "%s/csup-watch-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	f->loop = ev_loop_new(EVFLAG_AUTO);
	assert_non_null(f->loop);
	f->fds = evtest_fds();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[PATH_MAX + 32];

	watch_free(f->w);
	assert_int_equal(evtest_fds(), f->fds);	/* nothing leaked */
	ev_loop_destroy(f->loop);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static char *p(struct fx *f, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", f->dir, rel);
	return buf[i];
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static void mkdirs(struct fx *f, const char *rel)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", f->dir, rel);
	assert_int_equal(system(cmd), 0);
}

static void start(struct fx *f, const char *const *roots, const char *const *ignore,
    const char *const *never, size_t max)
{
	const char *const dflt[] = { f->dir, NULL };
	struct watch_params wp = {
		.roots = roots ? roots : dflt, .ignore = ignore, .never = never,
		.delay_ms = DELAY_MS, .max_watches = max,
		.on_change = on_change, .on_warning = on_warning, .arg = f,
	};

	f->w = watch_new(f->loop, &wp);
	assert_non_null(f->w);
}

/* Let every pending event and debounce run out; the number of callbacks it gave. */
static int settle(struct fx *f)
{
	int before = f->changes;

	evtest_spin(f->loop, QUIET);
	return f->changes - before;
}

static void test_burst_gives_one(void **state)
{
	struct fx *f = *state;
	char name[64];
	int i;

	start(f, NULL, NULL, NULL, 0);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "gen/file-%03d.js", i);
		if (i == 0)
			mkdirs(f, "gen");
		write_file(p(f, name), "x");
		if (i % 50 == 49)	/* the loop runs in the middle of the burst */
			evtest_spin(f->loop, DELAY_MS / 1000. / 4);
	}
	(void)settle(f);
	assert_int_equal(f->changes, 1);	/* in all, not only after the burst */
	assert_true(watch_events(f->w) >= 200);
	assert_null(watch_status(f->w));
}

static void test_each_kind_counts(void **state)
{
	struct fx *f = *state;

	write_file(p(f, "a.js"), "1");
	mkdirs(f, "sub");
	start(f, NULL, NULL, NULL, 0);
	write_file(p(f, "a.js"), "2");				/* content */
	assert_int_equal(settle(f), 1);
	assert_int_equal(utimensat(AT_FDCWD, p(f, "a.js"), NULL, 0), 0);	/* touch */
	assert_int_equal(settle(f), 1);
	assert_int_equal(chmod(p(f, "a.js"), 0600), 0);		/* metadata */
	assert_int_equal(settle(f), 1);
	write_file(p(f, "sub/b.js"), "new");			/* creation */
	assert_int_equal(settle(f), 1);
	assert_int_equal(rename(p(f, "sub/b.js"), p(f, "c.js")), 0);	/* rename */
	assert_int_equal(settle(f), 1);
	assert_int_equal(unlink(p(f, "c.js")), 0);		/* deletion */
	assert_int_equal(settle(f), 1);
	assert_int_equal(utimensat(AT_FDCWD, f->dir, NULL, 0), 0);	/* touch the root */
	assert_int_equal(settle(f), 1);
	assert_int_equal(settle(f), 0);				/* quiet is quiet */
}

static void test_ignored_paths_never_trigger(void **state)
{
	struct fx *f = *state;
	const char *const ignore[] = { "tmp/**", "*.sqlite-journal", NULL };
	const char *const never[] = { p(f, "out.txt"), NULL };

	mkdirs(f, ".git/objects");
	mkdirs(f, "node_modules/pkg");
	mkdirs(f, "tmp/cache");
	start(f, NULL, ignore, never, 0);
	write_file(p(f, ".git/objects/ab12"), "blob");
	write_file(p(f, ".git/index"), "idx");
	write_file(p(f, "node_modules/pkg/index.js"), "x");
	write_file(p(f, "app.log"), "line\n");
	write_file(p(f, ".env"), "A=1");
	write_file(p(f, "tmp/cache/x"), "x");
	write_file(p(f, "db.sqlite-journal"), "x");
	write_file(p(f, "out.txt"), "log line\n");		/* the app's own log */
	assert_int_equal(rename(p(f, "out.txt"), p(f, "out.txt.1")), 0);	/* its rotation */
	write_file(p(f, "out.txt"), "log line\n");
	mkdirs(f, ".git/refs/heads");				/* new dirs under ignored ones */
	write_file(p(f, ".git/refs/heads/main"), "sha");
	mkdirs(f, "src/node_modules/deep");
	write_file(p(f, "src/node_modules/deep/x.js"), "x");
	/* src/ itself was created: that is a change, and the only one. */
	assert_int_equal(settle(f), 1);
	write_file(p(f, "src/node_modules/deep/y.js"), "x");
	write_file(p(f, "src/.hidden"), "x");
	assert_int_equal(settle(f), 0);
}

static void test_new_subdirectory_is_watched(void **state)
{
	struct fx *f = *state;
	size_t before;

	start(f, NULL, NULL, NULL, 0);
	before = watch_count(f->w);
	mkdirs(f, "a/b/c");			/* created after the watch, all at once */
	write_file(p(f, "a/b/c/early.js"), "x");
	assert_int_equal(settle(f), 1);
	assert_int_equal(watch_count(f->w), before + 3);
	write_file(p(f, "a/b/c/late.js"), "x");	/* needs the watch on a/b/c */
	assert_int_equal(settle(f), 1);
}

static void test_dir_renamed_into_ignored_name(void **state)
{
	struct fx *f = *state;

	mkdirs(f, "vendor");
	start(f, NULL, NULL, NULL, 0);
	assert_int_equal(rename(p(f, "vendor"), p(f, "node_modules")), 0);
	assert_int_equal(settle(f), 1);		/* vendor went away: a change */
	write_file(p(f, "node_modules/x.js"), "x");
	assert_int_equal(settle(f), 0);		/* its old watch was dropped */
	assert_int_equal(rename(p(f, "node_modules"), p(f, "lib")), 0);
	assert_int_equal(settle(f), 1);
	write_file(p(f, "lib/y.js"), "x");	/* watched again under its new name */
	assert_int_equal(settle(f), 1);
}

static void test_suspend_absorbs(void **state)
{
	struct fx *f = *state;

	start(f, NULL, NULL, NULL, 0);
	write_file(p(f, "a.js"), "1");
	evtest_spin(f->loop, DELAY_MS / 1000. / 4);	/* debounce pending */
	watch_suspend(f->w);				/* a restart began */
	write_file(p(f, "b.js"), "1");
	mkdirs(f, "newdir");
	assert_int_equal(settle(f), 0);
	watch_resume(f->w);
	write_file(p(f, "newdir/c.js"), "1");		/* tracked while suspended */
	assert_int_equal(settle(f), 1);
}

static void test_file_root(void **state)
{
	struct fx *f = *state;
	const char *roots[] = { NULL, NULL };

	write_file(p(f, "server.js"), "1");
	write_file(p(f, "other.js"), "1");
	roots[0] = p(f, "server.js");
	start(f, roots, NULL, NULL, 0);
	write_file(p(f, "other.js"), "2");
	assert_int_equal(settle(f), 0);
	write_file(p(f, "server.js"), "2");
	assert_int_equal(settle(f), 1);
	write_file(p(f, "server.js.tmp"), "3");		/* an editor's atomic save */
	assert_int_equal(rename(p(f, "server.js.tmp"), p(f, "server.js")), 0);
	assert_int_equal(settle(f), 1);
	write_file(p(f, "server.js"), "4");		/* still watched after it */
	assert_int_equal(settle(f), 1);
}

static void test_watch_limit_is_a_status(void **state)
{
	struct fx *f = *state;

	mkdirs(f, "d1");
	mkdirs(f, "d2");
	mkdirs(f, "d3");
	mkdirs(f, "d4");
	start(f, NULL, NULL, NULL, 3);
	assert_int_equal(watch_count(f->w), 3);
	assert_non_null(watch_status(f->w));
	assert_non_null(strstr(watch_status(f->w), "limit"));
	write_file(p(f, "top.js"), "x");		/* the root is watched */
	assert_int_equal(settle(f), 1);
	assert_int_equal(f->warnings, 1);		/* reported once */
	mkdirs(f, "d5");
	assert_int_equal(settle(f), 1);
	assert_int_equal(f->warnings, 1);
}

static void test_missing_root(void **state)
{
	struct fx *f = *state;
	const char *roots[] = { p(f, "nope"), f->dir, NULL };

	start(f, roots, NULL, NULL, 0);
	assert_non_null(watch_status(f->w));
	assert_non_null(strstr(watch_status(f->w), "nope"));
	write_file(p(f, "a.js"), "x");
	assert_int_equal(settle(f), 1);
}

static bool changed_once(void *arg)
{
	return ((struct fx *)arg)->changes > 0;
}

/* Past max_queued_events the kernel drops events: rescan, and count it as a change. */
static void test_queue_overflow(void **state)
{
	struct fx *f = *state;
	FILE *fp;
	int i, max = 0;

	if ((fp = fopen("/proc/sys/fs/inotify/max_queued_events", "r")) != NULL) {
		if (fscanf(fp, "%d", &max) != 1)
			max = 0;
		fclose(fp);
	}
	if (max <= 0 || max > 200000)
		require_or_skip("fs.inotify.max_queued_events unreadable or too large to overflow");
	write_file(p(f, "a.js"), "1");
	write_file(p(f, "b.js"), "1");
	start(f, NULL, NULL, NULL, 0);
	for (i = 0; i <= max / 2 + 1; i++) {	/* alternate: no coalescing */
		assert_int_equal(utimensat(AT_FDCWD, p(f, "a.js"), NULL, 0), 0);
		assert_int_equal(utimensat(AT_FDCWD, p(f, "b.js"), NULL, 0), 0);
	}
	mkdirs(f, "lost");			/* its IN_CREATE is dropped */
	/* 16k events take a while under a sanitizer: wait for the one call. */
	assert_true(evtest_run(f->loop, changed_once, f, 10.));
	assert_int_equal(settle(f), 0);
	assert_int_equal(f->changes, 1);
	write_file(p(f, "lost/x.js"), "1");	/* seen only thanks to the rescan */
	assert_int_equal(settle(f), 1);
}

static void test_free_in_callback(void **state)
{
	struct fx *f = *state;

	start(f, NULL, NULL, NULL, 0);
	f->free_in_cb = true;
	write_file(p(f, "a.js"), "x");
	assert_int_equal(settle(f), 1);
	assert_null(f->w);
}

static void test_bad_params(void **state)
{
	struct fx *f = *state;
	struct watch_params wp = { .delay_ms = 10 };

	errno = 0;
	assert_null(watch_new(f->loop, &wp));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ignored_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_listed_table),
		cmocka_unit_test_setup_teardown(test_burst_gives_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_kind_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ignored_paths_never_trigger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_subdirectory_is_watched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_renamed_into_ignored_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suspend_absorbs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_limit_is_a_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
