/*
 * probe.c: what tells the daemon an app must restart or is really up:
 * watch (watch.c), readiness (ready.c), health checks (health.c, run by
 * csup-health: healthlink.c). The glue between those modules and the app
 * lifecycle (app.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "health.h"
#include "healthlink.h"
#include "log.h"
#include "probe.h"
#include "ready.h"
#include "watch.h"

/*
 * A datagram counts when its sender is in the generation's session or
 * group, or below its main pid. Seam (issue 4): with cgroups, membership of
 * the generation's cgroup is the better test.
 *
 * A sender that exited before its datagram was read cannot be placed (its
 * /proc entry is gone) and is ignored, as systemd ignores it: a short-lived
 * sender must wait until the datagram was read (BARRIER=1, as
 * systemd-notify does). The first datagram ignored in a generation is an
 * event saying why, so that an app stuck in launching shows the reason.
 */
static bool ready_belongs(pid_t pid, void *arg)
{
	struct app *a = arg;
	struct proc_info st;
	pid_t sender = pid;
	int depth;
	bool gone = false;

	if (!a->live)
		return false;
	for (depth = 0; depth < 64 && pid > 1; depth++) {
		if (pid == a->gen.pid)
			return true;
		if (proc_read(pid, &st) == -1) {
			gone = true;
			break;
		}
		if (st.sid == a->gen.pid || st.pgid == a->gen.pgid)
			return true;
		pid = st.ppid;
	}
	if (a->ready != NULL && ready_rejected(a->ready) == 0)
		app_record_event(a, "ready", "a datagram on NOTIFY_SOCKET from pid %ld "
		    "ignored: %s", (long)sender, gone ? "the sender (or a parent) "
		    "exited before it could be checked; a sender must live until "
		    "its datagram is read (BARRIER=1, as systemd-notify sends)" :
		    "not a process of this generation");
	return false;
}

static void ready_on_ready(void *arg)
{
	struct app *a = arg;

	app_record_event(a, "ready", "READY=1");
	/* Before the exec pipe said so: probe_exec_ok() sees it. */
	if (a->lc.state == ST_LAUNCHING && a->gen.exec_fd < 0) {
		a->online_gen = a->gen.number;
		app_event(a, AE_SPAWNED);
	}
}

static void ready_on_timeout(void *arg)
{
	struct app *a = arg;

	if (!lc_accepts(&a->lc, AE_NOT_READY))
		return;
	/* Before the step: a waiting `start` reads them when the state moves. */
	a->not_ready = true;
	a->fail_gen = a->gen.number;
	app_set_fail_msg(a, "app '%s': no READY=1 within %lld ms", a->cfg.name,
	    (long long)a->cfg.listen_timeout_ms);
	(void)app_restart_for(a, AE_NOT_READY, "ready", "no READY=1 within %lld ms: "
	    "killed, unstable", (long long)a->cfg.listen_timeout_ms);
}

int probe_spawn(struct app *a, int gen, char *env, size_t envlen)
{
	char dir[PATH_MAX];
	struct ready_params rp = {
		.dir = dir, .name = a->cfg.name, .gen = (uint64_t)gen,
		.timeout_ms = a->cfg.listen_timeout_ms, .belongs = ready_belongs,
		.on_ready = ready_on_ready, .on_timeout = ready_on_timeout,
		.arg = a,
	};

	ready_free(a->ready);
	a->ready = NULL;
	a->not_ready = false;
	env[0] = '\0';
	if (!a->cfg.wait_ready)
		return 0;
	if (snprintf(dir, sizeof(dir), "%s/notify", a->d->paths.home) >= (int)sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((a->ready = ready_new(a->d->loop, &rp)) == NULL)
		return -1;
	snprintf(env, envlen, "NOTIFY_SOCKET=%s", ready_notify_socket(a->ready));
	return 0;
}

/* The program was executed: true when it is online now, false while it must still say READY=1. */
bool probe_exec_ok(struct app *a)
{
	if (a->ready == NULL || ready_is_ready(a->ready))
		return true;
	ready_arm(a->ready);
	return false;
}

static void watch_on_change(void *arg)
{
	struct app *a = arg;

	(void)app_restart_for(a, AE_AUTO_RESTART, "watch", "change seen: restart");
}

static void watch_on_warning(const char *msg, void *arg)
{
	struct app *a = arg;

	app_record_event(a, "watch", "%s", msg);
}

static void health_on_failure(const char *why, void *arg)
{
	struct app *a = arg;
	char detail[512];

	snprintf(detail, sizeof(detail), "%s after %d checks: restart", why,
	    a->cfg.health.retries);
	if (a->lc.state == ST_ONLINE &&
	    app_restart_for(a, AE_LIMIT_RESTART, "health", "%s", detail))
		app_alert(a, "health", detail);
}

static void watch_begin(struct app *a)
{
	char out[PATH_MAX], err[PATH_MAX], home[PATH_MAX + 8];
	const char *never[] = { out, err, a->cfg.log_file, NULL };
	const char **ignore;
	size_t n = 0;
	struct watch_params wp = {
		.roots = (const char *const *)a->cfg.watch_paths,
		.never = never, .delay_ms = a->cfg.watch_delay_ms,
		.on_change = watch_on_change, .on_warning = watch_on_warning, .arg = a,
	};

	if (a->watch != NULL) {
		watch_resume(a->watch);
		return;
	}
	paths_app_logs(&a->d->paths, &a->cfg, out, err, sizeof(out));
	/* The daemon's own files, should CSUP_HOME lie under a watched folder. */
	snprintf(home, sizeof(home), "%s/**", a->d->paths.home);
	while (a->cfg.ignore_watch != NULL && a->cfg.ignore_watch[n] != NULL)
		n++;
	if ((ignore = calloc(n + 2, sizeof(*ignore))) == NULL)
		return;
	if (n > 0)
		memcpy(ignore, a->cfg.ignore_watch, n * sizeof(*ignore));
	ignore[n] = home;
	wp.ignore = ignore;
	if ((a->watch = watch_new(a->d->loop, &wp)) == NULL)
		log_warn("%s: cannot watch", a->cfg.name);
	free(ignore);
}

static void health_begin(struct app *a)
{
	struct health_params hp = {
		.url = a->cfg.health.url, .tcp = a->cfg.health.tcp,
		.interval_ms = a->cfg.health.interval_ms, .timeout_ms = a->cfg.health.timeout_ms,
		.retries = a->cfg.health.retries, .on_failure = health_on_failure, .arg = a,
	};

	if (a->health == NULL) {
		if ((hp.hub = healthlink_hub(a->d)) == NULL ||
		    (a->health = health_new(a->d->loop, &hp)) == NULL) {
			log_warn("%s: cannot check health", a->cfg.name);
			return;
		}
	}
	health_start(a->health);
}

/* After every step of the lifecycle. */
void probe_state(struct app *a, enum app_state before)
{
	enum app_state now = a->lc.state;

	if (now == before)
		return;
	if (now == ST_ONLINE) {
		if (a->cfg.watch)
			watch_begin(a);
		if (a->cfg.health.set)
			health_begin(a);
		return;
	}
	if (before == ST_ONLINE && a->health != NULL)
		health_stop(a->health);
	if (a->watch != NULL) {
		if (a->lc.want_up)
			watch_suspend(a->watch);	/* a restart absorbs changes */
		else {
			watch_free(a->watch);
			a->watch = NULL;
		}
	}
}

void probe_generation_gone(struct app *a)
{
	ready_free(a->ready);
	a->ready = NULL;
}

void probe_free(struct app *a)
{
	watch_free(a->watch);
	ready_free(a->ready);
	health_free(a->health);
	a->watch = NULL;
	a->ready = NULL;
	a->health = NULL;
}

void probe_json(struct app *a, json_t *o)
{
	const struct health_result *h;

	if (a->watch != NULL)
		json_object_set_new(o, "watch_status", watch_status(a->watch) ?
		    json_string(watch_status(a->watch)) : json_null());
	if (a->cfg.wait_ready)
		json_object_set_new(o, "readiness", json_pack("{s:b,s:s?}",
		    "ready", a->ready != NULL && ready_is_ready(a->ready),
		    "status", a->ready ? ready_status(a->ready) : NULL));
	if (a->health != NULL && (h = health_last(a->health))->known)
		json_object_set_new(o, "health", json_pack("{s:b,s:s,s:I,s:i}",
		    "ok", h->ok, "result", h->text, "latency_ms", (json_int_t)h->latency_ms,
		    "failures", h->failures));
}
