/*
 * app.c: an app in the daemon. Every change of state goes through
 * app_event(), which asks the pure table (lifecycle.c) what to do and does
 * it: spawn, stop, arm or cancel the restart timer. Afterwards the waiting
 * clients are re-checked and a pending delete is carried out.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "appenv.h"
#include "clock.h"
#include "daemon.h"
#include "env.h"
#include "log.h"
#include "probe.h"
#include "reslimits_app.h"
#include "spawn_app.h"
#include "stop.h"
#include "store.h"
#include "units.h"

void app_alert(struct app *a, const char *event, const char *detail)
{
	if (a->cfg.alert != NULL && a->d->alerts != NULL)
		alert_fire(a->d->alerts, a->cfg.name, a->cfg.alert, event, detail);
}

void app_record_event(struct app *a, const char *kind, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	log_info("%s: %s: %s", a->cfg.name, kind, detail);
	if (store_add_event(a->d->store, a->cfg.name, kind, detail) == -1)
		log_warnx("%s: cannot record event %s", a->cfg.name, kind);
}

void app_set_fail_msg(struct app *a, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);	/* first: an argument may be the old one */
	va_end(ap);
	free(a->fail_msg);
	a->fail_msg = n == -1 ? NULL : msg;	/* vasprintf leaves msg undefined */
}

const char *app_fail_text(const struct app *a)
{
	return a->fail_msg != NULL ? a->fail_msg : "the reason was lost (out of memory)";
}

static void restart_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	app_event(CONTAINER_OF(w, struct app, restart_timer), AE_TIMER);
}

static void cron_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct app *a = CONTAINER_OF(w, struct app, cron_timer);

	/* Refused unless online and wanted; an accepted restart never frees a. */
	(void)app_restart_for(a, AE_AUTO_RESTART, "cron", "restart at %s",
	    a->cfg.cron_restart);
	app_cron_arm(a);
}

void app_cron_arm(struct app *a)
{
	time_t now = time(NULL), next;

	ev_timer_stop(a->d->loop, &a->cron_timer);
	if (!a->cfg.cron.set || !a->lc.want_up)
		return;
	next = cron_next(&a->cfg.cron, now);
	if (next == (time_t)-1)
		return;
	/* cron_next is minute-aligned: a second late is never a minute early. */
	ev_timer_set(&a->cron_timer, (double)(next - now) + 0.5, 0.);
	ev_timer_start(a->d->loop, &a->cron_timer);
}

static bool id_used(struct daemon *d, int id, const struct app *self)
{
	struct app *a;

	TAILQ_FOREACH(a, &d->apps, entry)
		if (a != self && a->id == id)
			return true;
	return false;
}

/* The first id no app holds. */
static int free_id(struct daemon *d)
{
	int id = 0;

	while (id_used(d, id, NULL))
		id++;
	return id;
}

void app_keep_id(struct app *a, int id)
{
	if (id >= 0 && !id_used(a->d, id, a))
		a->id = id;
}

struct app *app_new(struct daemon *d, struct app_config *cfg, char **env)
{
	struct app *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->d = d;
	a->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	a->client_env = env;
	lc_policy_from_config(&a->pol, &a->cfg);
	a->lc.state = ST_STOPPED;
	a->gen.exec_fd = -1;
	a->gen.pidfd = -1;
	sample_app_init(&a->smp, 0);
	ev_timer_init(&a->restart_timer, restart_timer_cb, 0., 0.);
	ev_timer_init(&a->cron_timer, cron_timer_cb, 0., 0.);
	a->id = free_id(d);
	TAILQ_INSERT_TAIL(&d->apps, a, entry);
	return a;
}

void app_free(struct app *a)
{
	struct ev_loop *loop = a->d->loop;

	ev_timer_stop(loop, &a->restart_timer);
	ev_timer_stop(loop, &a->cron_timer);
	stop_cancel(a);
	probe_free(a);
	/* Stopped whatever their state: a pending event must not outlive us. */
	ev_io_stop(loop, &a->gen.exec_io);
	ev_io_stop(loop, &a->gen.pidfd_io);
	if (a->gen.exec_fd >= 0)
		close(a->gen.exec_fd);
	if (a->gen.pidfd >= 0)
		close(a->gen.pidfd);
	proc_set_free(&a->gen.known);
	gen_release(&a->gen);
	sample_app_free(&a->smp);
	TAILQ_REMOVE(&a->d->apps, a, entry);
	config_app_free(&a->cfg);
	appenv_unref(a->client_env);
	json_decref(a->last_exit);
	free(a->fail_msg);
	free(a->source);
	free(a);
}

void gen_release(struct generation *g)
{
	free(g->cgroup);
	g->cgroup = NULL;
	limits_gen_free(&g->lim);
}

struct app *app_find(struct daemon *d, const char *name)
{
	struct app *a;

	TAILQ_FOREACH(a, &d->apps, entry)
		if (strcmp(a->cfg.name, name) == 0)
			return a;
	return NULL;
}

static void do_spawn(struct app *a)
{
	char err[512];

	memset(&a->fig, 0, sizeof(a->fig));
	if (spawn_generation(a, err, sizeof(err)) == 0)
		return;
	a->fail_gen = ++a->gen_count;
	app_set_fail_msg(a, "%s", err);
	app_record_event(a, "failed", "%s", err);
	app_event(a, AE_FAILED);
}

static void apply(struct app *a, unsigned acts, int64_t delay)
{
	struct daemon *d = a->d;

	if (acts & A_DISARM)
		ev_timer_stop(d->loop, &a->restart_timer);
	if (acts & A_KILL)
		stop_generation(a, acts & A_KILL_NOW);
	if (acts & A_ARM) {
		if (a->restart_kind[0] != '\0')
			app_record_event(a, "waiting", "restart in %lld ms (%s, %d unstable "
			    "restart%s in a row)", (long long)delay, a->restart_kind,
			    a->lc.unstable_restarts, a->lc.unstable_restarts == 1 ? "" : "s");
		else
			app_record_event(a, "waiting", "restart in %lld ms", (long long)delay);
		ev_timer_stop(d->loop, &a->restart_timer);
		ev_timer_set(&a->restart_timer, (double)delay / 1000., 0.);
		ev_timer_start(d->loop, &a->restart_timer);
	}
	if (acts & A_ERRORED) {
		char why[96];

		snprintf(why, sizeof(why), "gave up after %d unstable restarts%s%s",
		    a->lc.unstable_restarts, a->restart_kind[0] ? ", the last for " : "",
		    a->restart_kind);
		app_record_event(a, "errored", "%s", why);
		app_alert(a, "errored", why);
	}
	if (acts & A_SPAWN)
		do_spawn(a);
}

static void persist(struct app *a, bool want_before, int restarts_before)
{
	if (a->d->shutting_down)
		return;	/* a kill stops everything but keeps what was wanted */
	if (a->lc.want_up == want_before && a->lc.restarts == restarts_before)
		return;
	if (store_set_want(a->d->store, a->cfg.name, a->lc.want_up, a->lc.restarts) == -1)
		log_warnx("%s: cannot store its state", a->cfg.name);
}

static void app_step(struct app *a, enum app_event ev, int64_t uptime)
{
	struct daemon *d = a->d;
	bool want = a->lc.want_up;
	int restarts = a->lc.restarts;
	enum app_state before = a->lc.state;
	int64_t delay;
	unsigned acts;

	/* A client's command or a crash: no automatic cause behind what follows. */
	if (ev == AE_START || ev == AE_RESTART || ev == AE_STOP ||
	    (ev == AE_EXIT && before != ST_STOPPING))
		a->restart_kind[0] = '\0';
	acts = lc_step(&a->lc, &a->pol, ev, uptime, &delay);
	persist(a, want, restarts);
	apply(a, acts, delay);
	probe_state(a, before);
	/* apply() may have recursed (a failed spawn); `a` is still ours here. */
	if (ev == AE_START || ev == AE_STOP || ev == AE_RESTART || ev == AE_ADOPTED)
		app_cron_arm(a);
	if (a->delete_pending && !a->live &&
	    (a->lc.state == ST_STOPPED || a->lc.state == ST_ERRORED)) {
		app_record_event(a, "deleted", "forgotten");
		if (!d->shutting_down && store_delete_app(d->store, a->cfg.name) == -1)
			log_warnx("%s: cannot delete it from the store", a->cfg.name);
		app_free(a);
	}
	daemon_mark(d);
}

int64_t app_uptime_ms(const struct app *a)
{
	return a->live ? csup_mono_ms() - a->gen.started_mono : 0;
}

void app_event(struct app *a, enum app_event ev)
{
	app_step(a, ev, app_uptime_ms(a));
}

bool app_restart_for(struct app *a, enum app_event ev, const char *kind,
    const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	if (!lc_accepts(&a->lc, ev))
		return false;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	app_record_event(a, kind, "%s", detail);
	snprintf(a->restart_kind, sizeof(a->restart_kind), "%s", kind);
	app_step(a, ev, app_uptime_ms(a));
	return true;
}

void app_adopted(struct app *a)
{
	app_step(a, AE_ADOPTED, 0);
}

void app_exec_result(struct app *a, int err)
{
	if (err == 0) {
		if (!probe_exec_ok(a))
			return;		/* launching until READY=1 (probe.c) */
		a->online_gen = a->gen.number;
		/*
		 * Seam (issue 5): with wait_ready, stay launching here and send
		 * AE_SPAWNED from ready.c's on_ready instead (listen_timeout ->
		 * app_event(a, AE_RESTART) counted unstable).
		 */
		app_event(a, AE_SPAWNED);
		return;
	}
	a->fail_gen = a->gen.number;
	app_set_fail_msg(a, "app '%s': cannot execute '%s': %s", a->cfg.name,
	    a->cfg.exec_argv[0], strerror(err));
	app_record_event(a, "failed", "%s", app_fail_text(a));
	app_event(a, AE_FAILED);
}

static json_t *exit_json(bool have_status, int status)
{
	if (!have_status)
		return NULL;
	if (WIFSIGNALED(status))
		return json_pack("{s:s}", "signal", units_signal_name(WTERMSIG(status)));
	return json_pack("{s:i}", "code", WEXITSTATUS(status));
}

void app_main_exited(struct app *a, bool have_status, int status)
{
	char what[64] = "unknown status (adopted)";

	if (a->gen.exec_fd >= 0) {
		/* The child is dead, so its exec pipe says all it will say. */
		spawn_exec_settle(a);
		if (!a->live)
			return;
	}
	a->gen.main_gone = true;
	json_decref(a->last_exit);
	a->last_exit = exit_json(have_status, status);
	if (have_status && WIFSIGNALED(status))
		snprintf(what, sizeof(what), "killed by %s", units_signal_name(WTERMSIG(status)));
	else if (have_status)
		snprintf(what, sizeof(what), "exit code %d", WEXITSTATUS(status));
	app_record_event(a, "exit", "pid %d: %s", (int)a->gen.pid, what);
	/* The kernel counts an OOM kill before it sends the SIGKILL. */
	if (have_status && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
	    a->lc.state != ST_STOPPING && limits_app_main_oom(a))
		a->oom_main = true;
	if (a->lc.state == ST_STOPPING) {
		stop_check(a);
		return;
	}
	/*
	 * It died on its own: whatever it left in its group goes too, so a
	 * restart never runs beside its predecessor's children.
	 * Seam (issue 4): kill_generation() of the kill engine replaces this.
	 */
	stop_after_crash(a);
}

void app_generation_gone(struct app *a)
{
	struct daemon *d = a->d;
	/* Seam: a readiness timeout or an OOM kill of the main is an unstable exit. */
	int64_t up = a->not_ready || a->oom_main ? 0 : app_uptime_ms(a);

	stop_cancel(a);
	probe_generation_gone(a);
	if (a->gen.pidfd >= 0) {
		ev_io_stop(d->loop, &a->gen.pidfd_io);
		close(a->gen.pidfd);
		a->gen.pidfd = -1;
	}
	limits_app_poll(a);
	if (a->gen.cgroup != NULL && cgroup_remove(a->gen.cgroup) == -1)
		log_warn("%s: rmdir %s", a->cfg.name, a->gen.cgroup);
	if (limits_gen_remove(&a->gen.lim) == -1)
		log_warn("%s: rmdir of a cgroup v1 group", a->cfg.name);
	proc_set_free(&a->gen.known);
	if (store_end_generation(d->store, a->cfg.name, a->gen.number, csup_now_ms(),
	    a->last_exit) == -1)
		log_warnx("%s: cannot store the end of generation %d", a->cfg.name,
		    a->gen.number);
	a->live = false;
	memset(&a->fig, 0, sizeof(a->fig));
	app_step(a, AE_EXIT, up);
}
