/*
 * test_csup_kill.c: the stop engine against real process trees, in cgroup
 * mode (where this machine allows it) and in fallback mode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "require.h"

#include <ev.h>

#include "cgroup.h"
#include "guard_tree.h"
#include "kill.h"

enum { FALLBACK, CGROUP };

struct ctx {
	int			 mode;
	struct ev_loop		*loop;
	ev_child		 reaper;
	ev_timer		 guard;
	struct killer		 k;
	struct kill_result	 res;
	int			 done;
	pid_t			 main;
	struct cgroup_base	 cb;
	char			 path[PATH_MAX];
	int			 cg_fd;
	struct tree		 t;
	struct proc_set		 known;
};

static struct cgroup_base base;
static int base_ok;

static void on_done(struct killer *k, const struct kill_result *r)
{
	struct ctx *c = k->data;

	c->res = *r;
	c->done = 1;
	ev_break(c->loop, EVBREAK_ALL);
}

/* The daemon's reaper: libev waits for every child; tell the killer about the main. */
static void on_child(struct ev_loop *loop, ev_child *w, int revents)
{
	struct ctx *c = (struct ctx *)(void *)((char *)w - offsetof(struct ctx, reaper));

	if (w->rpid == c->main && kill_active(&c->k))
		kill_main_exited(&c->k);
}

static void on_guard(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

static int group_setup(void **state)
{
	char home[32];

	snprintf(home, sizeof(home), "unit%d", (int)getpid());
	base_ok = cgroup_base_init(&base, home) == 0;
	if (!base_ok)
		print_message("cgroup mode not tested: %s\n", base.reason);
	return 0;
}

/* After a failed test: end and remove whatever it left in the cgroups. */
static int sweep_leftover(void *arg, const char *path)
{
	struct kill_target t = { .cgroup = path };
	struct kill_result r;

	kill_sweep(&t, 2000, &r);
	tree_reap();
	cgroup_remove(path);
	return 0;
}

static int group_teardown(void **state)
{
	if (base_ok) {
		cgroup_each_gen(&base, sweep_leftover, NULL);
		rmdir(base.path);
	}
	return 0;
}

/* A context in the requested mode; skips the cgroup variant where it cannot run. */
static struct ctx *start_ctx(void **state)
{
	static int serial;
	struct ctx *c = calloc(1, sizeof(*c));
	char app[32];

	assert_non_null(c);
	c->mode = *(int *)*state;
	c->cg_fd = -1;
	if (c->mode == CGROUP) {
		if (!base_ok) {
			free(c);
			require_or_skip("no usable cgroup v2 for the cgroup variant");
		}
		snprintf(app, sizeof(app), "app%d", ++serial);
		assert_int_equal(cgroup_gen_path(&base, app, 1, c->path, sizeof(c->path)), 0);
		assert_true((c->cg_fd = cgroup_gen_open(c->path)) >= 0);
	}
	c->loop = EV_DEFAULT;
	ev_child_init(&c->reaper, on_child, 0, 0);
	ev_child_start(c->loop, &c->reaper);
	ev_timer_init(&c->guard, on_guard, 15., 0.);
	ev_timer_start(c->loop, &c->guard);
	return c;
}

/* The tree runs: what the daemon does after fork. */
static void started(struct ctx *c)
{
	if (c->cg_fd != -1)
		close(c->cg_fd);
	c->cg_fd = -1;
	c->main = c->t.main;
	c->k.data = c;
}

static struct ctx *start_tree(void **state, unsigned kinds, int fanout, int leaves)
{
	struct ctx *c = start_ctx(state);

	assert_int_equal(tree_spawn(&c->t, kinds, fanout, leaves, c->cg_fd), 0);
	started(c);
	return c;
}

static struct kill_target target_of(struct ctx *c, enum kill_mode mode, int sig,
    int64_t timeout_ms)
{
	struct kill_target t = {
		.main_pid = c->t.main, .main_start = c->t.main_start,
		.cgroup = c->mode == CGROUP ? c->path : NULL,
		.pgid = c->t.main, .sid = c->t.main, .tag = c->t.tag,
		.known = &c->known, .sig = sig, .mode = mode, .timeout_ms = timeout_ms,
	};

	return t;
}

static void run(struct ctx *c, const struct kill_target *t)
{
	assert_int_equal(kill_start(c->loop, &c->k, t, on_done), 0);
	assert_true(kill_active(&c->k));
	ev_run(c->loop, 0);
	assert_true(c->done);
	assert_false(kill_active(&c->k));
	assert_int_equal(c->res.error, 0);
	assert_int_equal(c->res.stuck, 0);
}

static void finish_tree(struct ctx *c)
{
	assert_int_equal(tree_count(c->t.marker), 0);
	ev_child_stop(c->loop, &c->reaper);
	ev_timer_stop(c->loop, &c->guard);
	tree_cleanup(&c->t);
	if (c->mode == CGROUP)
		assert_int_equal(cgroup_remove(c->path), 0);
	proc_set_free(&c->known);
	free(c);
}

/* Everything dies of the stop signal: no SIGKILL, well before the timeout. */
static void test_group_polite(void **state)
{
	struct ctx *c = start_tree(state, T_PLAIN | T_SETSID | T_DOUBLE |
	    T_ENVI_SETSID | T_SETPGID, 2, 2);
	struct kill_target t = target_of(c, KILL_MODE_GROUP, SIGTERM, 5000);

	run(c, &t);
	assert_int_equal(c->res.timed_out, 0);
	assert_int_equal(c->res.killed, 0);
	assert_true(c->res.signalled >= c->t.expect);
	assert_true(c->res.elapsed_ms < 5000);
	finish_tree(c);
}

/* A child ignoring TERM and INT: SIGKILL at the timeout; nothing survives. */
static void test_group_ignoring(void **state)
{
	unsigned kinds = T_ALL_CAUGHT;
	struct ctx *c;
	struct kill_target t;

	if (*(int *)*state == CGROUP)
		kinds |= T_ESCAPE;	/* the cgroup holds even the documented limit */
	c = start_tree(state, kinds, 1, 1);
	t = target_of(c, KILL_MODE_GROUP, SIGINT, 200);
	run(c, &t);
	assert_int_equal(c->res.timed_out, 1);
	assert_true(c->res.killed >= 1);
	assert_true(c->res.elapsed_ms >= 200);
	finish_tree(c);
}

/* Fallback: a process the sampler already knew is stopped even after it escaped. */
static void test_known_escapee(void **state)
{
	struct ctx *c = start_tree(state, T_PLAIN | T_ESCAPE, 0, 0);
	struct kill_target t;

	assert_int_equal(tree_pids(c->t.marker, &c->known), c->t.expect);
	t = target_of(c, KILL_MODE_GROUP, SIGTERM, 2000);
	run(c, &t);
	assert_int_equal(c->res.timed_out, 0);
	finish_tree(c);
}

/* The stop races the spawn: the main has not entered its cgroup yet. */
static void test_main_outside_cgroup(void **state)
{
	struct ctx *c = start_ctx(state);
	struct kill_target t;

	assert_int_equal(tree_spawn(&c->t, 0, 0, 0, -1), 0);
	started(c);
	assert_int_equal(cgroup_populated(c->path), 0);
	t = target_of(c, KILL_MODE_GROUP, SIGTERM, 2000);
	run(c, &t);
	assert_int_equal(c->res.signalled, 1);
	assert_int_equal(c->res.timed_out, 0);
	finish_tree(c);
}

/* The main died on its own: what it left goes before the restart. */
static void test_after_crash(void **state)
{
	struct ctx *c = start_tree(state, T_PLAIN | T_SETSID | T_DOUBLE | T_IGNORE, 1, 2);
	struct kill_target t;

	assert_int_equal(kill(c->t.main, SIGKILL), 0);
	assert_int_equal(waitpid(c->t.main, NULL, 0), c->t.main);
	assert_int_equal(tree_count(c->t.marker), c->t.expect - 1);
	t = target_of(c, KILL_MODE_GROUP, SIGKILL, 0);
	t.main_exited = 1;
	run(c, &t);
	assert_int_equal(c->res.signalled, 0);
	assert_int_equal(c->res.timed_out, 0);
	assert_int_equal(c->res.killed, c->t.expect - 1);
	finish_tree(c);
}

/* kill_mode main: only the main gets the signal; the rest is counted and killed. */
static void test_main_left_behind(void **state)
{
	struct ctx *c = start_tree(state, T_PLAIN | T_SETSID | T_DOUBLE, 0, 0);
	struct kill_target t = target_of(c, KILL_MODE_MAIN, SIGTERM, 5000);

	run(c, &t);
	assert_int_equal(c->res.signalled, 1);
	if (c->res.left_behind != 3 || c->res.killed != 3)
		fail_msg("%s: left_behind %d killed %d", c->mode == CGROUP ? "cgroup" :
		    "fallback", c->res.left_behind, c->res.killed);
	assert_int_equal(c->res.timed_out, 0);
	assert_true(c->res.elapsed_ms < 5000);
	finish_tree(c);
}

/* kill_mode main with a main that ignores the signal: all of it at the timeout. */
static void test_main_timeout(void **state)
{
	struct ctx *c = start_tree(state, T_MAIN_IGNORE | T_PLAIN, 0, 0);
	struct kill_target t = target_of(c, KILL_MODE_MAIN, SIGINT, 150);

	run(c, &t);
	assert_int_equal(c->res.timed_out, 1);
	assert_int_equal(c->res.left_behind, 0);
	assert_int_equal(c->res.killed, 2);
	finish_tree(c);
}

/* A process that keeps forking while it is being killed loses the race. */
static void test_fork_race(void **state)
{
	struct ctx *c = start_tree(state, T_FORKER | T_PLAIN, 0, 0);
	struct kill_target t;

	assert_int_equal(tree_wait_count(c->t.marker, c->t.expect + 20, 5000), 0);
	t = target_of(c, KILL_MODE_GROUP, SIGTERM, 50);
	run(c, &t);
	assert_int_equal(c->res.timed_out, 1);
	finish_tree(c);
}

/* 201 processes (10 x 19 leaves), stopped with SIGTERM; the figure is printed. */
static void test_tree_200(void **state)
{
	struct ctx *c = start_tree(state, 0, 10, 19);
	struct kill_target t = target_of(c, KILL_MODE_GROUP, SIGTERM, 5000);

	assert_int_equal(c->t.expect, 201);
	run(c, &t);
	assert_int_equal(c->res.timed_out, 0);
	print_message("stopped 201 processes (%s) in %lld ms\n",
	    c->mode == CGROUP ? "cgroup" : "fallback", (long long)c->res.elapsed_ms);
	finish_tree(c);
}

/* The escape fixtures of the CLI tests as generations of the engine (tree.sh: bats). */
static const struct {
	const char	*script;
	int		 procs;
	enum kill_mode	 mode;
	int64_t		 timeout_ms;	/* generous unless it must pass */
	int		 timed_out, left_behind;
} fixtures[] = {
	{ "plain.sh", 2, KILL_MODE_GROUP, 3000, 0, 0 },
	{ "setsid.sh", 2, KILL_MODE_GROUP, 3000, 0, 0 },
	{ "double-fork.sh", 2, KILL_MODE_GROUP, 3000, 0, 0 },
	{ "env-i-setsid.sh", 2, KILL_MODE_GROUP, 3000, 0, 0 },
	{ "ignore-term.sh", 2, KILL_MODE_GROUP, 200, 1, 0 },
	{ "setpgid.sh", 3, KILL_MODE_GROUP, 3000, 0, 0 },
	{ "leave-children.sh", 3, KILL_MODE_MAIN, 3000, 0, 2 },
	{ "clean-exit.sh", 3, KILL_MODE_MAIN, 3000, 0, 0 },
};

static void test_fixtures(void **state)
{
	const char *src = getenv("CSUP_SRC_DIR");
	struct kill_target t;
	char script[PATH_MAX];
	struct ctx *c;
	size_t i;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		snprintf(script, sizeof(script), "%s/tests/fixtures/escape/%s",
		    src ? src : "..", fixtures[i].script);
		c = start_ctx(state);
		assert_int_equal(tree_spawn_script(&c->t, script, fixtures[i].procs,
		    c->cg_fd), 0);
		started(c);
		t = target_of(c, fixtures[i].mode, SIGTERM, fixtures[i].timeout_ms);
		run(c, &t);
		if (c->res.timed_out != fixtures[i].timed_out ||
		    c->res.left_behind != fixtures[i].left_behind)
			fail_msg("%s: timed_out %d left_behind %d", fixtures[i].script,
			    c->res.timed_out, c->res.left_behind);
		finish_tree(c);
	}
}

/* Start-up form: the leftovers of a dead generation, SIGKILLed and waited for. */
static void test_sweep(void **state)
{
	struct ctx *c = start_tree(state, T_ALL_CAUGHT | T_MAIN_IGNORE, 4, 9);
	struct kill_target t = target_of(c, KILL_MODE_GROUP, SIGTERM, 0);
	struct kill_result r;

	assert_int_equal(kill_sweep(&t, 3000, &r), 0);
	assert_int_equal(r.stuck, 0);
	assert_int_equal(r.killed, c->t.expect);
	print_message("swept %d processes (%s) in %lld ms\n", r.killed,
	    c->mode == CGROUP ? "cgroup" : "fallback", (long long)r.elapsed_ms);
	tree_reap();
	finish_tree(c);
}

/* Orphans: the known set alone (no main, no group, no tag) and their children. */
static void test_sweep_orphans(void **state)
{
	struct ctx *c = start_tree(state, T_PLAIN | T_ENVI_SETSID, 0, 0);
	struct kill_target t = { .sig = SIGKILL, .known = &c->known };
	struct kill_result r;

	if (c->mode == CGROUP)
		t.cgroup = c->path;
	assert_int_equal(proc_set_add(&c->known, c->t.main, c->t.main_start), 0);
	assert_int_equal(kill_sweep(&t, 3000, &r), 0);
	assert_int_equal(r.killed, 3);
	tree_reap();
	finish_tree(c);
}

static int fallback_mode = FALLBACK, cgroup_mode = CGROUP;

#define BOTH(fn) \
	cmocka_unit_test_prestate(fn, &fallback_mode), \
	cmocka_unit_test_prestate(fn, &cgroup_mode)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_group_polite),
		BOTH(test_group_ignoring),
		cmocka_unit_test_prestate(test_known_escapee, &fallback_mode),
		cmocka_unit_test_prestate(test_main_outside_cgroup, &cgroup_mode),
		BOTH(test_after_crash),
		BOTH(test_main_left_behind),
		BOTH(test_main_timeout),
		BOTH(test_fork_race),
		BOTH(test_tree_200),
		BOTH(test_fixtures),
		BOTH(test_sweep),
		BOTH(test_sweep_orphans),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
