/* test_csup_limits.c: v1 hierarchy discovery, counters, and the order of means. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "reslimits.h"

static const char hybrid[] =
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "34 30 0:31 /docker/abc /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static void test_v1_mount(void **state)
{
	char mount[256], root[256];

	(void)state;
	assert_int_equal(limits_parse_v1_mount(hybrid, "memory", mount, sizeof(mount),
	    root, sizeof(root)), 0);
	assert_string_equal(mount, "/sys/fs/cgroup/memory");
	assert_string_equal(root, "/docker/abc");
	/* cpu co-mounted with cpuacct; "cpu" is not a prefix match of "cpuacct" */
	assert_int_equal(limits_parse_v1_mount(hybrid, "cpu", mount, sizeof(mount),
	    root, sizeof(root)), 0);
	assert_string_equal(mount, "/sys/fs/cgroup/cpu,cpuacct");
	assert_int_equal(limits_parse_v1_mount(hybrid, "cpuset", mount, sizeof(mount),
	    root, sizeof(root)), -1);
	/* cgroup2 is never a v1 hierarchy */
	assert_int_equal(limits_parse_v1_mount("40 30 0:37 / /u rw - cgroup2 cgroup2 rw,memory\n",
	    "memory", mount, sizeof(mount), root, sizeof(root)), -1);
	assert_int_equal(limits_parse_v1_mount("", "pids", mount, sizeof(mount), root,
	    sizeof(root)), -1);
}

static void test_v1_self(void **state)
{
	const char *text = "9:name=systemd:/\n8:pids:/a\n4:memory:/process_api/x\n"
	    "1:cpu,cpuacct:/b c\n0::/\n";
	char path[256];

	(void)state;
	assert_int_equal(limits_parse_v1_self(text, "memory", path, sizeof(path)), 0);
	assert_string_equal(path, "/process_api/x");
	assert_int_equal(limits_parse_v1_self(text, "cpu", path, sizeof(path)), 0);
	assert_string_equal(path, "/b c");
	assert_int_equal(limits_parse_v1_self(text, "pids", path, sizeof(path)), 0);
	assert_string_equal(path, "/a");
	assert_int_equal(limits_parse_v1_self(text, "cpuset", path, sizeof(path)), -1);
	assert_int_equal(limits_parse_v1_self(text, "acct", path, sizeof(path)), -1);
}

static void test_counter(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(limits_parse_counter("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n",
	    "oom_kill", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(limits_parse_counter("max 17\n", "max", &v), 0);
	assert_int_equal(v, 17);
	assert_int_equal(limits_parse_counter("oom_kill_disable 1\n", "oom_kill", &v), -1);
}

static struct limits_config all_set(void)
{
	struct limits_config l = { 64 << 20, 48 << 20, 20, 50, 1024, 0, 0, 0 };

	return l;
}

static void test_means_order(void **state)
{
	struct limits_config l = all_set(), none = { 0, 0, 0, 0, -1, -1, 0, 0 };
	struct limits_host h;
	char memv1[] = "/sys/fs/cgroup/memory/csup-x", pidsv1[] = "/sys/fs/cgroup/pids/csup-x";

	(void)state;
	memset(&h, 0, sizeof(h));
	/* No cgroups: memory -> rlimit, pids -> watchdog, the others nothing. */
	assert_int_equal(limits_means(&h, &l, LIM_MEMORY), MEANS_RLIMIT);
	assert_int_equal(limits_means(&h, &l, LIM_PIDS), MEANS_WATCHDOG);
	assert_int_equal(limits_means(&h, &l, LIM_CPU), MEANS_NONE);
	assert_int_equal(limits_means(&h, &l, LIM_MEMORY_HIGH), MEANS_NONE);
	assert_int_equal(limits_means(&h, &l, LIM_NOFILE), MEANS_RLIMIT);
	assert_int_equal(limits_means(&h, &l, LIM_CORE), MEANS_RLIMIT);
	/* v1 groups where the hierarchy is there */
	h.v1[CTL_MEMORY] = memv1;
	h.v1[CTL_PIDS] = pidsv1;
	assert_int_equal(limits_means(&h, &l, LIM_MEMORY), MEANS_CGROUP1);
	assert_int_equal(limits_means(&h, &l, LIM_MEMORY_HIGH), MEANS_CGROUP1);
	assert_int_equal(limits_means(&h, &l, LIM_PIDS), MEANS_CGROUP1);
	assert_int_equal(limits_means(&h, &l, LIM_CPU), MEANS_NONE);
	/* v2 wins over v1 */
	h.v2[CTL_MEMORY] = true;
	assert_int_equal(limits_means(&h, &l, LIM_MEMORY), MEANS_CGROUP2);
	assert_int_equal(limits_means(&h, &l, LIM_PIDS), MEANS_CGROUP1);
	/* an unset limit has no means at all */
	for (int k = 0; k < LIM_COUNT; k++) {
		assert_int_equal(limits_means(&h, &none, (enum limit_kind)k), MEANS_NONE);
		assert_int_equal(limits_value(&none, (enum limit_kind)k), -1);
	}
	assert_int_equal(limits_value(&l, LIM_CORE), 0);
	assert_string_equal(limits_means_name(MEANS_CGROUP1), "cgroup1");
	assert_string_equal(limits_means_name(MEANS_WATCHDOG), "watchdog");
	assert_true(limits_subtree_kind(LIM_PIDS));
	assert_false(limits_subtree_kind(LIM_NOFILE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_mount),
		cmocka_unit_test(test_v1_self),
		cmocka_unit_test(test_counter),
		cmocka_unit_test(test_means_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
