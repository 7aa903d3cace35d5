/*
 * test_csup_sidecar.c: helper programs beside the daemon (sidecar.h), with
 * /bin/sh as the helper: what it starts with, a restart after SIGKILL, a
 * stop that has to escalate, the end of a helper whose daemon dies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evtest.h"
#include "sidecar.h"

#define EXE	"/bin/csupd-test"	/* the helper is looked for beside it: /bin/sh */

struct ctx {
	struct ev_loop	*loop;
	ev_child	 reaper;
	struct sidecar	*list;
	struct sidecar	 s;
	int		 pipe[2];	/* the helper writes to fd 3; the test reads [0] */
	int		 extra[2];	/* fd 4 */
	int		 starts, exits;
	pid_t		 pids[8];
	int		 status;
};

static void on_child(struct ev_loop *loop, ev_child *w, int revents)
{
	struct ctx *c = w->data;

	(void)sidecar_reaped(c->list, w->rpid, w->rstatus);
}

static int cb_fds(void *arg, int *fds)
{
	struct ctx *c = arg;

	fds[0] = c->pipe[1];
	fds[1] = c->extra[1];
	return 2;
}

static void cb_started(void *arg, pid_t pid)
{
	struct ctx *c = arg;

	if (pid > 0 && c->starts < 8)
		c->pids[c->starts++] = pid;
}

static void cb_exited(void *arg, int status)
{
	struct ctx *c = arg;

	c->exits++;
	c->status = status;
}

static const struct sidecar_ops ops = { cb_fds, cb_started, cb_exited };

static void setup(struct ctx *c, char * const *args)
{
	memset(c, 0, sizeof(*c));
	c->loop = ev_default_loop(0);
	assert_int_equal(pipe2(c->pipe, O_CLOEXEC), 0);
	assert_int_equal(pipe2(c->extra, O_CLOEXEC), 0);
	ev_child_init(&c->reaper, on_child, 0, 0);
	c->reaper.data = c;
	ev_child_start(c->loop, &c->reaper);
	assert_int_equal(sidecar_init(&c->s, &c->list, c->loop, EXE, "sh", args, &ops, c), 0);
	assert_ptr_equal(c->list, &c->s);
}

static void teardown(struct ctx *c)
{
	sidecar_end(&c->s, &c->list);
	assert_null(c->list);
	ev_child_stop(c->loop, &c->reaper);
	close(c->pipe[0]);
	close(c->pipe[1]);
	close(c->extra[0]);
	close(c->extra[1]);
}

/* What the helper wrote to fd 3 up to EOF or "end\n", at most 5 s. */
static void read_until_end(int fd, char *buf, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t got = 0;
	ssize_t n;

	buf[0] = '\0';
	while (got + 1 < len && strstr(buf, "end\n") == NULL && poll(&p, 1, 5000) == 1) {
		if ((n = read(fd, buf + got, len - 1 - got)) <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
	}
}

static bool exited_once(void *arg)
{
	return ((struct ctx *)arg)->exits >= 1;
}

static bool exited_twice(void *arg)
{
	return ((struct ctx *)arg)->exits >= 2;
}

static bool started_twice(void *arg)
{
	return ((struct ctx *)arg)->starts >= 2;
}

/* fds 3 and 4 are the owner's, 0 and 1 /dev/null, nothing else open, no signal blocked or ignored. */
static void test_start_state(void **state)
{
	char * const args[] = { "-c",
	    "grep -E '^Sig(Blk|Ign)' /proc/$$/status >&3; "
	    "[ -e /proc/$$/fd/20 ] && echo leaked >&3; "
	    "[ -e /proc/$$/fd/5 ] && echo five >&3; "
	    "echo \"stdout $(readlink /proc/$$/fd/1)\" >&3; "
	    "[ \"$(cut -d' ' -f6 /proc/$$/stat)\" = $$ ] && echo session >&3; "
	    "echo four >&4; echo end >&3", NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t block, old;
	struct ctx c;
	char buf[1024], four[16] = "";
	int leak;

	setup(&c, args);
	/* What a careless parent could pass on: an inheritable fd, a blocked and an ignored signal. */
	leak = fcntl(c.pipe[0], F_DUPFD, 20);
	assert_int_equal(leak, 20);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, &old), 0);
	assert_int_equal(sigaction(SIGUSR2, &ign, NULL), 0);
	assert_int_equal(sidecar_start(&c.s), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR2, SIG_DFL);
	close(leak);
	assert_int_equal(c.starts, 1);
	read_until_end(c.pipe[0], buf, sizeof(buf));
	assert_non_null(strstr(buf, "SigBlk:\t0000000000000000\n"));
	assert_non_null(strstr(buf, "SigIgn:\t0000000000000000\n"));
	assert_null(strstr(buf, "leaked"));
	assert_null(strstr(buf, "five"));
	assert_non_null(strstr(buf, "stdout /dev/null\n"));
	assert_non_null(strstr(buf, "session\n"));
	assert_non_null(strstr(buf, "end\n"));
	assert_true(read(c.extra[0], four, sizeof(four) - 1) > 0);
	assert_string_equal(four, "four\n");
	/* It exits 0 by itself: asked for nothing, so started again after the backoff. */
	assert_true(evtest_run(c.loop, exited_once, &c, 5.0));
	assert_true(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
	assert_true(evtest_run(c.loop, started_twice, &c, 5.0));
	teardown(&c);
}

/* SIGKILLed: a new one within a second (the first backoff is 0.1 s). */
static void test_restart_after_kill(void **state)
{
	char * const args[] = { "-c", "echo end >&3; exec sleep 73521", NULL };
	struct ctx c;
	char buf[64];
	ev_tstamp t0;

	setup(&c, args);
	assert_int_equal(sidecar_start(&c.s), 0);
	read_until_end(c.pipe[0], buf, sizeof(buf));
	assert_string_equal(buf, "end\n");
	assert_int_equal(kill(c.pids[0], SIGKILL), 0);
	ev_now_update(c.loop);
	t0 = ev_now(c.loop);
	assert_true(evtest_run(c.loop, started_twice, &c, 5.0));
	assert_true(ev_now(c.loop) - t0 < 1.0);
	assert_int_equal(c.exits, 1);
	assert_true(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL);
	assert_int_not_equal(c.pids[1], c.pids[0]);
	/* A stop is final: nothing is started after it. */
	sidecar_stop(&c.s);
	assert_true(evtest_run(c.loop, exited_twice, &c, 5.0));
	evtest_spin(c.loop, 0.3);
	assert_int_equal(c.starts, 2);
	assert_int_equal(c.s.pid, 0);
	teardown(&c);
}

/* A helper that ignores SIGTERM is killed SIDECAR_STOP_S later, and reaped. */
static void test_stop_escalates(void **state)
{
	char * const args[] = { "-c", "trap '' TERM; echo end >&3; exec sleep 73522", NULL };
	struct ctx c;
	char buf[64];
	ev_tstamp t0;

	setup(&c, args);
	assert_int_equal(sidecar_start(&c.s), 0);
	read_until_end(c.pipe[0], buf, sizeof(buf));
	assert_string_equal(buf, "end\n");
	ev_now_update(c.loop);
	t0 = ev_now(c.loop);
	assert_false(sidecar_stop_all(c.list) == false);	/* still running */
	assert_true(evtest_run(c.loop, exited_once, &c, 10.0));
	assert_true(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL);
	assert_true(ev_now(c.loop) - t0 >= SIDECAR_STOP_S * 0.9);
	assert_false(sidecar_stop_all(c.list));
	assert_int_equal(kill(c.pids[0], 0), -1);
	teardown(&c);
}

/* sidecar_end: synchronous, bounded, reaped, the owner told. */
static void test_end(void **state)
{
	char * const args[] = { "-c", "trap '' TERM; echo end >&3; exec sleep 73523", NULL };
	struct ctx c;
	char buf[64];
	pid_t pid;

	setup(&c, args);
	assert_int_equal(sidecar_start(&c.s), 0);
	read_until_end(c.pipe[0], buf, sizeof(buf));
	pid = c.pids[0];
	teardown(&c);
	assert_int_equal(c.exits, 1);
	assert_true(WIFSIGNALED(c.status) && WTERMSIG(c.status) == SIGKILL);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* No such program: -1, retried after the backoff, nothing left behind. */
static void test_missing_program(void **state)
{
	struct sidecar *list = NULL, s;
	struct ev_loop *loop = ev_default_loop(0);

	assert_int_equal(sidecar_init(&s, &list, loop, EXE, "csup-no-such-helper", NULL, NULL,
	    NULL), 0);
	assert_int_equal(sidecar_start(&s), -1);
	assert_true(ev_is_active(&s.timer));
	sidecar_end(&s, &list);
	assert_false(ev_is_active(&s.timer));
	assert_null(list);
	assert_int_equal(sidecar_init(&s, &list, loop, "no-directory", "sh", NULL, NULL, NULL), -1);
	assert_null(list);
}

/* The daemon dies (here: the process that started the helper exits): the helper dies too. */
static void test_dies_with_daemon(void **state)
{
	char * const args[] = { "-c", "echo $$ >&3; echo up >&4; exec sleep 73524", NULL };
	struct ctx c;
	char buf[64] = "", path[64], st[256];
	pid_t mid, helper;
	int p[2], q[2], status, fd;
	ssize_t n;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(q, O_CLOEXEC), 0);
	if ((mid = fork()) == 0) {
		struct sidecar *list = NULL, s;
		struct ev_loop *loop = ev_loop_new(0);
		struct sidecar_ops o = { cb_fds, NULL, NULL };
		struct pollfd up = { q[0], POLLIN, 0 };

		memset(&c, 0, sizeof(c));
		c.pipe[1] = p[1];
		c.extra[1] = q[1];
		if (loop == NULL || sidecar_init(&s, &list, loop, EXE, "sh", args, &o, &c) == -1 ||
		    sidecar_start(&s) == -1 || poll(&up, 1, 5000) != 1)
			_exit(1);
		_exit(0);	/* without stopping it: only PDEATHSIG ends it */
	}
	close(q[0]);
	close(q[1]);
	assert_true(mid > 0);
	close(p[1]);
	assert_int_equal(waitpid(mid, &status, 0), mid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_true(n > 0);
	helper = (pid_t)atoi(buf);
	assert_true(helper > 0);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)helper);
	/* Gone, or a zombie its new parent has not reaped yet: within 5 s. */
	for (int i = 0; i < 500; i++) {
		if ((fd = open(path, O_RDONLY)) == -1)
			return;
		n = read(fd, st, sizeof(st) - 1);
		close(fd);
		st[n > 0 ? n : 0] = '\0';
		if (strstr(st, ") Z ") != NULL)
			return;
		usleep(10000);
	}
	kill(helper, SIGKILL);
	fail_msg("helper %d outlived the process that started it", (int)helper);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_state),
		cmocka_unit_test(test_restart_after_kill),
		cmocka_unit_test(test_stop_escalates),
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_dies_with_daemon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
