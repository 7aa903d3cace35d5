/*
 * stop.c: stopping a generation, for now by its process group: the
 * kill_signal to the group (or to the main process with kill_mode main),
 * SIGKILL to the group at kill_timeout, and the generation is gone when
 * its main process was reaped and the group is empty. Asynchronous: the
 * loop keeps serving while a stop waits.
 *
 * Seam (issue 4): stop_generation() and stop_check() are the two entry
 * points the kill engine (cgroup.kill, the /proc fallback scan) replaces;
 * stop_group_empty() becomes "the generation has no member left".
 */
#include <errno.h>
#include <signal.h>

#include "csup.h"
#include "log.h"
#include "units.h"

#define GONE_POLL_S	0.02	/* only while a stopping group still has members */

bool stop_group_empty(pid_t pgid)
{
	if (pgid <= 1)
		return true;
	return kill(-pgid, 0) == -1 && errno == ESRCH;
}

static void signal_generation(struct app *a, int sig, bool group)
{
	struct generation *g = &a->gen;

	/* The main pid too: it may not have reached setsid() yet. */
	if (!g->main_gone && kill(g->pid, sig) == -1 && errno != ESRCH)
		log_warn("%s: kill %d", a->cfg.name, (int)g->pid);
	if (group && kill(-g->pgid, sig) == -1 && errno != ESRCH)
		log_warn("%s: kill group %d", a->cfg.name, (int)g->pgid);
}

static void gone_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	stop_check(CONTAINER_OF(w, struct app, gone_timer));
}

static void kill_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct app *a = CONTAINER_OF(w, struct app, kill_timer);

	app_record_event(a, "kill", "kill_timeout of %lld ms passed: SIGKILL to group %d",
	    (long long)a->cfg.kill_timeout_ms, (int)a->gen.pgid);
	signal_generation(a, SIGKILL, true);
	if (!ev_is_active(&a->gone_timer)) {
		ev_timer_set(&a->gone_timer, GONE_POLL_S, GONE_POLL_S);
		ev_timer_start(loop, &a->gone_timer);
	}
}

void stop_generation(struct app *a)
{
	struct ev_loop *loop = a->d->loop;
	bool group = a->cfg.kill_mode == KILL_MODE_GROUP;

	if (!a->live) {
		app_generation_gone(a);
		return;
	}
	ev_timer_init(&a->kill_timer, kill_timer_cb, (double)a->cfg.kill_timeout_ms / 1000., 0.);
	ev_timer_init(&a->gone_timer, gone_timer_cb, GONE_POLL_S, GONE_POLL_S);
	a->stop_started_ms = csup_mono_ms();
	app_record_event(a, "stop", "%s to %s %d", units_signal_name(a->cfg.kill_signal),
	    group ? "group" : "pid", group ? (int)a->gen.pgid : (int)a->gen.pid);
	signal_generation(a, a->cfg.kill_signal, group);
	ev_timer_start(loop, &a->kill_timer);
	if (a->gen.main_gone)
		stop_check(a);
}

void stop_check(struct app *a)
{
	struct ev_loop *loop = a->d->loop;

	if (!a->live || !a->gen.main_gone || a->lc.state != ST_STOPPING)
		return;
	/* kill_mode main: the main process is done; the rest gets no more time. */
	if (a->cfg.kill_mode == KILL_MODE_MAIN && !stop_group_empty(a->gen.pgid)) {
		app_record_event(a, "leftovers", "main process left its group %d behind; killed it",
		    (int)a->gen.pgid);
		signal_generation(a, SIGKILL, true);
	}
	if (stop_group_empty(a->gen.pgid)) {
		app_generation_gone(a);
		return;
	}
	/*
	 * Members we cannot be told about (not our children, e.g. of an
	 * adopted generation) are polled for, only until the group empties.
	 */
	if (!ev_is_active(&a->gone_timer))
		ev_timer_start(loop, &a->gone_timer);
}

void stop_cancel(struct app *a)
{
	ev_timer_stop(a->d->loop, &a->kill_timer);
	ev_timer_stop(a->d->loop, &a->gone_timer);
}
