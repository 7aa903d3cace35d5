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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_restart_cycle),
		cmocka_unit_test(test_max_restarts),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_restart_delay_and_autorestart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
