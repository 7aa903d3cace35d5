/*
 * daemon.c: csupd [--foreground] (also run as `csup daemon`). main reads as the setup
 * checklist: home, detach, lock, log, subreaper, loop, store, recovery,
 * socket, run. SIGTERM and SIGINT mean `csup kill`.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "appenv.h"
#include "clock.h"
#include "cmd.h"
#include "ctl.h"
#include "daemon.h"
#include "env.h"
#include "figures.h"
#include "guard.h"
#include "healthlink.h"
#include "log.h"
#include "loggers.h"
#include "monitor.h"
#include "orphan.h"
#include "reload.h"
#include "run.h"
#include "serve.h"
#include "sidecar.h"
#include "stop.h"
#include "store.h"
#include "units.h"
#include "waiter.h"

#define LOCK_WAIT_MS		10000
#define TRIM_QUIET_S		1.0	/* malloc_trim this long after the last change */
#define LOGGER_GRACE_S		2.0	/* a drain after the apps are gone */
#define LOGGER_END_S		1.0	/* after SIGTERM, then after SIGKILL */

/*
 * Whatever started us (a shell, a test harness, a client) may have left
 * fds open, signals ignored or blocked: none of it is ours to keep.
 */
static void clean_slate(void)
{
	sigset_t none;

	close_range(3, ~0U, 0);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int detach(void)
{
	pid_t pid;
	int null;

	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0)
		_exit(0);
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return -1;
	dup2(null, 0);
	dup2(null, 1);
	close(null);
	return 0;
}

static bool daemon_answers(const char *sock)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd == -1)
		return false;
	if (strlen(sock) >= sizeof(sun.sun_path)) {
		close(fd);
		return false;
	}
	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return ok;
}

/*
 * 1: locked; 0: another daemon serves this home. A daemon on its way out
 * still holds the lock for a moment: wait for it rather than give up.
 */
static int take_lock(struct daemon *d)
{
	struct timespec step = { 0, 20 * 1000000 };
	int waited;

	d->lock_fd = open(d->paths.pid, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lock_fd == -1)
		return -1;
	for (waited = 0; flock(d->lock_fd, LOCK_EX | LOCK_NB) == -1; waited += 20) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (daemon_answers(d->paths.sock) || waited >= LOCK_WAIT_MS)
			return 0;
		nanosleep(&step, NULL);
	}
	return 1;
}

/* After detaching: the pid that holds the lock is ours now. */
static int write_pid(struct daemon *d)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(d->lock_fd, 0) == -1 || pwrite(d->lock_fd, buf, strlen(buf), 0) == -1)
		return -1;
	return 0;
}

static int open_log(struct daemon *d)
{
	int fd = open(d->paths.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd == -1)
		return -1;
	log_init("csup", fd, getenv("CSUP_DEBUG") != NULL);
	return 0;
}

/*
 * Before detaching, while stderr is still the client's: every reason not
 * to start is one line there (and in csup.log once it is open), exit 1.
 */
static void __attribute__((format(printf, 1, 2), noreturn))
refuse(const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "csup: %s\n", msg);
	if (log_fd() != STDERR_FILENO)
		log_warnx("%s", msg);
	exit(CSUP_EXIT_FAIL);
}

/*
 * 1: go on as the daemon of this home; 0: another daemon serves it.
 * Not inlined: err would stay in daemon_serve()'s frame, under the loop.
 */
__attribute__((noinline))
static int prepare(struct daemon *d, bool fg)
{
	const char *home = getenv("CSUP_HOME");
	char err[PATH_MAX + 128];
	bool corrupt;
	int rc;

	if (paths_init(&d->paths, true) == -1)
		refuse("cannot create the home %s: %s", home && *home ? home :
		    "$HOME/.csup", strerror(errno));
	if (paths_check_home(&d->paths, err, sizeof(err)) == -1)
		refuse("%s", err);
	/* flock belongs to the open file: it stays with us through detach(). */
	if ((rc = take_lock(d)) == -1)
		refuse("cannot lock %s: %s", d->paths.pid, strerror(errno));
	if (rc == 0)
		return 0;
	if (open_log(d) == -1)
		refuse("cannot open %s: %s", d->paths.log, strerror(errno));
	/* A corrupt one is moved aside and rebuilt (store_open_or_recover). */
	if (store_check(d->paths.db, err, sizeof(err), &corrupt) == -1 && !corrupt)
		refuse("%s is not a usable database (%s)", d->paths.db, err);
	if (!fg && detach() == -1)
		fatal("cannot detach");
	if (write_pid(d) == -1)
		fatal("write %s", d->paths.pid);
	/* Detached, stderr (sanitizer reports, loggers' complaints) lands in the log. */
	if (!fg && dup2(log_fd(), 2) == -1)
		fatal("dup2");
	return 1;
}

/* The one ev_child of the daemon: every child, ours or inherited, lands here. */
static void reaper_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, reaper);
	struct app *a, *next;

	for (a = TAILQ_FIRST(&d->apps); a; a = TAILQ_NEXT(a, entry)) {
		if (a->live && !a->gen.adopted && !a->gen.main_gone && a->gen.pid == w->rpid) {
			app_main_exited(a, true, w->rstatus);
			break;
		}
	}
	if (a == NULL && (loggers_reaped(&d->loggers, w->rpid) ||
	    sidecar_reaped(d->sidecars, w->rpid, w->rstatus))) {
		daemon_mark(d);
		return;
	}
	/* An orphan of some group may have been the last member. */
	for (a = TAILQ_FIRST(&d->apps); a; a = next) {
		next = TAILQ_NEXT(a, entry);
		if (a->lc.state == ST_STOPPING)
			stop_check(a);
	}
}

/* Every `csup kill` client hears that this daemon is about to exit. */
static void kill_replies(struct daemon *d)
{
	json_t *r = json_pack("{s:b,s:i}", "ok", 1, "pid", (int)getpid());

	if (r != NULL)
		ctl_kill_replies(&d->ctl, r);
	json_decref(r);
}

static void finish(struct daemon *d)
{
	if (d->exiting)
		return;
	d->exiting = true;
	ev_timer_stop(d->loop, &d->shutdown_timer);
	if (store_set_clean(d->store, true) == -1)
		log_warnx("cannot record the clean shutdown");
	/* Gone from the file system before anyone hears we are done. */
	ctl_unlisten(&d->ctl);
	log_info("daemon %d exits", (int)getpid());
	kill_replies(d);
	ev_break(d->loop, EVBREAK_ALL);
}

/*
 * Loggers still draining when every app is gone: the drain is bounded.
 * First SIGTERM (the logger counts what it could not write as dropped and
 * says so in csup.log), then SIGKILL; the daemon exits once the reaper has
 * seen every logger go (shutdown_settle), or after a last grace.
 */
static void shutdown_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, shutdown_timer);

	switch (d->logger_phase++) {
	case 0:
		log_warnx("loggers still draining after %.0f s: ending them (%d)",
		    LOGGER_GRACE_S, loggers_signal(d->loggers, SIGTERM));
		break;
	case 1:
		log_warnx("loggers still running after SIGTERM: killed (%d)",
		    loggers_signal(d->loggers, SIGKILL));
		break;
	default:
		log_warnx("killed loggers not reaped; exiting anyway");
		finish(d);
		return;
	}
	ev_timer_set(w, LOGGER_END_S, 0.);
	ev_timer_start(loop, w);
}

static void shutdown_settle(struct daemon *d)
{
	struct app *a;

	if (!d->shutting_down || d->exiting)
		return;
	TAILQ_FOREACH(a, &d->apps, entry)
		if (a->live)
			return;
	/* The helpers served until the apps were gone; the reaper marks each exit. */
	if (!sidecar_stop_all(d->sidecars) && d->loggers == NULL) {
		finish(d);
		return;
	}
	/* Loggers see EOF once their app is gone; give them a moment to drain. */
	if (!ev_is_active(&d->shutdown_timer)) {
		ev_timer_init(&d->shutdown_timer, shutdown_timer_cb, LOGGER_GRACE_S, 0.);
		ev_timer_start(d->loop, &d->shutdown_timer);
	}
}

void daemon_shutdown(struct daemon *d)
{
	const char **names;
	struct app *a, *next;
	size_t n = 0;

	if (d->shutting_down) {
		daemon_mark(d);
		return;
	}
	TAILQ_FOREACH(a, &d->apps, entry)
		n++;
	if ((names = calloc(n + 1, sizeof(*names))) != NULL) {
		n = 0;
		TAILQ_FOREACH(a, &d->apps, entry)
			if (a->lc.want_up)
				names[n++] = a->cfg.name;
		if (store_save_set(d->store, names, n) == -1)
			log_warnx("cannot save the apps to resurrect");
		free(names);
	}
	log_info("shutting down: stopping every app");
	d->shutting_down = true;
	reload_shutdown(d);
	for (a = TAILQ_FIRST(&d->apps); a; a = next) {
		next = TAILQ_NEXT(a, entry);
		app_event(a, AE_STOP);
	}
	daemon_mark(d);
}

static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->signum == SIGTERM ? CONTAINER_OF(w, struct daemon, sigterm) :
	    CONTAINER_OF(w, struct daemon, sigint);

	log_info("signal %d: shutting down", w->signum);
	daemon_shutdown(d);
}

static void pidfd_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct generation *g = CONTAINER_OF(w, struct generation, pidfd_io);

	ev_io_stop(loop, w);
	app_main_exited(CONTAINER_OF(g, struct app, gen), false, 0);
}

/* A generation of a dead predecessor whose main process still runs. */
static bool adopt(struct daemon *d, struct app *a, const struct store_gen *sg)
{
	struct generation *g = &a->gen;
	struct proc_info st;
	int fd;

	if (proc_read(sg->pid, &st) == -1 || st.start_time != sg->start_time ||
	    st.state == 'Z')
		return false;
	if ((fd = pidfd_open(sg->pid, 0)) == -1) {
		/* Alive but not watchable: end it rather than ever run it twice. */
		log_warn("%s: pidfd_open %d; ending that generation", a->cfg.name, (int)sg->pid);
		kill(-sg->pgid, SIGKILL);
		kill(sg->pid, SIGKILL);
		return false;
	}
	memset(g, 0, sizeof(*g));
	g->number = sg->number;
	g->pid = sg->pid;
	g->pgid = sg->pgid;
	g->start_time = sg->start_time;
	g->started_ms = sg->started_ms;
	g->started_mono = csup_mono_of_start(sg->start_time);
	g->adopted = true;
	g->exec_fd = -1;
	g->pidfd = fd;
	ev_io_init(&g->pidfd_io, pidfd_cb, fd, EV_READ);
	ev_io_start(d->loop, &g->pidfd_io);
	a->live = true;
	a->gen_count = a->online_gen = sg->number;
	guard_adopted(a);
	app_record_event(a, "adopted", "pid %d of generation %d", (int)sg->pid, sg->number);
	/* Online now: watch, health and cron as for a generation we started. */
	app_adopted(a);
	return true;
}

static int recover_one(void *arg, const struct store_app_row *row)
{
	struct daemon *d = arg;
	struct app_config cfg;
	struct store_gen sg;
	struct app *a;
	char err[256];
	char **env;

	if (config_app_from_json(row->cfg, &cfg, err, sizeof(err)) == -1) {
		log_warnx("%s: cannot restore: %s", row->name, err);
		return 0;
	}
	if (!config_name_valid(cfg.name)) {
		log_warnx("stored app with an invalid name: not restored");
		config_app_free(&cfg);
		return 0;
	}
	env = cmd_client_env(d, row->env);
	if ((a = app_new(d, &cfg, env)) == NULL) {
		config_app_free(&cfg);
		appenv_unref(env);
		return 0;
	}
	app_keep_id(a, row->id);
	a->source = row->source ? strdup(row->source) : NULL;
	/* A generation ever started means the next one is a restart. */
	lc_restore(&a->lc, row->want_up, row->restarts, row->restarts > 0);
	if (store_live_generation(d->store, row->name, &sg) == 0) {
		if (!adopt(d, a, &sg)) {
			guard_dead_generation(d, a, sg.number, sg.pid, sg.pgid, sg.start_time);
			store_end_generation(d->store, row->name, sg.number, csup_now_ms(), NULL);
			a->gen_count = sg.number;
			lc_restore(&a->lc, row->want_up, row->restarts, true);
		}
	}
	if (a->live && !row->want_up)
		app_event(a, AE_STOP);
	else if (!a->live && row->want_up) {
		app_record_event(a, "restored", "was wanted up when the previous daemon died");
		app_event(a, AE_START);
	}
	return 0;
}

static int recover(struct daemon *d)
{
	bool clean;

	if (store_get_clean(d->store, &clean) == -1)
		return -1;
	if (clean) {
		/* After `csup kill`, only `resurrect` (the saved set) brings apps back. */
		if (store_forget_apps(d->store) == -1)
			return -1;
	} else {
		if (store_save_wanted(d->store) == -1 ||
		    store_each_app(d->store, false, recover_one, d) == -1)
			return -1;
	}
	return store_set_clean(d->store, false);
}

/* Writes queued while csup.db was locked: retried every 250 ms until done. */
static void store_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, store_retry);

	(void)store_flush(d->store);
	if (!store_pending(d->store))
		ev_timer_stop(loop, w);
}

static void store_check_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, store_check);

	store_snapshot_settle(d->store);
	if (d->store != NULL && store_pending(d->store) && !ev_is_active(&d->store_retry))
		ev_timer_again(loop, &d->store_retry);
}

/*
 * A burst of work (a `start` of many apps: its request, then a snapshot of
 * csup.db after each app's change) frees more than it keeps, and glibc
 * gives back only the free memory at the top of the heap. A second after
 * the last change, malloc_trim() returns every whole free page in it
 * (about 140 KiB after a start of 20 apps). SQLite's page cache goes
 * first: the pages a burst read or wrote (a new csup.db's whole schema,
 * 56 KiB) stay cached for nobody until the cache is full. Some
 * microseconds, once a burst.
 */
static void trim_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, trim_timer);

	ev_timer_stop(loop, w);
	store_release_memory(d->store);
	(void)malloc_trim(0);
}

/* The one place observers run: after the callbacks of a loop turn. */
static void settle_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, settle);

	if (!d->dirty)
		return;
	d->dirty = false;
	ev_timer_again(loop, &d->trim_timer);
	figures_timer_update(d);
	figures_new_generations(d);
	waiters_poke(d);
	shutdown_settle(d);
}

/* The control socket's callbacks: requests go to the commands (cmd.c). */
static void ctl_frame_cb(void *ctx, struct ctl_conn *c, json_t *msg)
{
	cmd_dispatch(ctx, c, msg);
}

/* A client that goes away leaves its waiter to finish answering nobody. */
static void ctl_close_cb(void *ctx, struct ctl_conn *c)
{
	waiter_drop_conn(ctl_pending(c));
}

static const struct ctl_ops ctl_ops = { ctl_frame_cb, ctl_close_cb };

static void setup_loop(struct daemon *d)
{
	const char *ms = getenv("CSUP_SAMPLE_MS");

	const char *keep = getenv("CSUP_SAMPLES_KEEP");

	d->sample_ms = ms && atoll(ms) > 0 ? atoll(ms) : 2000;
	d->samples_keep_ms = SAMPLES_KEEP_DEFAULT_MS;
	if (keep && *keep && (units_parse_duration(keep, &d->samples_keep_ms) == -1 ||
	    d->samples_keep_ms <= 0)) {
		log_warnx("CSUP_SAMPLES_KEEP=%s is not a duration (e.g. 24h, 30m, 90s):"
		    " samples kept 24 h", keep);
		d->samples_keep_ms = SAMPLES_KEEP_DEFAULT_MS;
	}
	d->loop = ev_default_loop(EVFLAG_AUTO);
	ev_child_init(&d->reaper, reaper_cb, 0, 0);
	ev_child_start(d->loop, &d->reaper);
	ev_init(&d->store_retry, store_retry_cb);
	d->store_retry.repeat = 0.25;
	ev_prepare_init(&d->store_check, store_check_cb);
	ev_prepare_start(d->loop, &d->store_check);
	ev_prepare_init(&d->settle, settle_cb);
	ev_prepare_start(d->loop, &d->settle);
	ev_init(&d->trim_timer, trim_cb);
	d->trim_timer.repeat = TRIM_QUIET_S;
	ev_signal_init(&d->sigterm, signal_cb, SIGTERM);
	ev_signal_init(&d->sigint, signal_cb, SIGINT);
	ev_signal_start(d->loop, &d->sigterm);
	ev_signal_start(d->loop, &d->sigint);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

static void teardown(struct daemon *d)
{
	monitor_stop(d);
	while (d->sidecars != NULL)	/* their owners ended theirs; none should be left */
		sidecar_end(d->sidecars, &d->sidecars);
	orphan_timer_stop(d);
	ctl_close(&d->ctl);
	waiters_free(d);
	reload_free(d);
	while (!TAILQ_EMPTY(&d->apps))
		app_free(TAILQ_FIRST(&d->apps));
	healthlink_free(d);		/* after the last checker */
	loggers_free(&d->loggers);
	ev_timer_stop(d->loop, &d->sample_timer);
	ev_timer_stop(d->loop, &d->trim_timer);
	ev_timer_stop(d->loop, &d->store_retry);
	ev_prepare_stop(d->loop, &d->store_check);
	ev_prepare_stop(d->loop, &d->settle);
	store_close(d->store);
	if (d->cg.usable)
		(void)rmdir(d->cg.path);	/* fails while an app still runs */
	limits_host_release(&d->limhost);
	cgroup_base_free(&d->cg);
	ev_loop_destroy(d->loop);
	close(d->lock_fd);
	free(d->exe);
	paths_free(&d->paths);
}

int daemon_main(int argc, char **argv)
{
	bool fg = argc > 1 && strcmp(argv[1], "--foreground") == 0;

	if (argc > 2 || (argc == 2 && !fg)) {
		fprintf(stderr, "usage: csupd [--foreground] (or csup daemon [--foreground])\n");
		return CSUP_EXIT_USAGE;
	}
	return daemon_serve(fg, NULL);
}

/* This binary's path, sized to fit (the daemon keeps it for its life). */
static char *self_exe(void)
{
	char *buf, *fit;
	ssize_t n;

	if ((buf = malloc(PATH_MAX)) == NULL)
		return NULL;
	if ((n = readlink("/proc/self/exe", buf, PATH_MAX - 1)) == -1) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fit = realloc(buf, (size_t)n + 1);
	return fit ? fit : buf;
}

/*
 * Not inlined: note's 4.6 KiB would stay in daemon_serve()'s frame, under
 * which the whole event loop runs.
 */
__attribute__((noinline))
static void open_store(struct daemon *d)
{
	char note[PATH_MAX + 512];

	if (store_open_or_recover(d->paths.db, &d->store, note, sizeof(note)) == -1)
		fatalx("cannot open %s%s%s", d->paths.db, *note ? ": " : "", note);
	log_info("daemon %d starts in %s (id %s)", (int)getpid(), d->paths.home, d->paths.id);
	if (*note) {
		log_warnx("%s", note);
		(void)store_add_event(d->store, NULL, "store", note);
	}
}

/* run: `csup run` (run.c), always in the foreground; NULL: a plain daemon. */
int daemon_serve(bool fg, struct run *run)
{
	struct daemon d = { .lock_fd = -1, .run = run };

	TAILQ_INIT(&d.apps);
	ctl_init(&d.ctl);
	d.mirror = run_mirror_format(run);
	TAILQ_INIT(&d.waiters);
	clean_slate();
	if (store_tune_memory() == -1)
		log_warn("store: SQLite's memory settings");
	if (prepare(&d, fg || run) == 0) {	/* another daemon serves this home */
		int rc = run ? run_refuse_busy(&d.paths) : 0;

		paths_free(&d.paths);
		return rc;
	}
	if ((d.exe = self_exe()) == NULL)
		fatal("readlink /proc/self/exe");
	/* Started from inside an app, we must not pass its tag on to loggers. */
	unsetenv(PROC_TAG_VAR);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("PR_SET_CHILD_SUBREAPER");
	if (cgroup_base_init(&d.cg, d.paths.id) == -1)
		log_info("cgroups not used: %s", d.cg.reason);
	limits_host_init(&d.limhost, &d.cg, d.paths.id, true);
	setup_loop(&d);
	open_store(&d);
	if (recover(&d) == -1)
		log_warnx("recovery from the store failed");
	(void)orphan_scan(&d);
	daemon_mark(&d);	/* adopted generations are sampled too */
	if (ctl_open(&d.ctl, d.loop, d.paths.sock, &ctl_ops, &d) == -1)
		fatal("listen on %s", d.paths.sock);
	monitor_start(&d);
	orphan_timer_start(&d);
	if (run)
		run_start(&d);
	ev_run(d.loop, 0);
	if (run)
		run_stop(&d);
	teardown(&d);
	return run ? run_exit_code(run) : 0;
}
