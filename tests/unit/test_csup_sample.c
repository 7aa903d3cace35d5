/*
 * test_csup_sample.c: /proc/PID/stat parsing (table; proc_parse_stat, the
 * one parser the sampler uses through proc_read), and the sampler's
 * figures against /proc for a known tree of children that touch a known
 * amount of memory or burn CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc.h"
#include "sample.h"

#define NKIDS	4
#define KID_MB	8

static const char stat_tail[] =
    " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

struct pcase {
	const char	*line;
	int		 ok;
	pid_t		 pid, ppid;
	char		 state;
	unsigned long long utime, stime, start;
	long long	 rss;
};

static const struct pcase pcases[] = {
	{ "42 (sleep) S 1 42 42 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 555 1000 77", 1,
	  42, 1, 'S', 7, 3, 555, 77 },
	{ "7 (a b) c) R 2 7 7 0 -1 0 0 0 0 0 12345678901 1 0 0 20 0 1 0 9 0 -1", 1,
	  7, 2, 'R', 12345678901ULL, 1, 9, -1 },
	{ "9 ((x)) Z 3 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0", 1, 9, 3, 'Z', 0, 0, 1, 0 },
	{ "", 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "12 sleep S 1", 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "12 (sleep) S 1 42 42 0 -1 4194560 100 0 0 0 7 3", 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "12 (sleep) S 1 42 42 0 -1 x 100 0 0 0 7 3 0 0 20 0 1 0 555 1000 77", 0,
	  0, 0, 0, 0, 0, 0, 0 },
	{ "-3 (sleep) S 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 555 1000 77", 0,
	  0, 0, 0, 0, 0, 0, 0 },
};

static void test_parse_table(void **state)
{
	struct proc_info st;
	long long page = sysconf(_SC_PAGESIZE);
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const struct pcase *c = &pcases[i];
		int n = snprintf(buf, sizeof(buf), "%s%s", c->line, c->ok ? stat_tail : "");
		int r = proc_parse_stat(buf, (size_t)n, &st);

		if ((r == 0) != c->ok)
			fail_msg("row %zu: got %d for \"%s\"", i, r, c->line);
		if (!c->ok)
			continue;
		assert_int_equal(st.pid, c->pid);
		assert_int_equal(st.ppid, c->ppid);
		assert_int_equal(st.state, c->state);
		assert_true(st.utime == c->utime && st.stime == c->stime);
		assert_true(st.start_time == c->start);
		assert_true(st.rss_bytes == (uint64_t)(c->rss > 0 ? c->rss * page : 0));
	}
}

/* ---- a known tree ------------------------------------------------------ */

struct kids {
	pid_t	pid[32];
	int	n;
};

/* Every child forked, so a test that fails midway still ends them. */
static pid_t spawned[64];
static int nspawned;

static void remember(pid_t pid)
{
	if (nspawned < (int)(sizeof(spawned) / sizeof(spawned[0])))
		spawned[nspawned++] = pid;
}

/* Reap pid (killed first) and forget it, so teardown never signals a reused pid. */
static void reap(pid_t pid)
{
	int i;

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (i = 0; i < nspawned; i++)
		if (spawned[i] == pid)
			spawned[i] = spawned[--nspawned];
}

static int end_spawned(void **state)
{
	int i;

	for (i = 0; i < nspawned; i++)
		if (kill(spawned[i], SIGKILL) == 0 || errno != ESRCH)
			waitpid(spawned[i], NULL, 0);
	nspawned = 0;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A child: touch mb MiB, burn burn_ms of CPU, say so on fd, then wait. */
static void kid_main(int fd, int mb, int burn_ms)
{
	volatile unsigned long x = 0;
	size_t size = (size_t)mb << 20, i;
	volatile char *p = NULL;
	int64_t end;

	/* Never outlive the test, even when it aborts. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() == 1)
		_exit(1);
	if (mb > 0) {
		/* Volatile writes, one a page: the optimiser keeps every one. */
		if ((p = malloc(size)) == NULL)
			_exit(1);
		for (i = 0; i < size; i += 4096)
			p[i] = 0x5a;
	}
	/* CPU time, not wall time: the machine may be busy. */
	end = cpu_ms() + burn_ms;
	while (cpu_ms() < end)
		x++;
	if (write(fd, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static void spawn_kids(struct kids *k, int n, int mb, int burn_ms)
{
	char c;
	int fds[2], i;

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	k->n = 0;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		assert_true(pid != -1);
		if (pid == 0) {
			close(fds[0]);
			kid_main(fds[1], mb, burn_ms);
		}
		k->pid[k->n++] = pid;
		remember(pid);
	}
	close(fds[1]);
	for (i = 0; i < n; i++)		/* every child is ready */
		assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
}

static void end_kids(struct kids *k)
{
	int i;

	for (i = 0; i < k->n; i++)
		reap(k->pid[i]);
	k->n = 0;
}

/* VmRSS of /proc/PID/status, in bytes: a second opinion on the RSS. */
static int64_t status_rss(pid_t pid)
{
	char path[64], line[256];
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static unsigned long long proc_ticks(pid_t pid)
{
	struct proc_info st;

	assert_int_equal(proc_read(pid, &st), 0);
	return st.utime + st.stime;
}

static void test_memory_matches_proc(void **state)
{
	struct sample_app sa;
	struct sample s;
	struct kids k;
	/* stat and status read the same counters, at slightly different moments
	 * and with per-CPU caches not yet folded in: allow 1 MiB a process. */
	int64_t want = 0, slack = NKIDS * (1 << 20);
	int i;

	spawn_kids(&k, NKIDS, KID_MB, 0);
	sample_app_init(&sa, 1);
	assert_int_equal(sample_take(&sa, 1, k.pid, (size_t)k.n, &s), 0);
	for (i = 0; i < k.n; i++)
		want += status_rss(k.pid[i]);
	assert_int_equal(s.procs, NKIDS);
	assert_true(s.memory_bytes >= (int64_t)NKIDS * KID_MB << 20);
	if (s.memory_bytes < want - slack || s.memory_bytes > want + slack)
		fail_msg("sampled %lld bytes, /proc says %lld", (long long)s.memory_bytes,
		    (long long)want);
	assert_true(s.t_ms > 1600000000000LL);
	sample_app_free(&sa);
	end_kids(&k);
}

static void test_cpu_matches_proc(void **state)
{
	struct sample_app sa;
	struct sample s1, s2;
	struct kids k;
	unsigned long long ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);
	int i;

	/* Started after init: all of their CPU time falls in the first interval. */
	sample_app_init(&sa, 1);
	spawn_kids(&k, 2, 0, 300);
	assert_int_equal(sample_take(&sa, 1, k.pid, (size_t)k.n, &s1), 0);
	for (i = 0; i < k.n; i++)
		ticks += proc_ticks(k.pid[i]);
	assert_true(ticks + 4 >= (unsigned long long)hz * 6 / 10);	/* 2 x 300 ms burnt */
	assert_true(s1.cpu_seconds == (double)ticks / (double)hz);
	assert_true(s1.cpu_percent > 5.0);
	/* Idle now: no new time, the counter stays. */
	assert_int_equal(sample_take(&sa, 1, k.pid, (size_t)k.n, &s2), 0);
	assert_true(s2.cpu_seconds >= s1.cpu_seconds);
	assert_true(s2.cpu_seconds - s1.cpu_seconds <= 2.0 / (double)hz);
	/* A child that exits does not take its time back out of the counter. */
	reap(k.pid[0]);
	assert_int_equal(sample_take(&sa, 1, k.pid, (size_t)k.n, &s2), 0);
	assert_int_equal(s2.procs, 1);
	assert_true(s2.cpu_seconds >= s1.cpu_seconds);
	k.pid[0] = k.pid[1];
	k.n = 1;
	sample_app_free(&sa);
	end_kids(&k);
}

static void test_listed_late(void **state)
{
	struct sample_app sa;
	struct sample s;
	struct kids k;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);

	/* A generation forked after init whose child joins its cgroup only
	 * after a sample: that sample lists nothing; the next one must still
	 * count every tick the child spent since its fork. */
	sample_app_init(&sa, 0);
	spawn_kids(&k, 1, 0, 300);
	assert_int_equal(sample_take(&sa, 1, NULL, 0, &s), 0);
	assert_int_equal(s.procs, 0);
	assert_int_equal(sample_take(&sa, 1, k.pid, 1, &s), 0);
	ticks = proc_ticks(k.pid[0]);
	assert_true(ticks + 2 >= (unsigned long long)hz * 3 / 10);
	if (s.cpu_seconds != (double)ticks / (double)hz)
		fail_msg("sampled %.2f s of CPU, /proc says %.2f", s.cpu_seconds,
		    (double)ticks / (double)hz);
	sample_app_free(&sa);
	end_kids(&k);
}

static void test_adopted_baseline(void **state)
{
	struct sample_app sa;
	struct sample s;
	struct kids k;

	/* Started before init (an adopted generation): only a baseline. */
	spawn_kids(&k, 1, 0, 200);
	sample_app_init(&sa, 7);
	assert_int_equal(sample_take(&sa, 7, k.pid, 1, &s), 0);
	assert_int_equal(s.procs, 1);
	assert_true(s.cpu_seconds < 0.05);
	sample_app_free(&sa);
	end_kids(&k);
}

static void test_zombie_and_gone(void **state)
{
	struct sample_app sa;
	struct proc_info st;
	struct sample s;
	struct kids k;
	pid_t pids[NKIDS + 2];
	int64_t deadline = now_ms() + 5000;
	pid_t z, gone;

	if ((z = fork()) == 0)
		_exit(0);
	if ((gone = fork()) == 0)
		_exit(0);
	assert_true(z != -1 && gone != -1);
	remember(z);
	waitpid(gone, NULL, 0);		/* reaped: its pid is stale */
	while (proc_read(z, &st) == 0 && st.state != 'Z' && now_ms() < deadline)
		usleep(1000);
	assert_int_equal(st.state, 'Z');
	spawn_kids(&k, 2, 1, 0);
	pids[0] = k.pid[0];
	pids[1] = z;
	pids[2] = gone;
	pids[3] = k.pid[1];
	sample_app_init(&sa, 1);
	assert_int_equal(sample_take(&sa, 1, pids, 4, &s), 0);
	assert_int_equal(s.procs, 2);
	reap(z);
	sample_app_free(&sa);
	end_kids(&k);
}

static void test_new_generation(void **state)
{
	struct sample_app sa;
	struct sample s1, s2;
	struct kids k;

	sample_app_init(&sa, 1);
	spawn_kids(&k, 1, 0, 200);
	assert_int_equal(sample_take(&sa, 1, k.pid, 1, &s1), 0);
	assert_true(s1.cpu_seconds > 0.1);
	/* Same pid under a new generation number: forgotten, re-baselined,
	 * nothing counted twice. */
	assert_int_equal(sample_take(&sa, 2, k.pid, 1, &s2), 0);
	assert_true(s2.cpu_seconds - s1.cpu_seconds < 0.05);
	assert_int_equal(s2.procs, 1);
	assert_int_equal(sample_take(&sa, 2, NULL, 0, &s2), 0);
	assert_int_equal(s2.procs, 0);
	assert_true(s2.memory_bytes == 0);
	sample_app_free(&sa);
	end_kids(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test_teardown(test_memory_matches_proc, end_spawned),
		cmocka_unit_test_teardown(test_cpu_matches_proc, end_spawned),
		cmocka_unit_test_teardown(test_listed_late, end_spawned),
		cmocka_unit_test_teardown(test_adopted_baseline, end_spawned),
		cmocka_unit_test_teardown(test_zombie_and_gone, end_spawned),
		cmocka_unit_test_teardown(test_new_generation, end_spawned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
