/* test_csup_ready.c: ready.c: sd_notify datagrams, raw and from systemd-notify. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "evtest.h"
#include "ready.h"

extern char **environ;

struct fx {
	int		 fds;	/* open at setup */
	struct ev_loop	*loop;
	struct ready	*r;
	char		 dir[64];
	pid_t		 allowed[2];
	int		 readies, timeouts, statuses;
	pid_t		 last_pid;
	bool		 free_in_cb;
};

static bool belongs(pid_t pid, void *arg)
{
	struct fx *f = arg;

	f->last_pid = pid;
	return pid == f->allowed[0] || pid == f->allowed[1];
}

static void on_ready(void *arg)
{
	struct fx *f = arg;

	f->readies++;
	if (f->free_in_cb) {
		ready_free(f->r);
		f->r = NULL;
	}
}

static void on_timeout(void *arg)
{
	((struct fx *)arg)->timeouts++;
}

static void on_status(const char *text, void *arg)
{
	assert_non_null(text);
	((struct fx *)arg)->statuses++;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/csup-ready-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->loop = ev_loop_new(EVFLAG_AUTO);
	f->allowed[0] = getpid();
	f->allowed[1] = -1;
	f->fds = evtest_fds();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[300];

	ready_free(f->r);
	assert_int_equal(evtest_fds(), f->fds);	/* nothing leaked */
	ev_loop_destroy(f->loop);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void start_in(struct fx *f, const char *dir, int64_t timeout_ms)
{
	struct ready_params rp = {
		.dir = dir, .name = "web", .gen = 7, .timeout_ms = timeout_ms,
		.belongs = belongs, .on_ready = on_ready, .on_timeout = on_timeout,
		.on_status = on_status, .arg = f,
	};
	char notify[300];

	f->r = ready_new(f->loop, &rp);
	assert_non_null(f->r);
	if (strlen(dir) < 90) {
		snprintf(notify, sizeof(notify), "%s/web.sock", dir);
		assert_string_equal(ready_notify_socket(f->r), notify);
	}
}

static void start(struct fx *f, int64_t timeout_ms)
{
	char dir[300];

	snprintf(dir, sizeof(dir), "%s/notify", f->dir);
	start_in(f, dir, timeout_ms);
}

/* A datagram to NOTIFY_SOCKET as sd_notify sends it, with an fd if passfd >= 0. */
static void send_notify(const char *where, const char *msg, size_t len, int passfd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr	align;
		char		b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = { .msg_name = &sa, .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	size_t n = strlen(where);
	int s;

	assert_true(n < sizeof(sa.sun_path));
	memcpy(sa.sun_path, where, n);
	if (where[0] == '@')
		sa.sun_path[0] = '\0';
	mh.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (where[0] == '@' ? 0 : 1));
	if (passfd >= 0) {
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &passfd, sizeof(int));
	}
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(sendmsg(s, &mh, 0), (ssize_t)len);
	close(s);
}

static void send_str(struct fx *f, const char *msg, int passfd)
{
	send_notify(ready_notify_socket(f->r), msg, strlen(msg), passfd);
}

static bool is_ready(void *arg)
{
	return ((struct fx *)arg)->readies > 0;
}

static bool timed_out(void *arg)
{
	return ((struct fx *)arg)->timeouts > 0;
}

static bool hung_up(void *arg)
{
	struct pollfd pfd = { .fd = *(int *)arg, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP);
}

static void test_raw_ready_and_status(void **state)
{
	struct fx *f = *state;

	start(f, 0);
	send_str(f, "STATUS=loading cache", -1);
	evtest_run(f->loop, NULL, NULL, 0.05);
	assert_false(ready_is_ready(f->r));
	assert_string_equal(ready_status(f->r), "loading cache");
	send_str(f, "MAINPID=1\nREADY=1\nSTATUS=serving on :3000\n", -1);
	assert_true(evtest_run(f->loop, is_ready, f, 2.));
	assert_true(ready_is_ready(f->r));
	assert_string_equal(ready_status(f->r), "serving on :3000");
	assert_int_equal(f->statuses, 2);
	assert_int_equal(f->last_pid, getpid());
	send_str(f, "READY=1", -1);			/* once only */
	evtest_spin(f->loop, 0.05);
	assert_int_equal(f->readies, 1);
}

static void test_other_keys_ignored(void **state)
{
	struct fx *f = *state;
	char big[5000];

	start(f, 0);
	send_str(f, "READY=0\nWATCHDOG=1\nSTOPPING=1\nREADY=11\n READY=1\n", -1);
	memset(big, 'x', sizeof(big));
	memcpy(big, "READY=1\n", 8);			/* over the 4096-byte limit */
	send_notify(ready_notify_socket(f->r), big, sizeof(big), -1);
	evtest_spin(f->loop, 0.1);
	assert_int_equal(f->readies, 0);
	assert_false(ready_is_ready(f->r));
}

static pid_t spawn_notify(const char *notify, char *const argv[])
{
	char env[320];
	char *envp[] = { env, "PATH=/usr/bin:/bin:/usr/sbin:/sbin", NULL };
	pid_t pid;

	snprintf(env, sizeof(env), "NOTIFY_SOCKET=%s", notify);
	assert_int_equal(posix_spawnp(&pid, argv[0], NULL, NULL, argv, envp), 0);
	return pid;
}

struct child {
	pid_t	pid;
	int	status;
	bool	done;
};

static bool child_done(void *arg)
{
	struct child *c = arg;

	if (!c->done && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->done = true;
	return c->done;
}

static void test_systemd_notify_no_block(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "systemd-notify", "--ready", "--status=warm", "--no-block", NULL };
	struct child c = { 0 };

	start(f, 0);
	c.pid = f->allowed[1] = spawn_notify(ready_notify_socket(f->r), argv);
	assert_true(evtest_run(f->loop, is_ready, f, 5.));
	assert_string_equal(ready_status(f->r), "warm");
	assert_true(evtest_run(f->loop, child_done, &c, 5.));
	assert_true(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0);
}

/* Without --no-block, systemd-notify waits on a BARRIER until its fd is closed. */
static void test_systemd_notify_barrier(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "systemd-notify", "--ready", NULL };
	struct child c = { 0 };
	double t0;

	start(f, 0);
	t0 = ev_time();
	c.pid = f->allowed[1] = spawn_notify(ready_notify_socket(f->r), argv);
	assert_true(evtest_run(f->loop, child_done, &c, 8.));
	assert_true(WIFEXITED(c.status));
	assert_int_equal(WEXITSTATUS(c.status), 0);
	assert_true(ev_time() - t0 < 3.);	/* its barrier timeout is 5 s */
	assert_int_equal(f->readies, 1);
}

static void test_raw_barrier_fd_closed(void **state)
{
	struct fx *f = *state;
	int p[2];

	start(f, 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	send_str(f, "BARRIER=1", p[1]);
	close(p[1]);
	assert_false(hung_up(&p[0]));		/* the daemon's copy keeps it open */
	assert_true(evtest_run(f->loop, hung_up, &p[0], 2.));
	close(p[0]);
	assert_int_equal(f->readies, 0);
}

static bool rejected_one(void *arg)
{
	return ready_rejected(((struct fx *)arg)->r) > 0;
}

static void test_foreign_pid_rejected(void **state)
{
	struct fx *f = *state;
	int p[2], st;
	pid_t pid;

	start(f, 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	if ((pid = fork()) == 0) {
		send_str(f, "READY=1\nSTATUS=spoofed", p[1]);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(p[1]);
	assert_true(evtest_run(f->loop, rejected_one, f, 2.));
	assert_int_equal(f->last_pid, pid);
	assert_int_equal(f->readies, 0);
	assert_null(ready_status(f->r));
	assert_true(evtest_run(f->loop, hung_up, &p[0], 2.));	/* its fd closed too */
	close(p[0]);
}

static void test_timeout(void **state)
{
	struct fx *f = *state;

	start(f, 100);
	evtest_spin(f->loop, 0.2);
	assert_int_equal(f->timeouts, 0);	/* not armed: exec not yet done */
	ready_arm(f->r);
	assert_true(evtest_run(f->loop, timed_out, f, 2.));
	send_str(f, "READY=1", -1);		/* too late */
	evtest_spin(f->loop, 0.05);
	assert_int_equal(f->readies, 0);
	assert_int_equal(f->timeouts, 1);
}

static void test_ready_stops_timer(void **state)
{
	struct fx *f = *state;

	start(f, 150);
	ready_arm(f->r);
	send_str(f, "READY=1", -1);
	assert_true(evtest_run(f->loop, is_ready, f, 1.));
	evtest_spin(f->loop, 0.3);
	assert_int_equal(f->timeouts, 0);
}

static void test_long_path_abstract(void **state)
{
	struct fx *f = *state;
	char dir[300];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/%0120d", f->dir, 0);
	start_in(f, dir, 0);
	assert_true(strncmp(ready_notify_socket(f->r), "@csup-", 6) == 0);
	assert_non_null(strstr(ready_notify_socket(f->r), "-7-web"));
	assert_int_equal(stat(dir, &st), -1);	/* nothing created on disk */
	send_str(f, "READY=1", -1);
	assert_true(evtest_run(f->loop, is_ready, f, 2.));
}

static void test_fd_flags_and_unlink(void **state)
{
	struct fx *f = *state;
	struct sockaddr_un sa;
	socklen_t len;
	char path[300];
	struct stat st;
	int fd, found = -1;

	start(f, 0);
	snprintf(path, sizeof(path), "%s", ready_notify_socket(f->r));
	for (fd = 3; fd < 1024 && found == -1; fd++) {
		len = sizeof(sa);
		if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0 &&
		    sa.sun_family == AF_UNIX && strcmp(sa.sun_path, path) == 0)
			found = fd;
	}
	assert_true(found >= 0);
	assert_true(fcntl(found, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(found, F_GETFL) & O_NONBLOCK);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	ready_free(f->r);
	f->r = NULL;
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_free_in_callback(void **state)
{
	struct fx *f = *state;

	start(f, 0);
	f->free_in_cb = true;
	send_str(f, "READY=1", -1);
	send_str(f, "STATUS=after", -1);	/* queued behind: never read */
	assert_true(evtest_run(f->loop, is_ready, f, 2.));
	assert_null(f->r);
}

static void test_bad_params(void **state)
{
	struct fx *f = *state;
	struct ready_params rp = { .dir = f->dir, .name = "x" };

	assert_null(ready_new(f->loop, &rp));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_raw_ready_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_keys_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_systemd_notify_no_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_systemd_notify_barrier, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_barrier_fd_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_pid_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_stops_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_path_abstract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_flags_and_unlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
