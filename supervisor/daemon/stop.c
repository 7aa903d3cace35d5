/*
 * stop.c: stopping a generation with the kill engine (kill.h): the
 * kill_signal to every member (cgroup or fallback selection), or to the
 * main process with kill_mode main; SIGKILL to whatever is left at
 * kill_timeout; the generation is gone when the engine found it empty and
 * the main process was reaped (or, adopted, seen exiting).
 */
#include <errno.h>
#include <signal.h>

#include "clock.h"
#include "daemon.h"
#include "guard.h"
#include "log.h"
#include "stop.h"
#include "units.h"

static void kill_done(struct killer *k, const struct kill_result *r)
{
	struct app *a = k->data;
	int n = r->signalled + r->killed;

	if (a->lc.state != ST_STOPPING) {
		if (n > 0)
			app_record_event(a, "leftovers", "the main process of generation %d "
			    "exited; killed %d process%s it left", a->gen.number, n,
			    n == 1 ? "" : "es");
		if (a->live && a->gen.main_gone)
			app_generation_gone(a);
		return;
	}
	if (r->left_behind > 0)
		app_record_event(a, "leftovers", "%s left %d process%s behind after its own "
		    "shutdown; killed them", a->cfg.name, r->left_behind,
		    r->left_behind == 1 ? "" : "es");
	if (r->timed_out && r->killed > 0)
		app_record_event(a, "kill", "kill_timeout of %lld ms passed: SIGKILL to %d "
		    "process%s", (long long)a->cfg.kill_timeout_ms, r->killed,
		    r->killed == 1 ? "" : "es");
	if (r->stuck > 0)
		app_record_event(a, "stuck", "%d processes survived SIGKILL for 5 s", r->stuck);
	stop_check(a);
}

/* The engine could not start: SIGKILL everything now, synchronously. */
static void sweep_now(struct app *a, const struct kill_target *t)
{
	struct kill_result r;

	log_warn("%s: cannot start the stop engine; SIGKILL now", a->cfg.name);
	if (kill_sweep(t, 2000, &r) == -1)
		log_warn("%s: sweep", a->cfg.name);
}

/* now: SIGKILL to every process at once (a readiness timeout), no kill_timeout. */
void stop_generation(struct app *a, bool now)
{
	struct kill_target t;

	if (!a->live) {
		app_generation_gone(a);
		return;
	}
	if (kill_active(&a->gen.killer))
		return;		/* a crash sweep runs; stop_check follows it */
	a->stop_started_ms = csup_mono_ms();
	guard_target(a, &t);
	if (now) {
		t.mode = KILL_MODE_GROUP;
		t.sig = SIGKILL;
		t.timeout_ms = 0;
	}
	app_record_event(a, "stop", "%s to %s (%s)", units_signal_name(t.sig),
	    t.mode == KILL_MODE_GROUP ? "every process" : "the main process",
	    t.cgroup ? "cgroup" : "fallback");
	a->gen.killer.data = a;
	if (kill_start(a->d->loop, &a->gen.killer, &t, kill_done) == -1) {
		sweep_now(a, &t);
		stop_check(a);
	}
}

/* The main process died on its own: what it left dies before any restart. */
void stop_after_crash(struct app *a)
{
	struct kill_target t;

	guard_target(a, &t);
	t.mode = KILL_MODE_GROUP;
	t.sig = SIGKILL;
	t.timeout_ms = 0;
	t.main_exited = 1;
	a->gen.killer.data = a;
	if (kill_start(a->d->loop, &a->gen.killer, &t, kill_done) == -1) {
		sweep_now(a, &t);
		app_generation_gone(a);
	}
}

void stop_check(struct app *a)
{
	if (!a->live || a->lc.state != ST_STOPPING)
		return;
	if (kill_active(&a->gen.killer)) {
		if (a->gen.main_gone)
			kill_main_exited(&a->gen.killer);
		return;
	}
	if (a->gen.main_gone)
		app_generation_gone(a);
}

void stop_cancel(struct app *a)
{
	kill_cancel(&a->gen.killer);
}
