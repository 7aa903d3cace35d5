/*
 * run.c: `csup run FILE [--only A,B] [--env NAME] [--json]`, PM2's
 * pm2-runtime: the daemon in the foreground with the apps of FILE, for
 * containers and schedulers. It is the ordinary daemon (control socket,
 * HTTP, the guarantee, subreaper, so as PID 1 it reaps every zombie through
 * its one ev_child) plus four things kept here:
 *   - the apps' lines on csup's stdout/stderr: each logger writes them
 *     there itself (applog_mirror.h), so they never pass through the loop;
 *   - SIGTERM/SIGINT stop every app (daemon.c), a second one SIGKILLs
 *     whatever is left at once;
 *   - once every app has ended for good, the daemon shuts down: exit 0,
 *     or 1 when an app errored or ended on its own with a failure;
 *   - the apps come read and resolved from the client (cli/cli_run.c: a
 *     bad FILE is one line and exit 2 there, before anything starts), as
 *     JSON on an fd it leaves open: csupd reads no ecosystem file.
 * Whether an app ended on its own or because someone stopped it is seen
 * once a loop turn (ev_prepare): a requested stop always passes through
 * `stopping`, which lasts at least until the next turn (the kill engine
 * waits for the kernel); an app that ended on its own never does.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "appenv.h"
#include "cmd.h"
#include "config.h"
#include "daemon.h"
#include "env.h"
#include "guard.h"
#include "log.h"
#include "run.h"
#include "serve.h"

#define RUN_FORCE_GRACE_S	3.0	/* after the second signal's SIGKILL */
#define RUN_SWEEP_WAIT_MS	1000

extern char **environ;

struct run {
	char		*source;	/* realpath of FILE, as `start` stores it */
	bool		 json;
	struct app_list	 list;		/* the apps of FILE to start */
	char	       **env;		/* the environment csup run was given */
	struct daemon	*d;
	ev_signal	 sigterm, sigint;
	ev_prepare	 settle;
	ev_timer	 force_timer;
	int		 signals;
	bool		 ending;	/* every app ended: the daemon is shutting down */
	int		 exit_code;
	json_t		*seen;		/* NAME: {"requested": bool, "reported": bool} */
};

/* csup's own lines, beside the apps' ones: plain, or one JSON object. */
static void __attribute__((format(printf, 2, 3)))
say(const struct run *r, const char *fmt, ...)
{
	char msg[1024], stamp[40];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_info("%s", msg);
	if (!r->json) {
		fprintf(stderr, "csup: %s\n", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + strlen(stamp), sizeof(stamp) - strlen(stamp), ".%03ldZ",
	    ts.tv_nsec / 1000000);
	o = json_pack("{s:s,s:s,s:s,s:s}", "time", stamp, "app", "csup", "stream", "err",
	    "message", msg);
	if (o != NULL)
		json_dumpf(o, stderr, JSON_COMPACT);
	fputc('\n', stderr);
	json_decref(o);
}

/*
 * `csupd run --apps-fd=N`: the fd csup run (cli/cli_run.c) left open, a
 * memfd holding {"apps": [...], "source": PATH, "json": BOOL}. 0, or an
 * exit code after one line on stderr.
 */
static int apps_fd_arg(int argc, char **argv, int *fd)
{
	const char *v = argc == 2 && strncmp(argv[1], "--apps-fd=", 10) == 0 ?
	    argv[1] + 10 : NULL;
	char *end;
	long n;

	if (v == NULL || *v < '0' || *v > '9')
		goto usage;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 3 || n > INT_MAX)
		goto usage;
	if (fcntl((int)n, F_GETFD) == -1) {
		fprintf(stderr, "csupd run: fd %ld from csup run: %s\n", n, strerror(errno));
		return CSUP_EXIT_FAIL;
	}
	*fd = (int)n;
	return 0;
usage:
	fprintf(stderr, "csupd run: takes the apps from csup run (usage: csup run FILE"
	    " [--only A,B] [--env NAME] [--json])\n");
	return CSUP_EXIT_USAGE;
}

/* The apps csup run read from FILE, as `start` carries them. */
static int load(struct run *r, int fd)
{
	json_error_t jerr;
	json_t *doc, *apps, *j;
	char err[256];
	size_t i;
	int rc = CSUP_EXIT_FAIL;

	doc = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
	if (close(fd) == -1 && errno != EINTR)
		log_warn("csupd run: close %d", fd);
	apps = json_object_get(doc, "apps");
	if (!json_is_array(apps) || json_array_size(apps) == 0) {
		fprintf(stderr, "csupd run: no apps from csup run%s%s\n", doc ? "" : ": ",
		    doc ? "" : jerr.text);
		goto out;
	}
	r->json = json_is_true(json_object_get(doc, "json"));
	if (json_is_string(json_object_get(doc, "source")) &&
	    (r->source = strdup(json_string_value(json_object_get(doc, "source")))) == NULL)
		goto oom;
	if ((r->list.apps = calloc(json_array_size(apps), sizeof(*r->list.apps))) == NULL)
		goto oom;
	json_array_foreach(apps, i, j) {
		if (config_app_from_json(j, &r->list.apps[i], err, sizeof(err)) == -1) {
			fprintf(stderr, "csupd run: app %zu from csup run: %s\n", i, err);
			goto out;
		}
		r->list.n++;
		if (!config_name_valid(r->list.apps[i].name)) {
			fprintf(stderr, "csupd run: invalid app name from csup run\n");
			goto out;
		}
	}
	rc = 0;
	goto out;
oom:
	fprintf(stderr, "csupd run: out of memory\n");
out:
	json_decref(doc);
	return rc;
}

int run_main(int argc, char **argv)
{
	struct run r = { .exit_code = CSUP_EXIT_OK };
	int rc, fd;

	if ((rc = apps_fd_arg(argc, argv, &fd)) != 0)
		return rc;
	rc = load(&r, fd);
	if (rc != 0)
		goto out;
	if ((r.env = csup_env_dup(environ)) == NULL || (r.seen = json_object()) == NULL) {
		fprintf(stderr, "csup run: out of memory\n");
		rc = CSUP_EXIT_FAIL;
	} else
		rc = daemon_serve(true, &r);
out:
	config_app_list_free(&r.list);
	csup_env_free(r.env);
	json_decref(r.seen);
	free(r.source);
	return rc;
}

int run_refuse_busy(const struct paths *p)
{
	fprintf(stderr, "csup run: a daemon already serves %s (stop it with 'csup kill',"
	    " or give this run its own CSUP_HOME)\n", p->home);
	return CSUP_EXIT_FAIL;
}

const char *run_mirror_format(const struct run *r)
{
	if (r == NULL)
		return "";
	return r->json ? "json" : "text";
}

int run_exit_code(const struct run *r)
{
	return r->exit_code;
}

/* ---- ending ------------------------------------------------------------ */

static bool exit_failed(const json_t *last_exit)
{
	const json_t *code = json_object_get(last_exit, "code");

	if (json_object_get(last_exit, "signal") != NULL)
		return true;
	return code != NULL && json_integer_value(code) != 0;
}

static json_t *seen_of(struct run *r, const char *name)
{
	json_t *s = json_object_get(r->seen, name);

	if (s == NULL) {
		s = json_pack("{s:b,s:b}", "requested", 0, "reported", 0);
		if (s == NULL || json_object_set_new(r->seen, name, s) == -1)
			return NULL;
	}
	return s;
}

/* Says once why an app that ended for good counts as a failure. */
static bool ended_badly(struct run *r, struct app *a, json_t *s)
{
	bool failed = a->lc.state == ST_ERRORED ||
	    (!json_is_true(json_object_get(s, "requested")) && exit_failed(a->last_exit));
	const json_t *code = json_object_get(a->last_exit, "code");

	if (!failed || json_is_true(json_object_get(s, "reported")))
		return failed;
	json_object_set_new(s, "reported", json_true());
	if (a->lc.state == ST_ERRORED)
		say(r, "app '%s' errored: %s", a->cfg.name, a->fail_gen > a->online_gen ?
		    app_fail_text(a) : "it gave up after its unstable restarts");
	else if (code != NULL)
		say(r, "app '%s' ended with exit code %d", a->cfg.name,
		    (int)json_integer_value(code));
	else
		say(r, "app '%s' ended, killed by %s", a->cfg.name,
		    json_string_value(json_object_get(a->last_exit, "signal")));
	return failed;
}

/* Once a loop turn: who was stopped on request, and has everything ended? */
static void settle_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct run *r = CONTAINER_OF(w, struct run, settle);
	struct daemon *d = r->d;
	bool all_ended = true, failed = false;
	struct app *a;
	json_t *s;

	if (d->shutting_down || r->ending)
		return;
	TAILQ_FOREACH(a, &d->apps, entry) {
		if ((s = seen_of(r, a->cfg.name)) == NULL)
			continue;
		if (a->lc.state == ST_STOPPING && !a->lc.want_up)
			json_object_set_new(s, "requested", json_true());
		else if (a->lc.state == ST_LAUNCHING || a->lc.state == ST_ONLINE) {
			json_object_set_new(s, "requested", json_false());
			json_object_set_new(s, "reported", json_false());
		}
		if (a->live || (a->lc.state != ST_STOPPED && a->lc.state != ST_ERRORED))
			all_ended = false;
		else if (ended_badly(r, a, s))
			failed = true;
	}
	if (!all_ended)
		return;
	r->ending = true;
	r->exit_code = failed ? CSUP_EXIT_FAIL : CSUP_EXIT_OK;
	say(r, "every app has ended: exit %d", r->exit_code);
	daemon_shutdown(d);
}

/* ---- signals ----------------------------------------------------------- */

static void force_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	log_warnx("the shutdown did not finish after the second signal: exiting");
	ev_break(loop, EVBREAK_ALL);
}

/* The second SIGTERM/SIGINT: no more waiting for kill_timeout. */
static void force(struct run *r)
{
	struct kill_result res;
	struct kill_target t;
	struct app *a;

	say(r, "second signal: SIGKILL to every app");
	r->exit_code = CSUP_EXIT_FAIL;
	TAILQ_FOREACH(a, &r->d->apps, entry) {
		if (!a->live)
			continue;
		guard_target(a, &t);
		if (kill_sweep(&t, RUN_SWEEP_WAIT_MS, &res) == -1)
			log_warn("%s: SIGKILL sweep", a->cfg.name);
	}
	/* The loop reaps them and finishes the shutdown; this bounds it. */
	ev_timer_init(&r->force_timer, force_timer_cb, RUN_FORCE_GRACE_S, 0.);
	ev_timer_start(r->d->loop, &r->force_timer);
}

/* Beside daemon.c's own watcher, which begins the shutdown at the first one. */
static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct run *r = w->signum == SIGTERM ? CONTAINER_OF(w, struct run, sigterm) :
	    CONTAINER_OF(w, struct run, sigint);

	if (++r->signals == 1)
		say(r, "signal %s: stopping every app", w->signum == SIGTERM ? "SIGTERM" :
		    "SIGINT");
	else if (r->signals == 2)
		force(r);
}

/* ---- the daemon's hooks ------------------------------------------------- */

void run_start(struct daemon *d)
{
	struct run *r = d->run;
	struct app_config cfg;
	char **env;

	r->d = d;
	ev_signal_init(&r->sigterm, signal_cb, SIGTERM);
	ev_signal_init(&r->sigint, signal_cb, SIGINT);
	ev_signal_start(d->loop, &r->sigterm);
	ev_signal_start(d->loop, &r->sigint);
	ev_init(&r->force_timer, force_timer_cb);
	/* One block every app shares (appenv.h). */
	env = appenv_from_strv(r->env);
	for (size_t i = 0; i < r->list.n; i++) {
		if (env == NULL || config_app_copy(&r->list.apps[i], &cfg) == -1) {
			if (env != NULL)
				config_app_free(&cfg);
			say(r, "app '%s': out of memory", r->list.apps[i].name);
			continue;
		}
		cmd_start_app(d, NULL, &cfg, appenv_ref(env), r->source);
	}
	appenv_unref(env);
	ev_prepare_init(&r->settle, settle_cb);
	ev_prepare_start(d->loop, &r->settle);
}

void run_stop(struct daemon *d)
{
	struct run *r = d->run;

	ev_prepare_stop(d->loop, &r->settle);
	ev_signal_stop(d->loop, &r->sigterm);
	ev_signal_stop(d->loop, &r->sigint);
	ev_timer_stop(d->loop, &r->force_timer);
}
