/*
 * evtest.h: running a libev loop from a cmocka test for a bounded time,
 * or until a condition holds (never a bare sleep).
 */
#ifndef CSUP_EVTEST_H
#define CSUP_EVTEST_H

#include <dirent.h>
#include <stdbool.h>

#include <ev.h>

struct evtest_until {
	bool	(*cond)(void *);
	void	*arg;
	bool	 met;
};

static void evtest_break_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	ev_break(loop, EVBREAK_ONE);
}

static void evtest_poll_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct evtest_until *u = t->data;

	if (u->cond != NULL && u->cond(u->arg)) {
		u->met = true;
		ev_break(loop, EVBREAK_ONE);
	}
}

/* Run the loop until cond(arg) (checked every 5 ms) or max seconds; cond NULL: max seconds. */
static inline bool evtest_run(struct ev_loop *loop, bool (*cond)(void *), void *arg, double max)
{
	struct evtest_until u = { .cond = cond, .arg = arg };
	ev_timer deadline, poll;

	ev_now_update(loop);
	if (cond != NULL && cond(arg))
		return true;
	ev_timer_init(&deadline, evtest_break_cb, max, 0.);
	ev_timer_init(&poll, evtest_poll_cb, 0.005, 0.005);
	poll.data = &u;
	ev_timer_start(loop, &deadline);
	ev_timer_start(loop, &poll);
	ev_run(loop, 0);
	ev_timer_stop(loop, &deadline);
	ev_timer_stop(loop, &poll);
	return u.met;
}

static inline void evtest_spin(struct ev_loop *loop, double secs)
{
	(void)evtest_run(loop, NULL, NULL, secs);
}

/* Open fds of this process: equal before and after a test, or something leaked. */
static inline int evtest_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

#endif
