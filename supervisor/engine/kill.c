/* kill.c: stop a generation on the event loop, leaving no survivor. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "kill.h"

enum { P_IDLE, P_SIGNAL, P_KILL, P_DONE };

#define MAX_WATCH	512	/* pidfds held at once; the rest wait for a rescan */
#define POLITE_PASSES	32	/* then the timeout deals with a fork storm */
#define KILL_PASSES	1000	/* SIGKILLed processes cannot fork: this ends */
#define RETRY_S		0.05	/* members alive that no pidfd could watch */

struct kill_watch {
	ev_io		 io;
	struct killer	*k;
	struct proc_id	 id;
};

#define OWNER(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static void settle(struct killer *k);
static void kill_phase(struct killer *k);

/* members := the generation's live processes, from a fresh /proc snapshot. */
static int scan(const struct proc_gen *g, struct proc_set *members)
{
	struct proc_table t;
	int r;

	if (proc_table_load(&t, g->tag != NULL) == -1)
		return -1;
	r = proc_select(&t, g, members);
	proc_table_free(&t);
	return r;
}

/*
 * sig to every member not yet in *hit, scanning again until a scan finds
 * no new member (cg_kill_recursive's loop). Returns how many got it.
 */
static int fallback_signal(const struct proc_gen *g, struct proc_set *members,
    struct proc_set *hit, int sig)
{
	struct proc_id *m;
	int fresh, count = 0, passes = 0;
	size_t i;

	do {
		fresh = 0;
		if (scan(g, members) == -1)
			return -1;
		for (i = 0; i < members->n; i++) {
			m = &members->v[i];
			if (proc_set_has(hit, m->pid, m->start_time))
				continue;
			fresh = 1;
			if (proc_set_add(hit, m->pid, m->start_time) == -1)
				return -1;
			if (proc_signal(m->pid, m->start_time, sig) == 0)
				count++;
		}
	} while (fresh && ++passes < (sig == SIGKILL ? KILL_PASSES : POLITE_PASSES));
	return count;
}

static void unwatch(struct killer *k, size_t i)
{
	struct kill_watch *w = k->watch[i];

	ev_io_stop(k->loop, &w->io);
	close(w->io.fd);
	free(w);
	k->watch[i] = k->watch[--k->nwatch];
}

static void on_member_exit(struct ev_loop *loop, ev_io *io, int revents)
{
	struct kill_watch *w = OWNER(io, struct kill_watch, io);
	struct killer *k = w->k;
	size_t i;

	for (i = 0; i < k->nwatch; i++)
		if (k->watch[i] == w) {
			unwatch(k, i);
			break;
		}
	if (k->nwatch == 0)
		settle(k);
}

static int watched(const struct killer *k, const struct proc_id *id)
{
	size_t i;

	for (i = 0; i < k->nwatch; i++)
		if (k->watch[i]->id.pid == id->pid &&
		    k->watch[i]->id.start_time == id->start_time)
			return 1;
	return 0;
}

/* A pidfd watch on each member; failures are left to the next rescan. */
static void watch_members(struct killer *k)
{
	struct kill_watch *w, **nv;
	size_t i, ncap;
	int fd;

	for (i = 0; i < k->members.n && k->nwatch < MAX_WATCH; i++) {
		if (watched(k, &k->members.v[i]))
			continue;
		if (k->nwatch == k->capwatch) {
			ncap = k->capwatch ? k->capwatch * 2 : 16;
			if ((nv = reallocarray(k->watch, ncap, sizeof(*nv))) == NULL)
				return;
			k->watch = nv;
			k->capwatch = ncap;
		}
		fd = proc_pidfd_open(k->members.v[i].pid, k->members.v[i].start_time);
		if (fd == -1)
			continue;
		if ((w = calloc(1, sizeof(*w))) == NULL) {
			close(fd);
			return;
		}
		w->k = k;
		w->id = k->members.v[i];
		ev_io_init(&w->io, on_member_exit, fd, EV_READ);
		ev_io_start(k->loop, &w->io);
		k->watch[k->nwatch++] = w;
	}
}

static void release(struct killer *k)
{
	ev_timer_stop(k->loop, &k->timer);
	ev_timer_stop(k->loop, &k->retry);
	ev_io_stop(k->loop, &k->events_io);
	ev_io_stop(k->loop, &k->main_io);
	while (k->nwatch > 0)
		unwatch(k, k->nwatch - 1);
	free(k->watch);
	k->watch = NULL;
	k->capwatch = 0;
	if (k->events_fd != -1)
		close(k->events_fd);
	if (k->main_fd != -1)
		close(k->main_fd);
	k->events_fd = k->main_fd = -1;
	proc_set_free(&k->members);
	proc_set_free(&k->signalled);
	proc_set_free(&k->killed);
	free(k->cgroup);
	free(k->tag);
	k->cgroup = k->tag = NULL;
}

/* The generation is empty: report from the next loop iteration. */
static void finish(struct killer *k)
{
	if (k->phase == P_DONE)
		return;
	k->phase = P_DONE;
	ev_now_update(k->loop);
	k->res.elapsed_ms = (int64_t)((ev_now(k->loop) - k->t0) * 1000.0);
	ev_timer_stop(k->loop, &k->retry);
	ev_io_stop(k->loop, &k->events_io);
	ev_io_stop(k->loop, &k->main_io);
	while (k->nwatch > 0)
		unwatch(k, k->nwatch - 1);
	ev_timer_stop(k->loop, &k->timer);
	ev_timer_set(&k->timer, 0., 0.);
	ev_timer_start(k->loop, &k->timer);
}

static void fail(struct killer *k, int err)
{
	if (k->res.error == 0)
		k->res.error = err;
	finish(k);
}

/* How many processes of the generation are alive, the main one excepted. */
static int count_left(struct killer *k)
{
	size_t i;
	int n = 0;

	if (k->cgroup != NULL)
		return cgroup_procs(k->cgroup, &k->members) == -1 ? -1 :
		    (int)k->members.n;
	if (scan(&k->gen, &k->members) == -1)
		return -1;
	for (i = 0; i < k->members.n; i++)
		if (k->members.v[i].pid != k->gen.main_pid)
			n++;
	return n;
}

/* Mode main: the main process is gone; whatever is left was left behind. */
static void main_gone_path(struct killer *k)
{
	int n = count_left(k);

	if (n == -1) {
		if (errno == ENOENT && k->cgroup != NULL)
			finish(k);
		else
			fail(k, errno);
		return;
	}
	k->res.left_behind = n;
	if (n > 0)
		kill_phase(k);
	else
		settle(k);
}

static void mark_main_gone(struct killer *k)
{
	if (k->main_gone || k->phase == P_DONE || k->phase == P_IDLE)
		return;
	k->main_gone = 1;
	ev_io_stop(k->loop, &k->main_io);
	if (k->main_fd != -1)
		close(k->main_fd);
	k->main_fd = -1;
	if (k->mode == KILL_MODE_MAIN && k->phase == P_SIGNAL)
		main_gone_path(k);
	else if (k->cgroup != NULL)
		settle(k);
}

static void on_main_exit(struct ev_loop *loop, ev_io *io, int revents)
{
	mark_main_gone(OWNER(io, struct killer, main_io));
}

void kill_main_exited(struct killer *k)
{
	mark_main_gone(k);
}

/*
 * The main process may still be outside its cgroup: between fork() and
 * cgroup_enter() in the child. It is signalled by pid as well, and the
 * cgroup counts as empty only once the main is gone too.
 */
static int main_alive(struct killer *k)
{
	if (k->main_gone)
		return 0;
	if (k->main_fd != -1)
		return 1;	/* its pidfd will tell */
	return proc_alive(k->gen.main_pid, k->gen.main_start);
}

/* Cgroup mode: empty when "populated 0" (or no cgroup) and the main is gone. */
static int cgroup_empty(struct killer *k)
{
	int r = cgroup_populated(k->cgroup);

	if (r == -1 && errno != ENOENT) {
		fail(k, errno);
		return 1;
	}
	return r != 1 && !main_alive(k);
}

/*
 * Called whenever the generation may have emptied: a pidfd fired with no
 * other watched, cgroup.events changed, or a retry. Anyone found alive gets
 * the phase's signal (if new) and a watch.
 */
static void settle(struct killer *k)
{
	struct proc_set *hit;
	int n, sig;

	if (k->phase != P_SIGNAL && k->phase != P_KILL)
		return;
	if (k->cgroup != NULL) {
		if (cgroup_empty(k))
			finish(k);
		return;
	}
	if (k->mode == KILL_MODE_MAIN && k->phase == P_SIGNAL && !k->main_gone)
		return;
	sig = k->phase == P_KILL ? SIGKILL : k->sig;
	hit = k->phase == P_KILL ? &k->killed : &k->signalled;
	if ((n = fallback_signal(&k->gen, &k->members, hit, sig)) == -1) {
		fail(k, errno);
		return;
	}
	*(k->phase == P_KILL ? &k->res.killed : &k->res.signalled) += n;
	if (k->members.n == 0) {
		finish(k);
		return;
	}
	watch_members(k);
	if (k->nwatch == 0)
		ev_timer_start(k->loop, &k->retry);
}

static void on_retry(struct ev_loop *loop, ev_timer *t, int revents)
{
	settle(OWNER(t, struct killer, retry));
}

static void on_events(struct ev_loop *loop, ev_io *io, int revents)
{
	struct killer *k = OWNER(io, struct killer, events_io);
	char buf[4096];
	ssize_t r;

	do
		r = read(k->events_fd, buf, sizeof(buf));
	while (r > 0 || (r == -1 && errno == EINTR));
	settle(k);
}

/* SIGKILL to everything left, then wait (bounded) for it to be gone. */
static void kill_phase(struct killer *k)
{
	int n;

	k->phase = P_KILL;
	ev_timer_stop(k->loop, &k->timer);
	ev_timer_set(&k->timer, KILL_STUCK_MS / 1000.0, 0.);
	ev_timer_start(k->loop, &k->timer);
	if (k->cgroup != NULL) {
		if ((n = cgroup_kill(k->cgroup)) == -1 && errno != ENOENT) {
			fail(k, errno);
			return;
		}
		k->res.killed += n > 0 ? n : 0;
		/* A main not yet in its cgroup is killed by pid (counted once). */
		if (main_alive(k) &&
		    proc_signal(k->gen.main_pid, k->gen.main_start, SIGKILL) == 0 && n <= 0)
			k->res.killed++;
		settle(k);
		return;
	}
	if ((n = fallback_signal(&k->gen, &k->members, &k->killed, SIGKILL)) == -1) {
		fail(k, errno);
		return;
	}
	k->res.killed += n;
	watch_members(k);
	if (k->nwatch == 0)
		settle(k);
}

static void on_timer(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct killer *k = OWNER(t, struct killer, timer);
	struct kill_result res;
	int n;

	switch (k->phase) {
	case P_SIGNAL:
		k->res.timed_out = 1;
		kill_phase(k);
		break;
	case P_KILL:
		n = count_left(k);
		k->res.stuck = n > 0 ? n : 0;
		finish(k);
		break;
	case P_DONE:
		res = k->res;
		release(k);
		k->phase = P_IDLE;
		k->done(k, &res);
		break;
	default:
		break;
	}
}

static void first_signal(struct killer *k)
{
	int n;

	if (k->mode == KILL_MODE_MAIN) {
		if (k->cgroup == NULL && scan(&k->gen, &k->members) == -1) {
			fail(k, errno);
			return;
		}
		if (!k->main_gone &&
		    proc_signal(k->gen.main_pid, k->gen.main_start, k->sig) == 0)
			k->res.signalled = 1;
		if (k->main_gone)
			main_gone_path(k);
		return;
	}
	if (k->cgroup != NULL) {
		n = cgroup_signal(k->cgroup, k->sig, &k->signalled);
		if (n != -1 && !k->main_gone &&
		    !proc_set_has(&k->signalled, k->gen.main_pid, 0) &&
		    proc_signal(k->gen.main_pid, k->gen.main_start, k->sig) == 0)
			n++;
	} else
		n = fallback_signal(&k->gen, &k->members, &k->signalled, k->sig);
	if (n == -1 && !(errno == ENOENT && k->cgroup != NULL)) {
		fail(k, errno);
		return;
	}
	k->res.signalled = n > 0 ? n : 0;
	if (k->cgroup == NULL)
		watch_members(k);
	if (k->cgroup != NULL || k->nwatch == 0)
		settle(k);
}

/* The watchers of a fresh killer; 0, or -1 with errno. */
static int arm(struct killer *k, const struct kill_target *t)
{
	if (k->cgroup != NULL) {
		k->events_fd = cgroup_events_watch(k->cgroup);
		if (k->events_fd == -1 && errno != ENOENT)
			return -1;
		if (k->events_fd != -1) {
			ev_io_init(&k->events_io, on_events, k->events_fd, EV_READ);
			ev_io_start(k->loop, &k->events_io);
		}
	}
	k->main_gone = t->main_pid <= 0 || t->main_exited;
	if (!k->main_gone) {
		k->main_fd = proc_pidfd_open(t->main_pid, t->main_start);
		if (k->main_fd == -1 && errno == ESRCH)
			k->main_gone = 1;
		else if (k->main_fd != -1) {
			ev_io_init(&k->main_io, on_main_exit, k->main_fd, EV_READ);
			ev_io_start(k->loop, &k->main_io);
		}
	}
	ev_timer_start(k->loop, &k->timer);
	return 0;
}

static int init(struct killer *k, const struct kill_target *t)
{
	size_t i;

	if ((t->cgroup != NULL && (k->cgroup = strdup(t->cgroup)) == NULL) ||
	    (t->tag != NULL && (k->tag = strdup(t->tag)) == NULL))
		return -1;
	k->gen.main_pid = t->main_pid;
	k->gen.main_start = t->main_start;
	k->gen.pgid = t->pgid;
	k->gen.sid = t->sid;
	k->gen.tag = k->tag;
	for (i = 0; t->known != NULL && i < t->known->n; i++)
		if (proc_set_add(&k->members, t->known->v[i].pid,
		    t->known->v[i].start_time) == -1)
			return -1;
	if (t->main_pid > 0 && !t->main_exited &&
	    proc_set_add(&k->members, t->main_pid, t->main_start) == -1)
		return -1;
	return 0;
}

int kill_start(struct ev_loop *loop, struct killer *k, const struct kill_target *t,
    kill_done_fn *done)
{
	void *data = k->data;
	int saved;

	memset(k, 0, sizeof(*k));
	k->data = data;
	k->loop = loop;
	k->done = done;
	k->mode = t->mode;
	k->sig = t->sig;
	k->events_fd = k->main_fd = -1;
	ev_now_update(loop);	/* the timeout counts from now, not the last loop wake */
	k->t0 = ev_now(loop);
	ev_timer_init(&k->timer, on_timer, t->timeout_ms > 0 ? t->timeout_ms / 1000.0 : 0., 0.);
	ev_timer_init(&k->retry, on_retry, RETRY_S, 0.);
	ev_io_init(&k->events_io, on_events, -1, EV_READ);
	ev_io_init(&k->main_io, on_main_exit, -1, EV_READ);
	if (init(k, t) == -1 || arm(k, t) == -1) {
		saved = errno;
		release(k);
		errno = saved;
		return -1;
	}
	k->phase = P_SIGNAL;
	if (t->sig == SIGKILL && t->mode == KILL_MODE_GROUP)
		kill_phase(k);		/* nothing polite to wait for */
	else
		first_signal(k);
	return 0;
}

int kill_active(const struct killer *k)
{
	return k->phase != P_IDLE;
}

void kill_cancel(struct killer *k)
{
	if (k->phase == P_IDLE)
		return;
	release(k);
	k->phase = P_IDLE;
}

/* Milliseconds left until end (CLOCK_MONOTONIC, ms). */
static int64_t left_ms(int64_t end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return end - ((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000);
}

/* Waits until every member's pidfd fired, or the deadline. */
static void wait_members(const struct proc_set *m, int64_t end)
{
	struct pollfd pfd[MAX_WATCH];
	size_t i, n = 0, open_fds;
	int r;

	for (i = 0; i < m->n && n < MAX_WATCH; i++) {
		pfd[n].fd = proc_pidfd_open(m->v[i].pid, m->v[i].start_time);
		pfd[n].events = POLLIN;
		if (pfd[n].fd != -1)
			n++;
	}
	open_fds = n;
	while (open_fds > 0 && left_ms(end) > 0) {
		r = poll(pfd, n, (int)left_ms(end));
		if (r == -1 && errno != EINTR)
			break;
		for (i = 0; r > 0 && i < n; i++)
			if (pfd[i].fd != -1 && pfd[i].revents != 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
			}
	}
	for (i = 0; i < n; i++)
		if (pfd[i].fd != -1)
			close(pfd[i].fd);
}

static int sweep_fallback(const struct kill_target *t, int64_t end,
    struct kill_result *r)
{
	struct killer k;
	int ret = -1;

	memset(&k, 0, sizeof(k));
	if (init(&k, t) == -1)
		goto out;
	for (;;) {
		if (fallback_signal(&k.gen, &k.members, &k.killed, SIGKILL) == -1)
			goto out;
		if (k.members.n == 0)
			break;
		if (left_ms(end) <= 0) {
			r->stuck = (int)k.members.n;
			break;
		}
		wait_members(&k.members, end);
	}
	r->killed = (int)k.killed.n;
	ret = 0;
out:
	proc_set_free(&k.members);
	proc_set_free(&k.killed);
	free(k.cgroup);
	free(k.tag);
	return ret;
}

int kill_sweep(const struct kill_target *t, int64_t wait_ms, struct kill_result *r)
{
	int64_t end = wait_ms - left_ms(0);	/* now + wait_ms */
	int ret;

	memset(r, 0, sizeof(*r));
	if (t->cgroup != NULL) {
		ret = cgroup_kill_wait(t->cgroup, wait_ms, &r->stuck);
		r->killed = ret > 0 ? ret : 0;
		ret = ret == -1 ? -1 : 0;
	} else
		ret = sweep_fallback(t, end, r);
	r->elapsed_ms = wait_ms - left_ms(end);
	return ret;
}
