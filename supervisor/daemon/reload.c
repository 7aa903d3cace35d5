/*
 * reload.c: graceful reload. An instances group is replaced one copy at a
 * time: the live generation of copy i is set aside (a "retiree", still
 * running and still serving), the app starts its next generation the usual
 * way (a restart, counted as one), and only once that one is online (READY=1
 * with wait_ready) does the retiree get its kill_signal, through the same
 * kill engine as any stop (SIGKILL at kill_timeout, cgroup.kill). The next
 * copy starts when the retiree is gone, so N-1 copies serve throughout and N
 * after each step. A single app is simply restarted.
 *
 * A new copy that fails to come online (could not start, exited, no READY=1
 * within listen_timeout) ends the reload: that failed generation is stopped
 * and the retiree becomes the app's live generation again, the copies not
 * yet done are left alone, and the client hears which copy failed and why.
 * A client that stops or deletes the app meanwhile wins: the retiree is
 * ended too.
 *
 * The store says only one generation of an app is live: the retiree's is
 * marked ended when it is set aside (and live again if it is taken back). A
 * daemon killed mid-reload thus adopts the new generation, and the orphan
 * scan of the next daemon ends the retiree (its tag, its cgroup). While a
 * retiree exists, this daemon's own orphan scan waits (reload_busy).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "daemon.h"
#include "env.h"
#include "log.h"
#include "probe.h"
#include "reload.h"
#include "store.h"
#include "units.h"
#include "waiter.h"

enum step {
	S_PENDING,	/* not begun */
	S_NEW,		/* the new generation is on its way */
	S_RESTART,	/* not running, or a single app: a plain restart */
	S_KILL_OLD,	/* new one online; the retiree is being stopped */
	S_BACK,		/* new one failed; stopping it, then taking the retiree back */
	S_DONE,		/* result set */
};

struct retiree {
	struct generation	 gen;
	int			 sig;
	enum kill_mode		 mode;
	int64_t			 timeout_ms;
	bool			 killing;
	bool			 gone;
};

struct entry {
	char		*name;
	int		 g0;		/* gen_count when the request came */
	int		 gbase;		/* gen_count when its new generation was asked */
	enum step	 step;
	const char	*result;	/* "online", "failed", "skipped" */
	char		 err[1024];
	struct retiree	*old;
	struct job	*job;
};

struct job {
	struct job	*next;
	struct daemon	*d;
	struct entry	*v;
	size_t		 n, cur;
};

struct reload_state {
	struct job	*jobs;
	bool		 in_poke;
	bool		 again;
};

static struct reload_state *state(struct daemon *d)
{
	if (d->reload == NULL)
		d->reload = calloc(1, sizeof(*d->reload));
	return d->reload;
}

bool reload_busy(struct daemon *d)
{
	struct job *j;

	if (d->reload == NULL)
		return false;
	for (j = d->reload->jobs; j; j = j->next)
		for (size_t i = 0; i < j->n; i++)
			if (j->v[i].old != NULL)
				return true;
	return false;
}

/* Sets the live generation of a aside; a then has none. */
static struct retiree *retire(struct app *a)
{
	struct retiree *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	ev_io_stop(a->d->loop, &a->gen.pidfd_io);
	r->gen = a->gen;
	r->sig = a->cfg.kill_signal;
	r->mode = a->cfg.kill_mode;
	r->timeout_ms = a->cfg.kill_timeout_ms;
	/* What the retiree owns now. */
	a->gen.pidfd = -1;
	a->gen.cgroup = NULL;
	a->gen.lim.v2 = NULL;
	for (int c = 0; c < CTL_COUNT; c++)
		a->gen.lim.v1[c] = NULL;
	memset(&a->gen.known, 0, sizeof(a->gen.known));
	memset(&a->gen.killer, 0, sizeof(a->gen.killer));
	a->gen.main_gone = true;	/* the reaper must not take its exit for a's */
	a->live = false;
	app_record_event(a, "reload", "generation %d (pid %d) keeps serving until the "
	    "next one is online", r->gen.number, (int)r->gen.pid);
	return r;
}

static void retiree_free(struct daemon *d, struct retiree *r)
{
	kill_cancel(&r->gen.killer);
	if (r->gen.pidfd >= 0)
		close(r->gen.pidfd);
	if (r->gen.cgroup != NULL && cgroup_remove(r->gen.cgroup) == -1 && errno != ENOENT)
		log_warn("reload: rmdir %s", r->gen.cgroup);
	proc_set_free(&r->gen.known);
	gen_release(&r->gen);
	free(r);
}

static void kill_done(struct killer *k, const struct kill_result *res)
{
	struct entry *e = k->data;
	struct daemon *d = e->job->d;

	if (res->stuck > 0)
		log_warnx("%s: %d processes of its old generation survived SIGKILL", e->name,
		    res->stuck);
	e->old->gone = true;
	daemon_mark(d);		/* the settle step moves the reload on */
}

static void target(struct retiree *r, struct kill_target *t)
{
	struct generation *g = &r->gen;

	memset(t, 0, sizeof(*t));
	t->main_pid = g->pid;
	t->main_start = g->start_time;
	t->cgroup = g->cgroup;
	t->pgid = t->sid = g->pgid;
	t->tag = g->tag[0] ? g->tag : NULL;
	t->known = &g->known;
	t->sig = r->sig;
	t->mode = r->mode;
	t->timeout_ms = r->timeout_ms;
}

/* SIGKILL to all of the retiree now, waiting (bounded) until it is gone. */
static void sweep(struct entry *e)
{
	struct kill_target t;
	struct kill_result res;

	kill_cancel(&e->old->gen.killer);
	target(e->old, &t);
	if (kill_sweep(&t, 2000, &res) == -1)
		log_warn("%s: ending generation %d", e->name, e->old->gen.number);
	e->old->gone = true;
}

/* The retiree gets its kill_signal (SIGKILL at kill_timeout). */
static void retiree_kill(struct entry *e)
{
	struct retiree *r = e->old;
	struct generation *g = &r->gen;
	struct kill_target t;

	if (r->killing)
		return;
	target(r, &t);
	r->killing = true;
	g->killer.data = e;
	if (kill_start(e->job->d->loop, &g->killer, &t, kill_done) == -1) {
		struct kill_result res;

		log_warn("%s: cannot start stopping generation %d; SIGKILL now", e->name,
		    g->number);
		(void)kill_sweep(&t, 2000, &res);
		r->gone = true;
	}
}

static bool main_alive(const struct generation *g)
{
	struct proc_info st;

	return proc_read(g->pid, &st) == 0 && st.start_time == g->start_time &&
	    st.state != 'Z';
}

/* The retiree is a's live generation again. */
static void take_back(struct app *a, struct retiree *r)
{
	enum app_state before = a->lc.state;
	struct store_gen sg;

	proc_set_free(&a->gen.known);
	gen_release(&a->gen);
	a->gen = r->gen;
	memset(&a->gen.killer, 0, sizeof(a->gen.killer));
	if (a->gen.pidfd >= 0)
		ev_io_start(a->d->loop, &a->gen.pidfd_io);
	free(r);
	/* Its strings point into a->gen now, not into the freed retiree. */
	sg = (struct store_gen){ a->gen.number, a->gen.pid, a->gen.pgid,
	    a->gen.start_time, a->gen.started_ms, a->gen.tag, a->gen.cgroup };
	a->live = true;
	a->not_ready = false;
	a->lc.state = ST_ONLINE;
	a->lc.want_up = true;
	if (store_put_generation(a->d->store, a->cfg.name, &sg) == -1 ||
	    store_set_want(a->d->store, a->cfg.name, true, a->lc.restarts) == -1)
		log_warnx("%s: cannot store generation %d as live again", a->cfg.name,
		    a->gen.number);
	app_record_event(a, "reload", "the new generation failed: generation %d (pid %d) "
	    "serves on", a->gen.number, (int)a->gen.pid);
	probe_state(a, before);
	app_cron_arm(a);
}

/* Why the new generation of a did not come online. */
static void why_failed(struct app *a, struct entry *e)
{
	const char *sig = json_string_value(json_object_get(a->last_exit, "signal"));
	json_t *code = json_object_get(a->last_exit, "code");

	if (a->fail_gen > e->gbase)
		snprintf(e->err, sizeof(e->err), "app '%s': new copy failed: %s", e->name,
		    app_fail_text(a));
	else if (a->not_ready)
		snprintf(e->err, sizeof(e->err), "app '%s': new copy sent no READY=1 within "
		    "listen_timeout (%lld ms)", e->name, (long long)a->cfg.listen_timeout_ms);
	else if (sig)
		snprintf(e->err, sizeof(e->err), "app '%s': new copy was killed by %s before "
		    "it came online", e->name, sig);
	else if (code)
		snprintf(e->err, sizeof(e->err), "app '%s': new copy exited with code %d "
		    "before it came online", e->name, (int)json_integer_value(code));
	else
		snprintf(e->err, sizeof(e->err), "app '%s': new copy did not come online "
		    "(%s)", e->name, lc_state_name(a->lc.state));
}

static void finish(struct entry *e, const char *result)
{
	e->step = S_DONE;
	e->result = result;
}

/* The copies after a failed one are left as they are. */
static void skip_rest(struct job *j)
{
	for (size_t i = j->cur + 1; i < j->n; i++) {
		finish(&j->v[i], "skipped");
		snprintf(j->v[i].err, sizeof(j->v[i].err), "left running: the reload stopped "
		    "at '%s'", j->v[j->cur].name);
	}
	j->cur = j->n;
}

static void begin(struct job *j, struct entry *e)
{
	struct app *a = app_find(j->d, e->name);

	if (a == NULL) {
		finish(e, "failed");
		snprintf(e->err, sizeof(e->err), "app '%s' deleted meanwhile", e->name);
		return;
	}
	e->gbase = a->gen_count;
	if (a->lc.state != ST_ONLINE || !a->live || a->gen.main_gone ||
	    a->gen.exec_fd >= 0 || kill_active(&a->gen.killer) || a->cfg.instances <= 1 ||
	    j->d->shutting_down) {
		e->step = S_RESTART;
		app_event(a, a->lc.want_up ? AE_RESTART : AE_START);
		return;
	}
	if ((e->old = retire(a)) == NULL) {
		e->step = S_RESTART;
		app_event(a, AE_RESTART);
		return;
	}
	e->step = S_NEW;
	/* No live generation: the restart spawns the next one at once. */
	app_event(a, AE_RESTART);
}

/* A plain restart: done when the new generation is online, or failed. */
static void check_restart(struct job *j, struct entry *e)
{
	struct app *a = app_find(j->d, e->name);

	if (a == NULL) {
		finish(e, "failed");
		snprintf(e->err, sizeof(e->err), "app '%s' deleted meanwhile", e->name);
	} else if (a->online_gen > e->gbase)
		finish(e, "online");
	else if (a->fail_gen > e->gbase || a->lc.state == ST_ERRORED ||
	    a->lc.state == ST_WAITING || (a->lc.state == ST_STOPPED && !a->lc.want_up)) {
		why_failed(a, e);
		finish(e, "failed");
		skip_rest(j);
	}
}

static void check_new(struct job *j, struct entry *e)
{
	struct app *a = app_find(j->d, e->name);

	if (a != NULL && a->online_gen > e->gbase && a->lc.state == ST_ONLINE) {
		e->step = S_KILL_OLD;
		retiree_kill(e);
		return;
	}
	if (a != NULL && a->lc.state == ST_LAUNCHING && a->fail_gen <= e->gbase &&
	    a->gen_count == e->gbase + 1)
		return;		/* on its way */
	/* Failed, restarting again, or the client stopped it meanwhile. */
	if (a == NULL || (a->lc.state == ST_STOPPING && !a->lc.want_up) || a->delete_pending ||
	    j->d->shutting_down) {
		snprintf(e->err, sizeof(e->err), "app '%s' was stopped during its reload",
		    e->name);
		e->step = S_KILL_OLD;
		retiree_kill(e);
		e->result = "failed";
		return;
	}
	why_failed(a, e);
	app_record_event(a, "reload", "%s", e->err);
	e->step = S_BACK;
	app_event(a, AE_STOP);
}

static void check_back(struct job *j, struct entry *e)
{
	struct app *a = app_find(j->d, e->name);

	if (a != NULL && (a->live || a->lc.state == ST_STOPPING))
		return;
	if (a == NULL || a->delete_pending || j->d->shutting_down || a->lc.want_up) {
		/* deleted, shutting down, or started again by a client: the old one goes */
		e->step = S_KILL_OLD;
		e->result = "failed";
		retiree_kill(e);
		return;
	}
	if (!main_alive(&e->old->gen)) {
		/* it died meanwhile: what it left goes, and the app starts afresh */
		sweep(e);
		retiree_free(j->d, e->old);
		e->old = NULL;
		app_event(a, AE_START);
	} else {
		take_back(a, e->old);
		e->old = NULL;
	}
	finish(e, "failed");
	skip_rest(j);
}

static void check_kill_old(struct job *j, struct entry *e)
{
	if (!e->old->gone)
		return;
	retiree_free(j->d, e->old);
	e->old = NULL;
	if (e->result != NULL && strcmp(e->result, "failed") == 0) {
		finish(e, "failed");
		skip_rest(j);
	} else
		finish(e, "online");
}

/* Moves job j as far as it can go now; true when something changed. */
static bool advance(struct job *j)
{
	struct entry *e;
	enum step before;

	if (j->cur >= j->n)
		return false;
	e = &j->v[j->cur];
	before = e->step;
	switch (e->step) {
	case S_PENDING:	begin(j, e); break;
	case S_RESTART:	check_restart(j, e); break;
	case S_NEW:	check_new(j, e); break;
	case S_BACK:	check_back(j, e); break;
	case S_KILL_OLD: check_kill_old(j, e); break;
	case S_DONE:	break;
	}
	if (j->cur < j->n && j->v[j->cur].step == S_DONE)
		j->cur++;
	return e->step != before || j->cur >= j->n || e->step == S_DONE;
}

void reload_poke(struct daemon *d)
{
	struct reload_state *rs = d->reload;
	struct job *j;
	bool moved;

	if (rs == NULL)
		return;
	if (rs->in_poke) {
		rs->again = true;
		return;
	}
	rs->in_poke = true;
	do {
		rs->again = false;
		moved = false;
		for (j = rs->jobs; j; j = j->next)
			while (j->cur < j->n && advance(j))
				moved = true;
	} while (moved || rs->again);
	rs->in_poke = false;
}

static void job_free(struct job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		if (j->v[i].old)
			retiree_free(j->d, j->v[i].old);
		free(j->v[i].name);
	}
	free(j->v);
	free(j);
}

/* Finished jobs whose every entry was reported go. */
static void gc(struct daemon *d)
{
	struct job **pj = &d->reload->jobs, *j;

	while ((j = *pj) != NULL) {
		bool reported = j->cur >= j->n;

		for (size_t i = 0; reported && i < j->n; i++)
			reported = j->v[i].result == NULL && j->v[i].step == S_DONE;
		if (reported) {
			*pj = j->next;
			job_free(j);
		} else
			pj = &j->next;
	}
}

const char *reload_result(struct daemon *d, const char *name, int g0, const char **err)
{
	struct job *j;

	*err = NULL;
	if (d->reload == NULL)
		return "failed";
	for (j = d->reload->jobs; j; j = j->next)
		for (size_t i = 0; i < j->n; i++) {
			struct entry *e = &j->v[i];
			const char *r;

			if (e->g0 != g0 || strcmp(e->name, name) != 0 || e->step != S_DONE ||
			    e->result == NULL)
				continue;
			r = e->result;
			if (strcmp(r, "online") != 0)
				*err = e->err;
			e->result = NULL;	/* reported: the entry may go */
			return r;
		}
	return NULL;
}

void reload_gc(struct daemon *d)
{
	if (d->reload != NULL && !d->reload->in_poke)
		gc(d);
}

static int by_instance(const void *x, const void *y)
{
	const struct app *a = *(struct app *const *)x, *b = *(struct app *const *)y;

	return a->cfg.instance - b->cfg.instance;
}

void reload_apps(struct daemon *d, struct waiter *w, char **names)
{
	struct reload_state *rs = state(d);
	struct app **v, *a;
	size_t n = 0, i, k;

	for (char **p = names; *p; p++)
		n++;
	if (rs == NULL || (v = calloc(n + 1, sizeof(*v))) == NULL) {
		for (char **p = names; *p; p++)
			waiter_add(w, *p, "start", "failed", "out of memory");
		return;
	}
	for (i = 0, k = 0; i < n; i++)
		if ((a = app_find(d, names[i])) != NULL)
			v[k++] = a;
	n = k;
	/* One job a group, its copies in order; groups go side by side. */
	for (i = 0; i < n; i++) {
		const char *g;
		struct app **mine;
		struct job *j;
		size_t m = 0;

		if (v[i] == NULL)
			continue;
		g = v[i]->cfg.group ? v[i]->cfg.group : v[i]->cfg.name;
		mine = calloc(n, sizeof(*mine));
		j = calloc(1, sizeof(*j));
		if (mine == NULL || j == NULL ||
		    (j->v = calloc(n, sizeof(*j->v))) == NULL) {
			free(mine);
			free(j);
			waiter_add(w, v[i]->cfg.name, "start", "failed", "out of memory");
			v[i] = NULL;
			continue;
		}
		for (k = i; k < n; k++)
			if (v[k] && strcmp(v[k]->cfg.group ? v[k]->cfg.group : v[k]->cfg.name,
			    g) == 0) {
				mine[m++] = v[k];
				v[k] = NULL;
			}
		qsort(mine, m, sizeof(*mine), by_instance);
		j->d = d;
		for (k = 0; k < m; k++) {
			j->v[k].name = strdup(mine[k]->cfg.name);
			j->v[k].g0 = mine[k]->gen_count;
			j->v[k].job = j;
			waiter_add(w, mine[k]->cfg.name, "reload", NULL, NULL);
			j->n++;
		}
		free(mine);
		j->next = rs->jobs;
		rs->jobs = j;
	}
	free(v);
}

void reload_shutdown(struct daemon *d)
{
	struct job *j;

	if (d->reload == NULL)
		return;
	/* Stop what the jobs would start; the retirees end now. */
	for (j = d->reload->jobs; j; j = j->next)
		for (size_t i = 0; i < j->n; i++) {
			struct entry *e = &j->v[i];

			if (e->old != NULL && !e->old->gone) {
				sweep(e);
				e->step = S_KILL_OLD;
				e->result = "failed";
				snprintf(e->err, sizeof(e->err), "the daemon is shutting down");
			}
		}
}

void reload_free(struct daemon *d)
{
	struct job *j;

	if (d->reload == NULL)
		return;
	while ((j = d->reload->jobs) != NULL) {
		d->reload->jobs = j->next;
		job_free(j);
	}
	free(d->reload);
	d->reload = NULL;
}
