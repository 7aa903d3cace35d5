/* test_csup_proc.c: /proc parsing, pid-reuse-proof signals, the fallback selection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "guard_tree.h"
#include "proc.h"

static const struct {
	const char	*text;
	int		 ok;
	pid_t		 pid, ppid, pgid, sid;
	char		 state;
	uint64_t	 start;
} stat_cases[] = {
	{ "42 (sleep) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 123456 "
	  "1000 250 18446744073709551615", 1, 42, 1, 42, 42, 'S', 123456 },
	/* comm with spaces and parentheses: parse after the last ')' */
	{ "7 (a) b (c)) R 3 5 6 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 99 0 0", 1,
	  7, 3, 5, 6, 'R', 99 },
	{ "9 (zz) Z 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", 1, 9, 1, 9, 9, 'Z', 5 },
	/* negative fields (nice, tty) parse too */
	{ "5 (x) S 1 5 5 0 -1 0 0 0 0 0 1 2 0 0 15 -5 1 0 77 0 3", 1, 5, 1, 5, 5, 'S', 77 },
	{ "12 (trunc) S 1 12 12 0 -1", 0, 0, 0, 0, 0, 0, 0 },
	{ "13 (x) S 1 13 13 0 -1 0 0 0 0 0 1 2 0 0 15 zz 1 0 77 0 3", 0, 0, 0, 0, 0, 0, 0 },
	{ "12 no-paren S 1 12 12", 0, 0, 0, 0, 0, 0, 0 },
	{ "", 0, 0, 0, 0, 0, 0, 0 },
	{ "x (a) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0", 0, 0, 0, 0, 0, 0, 0 },
};

static void test_parse_stat(void **state)
{
	struct proc_info pi;
	size_t i;
	int r;

	for (i = 0; i < sizeof(stat_cases) / sizeof(stat_cases[0]); i++) {
		r = proc_parse_stat(stat_cases[i].text, strlen(stat_cases[i].text), &pi);
		assert_int_equal(r, stat_cases[i].ok ? 0 : -1);
		if (!stat_cases[i].ok)
			continue;
		assert_int_equal(pi.pid, stat_cases[i].pid);
		assert_int_equal(pi.ppid, stat_cases[i].ppid);
		assert_int_equal(pi.pgid, stat_cases[i].pgid);
		assert_int_equal(pi.sid, stat_cases[i].sid);
		assert_int_equal(pi.state, stat_cases[i].state);
		assert_int_equal(pi.start_time, stat_cases[i].start);
	}
}

static void test_read_self(void **state)
{
	struct proc_info pi;

	assert_int_equal(proc_read(getpid(), &pi), 0);
	assert_int_equal(pi.pid, getpid());
	assert_int_equal(pi.ppid, getppid());
	assert_true(pi.start_time > 0);
	assert_true(pi.rss_bytes > 0);
	assert_true(proc_alive(getpid(), pi.start_time));
	assert_false(proc_alive(getpid(), pi.start_time + 1));
	assert_int_equal(proc_read(0x3ffffff0, &pi), -1);
	assert_int_equal(errno, ESRCH);
}

static void test_env_and_tag(void **state)
{
	struct tree t;
	char buf[96], small[4];

	assert_int_equal(tree_spawn(&t, 0, 0, 0, -1), 0);
	assert_int_equal(proc_env_get(t.main, PROC_TAG_VAR, buf, sizeof(buf)), 0);
	assert_string_equal(buf, t.tag);
	assert_int_equal(proc_env_get(t.main, "NO_SUCH_VAR", buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(proc_env_get(t.main, PROC_TAG_VAR, small, sizeof(small)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(proc_tag_format(buf, sizeof(buf), "0123abcd", "web", 7), 0);
	assert_string_equal(buf, "0123abcd:web:7");
	assert_int_equal(proc_tag_format(small, sizeof(small), "0123abcd", "web", 7), -1);
	tree_cleanup(&t);
}

/* The contract's unit test: a pid whose start time differs is not signalled. */
static void test_signal_checks_start_time(void **state)
{
	struct tree t;
	int status;

	assert_int_equal(tree_spawn(&t, 0, 0, 0, -1), 0);
	assert_int_equal(proc_signal(t.main, t.main_start + 1, SIGKILL), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(proc_pidfd_open(t.main, t.main_start - 1), -1);
	assert_int_equal(errno, ESRCH);
	assert_true(proc_alive(t.main, t.main_start));
	assert_int_equal(waitpid(t.main, &status, WNOHANG), 0);

	assert_int_equal(proc_signal(t.main, t.main_start, SIGTERM), 0);
	assert_int_equal(waitpid(t.main, &status, 0), t.main);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_int_equal(proc_signal(t.main, t.main_start, SIGTERM), -1);
	assert_int_equal(errno, ESRCH);
	tree_cleanup(&t);
}

static void test_set(void **state)
{
	struct proc_set s = { 0 };
	int i;

	for (i = 1; i <= 100; i++)
		assert_int_equal(proc_set_add(&s, i, (uint64_t)i * 10), 0);
	assert_int_equal(proc_set_add(&s, 5, 50), 0);
	assert_int_equal(s.n, 100);
	assert_true(proc_set_has(&s, 5, 50));
	assert_false(proc_set_has(&s, 5, 51));
	assert_true(proc_set_has(&s, 5, 0));
	assert_false(proc_set_has(&s, 101, 0));
	proc_set_free(&s);
	assert_int_equal(s.n, 0);
}

static struct proc_gen gen_of(const struct tree *t)
{
	struct proc_gen g = { t->main, t->main_start, t->main, t->main, t->tag };

	return g;
}

/* Every escape pattern is found; the documented limit is not, unless known. */
static void test_select_patterns(void **state)
{
	struct proc_set members = { 0 }, all = { 0 }, orphans = { 0 };
	struct proc_table tab;
	struct proc_usage u;
	struct proc_gen g;
	struct tree t;
	char home[32];
	size_t i;

	assert_int_equal(tree_spawn(&t, T_ALL_CAUGHT | T_ESCAPE, 2, 3, -1), 0);
	assert_int_equal(tree_pids(t.marker, &all), t.expect);
	g = gen_of(&t);
	assert_int_equal(proc_table_load(&tab, 1), 0);
	assert_int_equal(proc_set_add(&members, t.main, t.main_start), 0);
	assert_int_equal(proc_select(&tab, &g, &members), 0);
	assert_int_equal(members.n, t.expect - 1);	/* all but T_ESCAPE */
	for (i = 0; i < members.n; i++)
		assert_true(proc_set_has(&all, members.v[i].pid, members.v[i].start_time));
	assert_false(proc_set_has(&members, getpid(), 0));

	/* Once known, the escaped process stays selected. */
	for (i = 0; i < all.n; i++)
		assert_int_equal(proc_set_add(&members, all.v[i].pid, all.v[i].start_time), 0);
	assert_int_equal(proc_select(&tab, &g, &members), 0);
	assert_int_equal(members.n, t.expect);

	proc_usage_sum(&tab, &members, &u);
	assert_int_equal(u.procs, t.expect);
	assert_true(u.rss_bytes > 0);

	/* Orphan scan: tagged with the home and owned by nobody (and their children). */
	snprintf(home, sizeof(home), "testhome%d:", (int)getpid());
	assert_int_equal(proc_select_orphans(&tab, home, NULL, 0, &orphans), 0);
	assert_int_equal(orphans.n, t.expect - 1);
	assert_int_equal(proc_select_orphans(&tab, home, &members, 1, &orphans), 0);
	assert_int_equal(orphans.n, 0);
	assert_int_equal(proc_select_orphans(&tab, "otherhome:", NULL, 0, &orphans), 0);
	assert_int_equal(orphans.n, 0);

	proc_table_free(&tab);
	proc_set_free(&members);
	proc_set_free(&all);
	proc_set_free(&orphans);
	tree_cleanup(&t);
}

/* A dead member's pid is not matched through a process with another start time. */
static void test_select_reused_leader(void **state)
{
	struct proc_set members = { 0 };
	struct proc_table tab;
	struct proc_gen g;
	struct tree t;

	assert_int_equal(tree_spawn(&t, T_PLAIN, 0, 0, -1), 0);
	g = gen_of(&t);
	g.main_start = t.main_start - 1;	/* as if the pid now named another process */
	g.tag = NULL;
	assert_int_equal(proc_table_load(&tab, 0), 0);
	assert_int_equal(proc_set_add(&members, t.main, g.main_start), 0);
	assert_int_equal(proc_select(&tab, &g, &members), 0);
	assert_int_equal(members.n, 0);
	proc_table_free(&tab);
	proc_set_free(&members);
	tree_cleanup(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_read_self),
		cmocka_unit_test(test_env_and_tag),
		cmocka_unit_test(test_signal_checks_start_time),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_select_patterns),
		cmocka_unit_test(test_select_reused_leader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
