/* test_csup_cgroup.c: cgroup v2 discovery, placement, signals, cgroup.kill. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "require.h"

#include <poll.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "guard_tree.h"

static const struct {
	const char	*text;
	int		 ok;
	const char	*mount, *root;
} mountinfo_cases[] = {
	{ "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
	  1, "/sys/fs/cgroup/unified", "/" },
	{ "30 25 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n",
	  1, "/sys/fs/cgroup", "/" },
	{ "30 25 0:26 /user.slice /mnt/my\\040cg rw - cgroup2 none rw\n",
	  1, "/mnt/my cg", "/user.slice" },
	{ "35 25 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", 0, NULL, NULL },
	{ "", 0, NULL, NULL },
};

static void test_parse_mountinfo(void **state)
{
	char mount[256], root[256];
	size_t i;

	for (i = 0; i < sizeof(mountinfo_cases) / sizeof(mountinfo_cases[0]); i++) {
		int r = cgroup_parse_mountinfo(mountinfo_cases[i].text, mount,
		    sizeof(mount), root, sizeof(root));

		assert_int_equal(r, mountinfo_cases[i].ok ? 0 : -1);
		if (!mountinfo_cases[i].ok)
			continue;
		assert_string_equal(mount, mountinfo_cases[i].mount);
		assert_string_equal(root, mountinfo_cases[i].root);
	}
}

static const struct {
	const char	*text;
	const char	*path;		/* NULL: no v2 line */
} self_cases[] = {
	{ "9:name=systemd:/\n4:memory:/x\n0::/\n", "/" },
	{ "0::/user.slice/user-1000.slice/session-2.scope\n",
	  "/user.slice/user-1000.slice/session-2.scope" },
	{ "1:cpu:/\n", NULL },
	{ "0::/a b\n1:cpu:/\n", "/a b" },
};

static void test_parse_self(void **state)
{
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(self_cases) / sizeof(self_cases[0]); i++) {
		int r = cgroup_parse_self(self_cases[i].text, path, sizeof(path));

		if (self_cases[i].path == NULL) {
			assert_int_equal(r, -1);
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(path, self_cases[i].path);
	}
}

static void test_rel_path(void **state)
{
	(void)state;
	assert_string_equal(cgroup_rel_path("/user.slice/a", "/"), "/user.slice/a");
	assert_string_equal(cgroup_rel_path("/", "/"), "");
	assert_string_equal(cgroup_rel_path("/ns/app", "/ns"), "/app");
	assert_string_equal(cgroup_rel_path("/ns", "/ns"), "");
	assert_string_equal(cgroup_rel_path("/other/x", "/ns"), "/other/x");
}

static void test_disabled_by_env(void **state)
{
	struct cgroup_base cb;
	char path[64];

	setenv("CSUP_CGROUPS", "0", 1);
	assert_int_equal(cgroup_base_init(&cb, "unit"), -1);
	unsetenv("CSUP_CGROUPS");
	assert_false(cb.usable);
	assert_non_null(strstr(cb.reason, "CSUP_CGROUPS=0"));
	assert_int_equal(cgroup_gen_path(&cb, "web", 1, path, sizeof(path)), -1);
	cgroup_base_free(&cb);
}

static int count_gen(void *arg, const char *path)
{
	(*(int *)arg)++;
	return 0;
}

/* Waits for "populated 0" through the inotify fd, as kill.c does. */
static int wait_empty(const char *path, int efd, int ms)
{
	struct pollfd pfd = { efd, POLLIN, 0 };
	char buf[1024];

	while (cgroup_populated(path) == 1) {
		if (poll(&pfd, 1, ms) <= 0)
			return -1;
		while (read(efd, buf, sizeof(buf)) > 0)
			;
	}
	return 0;
}

/* Every pattern, the documented limit included, lands in the cgroup and dies there. */
static void test_generation_lifecycle(void **state)
{
	struct proc_set procs = { 0 }, all = { 0 }, done = { 0 };
	struct cgroup_base cb;
	char home[32], path[PATH_MAX];
	struct tree t;
	size_t i;
	int fd, efd, n = 0;

	snprintf(home, sizeof(home), "unit%d", (int)getpid());
	if (cgroup_base_init(&cb, home) == -1) {
		print_message("cgroups not usable here: %s\n", cb.reason);
		require_or_skip(cb.reason);
	}
	assert_int_equal(cgroup_gen_path(&cb, "web", 3, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/csup-unit"));
	assert_int_equal(cgroup_gen_path(&cb, "../x", 3, path, sizeof(path)), -1);
	assert_int_equal(cgroup_gen_path(&cb, "web", 3, path, sizeof(path)), 0);
	assert_true((fd = cgroup_gen_open(path)) >= 0);
	assert_int_equal(cgroup_populated(path), 0);
	assert_int_equal(tree_spawn(&t, T_ALL_CAUGHT | T_ESCAPE, 1, 2, fd), 0);
	close(fd);

	assert_int_equal(tree_pids(t.marker, &all), t.expect);
	assert_int_equal(cgroup_procs(path, &procs), 0);
	assert_int_equal(procs.n, all.n);
	for (i = 0; i < all.n; i++)
		assert_true(proc_set_has(&procs, all.v[i].pid, 0));
	assert_int_equal(cgroup_populated(path), 1);
	assert_int_equal(cgroup_each_gen(&cb, count_gen, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(cgroup_remove(path), -1);
	assert_int_equal(errno, EBUSY);

	assert_true((efd = cgroup_events_watch(path)) >= 0);
	assert_int_equal(cgroup_signal(path, SIGTERM, &done), (int)all.n);
	for (i = 0; i < 2000 && tree_count(t.marker) > 1; i++)
		usleep(1000);
	assert_int_equal(tree_count(t.marker), 1);	/* T_IGNORE lives on */
	assert_int_equal(cgroup_kill(path) >= 1, 1);
	assert_int_equal(wait_empty(path, efd, 2000), 0);
	close(efd);
	assert_int_equal(tree_count(t.marker), 0);
	tree_reap();
	assert_int_equal(cgroup_remove(path), 0);
	assert_int_equal(cgroup_populated(path), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(rmdir(cb.path), 0);
	cgroup_base_free(&cb);

	proc_set_free(&procs);
	proc_set_free(&all);
	proc_set_free(&done);
	tree_cleanup(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_mountinfo),
		cmocka_unit_test(test_parse_self),
		cmocka_unit_test(test_rel_path),
		cmocka_unit_test(test_disabled_by_env),
		cmocka_unit_test(test_generation_lifecycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
