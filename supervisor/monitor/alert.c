/* alert.c: run `alert` commands off the loop, rate-limited, with a deadline. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alert.h"
#include "log.h"

extern char **environ;

struct alert_last {			/* when (app, event) last ran */
	struct alert_last	*next;
	char			*app, *event;
	ev_tstamp		 at;
};

struct alert_run {			/* one command under way */
	ev_child		 child;
	ev_timer		 deadline;
	struct alert_run	*next;
	struct alert_ctx	*ctx;
	pid_t			 pid;
	int			 timed_out;
	char			*app, *event;
};

struct alert_ctx {
	struct ev_loop		*loop;
	struct alert_options	 opt;
	struct alert_last	*last;
	struct alert_run	*runs;
	int			 nruns;
};

struct alert_ctx *alert_new(struct ev_loop *loop, const struct alert_options *opt)
{
	struct alert_ctx *ctx;

	if (!ev_is_default_loop(loop)) {
		errno = EINVAL;
		return NULL;
	}
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->loop = loop;
	if (opt != NULL)
		ctx->opt = *opt;
	else
		ctx->opt.out_fd = -1;
	if (ctx->opt.rate_ms <= 0)
		ctx->opt.rate_ms = ALERT_RATE_MS;
	if (ctx->opt.timeout_ms <= 0)
		ctx->opt.timeout_ms = ALERT_TIMEOUT_MS;
	return ctx;
}

static void run_free(struct alert_run *r)
{
	free(r->app);
	free(r->event);
	free(r);
}

static void run_unlink(struct alert_ctx *ctx, struct alert_run *r)
{
	struct alert_run **pp;

	for (pp = &ctx->runs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			ctx->nruns--;
			return;
		}
	}
}

void alert_free(struct alert_ctx *ctx)
{
	struct alert_last *l, *ln;
	struct alert_run *r, *rn;

	if (ctx == NULL)
		return;
	for (r = ctx->runs; r != NULL; r = rn) {
		rn = r->next;
		ev_child_stop(ctx->loop, &r->child);
		ev_timer_stop(ctx->loop, &r->deadline);
		if (kill(-r->pid, SIGKILL) == -1 && errno != ESRCH)
			log_warn("alert for %s (%s): kill", r->app, r->event);
		run_free(r);
	}
	for (l = ctx->last; l != NULL; l = ln) {
		ln = l->next;
		free(l->app);
		free(l->event);
		free(l);
	}
	free(ctx);
}

int alert_running(const struct alert_ctx *ctx)
{
	return ctx->nruns;
}

static void log_failure(const struct alert_run *r, int st)
{
	if (r->timed_out)
		log_warnx("alert for %s (%s): killed after %lld ms", r->app,
		    r->event, (long long)r->ctx->opt.timeout_ms);
	else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		log_warnx("alert for %s (%s): exit %d%s", r->app, r->event,
		    WEXITSTATUS(st), WEXITSTATUS(st) == 127 ? " (command not found)" : "");
	else if (WIFSIGNALED(st))
		log_warnx("alert for %s (%s): killed by signal %d", r->app,
		    r->event, WTERMSIG(st));
}

static void on_exit_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct alert_run *r = (struct alert_run *)w;	/* child is the first member */
	struct alert_ctx *ctx = r->ctx;

	ev_child_stop(loop, w);
	ev_timer_stop(loop, &r->deadline);
	/* Leftovers of the command (background jobs) end with it. */
	if (kill(-r->pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("alert for %s (%s): kill", r->app, r->event);
	log_failure(r, w->rstatus);
	run_unlink(ctx, r);
	if (ctx->opt.done != NULL)
		ctx->opt.done(ctx->opt.arg, r->app, r->event, w->rstatus);
	run_free(r);
}

static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct alert_run *r = (struct alert_run *)((char *)w -
	    offsetof(struct alert_run, deadline));

	r->timed_out = 1;
	if (kill(-r->pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("alert for %s (%s): kill", r->app, r->event);
}

/* Whether (app, event) may run now; records the run when it may. */
static int rate_allows(struct alert_ctx *ctx, const char *app, const char *event)
{
	struct alert_last *l;
	ev_tstamp now = ev_now(ctx->loop), rate = (ev_tstamp)ctx->opt.rate_ms / 1000.0;

	for (l = ctx->last; l != NULL; l = l->next) {
		if (strcmp(l->app, app) != 0 || strcmp(l->event, event) != 0)
			continue;
		if (now - l->at < rate)
			return 0;
		l->at = now;
		return 1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -1;
	if ((l->app = strdup(app)) == NULL || (l->event = strdup(event)) == NULL) {
		free(l->app);
		free(l);
		return -1;
	}
	l->at = now;
	l->next = ctx->last;
	ctx->last = l;
	return 1;
}

static int env_skip(const char *e)
{
	static const char *const drop[] = {
		"CSUP_EVENT=", "CSUP_APP_NAME=", "CSUP_DETAIL=", "CSUP_APP=",
	};
	size_t i;

	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (strncmp(e, drop[i], strlen(drop[i])) == 0)
			return 1;
	return 0;
}

/* The daemon's environment without the tag, then vars[0..2]. */
static char **build_env(char *const vars[3])
{
	char **env;
	size_t n = 0, i, k = 0;

	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + 4, sizeof(*env))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (!env_skip(environ[i]))
			env[k++] = environ[i];
	for (i = 0; i < 3; i++)
		env[k++] = vars[i];
	return env;
}

static int spawn_setup(posix_spawnattr_t *attr, posix_spawn_file_actions_t *fa, int out_fd)
{
	sigset_t none, all;
	int e;

	sigemptyset(&none);
	sigfillset(&all);
	if ((e = posix_spawnattr_init(attr)) != 0)
		return e;
	if ((e = posix_spawn_file_actions_init(fa)) != 0) {
		posix_spawnattr_destroy(attr);
		return e;
	}
	/* Own session (so its own group: the deadline kills all of it), the
	 * loop's signal dispositions and mask not inherited. */
	if ((e = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSID |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) == 0 &&
	    (e = posix_spawnattr_setsigmask(attr, &none)) == 0 &&
	    (e = posix_spawnattr_setsigdefault(attr, &all)) == 0 &&
	    (e = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0)) == 0) {
		if (out_fd >= 0) {
			if ((e = posix_spawn_file_actions_adddup2(fa, out_fd, 1)) == 0)
				e = posix_spawn_file_actions_adddup2(fa, out_fd, 2);
		} else if ((e = posix_spawn_file_actions_addopen(fa, 1, "/dev/null",
		    O_WRONLY, 0)) == 0) {
			e = posix_spawn_file_actions_adddup2(fa, 1, 2);
		}
	}
	if (e != 0) {
		posix_spawn_file_actions_destroy(fa);
		posix_spawnattr_destroy(attr);
	}
	return e;
}

static pid_t spawn_shell(const char *command, int out_fd, char *const vars[3])
{
	char *argv[] = { "sh", "-c", (char *)command, NULL };
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	char **env;
	pid_t pid = -1;
	int e;

	if ((env = build_env(vars)) == NULL)
		return -1;
	if ((e = spawn_setup(&attr, &fa, out_fd)) == 0) {
		e = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, env);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
	}
	free(env);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return pid;
}

static char *env_var(const char *key, const char *value)
{
	size_t len = strlen(key) + strlen(value) + 2;
	char *s;

	if ((s = malloc(len)) != NULL)
		snprintf(s, len, "%s=%s", key, value);
	return s;
}

static struct alert_run *run_new(struct alert_ctx *ctx, const char *app, const char *event)
{
	struct alert_run *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->ctx = ctx;
	if ((r->app = strdup(app)) == NULL || (r->event = strdup(event)) == NULL) {
		run_free(r);
		return NULL;
	}
	return r;
}

int alert_fire(struct alert_ctx *ctx, const char *app, const char *command,
    const char *event, const char *detail)
{
	struct alert_run *r = NULL;
	char *vars[3] = { NULL, NULL, NULL };
	int ok, rc = -1;

	if ((ok = rate_allows(ctx, app, event)) != 1) {
		if (ok == -1)
			log_warn("alert for %s (%s)", app, event);
		return ok == 0 ? ALERT_LIMITED : -1;
	}
	if ((r = run_new(ctx, app, event)) == NULL ||
	    (vars[0] = env_var("CSUP_EVENT", event)) == NULL ||
	    (vars[1] = env_var("CSUP_APP_NAME", app)) == NULL ||
	    (vars[2] = env_var("CSUP_DETAIL", detail ? detail : "")) == NULL) {
		log_warn("alert for %s (%s)", app, event);
		goto out;
	}
	if ((r->pid = spawn_shell(command, ctx->opt.out_fd, vars)) == -1) {
		log_warn("alert for %s (%s): /bin/sh", app, event);
		goto out;
	}
	/* Before the loop runs again, so its SIGCHLD handling finds the watcher. */
	ev_child_init(&r->child, on_exit_cb, r->pid, 0);
	ev_child_start(ctx->loop, &r->child);
	ev_timer_init(&r->deadline, on_deadline, (ev_tstamp)ctx->opt.timeout_ms / 1000.0, 0.);
	ev_timer_start(ctx->loop, &r->deadline);
	r->next = ctx->runs;
	ctx->runs = r;
	ctx->nruns++;
	r = NULL;
	rc = ALERT_STARTED;
out:
	free(vars[0]);
	free(vars[1]);
	free(vars[2]);
	if (r != NULL)
		run_free(r);
	return rc;
}
