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
 *   - a bad FILE is one line and exit 2 before anything starts.
 * Whether an app ended on its own or because someone stopped it is seen
 * once a loop turn (ev_prepare): a requested stop always passes through
 * `stopping`, which lasts at least until the next turn (the kill engine
 * waits for the kernel); an app that ended on its own never does.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "config_node.h"
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
	const char	*file;
	char		*source;	/* realpath of FILE, as `start` stores it */
	const char	*only;
	const char	*env_name;
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

static int usage(const char *msg)
{
	fprintf(stderr, "csup run: %s (usage: csup run FILE [--only A,B] [--env NAME]"
	    " [--json])\n", msg);
	return CSUP_EXIT_USAGE;
}

/* An unknown option, with the nearest of run's own when one is close. */
static int unknown_option(const char *arg)
{
	static const char *const opts[] = { "json", "only", "env", "help" };
	char name[64];
	const char *best = NULL, *p = arg, *eq;
	int bd = 3, d;

	while (*p == '-')
		p++;
	eq = strchr(p, '=');
	snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - p : 60), p);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		d = edit_distance(name, opts[i]);
		if (d < bd) {
			bd = d;
			best = opts[i];
		}
	}
	if (best && name[0])
		fprintf(stderr, "csup run: unknown option '%s', did you mean '--%s'? "
		    "(try 'csup run --help')\n", arg, best);
	else
		fprintf(stderr, "csup run: unknown option '%s' (try 'csup run --help')\n", arg);
	return CSUP_EXIT_USAGE;
}

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

static bool only_has(const char *only, const struct app_config *c)
{
	char buf[1024], *tok, *save = NULL;

	if (only == NULL)
		return true;
	snprintf(buf, sizeof(buf), "%s", only);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, c->name) == 0 || (c->group && strcmp(tok, c->group) == 0))
			return true;
	return false;
}

/* Keeps the apps --only names; -1 when none is left. */
static int filter_only(struct run *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->list.n; i++) {
		if (only_has(r->only, &r->list.apps[i]))
			r->list.apps[k++] = r->list.apps[i];
		else
			config_app_free(&r->list.apps[i]);
	}
	r->list.n = k;
	return k > 0 ? 0 : -1;
}

/* FILE's apps, or exit code 2 after FILE:LINE:COLUMN: message. */
static int load(struct run *r)
{
	struct config_options copt = { .env_name = r->env_name };
	struct config_error err;

	memset(&err, 0, sizeof(err));
	if (config_load(r->file, &copt, &r->list, &err) == -1) {
		fprintf(stderr, "%s:%d:%d: %s\n", r->file, err.line, err.column, err.msg);
		return CSUP_EXIT_USAGE;
	}
	for (size_t i = 0; i < r->list.nwarnings; i++)
		fprintf(stderr, "%s:%d:%d: warning: %s\n", r->file, r->list.warnings[i].line,
		    r->list.warnings[i].column, r->list.warnings[i].msg);
	if (filter_only(r) == -1) {
		fprintf(stderr, "csup run: no app of %s matches --only %s\n", r->file,
		    r->only ? r->only : "");
		return CSUP_EXIT_USAGE;
	}
	return 0;
}

static int parse_args(struct run *r, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		bool more = i + 1 < argc;

		if (strcmp(a, "--json") == 0)
			r->json = true;
		else if (strncmp(a, "--only=", 7) == 0 && eq[1])
			r->only = eq + 1;
		else if (strcmp(a, "--only") == 0 && more)
			r->only = argv[++i];
		else if (strncmp(a, "--env=", 6) == 0 && eq[1])
			r->env_name = eq + 1;
		else if (strcmp(a, "--env") == 0 && more)
			r->env_name = argv[++i];
		else if (strcmp(a, "--only") == 0 || strcmp(a, "--env") == 0)
			return usage("an option lacks its value");
		else if (a[0] == '-' && a[1])
			return unknown_option(a);
		else if (r->file == NULL)
			r->file = a;
		else
			return usage("one FILE only");
	}
	return r->file ? 0 : usage("FILE is missing");
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

int run_main(int argc, char **argv)
{
	struct run r = { .exit_code = CSUP_EXIT_OK };
	int rc;

	if (wants_help(argc, argv)) {
		printf("usage: csup run FILE [--only A,B] [--env NAME] [--json]\n"
		    "  the daemon in the foreground with the apps of FILE (containers):\n"
		    "  each app's lines on stdout/stderr as 'NAME | TEXT' (--json: JSON lines);\n"
		    "  SIGTERM/SIGINT stop every app, a second one kills what is left;\n"
		    "  exits when every app has ended: 0, or 1 when one failed\n");
		return CSUP_EXIT_OK;
	}
	if ((rc = parse_args(&r, argc, argv)) != 0 || (rc = load(&r)) != 0) {
		config_app_list_free(&r.list);
		return rc;
	}
	r.source = realpath(r.file, NULL);
	if ((r.env = csup_env_dup(environ)) == NULL || (r.seen = json_object()) == NULL) {
		fprintf(stderr, "csup run: out of memory\n");
		rc = CSUP_EXIT_FAIL;
	} else
		rc = daemon_serve(true, &r);
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
		    a->fail_msg : "it gave up after its unstable restarts");
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
	for (size_t i = 0; i < r->list.n; i++) {
		if (config_app_copy(&r->list.apps[i], &cfg) == -1 ||
		    (env = csup_env_dup(r->env)) == NULL) {
			config_app_free(&cfg);
			say(r, "app '%s': out of memory", r->list.apps[i].name);
			continue;
		}
		cmd_start_app(d, NULL, &cfg, env, r->source);
	}
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
