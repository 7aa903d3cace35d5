/*
 * lifecycle.c: an app's life as a table of tiny transitions, states x
 * events (s6-supervise style). Pure: no IO, no clock; app.c carries out the
 * returned actions. The user's wish (want_up) is kept apart from the state,
 * and the state only moves toward the wish.
 */
#include "lifecycle.h"

struct lc_in {
	const struct lc_policy	*p;
	int64_t			 uptime_ms;
	int64_t			*delay_ms;
};

typedef unsigned transition(struct lc *, const struct lc_in *);

static unsigned spawn(struct lc *lc)
{
	if (lc->spawned_once)
		lc->restarts++;
	lc->spawned_once = true;
	lc->state = ST_LAUNCHING;
	return A_SPAWN;
}

static unsigned t_ignore(struct lc *lc, const struct lc_in *in)
{
	return 0;
}

/* STOPPED, ERRORED + START or RESTART: a fresh start. */
static unsigned t_start(struct lc *lc, const struct lc_in *in)
{
	lc->want_up = true;
	lc->restart_pending = false;
	lc->unstable_restarts = 0;
	lc->backoff_ms = 0;
	return spawn(lc);
}

/* LAUNCHING, ONLINE + STOP. */
static unsigned t_kill(struct lc *lc, const struct lc_in *in)
{
	lc->want_up = false;
	lc->restart_pending = false;
	lc->state = ST_STOPPING;
	return A_KILL;
}

/* WAITING + STOP: nothing runs, just forget the timer. */
static unsigned t_cancel(struct lc *lc, const struct lc_in *in)
{
	lc->want_up = false;
	lc->state = ST_STOPPED;
	return A_DISARM;
}

/* STOPPING, STOPPED, ERRORED + STOP. */
static unsigned t_down(struct lc *lc, const struct lc_in *in)
{
	lc->want_up = false;
	lc->restart_pending = false;
	if (lc->state == ST_ERRORED)
		lc->state = ST_STOPPED;
	return 0;
}

/* LAUNCHING, ONLINE + RESTART: stop, then start again once gone. */
static unsigned t_restart(struct lc *lc, const struct lc_in *in)
{
	lc->want_up = true;
	lc->restart_pending = true;
	lc->unstable_restarts = 0;
	lc->backoff_ms = 0;
	lc->state = ST_STOPPING;
	return A_KILL;
}

/* WAITING + RESTART: no need to wait out the delay. */
static unsigned t_restart_now(struct lc *lc, const struct lc_in *in)
{
	lc->unstable_restarts = 0;
	lc->backoff_ms = 0;
	return A_DISARM | spawn(lc);
}

/* STOPPING + START or RESTART: start again once the old one is gone. */
static unsigned t_pend(struct lc *lc, const struct lc_in *in)
{
	lc->want_up = true;
	lc->restart_pending = true;
	return 0;
}

static unsigned t_spawned(struct lc *lc, const struct lc_in *in)
{
	lc->state = ST_ONLINE;
	return 0;
}

static unsigned t_failed(struct lc *lc, const struct lc_in *in)
{
	lc->state = ST_ERRORED;
	lc->want_up = false;
	return A_ERRORED;
}

static int64_t next_delay(struct lc *lc, const struct lc_policy *p, bool stable)
{
	int64_t d;

	if (p->exp_backoff_ms <= 0)
		return p->restart_delay_ms;
	if (stable || lc->backoff_ms == 0)
		d = p->exp_backoff_ms;
	else {
		d = lc->backoff_ms * 2;
		if (d > BACKOFF_CAP_MS)
			d = BACKOFF_CAP_MS;
		if (d < p->exp_backoff_ms)
			d = p->exp_backoff_ms;
	}
	lc->backoff_ms = d;
	return d;
}

/* LAUNCHING, ONLINE + EXIT: it died on its own; the restart policy. */
static unsigned t_crash(struct lc *lc, const struct lc_in *in)
{
	bool stable = in->uptime_ms >= in->p->min_uptime_ms;

	if (!in->p->autorestart || !lc->want_up) {
		lc->want_up = false;
		lc->state = ST_STOPPED;
		return 0;
	}
	if (stable)
		lc->unstable_restarts = 0;
	else if (lc->unstable_restarts >= in->p->max_restarts) {
		lc->state = ST_ERRORED;
		lc->want_up = false;
		return A_ERRORED;
	} else
		lc->unstable_restarts++;
	*in->delay_ms = next_delay(lc, in->p, stable);
	if (*in->delay_ms > 0) {
		lc->state = ST_WAITING;
		return A_ARM;
	}
	return spawn(lc);
}

/* STOPPING + EXIT: the stop is complete. */
static unsigned t_gone(struct lc *lc, const struct lc_in *in)
{
	if (lc->restart_pending && lc->want_up) {
		lc->restart_pending = false;
		return spawn(lc);
	}
	lc->restart_pending = false;
	lc->state = ST_STOPPED;
	return 0;
}

static unsigned t_timer(struct lc *lc, const struct lc_in *in)
{
	return spawn(lc);
}

static transition *const table[ST_COUNT][AE_COUNT] = {
	/*              START          STOP      RESTART        SPAWNED    FAILED    EXIT      TIMER */
	[ST_STOPPED]   = { t_start,  t_down,   t_start,       t_ignore,  t_ignore, t_ignore, t_ignore },
	[ST_LAUNCHING] = { t_ignore, t_kill,   t_restart,     t_spawned, t_failed, t_crash,  t_ignore },
	[ST_ONLINE]    = { t_ignore, t_kill,   t_restart,     t_ignore,  t_ignore, t_crash,  t_ignore },
	[ST_STOPPING]  = { t_pend,   t_down,   t_pend,        t_ignore,  t_ignore, t_gone,   t_ignore },
	[ST_WAITING]   = { t_ignore, t_cancel, t_restart_now, t_ignore,  t_ignore, t_ignore, t_timer },
	[ST_ERRORED]   = { t_start,  t_down,   t_start,       t_ignore,  t_ignore, t_ignore, t_ignore },
};

unsigned lc_step(struct lc *lc, const struct lc_policy *p, enum app_event ev,
    int64_t uptime_ms, int64_t *delay_ms)
{
	struct lc_in in = { p, uptime_ms, delay_ms };

	*delay_ms = 0;
	if ((unsigned)lc->state >= ST_COUNT || (unsigned)ev >= AE_COUNT)
		return 0;
	return table[lc->state][ev](lc, &in);
}

const char *lc_state_name(enum app_state s)
{
	static const char *const names[ST_COUNT] = {
		"stopped", "launching", "online", "stopping", "waiting", "errored",
	};

	return (unsigned)s < ST_COUNT ? names[s] : "unknown";
}

void lc_policy_from_config(struct lc_policy *p, const struct app_config *c)
{
	p->autorestart = c->autorestart;
	p->max_restarts = c->max_restarts;
	p->min_uptime_ms = c->min_uptime_ms;
	p->restart_delay_ms = c->restart_delay_ms;
	p->exp_backoff_ms = c->exp_backoff_restart_delay_ms;
}
