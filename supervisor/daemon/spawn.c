/*
 * spawn.c: one generation of an app = a logger process and the app's main
 * process, each in its own session. Everything that can fail is checked
 * before fork(); what can only fail in the child (chdir, execve) comes
 * back through a close-on-exec pipe: EOF means the program was executed.
 * The daemon keeps no end of the log pipes: the logger holds the read
 * ends, the app the write ends, so logs flow while the daemon is away.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applog.h"
#include "childsig.h"
#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "loggers.h"
#include "probe.h"
#include "reslimits_app.h"
#include "resolve.h"
#include "spawn_app.h"
#include "store.h"

struct child_err {
	int	stage;		/* 0 chdir, 1 execve, 2 limits */
	int	err;
};

/*
 * An app's envp: the client's environment, then the app's env, then the
 * tags, a later KEY= in place of an earlier one. The strings are borrowed
 * (the app's, valid across the fork), not copied: a spawn used to strdup
 * and free every one of them, ~50 small chunks an app left scattered over
 * the heap. Only the tags are formatted, into tags[].
 */
struct app_envp {
	char	**v;
	size_t	  n;
	char	 *tags[3];	/* owned: the instance variable, CSUP_APP, CSUP_HOME */
};

static size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* v has room: build_env() sized it for every string it may put. */
static void envp_put(struct app_envp *e, char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);

	for (size_t i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], kv, klen) == 0 && e->v[i][klen] == '=') {
			e->v[i] = kv;
			return;
		}
	}
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
}

static void envp_free(struct app_envp *e)
{
	free(e->v);
	for (size_t i = 0; i < sizeof(e->tags) / sizeof(e->tags[0]); i++)
		free(e->tags[i]);
	memset(e, 0, sizeof(*e));
}

/* A formatted tag into e->tags[i] and the envp; -1 when out of memory. */
__attribute__((format(printf, 3, 4)))
static int envp_tag(struct app_envp *e, size_t i, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&e->tags[i], fmt, ap);
	va_end(ap);
	if (n == -1) {
		e->tags[i] = NULL;
		return -1;
	}
	envp_put(e, e->tags[i]);
	return 0;
}

/* notify: "NOTIFY_SOCKET=..." or "", kept by the caller until the fork. */
static int build_env(struct app *a, int gen, char *notify, struct app_envp *e)
{
	size_t cap = strv_len(a->client_env) + strv_len(a->cfg.env) + 4 + 1;

	memset(e, 0, sizeof(*e));
	if ((e->v = calloc(cap, sizeof(*e->v))) == NULL)
		return -1;
	for (char **p = a->client_env; p && *p; p++)
		envp_put(e, *p);
	for (char **p = a->cfg.env; p && *p; p++)
		envp_put(e, *p);
	if ((a->cfg.instance_var &&	/* "0" for a single one too */
	    envp_tag(e, 0, "%s=%d", a->cfg.instance_var, a->cfg.instance) == -1) ||
	    envp_tag(e, 1, "CSUP_APP=%s:%s:%d", a->d->paths.id, a->cfg.name, gen) == -1 ||
	    envp_tag(e, 2, "CSUP_HOME=%s", a->d->paths.home) == -1) {
		envp_free(e);
		return -1;
	}
	if (notify[0] != '\0')
		envp_put(e, notify);
	return 0;
}

__attribute__((noreturn))
static void child_fail(int fd, int stage, int err)
{
	struct child_err ce = { stage, err };

	while (write(fd, &ce, sizeof(ce)) == -1 && errno == EINTR)
		;
	_exit(err == ENOENT ? 127 : 126);
}

/*
 * In the child: never returns. Never inlined (nor exec_logger): their
 * locals would sit in spawn_generation()'s frame, and every call made
 * from there would run that much deeper in the daemon's stack.
 */
__attribute__((noinline, noreturn))
static void exec_app(struct app *a, const char *path, char **env, int out, int err,
    int status, int cgfd, const struct limits_gen *lim)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* Into the generation's cgroups before anything else can fork. */
	if (cgfd != -1 && cgroup_enter(cgfd) == -1)
		child_fail(status, 1, errno);
	if (limits_child(lim, &a->cfg) == -1)
		child_fail(status, 2, errno);
	if (setsid() == -1)
		child_fail(status, 1, errno);
	if (null == -1 || dup2(null, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		child_fail(status, 1, errno);
	child_reset_signals();
	/* Nothing of the daemon's survives exec: status is close-on-exec too. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == -1)
		child_fail(status, 1, errno);
	if (chdir(a->cfg.cwd) == -1)
		child_fail(status, 0, errno);
	execve(path, a->cfg.exec_argv, env);
	child_fail(status, 1, errno);
}

/* csup-logger, from the directory of the daemon's own executable. */
static int logger_path(const struct app *a, char *buf, size_t len, char *err, size_t errlen)
{
	const char *slash = strrchr(a->d->exe, '/');

	if (slash == NULL || snprintf(buf, len, "%.*s/%s", (int)(slash - a->d->exe),
	    a->d->exe, APPLOG_PROGRAM) >= (int)len) {
		snprintf(err, errlen, "app '%s': cannot spawn: no directory for %s in '%s'",
		    a->cfg.name, APPLOG_PROGRAM, a->d->exe);
		return -1;
	}
	if (access(buf, X_OK) == -1) {
		snprintf(err, errlen, "app '%s': cannot spawn: logger %s: %s",
		    a->cfg.name, buf, strerror(errno));
		return -1;
	}
	return 0;
}

/* In the child: never returns. fds in[0] and in[1] become 3 and 4. */
__attribute__((noinline, noreturn))
static void exec_logger(struct app *a, const char *exe, const int in[2])
{
	char out[PATH_MAX], err[PATH_MAX], drop[PATH_MAX], size[32], files[32];
	const char *combined = a->cfg.log_file ? a->cfg.log_file : "";
	const char *datefmt = a->cfg.log_date_format ? a->cfg.log_date_format : "";
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	paths_app_logs(&a->d->paths, &a->cfg, out, err, sizeof(out));
	paths_app_dropfile(&a->d->paths, a->cfg.name, drop, sizeof(drop));
	snprintf(size, sizeof(size), "%lld", (long long)a->cfg.log_max_size);
	snprintf(files, sizeof(files), "%d", a->cfg.log_max_files);
	const char *mirror = a->d->mirror;

	setsid();
	child_reset_signals();
	/* csup run: the daemon's stdout and stderr become the mirror's 5 and 6. */
	if (*mirror && (dup2(1, 5) == -1 || dup2(2, 6) == -1))
		_exit(127);
	if (null == -1 || dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    dup2(in[0], 3) == -1 || dup2(in[1], 4) == -1)
		_exit(127);
	execl(exe, APPLOG_PROGRAM, a->cfg.name, out, err, combined, datefmt,
	    size, files, drop, mirror, (char *)NULL);
	_exit(127);
}

static int high_pipe(int p[2])
{
	int q[2];

	if (pipe2(q, O_CLOEXEC) == -1)
		return -1;
	/* Above 4, so the children's dup2 onto 0-4 never clobbers one. */
	p[0] = fcntl(q[0], F_DUPFD_CLOEXEC, 10);
	p[1] = fcntl(q[1], F_DUPFD_CLOEXEC, 10);
	close(q[0]);
	close(q[1]);
	if (p[0] == -1 || p[1] == -1) {
		if (p[0] >= 0)
			close(p[0]);
		if (p[1] >= 0)
			close(p[1]);
		return -1;
	}
	return 0;
}

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

/*
 * What the exec pipe says. final: the child is known to be dead, so no data
 * now means it was executed (the pipe may still be open in a sibling
 * forked meanwhile, which would otherwise read as "not yet").
 */
static void exec_drain(struct app *a, bool final)
{
	struct generation *g = &a->gen;
	struct child_err ce = { 0, 0 };
	ssize_t n;

	if (g->exec_fd < 0) {
		ev_io_stop(a->d->loop, &g->exec_io);
		return;
	}
	do
		n = read(g->exec_fd, &ce, sizeof(ce));
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN && !final)
		return;
	ev_io_stop(a->d->loop, &g->exec_io);
	close(g->exec_fd);
	g->exec_fd = -1;
	if (n == (ssize_t)sizeof(ce) && (ce.stage == 0 || ce.stage == 2)) {
		a->fail_gen = g->number;
		if (ce.stage == 0)
			app_set_fail_msg(a, "app '%s': cannot enter '%s': %s", a->cfg.name,
			    a->cfg.cwd, strerror(ce.err));
		else
			app_set_fail_msg(a, "app '%s': cannot apply limits, nice or "
			    "oom_score_adj: %s", a->cfg.name, strerror(ce.err));
		app_record_event(a, "failed", "%s", app_fail_text(a));
		app_event(a, AE_FAILED);
		return;
	}
	app_exec_result(a, n == (ssize_t)sizeof(ce) ? (ce.err ? ce.err : EIO) : 0);
}

static void exec_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct generation *g = CONTAINER_OF(w, struct generation, exec_io);

	exec_drain(CONTAINER_OF(g, struct app, gen), false);
}

void spawn_exec_settle(struct app *a)
{
	exec_drain(a, true);
}

static int fork_both(struct app *a, const char *path, const char *logexe, char **env,
    int out[2], int err[2], int status[2], int cgfd, const struct limits_gen *lim,
    pid_t *logger, pid_t *pid)
{
	int in[2] = { out[0], err[0] };

	if ((*logger = fork()) == -1)
		return -1;
	if (*logger == 0)
		exec_logger(a, logexe, in);
	loggers_add(&a->d->loggers, *logger);
	/* Made after the logger's fork: only the app may hold its write end. */
	if (high_pipe(status) == -1 || (*pid = fork()) == -1)
		return -1;
	if (*pid == 0)
		exec_app(a, path, env, out[1], err[1], status[1], cgfd, lim);
	return 0;
}

struct spawn_paths {
	char	path[PATH_MAX];		/* the program */
	char	logexe[PATH_MAX];	/* csup-logger */
	char	cg[PATH_MAX];		/* the generation's cgroup, "" none */
	char	notify[PATH_MAX + 32];	/* NOTIFY_SOCKET=..., "" none */
};

static int spawn_with(struct app *a, struct spawn_paths *sp, char *err, size_t errlen)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, status[2] = { -1, -1 };
	char tag[256];
	struct app_envp env = { 0 };
	struct generation *g = &a->gen;
	struct proc_info st;
	pid_t logger = -1, pid = -1;
	char *cgdup = NULL;
	int rc = -1, cgfd = -1;
	struct limits_gen *lim;

	sp->cg[0] = '\0';

	if (spawn_resolve(&a->cfg, a->client_env, sp->path, sizeof(sp->path), err,
	    errlen) == -1 || logger_path(a, sp->logexe, sizeof(sp->logexe), err, errlen) == -1)
		return -1;
	if (a->d->cg.usable && (cgroup_gen_path(&a->d->cg, a->cfg.name, a->gen_count + 1,
	    sp->cg, sizeof(sp->cg)) == -1 || (cgfd = cgroup_gen_open(sp->cg)) == -1)) {
		log_warn("%s: cgroup %s; this generation runs in fallback mode", a->cfg.name,
		    sp->cg);
		sp->cg[0] = '\0';
	}
	if ((lim = calloc(1, sizeof(*lim))) == NULL) {
		snprintf(err, errlen, "app '%s': cannot spawn: %s", a->cfg.name,
		    strerror(errno));
		if (cgfd != -1)
			close(cgfd);
		if (sp->cg[0] != '\0')
			(void)cgroup_remove(sp->cg);
		return -1;
	}
	if (limits_gen_prepare(&a->d->limhost, &a->cfg, a->gen_count + 1, sp->cg, lim,
	    err, errlen) == -1)
		goto out;
	if (sp->cg[0] != '\0' && (cgdup = strdup(sp->cg)) == NULL) {
		snprintf(err, errlen, "app '%s': cannot spawn: %s", a->cfg.name,
		    strerror(errno));
		goto out;
	}
	if (probe_spawn(a, a->gen_count + 1, sp->notify, sizeof(sp->notify)) == -1 ||
	    build_env(a, a->gen_count + 1, sp->notify, &env) == -1 ||
	    high_pipe(out) == -1 || high_pipe(errp) == -1 ||
	    fork_both(a, sp->path, sp->logexe, env.v, out, errp, status, cgfd, lim,
	    &logger, &pid) == -1) {
		snprintf(err, errlen, "app '%s': cannot spawn: %s", a->cfg.name,
		    strerror(errno));
		goto out;
	}
	/* The last generation's watchers are done; clear any pending event too. */
	ev_io_stop(a->d->loop, &g->exec_io);
	ev_io_stop(a->d->loop, &g->pidfd_io);
	proc_set_free(&g->known);
	gen_release(g);
	memset(g, 0, sizeof(*g));
	g->number = ++a->gen_count;
	g->cgroup = cgdup;
	cgdup = NULL;
	limits_gen_close(lim);
	g->lim = *lim;	/* the generation owns the paths now */
	memset(lim->v1, 0, sizeof(lim->v1));
	lim->v2 = NULL;
	a->oom_main = false;
	proc_tag_format(g->tag, sizeof(g->tag), a->d->paths.id, a->cfg.name, g->number);
	g->pid = g->pgid = pid;
	g->logger = logger;
	g->started_ms = csup_now_ms();
	g->started_mono = csup_mono_ms();
	g->pidfd = -1;
	g->start_time = proc_read(pid, &st) == 0 ? st.start_time : 0;
	proc_set_add(&g->known, pid, g->start_time);
	g->exec_fd = status[0];
	status[0] = -1;
	fcntl(g->exec_fd, F_SETFL, O_NONBLOCK);
	ev_io_init(&g->exec_io, exec_io_cb, g->exec_fd, EV_READ);
	ev_io_start(a->d->loop, &g->exec_io);
	a->live = true;
	/* Written before the app can be reported online (crash recovery). */
	snprintf(tag, sizeof(tag), "%s:%s:%d", a->d->paths.id, a->cfg.name, g->number);
	if (store_put_generation(a->d->store, a->cfg.name, &(struct store_gen){
	    g->number, g->pid, g->pgid, g->start_time, g->started_ms, tag, g->cgroup }) == -1)
		log_warnx("%s: cannot store generation %d", a->cfg.name, g->number);
	app_record_event(a, "spawn", "generation %d: pid %d, %s", g->number, (int)pid,
	    sp->path);
	limits_app_warn(a);
	rc = 0;
out:
	limits_gen_close(lim);
	if (rc == -1)
		(void)limits_gen_remove(lim);
	limits_gen_free(lim);
	free(lim);
	free(cgdup);
	if (cgfd != -1)
		close(cgfd);
	if (rc == -1 && sp->cg[0] != '\0')
		(void)cgroup_remove(sp->cg);
	close_pair(out);
	close_pair(errp);
	close_pair(status);
	envp_free(&env);
	return rc;
}

/*
 * The spawn's four path buffers (16 KiB) come from the heap for the call:
 * on the stack they sat under every call a spawn makes (SQLite's included),
 * the daemon's deepest, and a stack page once touched is never given back.
 */
int spawn_generation(struct app *a, char *err, size_t errlen)
{
	struct spawn_paths *sp;
	int rc;

	if ((sp = malloc(sizeof(*sp))) == NULL) {
		snprintf(err, errlen, "app '%s': cannot spawn: %s", a->cfg.name,
		    strerror(errno));
		return -1;
	}
	rc = spawn_with(a, sp, err, errlen);
	free(sp);
	return rc;
}
