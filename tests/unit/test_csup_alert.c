/*
 * test_csup_alert.c: alert commands on the default libev loop: environment,
 * own session, rate limit, failures, deadline, nothing left behind.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "alert.h"

struct result {
	char	app[64], event[32];
	int	status;
};

struct fixture {
	struct ev_loop	*loop;
	struct alert_ctx *ctx;
	char		 dir[64];
	struct result	 done[8];
	int		 ndone, want;
	ev_timer	 guard;
};

static void on_done(void *arg, const char *app, const char *event, int st)
{
	struct fixture *f = arg;

	if (f->ndone < 8) {
		snprintf(f->done[f->ndone].app, sizeof(f->done[0].app), "%s", app);
		snprintf(f->done[f->ndone].event, sizeof(f->done[0].event), "%s", event);
		f->done[f->ndone].status = st;
	}
	if (++f->ndone >= f->want)
		ev_break(EV_DEFAULT, EVBREAK_ONE);
}

static void on_guard(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ONE);
}

/* Run the loop until want commands have ended (or 10 s have passed). */
static void wait_done(struct fixture *f, int want)
{
	f->want = want;
	ev_timer_init(&f->guard, on_guard, 10., 0.);
	ev_timer_start(f->loop, &f->guard);
	if (f->ndone < want)
		ev_run(f->loop, 0);
	ev_timer_stop(f->loop, &f->guard);
	if (f->ndone < want)
		fail_msg("%d of %d alert commands ended", f->ndone, want);
}

static int setup(void **state)
{
	struct alert_options opt = { 300, 400, -1, on_done, NULL };
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->loop = EV_DEFAULT;
	opt.arg = f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/csup-alert-XXXXXX");
	if (mkdtemp(f->dir) == NULL || (f->ctx = alert_new(f->loop, &opt)) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	alert_free(f->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static char *slurp(const char *dir, const char *name)
{
	static char buf[1024];
	char path[128];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "re")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

static int alive(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	p = fgets(buf, sizeof(buf), fp);
	fclose(fp);
	/* A zombie waiting for init is dead too. */
	return p != NULL && (p = strrchr(buf, ')')) != NULL && p[2] != 'Z';
}

static void test_env_and_session(void **state)
{
	struct fixture *f = *state;
	char cmd[512], want[256], *out;

	setenv("CSUP_APP", "tag-of-an-app", 1);
	snprintf(cmd, sizeof(cmd),
	    "printf '%%s|%%s|%%s|%%s|' \"$CSUP_EVENT\" \"$CSUP_APP_NAME\" \"$CSUP_DETAIL\""
	    " \"${CSUP_APP-none}\" > %s/env; "
	    "cut -d' ' -f1,6 /proc/$$/stat >> %s/env", f->dir, f->dir);
	assert_int_equal(alert_fire(f->ctx, "web", cmd, "leak",
	    "7 processes > max_processes 5"), ALERT_STARTED);
	unsetenv("CSUP_APP");
	assert_int_equal(alert_running(f->ctx), 1);
	wait_done(f, 1);
	assert_int_equal(alert_running(f->ctx), 0);
	assert_true(WIFEXITED(f->done[0].status) && WEXITSTATUS(f->done[0].status) == 0);
	assert_string_equal(f->done[0].app, "web");
	assert_string_equal(f->done[0].event, "leak");
	out = slurp(f->dir, "env");
	assert_non_null(out);
	snprintf(want, sizeof(want), "leak|web|7 processes > max_processes 5|none|");
	assert_memory_equal(out, want, strlen(want));
	/* "PID SID": its own session, so not ours. */
	{
		int pid = 0, sid = 0;

		assert_int_equal(sscanf(out + strlen(want), "%d %d", &pid, &sid), 2);
		assert_int_equal(pid, sid);
		assert_int_not_equal(sid, getsid(0));
	}
}

static void test_rate_limit(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(alert_fire(f->ctx, "web", "true", "memory", "x"), ALERT_STARTED);
	assert_int_equal(alert_fire(f->ctx, "web", "true", "memory", "x"), ALERT_LIMITED);
	assert_int_equal(alert_fire(f->ctx, "web", "true", "anomaly", "x"), ALERT_STARTED);
	assert_int_equal(alert_fire(f->ctx, "api", "true", "memory", "x"), ALERT_STARTED);
	wait_done(f, 3);
	/* Past the 300 ms window the same (app, kind) runs again. */
	usleep(350 * 1000);
	ev_now_update(f->loop);
	assert_int_equal(alert_fire(f->ctx, "web", "true", "memory", "x"), ALERT_STARTED);
	wait_done(f, 4);
}

static void test_failures_logged(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(alert_fire(f->ctx, "web", "exit 3", "errored", ""), ALERT_STARTED);
	assert_int_equal(alert_fire(f->ctx, "web", "/nonexistent/cmd-73201", "health", ""),
	    ALERT_STARTED);
	wait_done(f, 2);
	for (int i = 0; i < 2; i++) {
		int st = f->done[i].status;
		int want = strcmp(f->done[i].event, "errored") == 0 ? 3 : 127;

		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), want);
	}
}

static void test_deadline_kills_group(void **state)
{
	struct fixture *f = *state;
	char cmd[256], *out;
	pid_t bg;

	/* A stuck command with a child: both end at the 400 ms deadline. */
	snprintf(cmd, sizeof(cmd), "sleep 73211 & echo $! > %s/bg; wait", f->dir);
	assert_int_equal(alert_fire(f->ctx, "web", cmd, "orphans", ""), ALERT_STARTED);
	wait_done(f, 1);
	assert_true(WIFSIGNALED(f->done[0].status));
	assert_int_equal(WTERMSIG(f->done[0].status), SIGKILL);
	assert_non_null(out = slurp(f->dir, "bg"));
	bg = (pid_t)atoi(out);
	assert_true(bg > 1);
	for (int i = 0; i < 200 && alive(bg); i++)
		usleep(10 * 1000);
	assert_false(alive(bg));
}

static void test_leftovers_end_with_it(void **state)
{
	struct fixture *f = *state;
	char cmd[256], *out;
	pid_t bg;

	snprintf(cmd, sizeof(cmd), "sleep 73212 & echo $! > %s/bg; exit 0", f->dir);
	assert_int_equal(alert_fire(f->ctx, "web", cmd, "anomaly", ""), ALERT_STARTED);
	wait_done(f, 1);
	assert_true(WIFEXITED(f->done[0].status));
	assert_non_null(out = slurp(f->dir, "bg"));
	bg = (pid_t)atoi(out);
	for (int i = 0; i < 200 && alive(bg); i++)
		usleep(10 * 1000);
	assert_false(alive(bg));
}

static void test_free_kills_running(void **state)
{
	struct fixture *f = *state;
	struct alert_options opt = { 0, 0, -1, NULL, NULL };
	struct alert_ctx *ctx = alert_new(f->loop, &opt);
	char cmd[256], path[128], *out;
	pid_t bg = 0;

	assert_non_null(ctx);
	snprintf(cmd, sizeof(cmd), "echo $$ > %s/sh.new; mv %s/sh.new %s/sh; exec sleep 73213",
	    f->dir, f->dir, f->dir);
	assert_int_equal(alert_fire(ctx, "web", cmd, "errored", ""), ALERT_STARTED);
	snprintf(path, sizeof(path), "%s/sh", f->dir);
	for (int i = 0; i < 500 && access(path, F_OK) != 0; i++)
		usleep(10 * 1000);
	assert_non_null(out = slurp(f->dir, "sh"));
	bg = (pid_t)atoi(out);
	assert_true(alive(bg));
	alert_free(ctx);
	for (int i = 0; i < 200 && alive(bg); i++)
		usleep(10 * 1000);
	assert_false(alive(bg));
	waitpid(bg, NULL, WNOHANG);
}

static void test_not_default_loop(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);

	errno = 0;
	assert_null(alert_new(loop, NULL));
	assert_int_equal(errno, EINVAL);
	ev_loop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_env_and_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_logged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline_kills_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leftovers_end_with_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_kills_running, setup, teardown),
		cmocka_unit_test(test_not_default_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
