/*
 * lifecycle.c: an app's life as a table of tiny transitions, states x
 * events (s6-supervise style). Pure: no IO, no clock; app.c carries out the
 * returned actions. The user's wish (want_up) is kept apart from the state,
 * and the state only moves toward the wish.
 *
 * Who may change what: only the client's events (START, STOP, RESTART)
 * raise want_up; the automatic ones (AUTO_RESTART, LIMIT_RESTART,
 * NOT_READY) act only on a generation that runs because it is wanted, and
 * are ignored once a stop, delete, kill or shutdown has begun (STOPPING
 * without a pending restart, STOPPED) or while a restart is already under
 * way (STOPPING with one, WAITING).
 */
#include "lifecycle.h"

#define LIMIT_BACKOFF_FIRST_MS	100

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
	lc->restart_pending = false;
	lc->restart_why = LC_WHY_USER;
	lc->state = ST_LAUNCHING;
	return A_SPAWN;
}

static unsigned t_ignore(struct lc *lc, const struct lc_in *in)
{
	(void)lc;
	(void)in;
	return 0;
}

/* STOPPED, ERRORED + START or RESTART: a fresh start. */
static unsigned t_start(struct lc *lc, const struct lc_in *in)
{
	lc->want_up = true;
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

/* STOPPING, STOPPED, ERRORED + STOP: whatever restart was pending is off. */
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
	lc->restart_why = LC_WHY_USER;
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

/* STOPPING + START or RESTART: start again, at once, once the old one is gone. */
static unsigned t_pend(struct lc *lc, const struct lc_in *in)
{
	lc->want_up = true;
	lc->restart_pending = true;
	lc->restart_why = LC_WHY_USER;
	return 0;
}

/* The automatic restarts: only of a wanted generation, never against a stop. */
static unsigned auto_kill(struct lc *lc, const struct lc_in *in, enum lc_why why)
{
	if (!lc->want_up)
		return 0;
	lc->restart_pending = true;
	lc->restart_why = why;
	lc->restart_short = in->uptime_ms < in->p->min_uptime_ms;
	lc->state = ST_STOPPING;
	return A_KILL;
}

/* ONLINE + AUTO_RESTART (watch, cron). */
static unsigned t_auto(struct lc *lc, const struct lc_in *in)
{
	return auto_kill(lc, in, LC_WHY_AUTO);
}

/* LAUNCHING, ONLINE + LIMIT_RESTART (memory, processes, health, oom). */
static unsigned t_limit(struct lc *lc, const struct lc_in *in)
{
	return auto_kill(lc, in, LC_WHY_LIMIT);
}

/* LAUNCHING + NOT_READY: no READY=1 in time; SIGKILL, and it counts unstable. */
static unsigned t_not_ready(struct lc *lc, const struct lc_in *in)
{
	unsigned acts = auto_kill(lc, in, LC_WHY_NOT_READY);

	lc->restart_short = true;
	return acts ? acts | A_KILL_NOW : 0;
}

static unsigned t_spawned(struct lc *lc, const struct lc_in *in)
{
	lc->state = ST_ONLINE;
	return 0;
}

/* STOPPED + ADOPTED: a live generation of a dead predecessor, taken over. */
static unsigned t_adopted(struct lc *lc, const struct lc_in *in)
{
	lc->spawned_once = true;
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

/*
 * A limit restart without restart_delay or exp_backoff_restart_delay set:
 * none after a stable run, else 100 ms doubling up to 15 s, so an app
 * that always breaks its limit is not restarted as fast as it can be.
 */
static int64_t limit_delay(struct lc *lc, const struct lc_policy *p, bool stable)
{
	int64_t d;

	if (p->exp_backoff_ms > 0 || p->restart_delay_ms > 0)
		return next_delay(lc, p, stable);
	if (stable) {
		lc->backoff_ms = 0;
		return 0;
	}
	d = lc->backoff_ms > 0 ? lc->backoff_ms * 2 : LIMIT_BACKOFF_FIRST_MS;
	if (d > BACKOFF_CAP_MS)
		d = BACKOFF_CAP_MS;
	lc->backoff_ms = d;
	return d;
}

/*
 * The restart policy after a generation ended by itself (crash) or for a
 * limit: an unstable run counts, max_restarts of them in a row make the
 * app errored; the delay is armed from now (the generation is gone).
 */
static unsigned relaunch(struct lc *lc, const struct lc_in *in, bool stable, bool limit)
{
	if (stable)
		lc->unstable_restarts = 0;
	else if (lc->unstable_restarts >= in->p->max_restarts) {
		lc->restart_pending = false;
		lc->state = ST_ERRORED;
		lc->want_up = false;
		return A_ERRORED;
	} else
		lc->unstable_restarts++;
	*in->delay_ms = limit ? limit_delay(lc, in->p, stable) : next_delay(lc, in->p, stable);
	if (*in->delay_ms > 0) {
		lc->restart_pending = false;
		lc->state = ST_WAITING;
		return A_ARM;
	}
	return spawn(lc);
}

/* LAUNCHING, ONLINE + EXIT: it died on its own; the restart policy. */
static unsigned t_crash(struct lc *lc, const struct lc_in *in)
{
	if (!in->p->autorestart || !lc->want_up) {
		lc->want_up = false;
		lc->state = ST_STOPPED;
		return 0;
	}
	return relaunch(lc, in, in->uptime_ms >= in->p->min_uptime_ms, false);
}

/* STOPPING + EXIT: the stop is complete; a pending restart follows its cause. */
static unsigned t_gone(struct lc *lc, const struct lc_in *in)
{
	if (!lc->restart_pending || !lc->want_up) {
		lc->restart_pending = false;
		lc->state = ST_STOPPED;
		return 0;
	}
	switch (lc->restart_why) {
	case LC_WHY_AUTO:
		if (!lc->restart_short) {
			lc->unstable_restarts = 0;
			lc->backoff_ms = 0;
		}
		return spawn(lc);
	case LC_WHY_LIMIT:
		return relaunch(lc, in, !lc->restart_short, true);
	case LC_WHY_NOT_READY:
		if (!in->p->autorestart) {
			lc->restart_pending = false;
			lc->want_up = false;
			lc->state = ST_STOPPED;
			return 0;
		}
		return relaunch(lc, in, false, false);
	case LC_WHY_USER:
	default:
		return spawn(lc);
	}
}

static unsigned t_timer(struct lc *lc, const struct lc_in *in)
{
	return spawn(lc);
}

static transition *const table[ST_COUNT][AE_COUNT] = {
	/*              START     STOP      RESTART        SPAWNED    FAILED    EXIT      TIMER */
	[ST_STOPPED]   = { t_start,  t_down,   t_start,       t_ignore,  t_ignore, t_ignore, t_ignore,
	/*                 AUTO      LIMIT     NOT_READY      ADOPTED */
			   t_ignore, t_ignore, t_ignore,      t_adopted },
	[ST_LAUNCHING] = { t_ignore, t_kill,   t_restart,     t_spawned, t_failed, t_crash,  t_ignore,
			   t_ignore, t_limit,  t_not_ready,   t_ignore },
	[ST_ONLINE]    = { t_ignore, t_kill,   t_restart,     t_ignore,  t_ignore, t_crash,  t_ignore,
			   t_auto,   t_limit,  t_ignore,      t_ignore },
	[ST_STOPPING]  = { t_pend,   t_down,   t_pend,        t_ignore,  t_ignore, t_gone,   t_ignore,
			   t_ignore, t_ignore, t_ignore,      t_ignore },
	[ST_WAITING]   = { t_ignore, t_cancel, t_restart_now, t_ignore,  t_ignore, t_ignore, t_timer,
			   t_ignore, t_ignore, t_ignore,      t_ignore },
	[ST_ERRORED]   = { t_start,  t_down,   t_start,       t_ignore,  t_ignore, t_ignore, t_ignore,
			   t_ignore, t_ignore, t_ignore,      t_ignore },
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

bool lc_accepts(const struct lc *lc, enum app_event ev)
{
	if ((unsigned)lc->state >= ST_COUNT || (unsigned)ev >= AE_COUNT)
		return false;
	if (ev == AE_AUTO_RESTART || ev == AE_LIMIT_RESTART || ev == AE_NOT_READY)
		if (!lc->want_up)
			return false;
	return table[lc->state][ev] != t_ignore;
}

void lc_restore(struct lc *lc, bool want_up, int restarts, bool spawned_once)
{
	lc->want_up = want_up;
	lc->restarts = restarts;
	lc->spawned_once = spawned_once;
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
