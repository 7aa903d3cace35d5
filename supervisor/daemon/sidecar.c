/*
 * sidecar.c: helper programs beside the daemon (sidecar.h): start with
 * given fds, restart after a crash with a backoff, stop bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "childsig.h"
#include "log.h"
#include "sidecar.h"

#define SIDECAR_BACKOFF_MIN_S	0.1
#define SIDECAR_BACKOFF_MAX_S	5.0
#define SIDECAR_STEADY_S	10.0	/* ran this long: the next crash starts the backoff over */
#define SIDECAR_MAX_ARGS	16
#define SIDECAR_POLL_MS		10	/* sidecar_end's wait */

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents);

int sidecar_init(struct sidecar *s, struct sidecar **list, struct ev_loop *loop,
    const char *exe, const char *program, char * const *args,
    const struct sidecar_ops *ops, void *arg)
{
	const char *slash = strrchr(exe, '/');
	size_t n = 0;

	while (args != NULL && args[n] != NULL)
		n++;
	if (slash == NULL || n + 2 > SIDECAR_MAX_ARGS || strchr(program, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	memset(s, 0, sizeof(*s));
	if (asprintf(&s->path, "%.*s/%s", (int)(slash - exe), exe, program) == -1) {
		s->path = NULL;
		return -1;
	}
	s->name = strrchr(s->path, '/') + 1;
	s->loop = loop;
	s->args = args;
	if (ops != NULL)
		s->ops = *ops;
	s->arg = arg;
	s->backoff = SIDECAR_BACKOFF_MIN_S;
	ev_init(&s->timer, timer_cb);
	s->next = *list;
	*list = s;
	return 0;
}

/*
 * In the child: never returns. The owner's fds become 3, 4, ...: each is
 * first copied above them all, so that no dup2 clobbers one not yet moved.
 */
static void __attribute__((noreturn))
child(const struct sidecar *s, const int *fds, int n, pid_t parent)
{
	char *argv[SIDECAR_MAX_ARGS];
	int high[SIDECAR_MAX_FDS], null, i, a = 0;

	/* The daemon may have died between fork and prctl: then nobody would kill us. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(127);
	(void)setsid();
	child_reset_signals();
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		_exit(127);
	for (i = 0; i < n; i++)
		if ((high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3 + SIDECAR_MAX_FDS)) == -1)
			_exit(127);
	if (dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    (log_fd() != 2 && dup2(log_fd(), 2) == -1))
		_exit(127);
	for (i = 0; i < n; i++)
		if (dup2(high[i], 3 + i) == -1)	/* without FD_CLOEXEC */
			_exit(127);
	if (close_range((unsigned)(3 + n), ~0U, 0) == -1)
		_exit(127);
	argv[a++] = (char *)s->name;
	for (i = 0; s->args != NULL && s->args[i] != NULL; i++)
		argv[a++] = s->args[i];
	argv[a] = NULL;
	execv(s->path, argv);
	_exit(127);
}

static void arm_restart(struct sidecar *s)
{
	ev_timer_stop(s->loop, &s->timer);
	ev_timer_set(&s->timer, s->backoff, 0.);
	ev_timer_start(s->loop, &s->timer);
	s->backoff = s->backoff * 2 < SIDECAR_BACKOFF_MAX_S ? s->backoff * 2 :
	    SIDECAR_BACKOFF_MAX_S;
}

int sidecar_start(struct sidecar *s)
{
	int fds[SIDECAR_MAX_FDS], n = 0;
	pid_t parent = getpid(), pid;

	s->wanted = true;
	if (s->pid > 0)
		return 0;	/* still stopping: started again once reaped */
	ev_timer_stop(s->loop, &s->timer);
	if (access(s->path, X_OK) == -1) {
		if (!s->missing)	/* once, not at every retry */
			log_warn("%s: cannot start it", s->path);
		s->missing = true;
		goto retry;
	}
	s->missing = false;
	if (s->ops.fds != NULL && (n = s->ops.fds(s->arg, fds)) < 0) {
		log_warn("%s: cannot start", s->name);
		goto retry;
	}
	if (n > SIDECAR_MAX_FDS) {
		log_warnx("%s: %d fds asked, at most %d", s->name, n, SIDECAR_MAX_FDS);
		n = -1;
	}
	pid = n < 0 ? -1 : fork();
	if (pid == 0)
		child(s, fds, n, parent);
	if (s->ops.started != NULL)
		s->ops.started(s->arg, pid);
	if (pid == -1) {
		if (n >= 0)
			log_warn("%s: fork", s->name);
		goto retry;
	}
	s->pid = pid;
	s->kill_phase = 0;
	ev_now_update(s->loop);
	s->started_at = ev_now(s->loop);
	log_info("%s started (pid %d)", s->name, (int)pid);
	return 0;
retry:
	arm_restart(s);
	return -1;
}

void sidecar_stop(struct sidecar *s)
{
	s->wanted = false;
	if (s->pid <= 0) {
		ev_timer_stop(s->loop, &s->timer);	/* a pending restart */
		return;
	}
	if (s->kill_phase > 0)
		return;
	if (kill(s->pid, SIGTERM) == -1 && errno != ESRCH)
		log_warn("%s: kill %d", s->name, (int)s->pid);
	s->kill_phase = 1;
	ev_timer_stop(s->loop, &s->timer);
	ev_timer_set(&s->timer, SIDECAR_STOP_S, 0.);
	ev_timer_start(s->loop, &s->timer);
}

/* The restart's backoff is over, or the stop's bound. */
static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sidecar *s = (struct sidecar *)((char *)w - offsetof(struct sidecar, timer));

	if (s->pid <= 0) {
		if (s->wanted)
			(void)sidecar_start(s);
		return;
	}
	if (s->kill_phase == 1) {
		log_warnx("%s (pid %d): still running %.0f s after SIGTERM: killed",
		    s->name, (int)s->pid, SIDECAR_STOP_S);
		if (kill(s->pid, SIGKILL) == -1 && errno != ESRCH)
			log_warn("%s: kill %d", s->name, (int)s->pid);
		s->kill_phase = 2;
	}
}

static void describe(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
}

static void exited(struct sidecar *s, int status)
{
	bool asked = s->kill_phase > 0;
	double ran = ev_now(s->loop) - s->started_at;
	pid_t pid = s->pid;
	char why[64];

	s->pid = 0;
	s->kill_phase = 0;
	ev_timer_stop(s->loop, &s->timer);
	if (s->ops.exited != NULL)
		s->ops.exited(s->arg, status);
	describe(status, why, sizeof(why));
	if (!s->wanted) {
		log_info("%s (pid %d) %s", s->name, (int)pid, why);
		return;
	}
	if (asked) {		/* stopped, then wanted again meanwhile */
		(void)sidecar_start(s);
		return;
	}
	if (ran >= SIDECAR_STEADY_S)
		s->backoff = SIDECAR_BACKOFF_MIN_S;
	log_warnx("%s (pid %d) %s: starting it again in %.1f s", s->name, (int)pid, why,
	    s->backoff);
	arm_restart(s);
}

bool sidecar_reaped(struct sidecar *list, pid_t pid, int status)
{
	for (struct sidecar *s = list; s != NULL; s = s->next) {
		if (s->pid > 0 && s->pid == pid) {
			exited(s, status);
			return true;
		}
	}
	return false;
}

bool sidecar_stop_all(struct sidecar *list)
{
	bool running = false;

	for (struct sidecar *s = list; s != NULL; s = s->next) {
		sidecar_stop(s);
		running = running || s->pid > 0;
	}
	return running;
}

/* Waits for pid up to ms; 1 reaped (*status set), 0 still running, -1 gone elsewhere. */
static int wait_bounded(pid_t pid, int ms, int *status)
{
	struct timespec step = { 0, SIDECAR_POLL_MS * 1000000L };
	pid_t r;

	for (int waited = 0;; waited += SIDECAR_POLL_MS) {
		r = waitpid(pid, status, ms < 0 ? 0 : WNOHANG);
		if (r == pid)
			return 1;
		if (r == -1 && errno != EINTR)
			return -1;
		if (r == 0 && waited >= ms)
			return 0;
		if (r == 0)
			nanosleep(&step, NULL);
	}
}

void sidecar_end(struct sidecar *s, struct sidecar **list)
{
	int status = 0, r;

	s->wanted = false;
	ev_timer_stop(s->loop, &s->timer);
	if (s->pid > 0) {
		(void)kill(s->pid, SIGTERM);
		r = wait_bounded(s->pid, (int)(SIDECAR_STOP_S * 1000), &status);
		if (r == 0) {
			(void)kill(s->pid, SIGKILL);
			r = wait_bounded(s->pid, -1, &status);
		}
		if (s->ops.exited != NULL)	/* reaped elsewhere (r -1): status unknown */
			s->ops.exited(s->arg, r == 1 ? status : 0);
		s->pid = 0;
	}
	for (struct sidecar **p = list; *p != NULL; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	free(s->path);
	s->path = NULL;
}
