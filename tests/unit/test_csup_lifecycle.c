/* test_csup_lifecycle.c: the transition table, states x events, pure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lifecycle.h"

static const struct lc_policy pol = {
	.autorestart = true, .max_restarts = 2, .min_uptime_ms = 1000,
	.restart_delay_ms = 0, .exp_backoff_ms = 0,
};

/* One row a transition: from (state, want) on event -> to, actions. */
static const struct {
	enum app_state	from;
	bool		want;
	enum app_event	ev;
	int64_t		uptime;
	enum app_state	to;
	bool		want_after;
	unsigned	acts;
} rows[] = {
	{ ST_STOPPED,   false, AE_START,   0,    ST_LAUNCHING, true,  A_SPAWN },
	{ ST_STOPPED,   false, AE_RESTART, 0,    ST_LAUNCHING, true,  A_SPAWN },
	{ ST_STOPPED,   false, AE_STOP,    0,    ST_STOPPED,   false, 0 },
	{ ST_STOPPED,   false, AE_EXIT,    0,    ST_STOPPED,   false, 0 },
	{ ST_LAUNCHING, true,  AE_SPAWNED, 0,    ST_ONLINE,    true,  0 },
	{ ST_LAUNCHING, true,  AE_FAILED,  0,    ST_ERRORED,   false, A_ERRORED },
	{ ST_LAUNCHING, true,  AE_STOP,    0,    ST_STOPPING,  false, A_KILL },
	{ ST_ONLINE,    true,  AE_START,   0,    ST_ONLINE,    true,  0 },
	{ ST_ONLINE,    true,  AE_STOP,    0,    ST_STOPPING,  false, A_KILL },
	{ ST_ONLINE,    true,  AE_RESTART, 0,    ST_STOPPING,  true,  A_KILL },
	{ ST_ONLINE,    true,  AE_EXIT,    5000, ST_LAUNCHING, true,  A_SPAWN },
	{ ST_ONLINE,    true,  AE_TIMER,   0,    ST_ONLINE,    true,  0 },
	{ ST_STOPPING,  false, AE_EXIT,    0,    ST_STOPPED,   false, 0 },
	{ ST_STOPPING,  false, AE_STOP,    0,    ST_STOPPING,  false, 0 },
	{ ST_STOPPING,  false, AE_START,   0,    ST_STOPPING,  true,  0 },
	{ ST_WAITING,   true,  AE_TIMER,   0,    ST_LAUNCHING, true,  A_SPAWN },
	{ ST_WAITING,   true,  AE_STOP,    0,    ST_STOPPED,   false, A_DISARM },
	{ ST_WAITING,   true,  AE_RESTART, 0,    ST_LAUNCHING, true,  A_DISARM | A_SPAWN },
	{ ST_WAITING,   true,  AE_START,   0,    ST_WAITING,   true,  0 },
	{ ST_ERRORED,   false, AE_START,   0,    ST_LAUNCHING, true,  A_SPAWN },
	{ ST_ERRORED,   false, AE_STOP,    0,    ST_STOPPED,   false, 0 },
};

static void test_table(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct lc lc = { .state = rows[i].from, .want_up = rows[i].want,
			.spawned_once = true };
		int64_t delay;
		unsigned acts = lc_step(&lc, &pol, rows[i].ev, rows[i].uptime, &delay);

		if (lc.state != rows[i].to || lc.want_up != rows[i].want_after ||
		    acts != rows[i].acts)
			fail_msg("row %zu: %s + event %d -> %s want %d acts %#x", i,
			    lc_state_name(rows[i].from), rows[i].ev, lc_state_name(lc.state),
			    lc.want_up, acts);
	}
}

/* A restart asked while online: stop, then start again once gone. */
static void test_restart_cycle(void **state)
{
	struct lc lc = { 0 };
	int64_t delay;

	assert_int_equal(lc_step(&lc, &pol, AE_START, 0, &delay), A_SPAWN);
	assert_int_equal(lc.restarts, 0);
	lc_step(&lc, &pol, AE_SPAWNED, 0, &delay);
	assert_int_equal(lc_step(&lc, &pol, AE_RESTART, 0, &delay), A_KILL);
	assert_int_equal(lc.state, ST_STOPPING);
	assert_int_equal(lc_step(&lc, &pol, AE_EXIT, 0, &delay), A_SPAWN);
	assert_int_equal(lc.state, ST_LAUNCHING);
	assert_int_equal(lc.restarts, 1);
	assert_int_equal(lc.unstable_restarts, 0);
}

/* max_restarts N: N unstable restarts, and the next unstable exit errors (N + 1 runs). */
static void test_max_restarts(void **state)
{
	for (int n = 0; n <= 4; n++) {
		struct lc_policy p = pol;
		struct lc lc = { 0 };
		int64_t delay;
		int runs = 0;
		unsigned acts;

		p.max_restarts = n;
		acts = lc_step(&lc, &p, AE_START, 0, &delay);
		while (acts & A_SPAWN) {
			runs++;
			lc_step(&lc, &p, AE_SPAWNED, 0, &delay);
			acts = lc_step(&lc, &p, AE_EXIT, 10, &delay);
		}
		assert_int_equal(acts, A_ERRORED);
		assert_int_equal(lc.state, ST_ERRORED);
		assert_int_equal(runs, n + 1);
		assert_int_equal(lc.restarts, n);
		assert_int_equal(lc.unstable_restarts, n);
	}
}

/* exp backoff: value, doubling, capped at 15 s, back to value after a stable run. */
static void test_backoff(void **state)
{
	static const int64_t want[] = { 1000, 2000, 4000, 8000, 15000, 15000 };
	struct lc_policy p = pol;
	struct lc lc = { 0 };
	int64_t delay;
	unsigned acts;

	p.exp_backoff_ms = 1000;
	p.max_restarts = 100;
	lc_step(&lc, &p, AE_START, 0, &delay);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		lc_step(&lc, &p, AE_SPAWNED, 0, &delay);
		acts = lc_step(&lc, &p, AE_EXIT, 10, &delay);
		assert_int_equal(acts, A_ARM);
		assert_int_equal(lc.state, ST_WAITING);
		assert_int_equal(delay, want[i]);
		assert_int_equal(lc_step(&lc, &p, AE_TIMER, 0, &delay), A_SPAWN);
	}
	assert_int_equal(lc.unstable_restarts, 6);
	lc_step(&lc, &p, AE_SPAWNED, 0, &delay);
	acts = lc_step(&lc, &p, AE_EXIT, 60000, &delay);	/* a stable run */
	assert_int_equal(acts, A_ARM);
	assert_int_equal(delay, 1000);
	assert_int_equal(lc.unstable_restarts, 0);
}

static void test_restart_delay_and_autorestart(void **state)
{
	struct lc_policy p = pol;
	struct lc lc = { .state = ST_ONLINE, .want_up = true, .spawned_once = true };
	int64_t delay;

	p.restart_delay_ms = 250;
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 5000, &delay), A_ARM);
	assert_int_equal(delay, 250);
	p.autorestart = false;
	lc = (struct lc){ .state = ST_ONLINE, .want_up = true, .spawned_once = true };
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 5000, &delay), 0);
	assert_int_equal(lc.state, ST_STOPPED);
	assert_false(lc.want_up);
}

/*
 * Every (state, event) pair, from the state as it is normally reached
 * (want_up true but for STOPPED, ERRORED and a STOPPING without a pending
 * restart): the state after, the wish after, the actions.
 */
static const struct {
	enum app_state	from;
	bool		want, pending;
	enum app_event	ev;
	enum app_state	to;
	bool		want_after;
	unsigned	acts;
} every[] = {
	{ ST_STOPPED,   0, 0, AE_START,         ST_LAUNCHING, 1, A_SPAWN },
	{ ST_STOPPED,   0, 0, AE_STOP,          ST_STOPPED,   0, 0 },
	{ ST_STOPPED,   0, 0, AE_RESTART,       ST_LAUNCHING, 1, A_SPAWN },
	{ ST_STOPPED,   0, 0, AE_SPAWNED,       ST_STOPPED,   0, 0 },
	{ ST_STOPPED,   0, 0, AE_FAILED,        ST_STOPPED,   0, 0 },
	{ ST_STOPPED,   0, 0, AE_EXIT,          ST_STOPPED,   0, 0 },
	{ ST_STOPPED,   0, 0, AE_TIMER,         ST_STOPPED,   0, 0 },
	{ ST_STOPPED,   0, 0, AE_AUTO_RESTART,  ST_STOPPED,   0, 0 },
	{ ST_STOPPED,   0, 0, AE_LIMIT_RESTART, ST_STOPPED,   0, 0 },
	{ ST_STOPPED,   0, 0, AE_NOT_READY,     ST_STOPPED,   0, 0 },
	{ ST_STOPPED,   1, 0, AE_ADOPTED,       ST_ONLINE,    1, 0 },
	{ ST_LAUNCHING, 1, 0, AE_START,         ST_LAUNCHING, 1, 0 },
	{ ST_LAUNCHING, 1, 0, AE_STOP,          ST_STOPPING,  0, A_KILL },
	{ ST_LAUNCHING, 1, 0, AE_RESTART,       ST_STOPPING,  1, A_KILL },
	{ ST_LAUNCHING, 1, 0, AE_SPAWNED,       ST_ONLINE,    1, 0 },
	{ ST_LAUNCHING, 1, 0, AE_FAILED,        ST_ERRORED,   0, A_ERRORED },
	{ ST_LAUNCHING, 1, 0, AE_EXIT,          ST_LAUNCHING, 1, A_SPAWN },
	{ ST_LAUNCHING, 1, 0, AE_TIMER,         ST_LAUNCHING, 1, 0 },
	{ ST_LAUNCHING, 1, 0, AE_AUTO_RESTART,  ST_LAUNCHING, 1, 0 },
	{ ST_LAUNCHING, 1, 0, AE_LIMIT_RESTART, ST_STOPPING,  1, A_KILL },
	{ ST_LAUNCHING, 1, 0, AE_NOT_READY,     ST_STOPPING,  1, A_KILL | A_KILL_NOW },
	{ ST_LAUNCHING, 1, 0, AE_ADOPTED,       ST_LAUNCHING, 1, 0 },
	{ ST_ONLINE,    1, 0, AE_START,         ST_ONLINE,    1, 0 },
	{ ST_ONLINE,    1, 0, AE_STOP,          ST_STOPPING,  0, A_KILL },
	{ ST_ONLINE,    1, 0, AE_RESTART,       ST_STOPPING,  1, A_KILL },
	{ ST_ONLINE,    1, 0, AE_SPAWNED,       ST_ONLINE,    1, 0 },
	{ ST_ONLINE,    1, 0, AE_FAILED,        ST_ONLINE,    1, 0 },
	{ ST_ONLINE,    1, 0, AE_EXIT,          ST_LAUNCHING, 1, A_SPAWN },
	{ ST_ONLINE,    1, 0, AE_TIMER,         ST_ONLINE,    1, 0 },
	{ ST_ONLINE,    1, 0, AE_AUTO_RESTART,  ST_STOPPING,  1, A_KILL },
	{ ST_ONLINE,    1, 0, AE_LIMIT_RESTART, ST_STOPPING,  1, A_KILL },
	{ ST_ONLINE,    1, 0, AE_NOT_READY,     ST_ONLINE,    1, 0 },
	{ ST_ONLINE,    1, 0, AE_ADOPTED,       ST_ONLINE,    1, 0 },
	/* A stop under way: only the client moves the wish; nothing automatic restarts. */
	{ ST_STOPPING,  0, 0, AE_START,         ST_STOPPING,  1, 0 },
	{ ST_STOPPING,  0, 0, AE_STOP,          ST_STOPPING,  0, 0 },
	{ ST_STOPPING,  0, 0, AE_RESTART,       ST_STOPPING,  1, 0 },
	{ ST_STOPPING,  0, 0, AE_SPAWNED,       ST_STOPPING,  0, 0 },
	{ ST_STOPPING,  0, 0, AE_FAILED,        ST_STOPPING,  0, 0 },
	{ ST_STOPPING,  0, 0, AE_EXIT,          ST_STOPPED,   0, 0 },
	{ ST_STOPPING,  0, 0, AE_TIMER,         ST_STOPPING,  0, 0 },
	{ ST_STOPPING,  0, 0, AE_AUTO_RESTART,  ST_STOPPING,  0, 0 },
	{ ST_STOPPING,  0, 0, AE_LIMIT_RESTART, ST_STOPPING,  0, 0 },
	{ ST_STOPPING,  0, 0, AE_NOT_READY,     ST_STOPPING,  0, 0 },
	{ ST_STOPPING,  0, 0, AE_ADOPTED,       ST_STOPPING,  0, 0 },
	/* A restart under way: a second cause adds nothing; a stop cancels it. */
	{ ST_STOPPING,  1, 1, AE_STOP,          ST_STOPPING,  0, 0 },
	{ ST_STOPPING,  1, 1, AE_AUTO_RESTART,  ST_STOPPING,  1, 0 },
	{ ST_STOPPING,  1, 1, AE_LIMIT_RESTART, ST_STOPPING,  1, 0 },
	{ ST_STOPPING,  1, 1, AE_EXIT,          ST_LAUNCHING, 1, A_SPAWN },
	{ ST_WAITING,   1, 0, AE_START,         ST_WAITING,   1, 0 },
	{ ST_WAITING,   1, 0, AE_STOP,          ST_STOPPED,   0, A_DISARM },
	{ ST_WAITING,   1, 0, AE_RESTART,       ST_LAUNCHING, 1, A_DISARM | A_SPAWN },
	{ ST_WAITING,   1, 0, AE_SPAWNED,       ST_WAITING,   1, 0 },
	{ ST_WAITING,   1, 0, AE_FAILED,        ST_WAITING,   1, 0 },
	{ ST_WAITING,   1, 0, AE_EXIT,          ST_WAITING,   1, 0 },
	{ ST_WAITING,   1, 0, AE_TIMER,         ST_LAUNCHING, 1, A_SPAWN },
	{ ST_WAITING,   1, 0, AE_AUTO_RESTART,  ST_WAITING,   1, 0 },
	{ ST_WAITING,   1, 0, AE_LIMIT_RESTART, ST_WAITING,   1, 0 },
	{ ST_WAITING,   1, 0, AE_NOT_READY,     ST_WAITING,   1, 0 },
	{ ST_WAITING,   1, 0, AE_ADOPTED,       ST_WAITING,   1, 0 },
	{ ST_ERRORED,   0, 0, AE_START,         ST_LAUNCHING, 1, A_SPAWN },
	{ ST_ERRORED,   0, 0, AE_STOP,          ST_STOPPED,   0, 0 },
	{ ST_ERRORED,   0, 0, AE_RESTART,       ST_LAUNCHING, 1, A_SPAWN },
	{ ST_ERRORED,   0, 0, AE_SPAWNED,       ST_ERRORED,   0, 0 },
	{ ST_ERRORED,   0, 0, AE_FAILED,        ST_ERRORED,   0, 0 },
	{ ST_ERRORED,   0, 0, AE_EXIT,          ST_ERRORED,   0, 0 },
	{ ST_ERRORED,   0, 0, AE_TIMER,         ST_ERRORED,   0, 0 },
	{ ST_ERRORED,   0, 0, AE_AUTO_RESTART,  ST_ERRORED,   0, 0 },
	{ ST_ERRORED,   0, 0, AE_LIMIT_RESTART, ST_ERRORED,   0, 0 },
	{ ST_ERRORED,   0, 0, AE_NOT_READY,     ST_ERRORED,   0, 0 },
	{ ST_ERRORED,   0, 0, AE_ADOPTED,       ST_ERRORED,   0, 0 },
};

static void test_every_pair(void **state)
{
	bool seen[ST_COUNT][AE_COUNT] = { { false } };

	for (size_t i = 0; i < sizeof(every) / sizeof(every[0]); i++) {
		struct lc lc = { .state = every[i].from, .want_up = every[i].want,
			.restart_pending = every[i].pending, .spawned_once = true };
		int64_t delay;
		unsigned acts = lc_step(&lc, &pol, every[i].ev, 5000, &delay);

		seen[every[i].from][every[i].ev] = true;
		if (lc.state != every[i].to || lc.want_up != every[i].want_after ||
		    acts != every[i].acts)
			fail_msg("row %zu: %s + event %d -> %s want %d acts %#x", i,
			    lc_state_name(every[i].from), every[i].ev, lc_state_name(lc.state),
			    lc.want_up, acts);
		/* For an automatic event lc_accepts says in advance whether it acts. */
		{
			struct lc again = { .state = every[i].from, .want_up = every[i].want,
				.restart_pending = every[i].pending, .spawned_once = true };
			bool changed = acts != 0 || lc.state != again.state ||
			    lc.want_up != again.want_up;

			bool automatic = every[i].ev == AE_AUTO_RESTART ||
			    every[i].ev == AE_LIMIT_RESTART || every[i].ev == AE_NOT_READY;

			if (automatic && lc_accepts(&again, every[i].ev) != changed)
				fail_msg("row %zu: lc_accepts disagrees with the step", i);
		}
	}
	for (int s = 0; s < ST_COUNT; s++)
		for (int e = 0; e < AE_COUNT; e++)
			if (!seen[s][e])
				fail_msg("no row for %s + event %d", lc_state_name(s), e);
}

/* The race of the first build: a limit seen while a stop or kill runs. */
static void test_limit_during_stop(void **state)
{
	static const enum app_event autos[] = { AE_AUTO_RESTART, AE_LIMIT_RESTART,
		AE_NOT_READY };

	for (size_t i = 0; i < sizeof(autos) / sizeof(autos[0]); i++) {
		struct lc lc = { 0 };
		int64_t delay;

		lc_step(&lc, &pol, AE_START, 0, &delay);
		lc_step(&lc, &pol, AE_SPAWNED, 0, &delay);
		assert_int_equal(lc_step(&lc, &pol, AE_STOP, 0, &delay), A_KILL);
		assert_int_equal(lc_step(&lc, &pol, autos[i], 2000, &delay), 0);
		assert_false(lc.want_up);
		assert_int_equal(lc_step(&lc, &pol, AE_EXIT, 0, &delay), 0);
		assert_int_equal(lc.state, ST_STOPPED);
		assert_int_equal(lc_step(&lc, &pol, autos[i], 2000, &delay), 0);
		assert_int_equal(lc.state, ST_STOPPED);
	}
}

/* A stop (or kill) while an automatic restart is under way cancels it. */
static void test_stop_during_auto_restart(void **state)
{
	static const enum app_event autos[] = { AE_AUTO_RESTART, AE_LIMIT_RESTART };

	for (size_t i = 0; i < sizeof(autos) / sizeof(autos[0]); i++) {
		struct lc lc = { 0 };
		int64_t delay;

		lc_step(&lc, &pol, AE_START, 0, &delay);
		lc_step(&lc, &pol, AE_SPAWNED, 0, &delay);
		assert_int_equal(lc_step(&lc, &pol, autos[i], 5000, &delay), A_KILL);
		assert_true(lc.restart_pending);
		lc_step(&lc, &pol, AE_STOP, 0, &delay);
		assert_int_equal(lc_step(&lc, &pol, AE_EXIT, 0, &delay), 0);
		assert_int_equal(lc.state, ST_STOPPED);
		assert_false(lc.want_up);
	}
	/* Waiting out a limit's delay: the stop disarms the timer. */
	{
		struct lc lc = { .state = ST_WAITING, .want_up = true, .spawned_once = true };
		int64_t delay;

		assert_int_equal(lc_step(&lc, &pol, AE_STOP, 0, &delay), A_DISARM);
		assert_int_equal(lc_step(&lc, &pol, AE_TIMER, 0, &delay), 0);
		assert_int_equal(lc.state, ST_STOPPED);
	}
}

/*
 * A limit restart after a short run is unstable: 100 ms doubling to 15 s
 * without a configured delay, counted, errored after max_restarts; the
 * delay is armed when the old generation is gone (the EXIT step).
 */
static void test_limit_backoff(void **state)
{
	static const int64_t want[] = { 100, 200, 400, 800, 1600, 3200, 6400, 12800,
		15000, 15000 };
	struct lc_policy p = pol;
	struct lc lc = { 0 };
	int64_t delay;
	unsigned acts;

	p.max_restarts = 10;
	lc_step(&lc, &p, AE_START, 0, &delay);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		lc_step(&lc, &p, AE_SPAWNED, 0, &delay);
		assert_int_equal(lc_step(&lc, &p, AE_LIMIT_RESTART, 300, &delay), A_KILL);
		assert_int_equal(delay, 0);
		acts = lc_step(&lc, &p, AE_EXIT, 0, &delay);
		assert_int_equal(acts, A_ARM);
		assert_int_equal(lc.state, ST_WAITING);
		assert_int_equal(delay, want[i]);
		assert_int_equal(lc.unstable_restarts, (int)i + 1);
		assert_int_equal(lc_step(&lc, &p, AE_TIMER, 0, &delay), A_SPAWN);
		assert_int_equal(lc.restarts, (int)i + 1);
	}
	lc_step(&lc, &p, AE_SPAWNED, 0, &delay);
	lc_step(&lc, &p, AE_LIMIT_RESTART, 300, &delay);
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 0, &delay), A_ERRORED);
	assert_int_equal(lc.state, ST_ERRORED);
	assert_false(lc.want_up);
	assert_int_equal(lc.restarts, 10);
}

/* A limit after a stable run: restarted at once, the unstable count reset. */
static void test_limit_stable(void **state)
{
	struct lc lc = { .state = ST_ONLINE, .want_up = true, .spawned_once = true,
		.unstable_restarts = 3, .backoff_ms = 800 };
	struct lc_policy p = pol;
	int64_t delay;

	assert_int_equal(lc_step(&lc, &p, AE_LIMIT_RESTART, 5000, &delay), A_KILL);
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 0, &delay), A_SPAWN);
	assert_int_equal(lc.unstable_restarts, 0);
	assert_int_equal(lc.restarts, 1);
	/* With restart_delay or exp_backoff_restart_delay, those apply. */
	p.restart_delay_ms = 250;
	lc = (struct lc){ .state = ST_ONLINE, .want_up = true, .spawned_once = true };
	lc_step(&lc, &p, AE_LIMIT_RESTART, 10, &delay);
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 0, &delay), A_ARM);
	assert_int_equal(delay, 250);
	p.restart_delay_ms = 0;
	p.exp_backoff_ms = 1000;
	lc = (struct lc){ .state = ST_ONLINE, .want_up = true, .spawned_once = true };
	lc_step(&lc, &p, AE_LIMIT_RESTART, 10, &delay);
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 0, &delay), A_ARM);
	assert_int_equal(delay, 1000);
}

/* Watch and cron: a new generation at once; a readiness timeout counts unstable. */
static void test_auto_and_not_ready(void **state)
{
	struct lc lc = { .state = ST_ONLINE, .want_up = true, .spawned_once = true,
		.unstable_restarts = 2 };
	struct lc_policy p = pol;
	int64_t delay;

	lc_step(&lc, &p, AE_AUTO_RESTART, 5000, &delay);
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 0, &delay), A_SPAWN);
	assert_int_equal(lc.unstable_restarts, 0);
	assert_int_equal(lc.restarts, 1);
	assert_int_equal(lc_step(&lc, &p, AE_NOT_READY, 500, &delay), A_KILL | A_KILL_NOW);
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 0, &delay), A_SPAWN);
	assert_int_equal(lc.unstable_restarts, 1);
	/* Without autorestart a readiness timeout stops the app. */
	p.autorestart = false;
	lc_step(&lc, &p, AE_NOT_READY, 500, &delay);
	assert_int_equal(lc_step(&lc, &p, AE_EXIT, 0, &delay), 0);
	assert_int_equal(lc.state, ST_STOPPED);
}

/* A client's restart during an automatic one: at once, and counted once. */
static void test_user_over_auto(void **state)
{
	struct lc lc = { .state = ST_ONLINE, .want_up = true, .spawned_once = true };
	int64_t delay;

	lc_step(&lc, &pol, AE_LIMIT_RESTART, 10, &delay);
	lc_step(&lc, &pol, AE_RESTART, 0, &delay);
	assert_int_equal(lc_step(&lc, &pol, AE_EXIT, 0, &delay), A_SPAWN);
	assert_int_equal(lc.restarts, 1);
	assert_int_equal(lc.unstable_restarts, 0);
}

static void test_restore_and_adopt(void **state)
{
	struct lc lc = { 0 };
	int64_t delay;

	lc_restore(&lc, true, 7, true);
	assert_int_equal(lc_step(&lc, &pol, AE_ADOPTED, 0, &delay), 0);
	assert_int_equal(lc.state, ST_ONLINE);
	assert_true(lc.want_up);
	assert_int_equal(lc.restarts, 7);
	lc_step(&lc, &pol, AE_EXIT, 5000, &delay);
	assert_int_equal(lc.restarts, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_restart_cycle),
		cmocka_unit_test(test_max_restarts),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_restart_delay_and_autorestart),
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_limit_during_stop),
		cmocka_unit_test(test_stop_during_auto_restart),
		cmocka_unit_test(test_limit_backoff),
		cmocka_unit_test(test_limit_stable),
		cmocka_unit_test(test_auto_and_not_ready),
		cmocka_unit_test(test_user_over_auto),
		cmocka_unit_test(test_restore_and_adopt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
