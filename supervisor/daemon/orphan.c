/*
 * orphan.c: the orphan scan (docs/guarantee.md).
 *
 * At start-up, after recovery, and then every $CSUP_ORPHAN_SCAN_MS
 * (default one minute): every process carrying this home's tag
 * (CSUP_APP=<home id>:...) that no live generation owns, with its
 * descendants, and every generation cgroup no live generation uses, is
 * ended. At start-up (before the socket opens) with kill_sweep(), which
 * waits; from the timer with the kill engine (kill_start(), SIGKILL at
 * once), so the loop never blocks: the scan's report (events, alerts,
 * counter) follows when its last kill is done, and no new scan starts
 * while one is still ending processes. Each kill is counted in
 * csup_orphans_killed_total; the app named by the tag gets an `orphans`
 * event and its `alert` fires. The timer is one libev timer: an idle
 * daemon wakes once a minute for one /proc read.
 *
 * What a live generation owns is computed from the same /proc snapshot:
 * its cgroup's members and its fallback selection (pgid, session, its own
 * tag, descendants), so a child forked since the last sample is never
 * taken for an orphan.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "orphan.h"
#include "reload.h"
#include "reslimits_app.h"
#include "store.h"

#define ORPHAN_SCAN_MS		60000
#define ORPHAN_WAIT_MS		2000
#define ORPHAN_CHAIN_MAX	64

struct scan {
	struct daemon	*d;
	struct proc_set	*owned;		/* one set an app, in list order */
	int		*per_app;	/* orphans attributed to each app */
	char	       **names;		/* the apps' names, for a report that comes later */
	size_t		 napps;
	int		 unknown;	/* tagged with an app this daemon does not know */
	int		 killed;
	bool		 async;		/* from the timer: the kill engine, no waiting */
	int		 pending;	/* kills still under way */
	struct orphan_kill *kills;
};

/* One asynchronous kill of a scan: the tagged orphans, or a stale cgroup. */
struct orphan_kill {
	struct killer	 k;
	struct scan	*sc;
	struct proc_set	 set;
	char		*cgroup;	/* removed once empty; its kills are of no known app */
	struct orphan_kill *next;
};

static void scan_free(struct scan *sc);
static void report(struct scan *sc);

/* What the live generation of a owns, from the snapshot t. */
static void own_set(struct app *a, const struct proc_table *t, struct proc_set *s)
{
	struct generation *g = &a->gen;
	struct proc_gen pg = { g->main_gone ? 0 : g->pid, g->start_time, g->pgid,
	    g->pgid, g->tag[0] ? g->tag : NULL };

	if (!a->live)
		return;
	if (g->cgroup != NULL)
		(void)cgroup_procs(g->cgroup, s);
	(void)proc_set_add(s, g->pid, g->start_time);
	if (g->cgroup == NULL && proc_select(t, &pg, &g->known) == 0) {
		for (size_t j = 0; j < g->known.n; j++)
			(void)proc_set_add(s, g->known.v[j].pid, g->known.v[j].start_time);
	} else {
		struct proc_set tmp = { 0 };

		if (proc_select(t, &pg, &tmp) == 0)
			for (size_t j = 0; j < tmp.n; j++)
				(void)proc_set_add(s, tmp.v[j].pid, tmp.v[j].start_time);
		proc_set_free(&tmp);
	}
}

/* The app an orphan came from: the tag of it or of its nearest tagged ancestor. */
static int attribute(struct scan *sc, const struct proc_table *t, pid_t pid,
    const char *prefix)
{
	const struct proc_entry *e = proc_table_find(t, pid);
	size_t plen = strlen(prefix), i = 0;
	const char *name, *colon;
	struct app *a;

	for (int hops = 0; e && hops < ORPHAN_CHAIN_MAX; hops++) {
		if (e->tag && strncmp(e->tag, prefix, plen) == 0)
			break;
		e = proc_table_find(t, e->info.ppid);
	}
	if (e == NULL || e->tag == NULL || strncmp(e->tag, prefix, plen) != 0)
		return -1;
	name = e->tag + plen;
	if ((colon = strrchr(name, ':')) == NULL)
		return -1;
	TAILQ_FOREACH(a, &sc->d->apps, entry) {
		if (strlen(a->cfg.name) == (size_t)(colon - name) &&
		    strncmp(a->cfg.name, name, (size_t)(colon - name)) == 0)
			return (int)i;
		i++;
	}
	return -1;
}

/* The scan is over when its last kill is: report, then forget it. */
static void scan_settle(struct scan *sc)
{
	if (sc->pending > 0)
		return;
	report(sc);
	if (sc->async) {
		sc->d->orphan_busy = NULL;
		scan_free(sc);
	}
}

static void kill_free(struct orphan_kill *ok)
{
	struct orphan_kill **p;

	for (p = &ok->sc->kills; *p != NULL; p = &(*p)->next)
		if (*p == ok) {
			*p = ok->next;
			break;
		}
	proc_set_free(&ok->set);
	free(ok->cgroup);
	free(ok);
}

static void kill_done(struct killer *k, const struct kill_result *r)
{
	struct orphan_kill *ok = CONTAINER_OF(k, struct orphan_kill, k);
	struct scan *sc = ok->sc;

	sc->killed += r->killed;
	if (ok->cgroup != NULL) {
		sc->unknown += r->killed;
		(void)cgroup_remove(ok->cgroup);
	}
	kill_free(ok);
	sc->pending--;
	scan_settle(sc);
}

/* SIGKILL what kt selects: waiting (start-up) or through the engine (timer). */
static int sweep(struct scan *sc, struct kill_target *kt, const char *cgroup)
{
	struct orphan_kill *ok;
	struct kill_result r;

	if (!sc->async) {
		if (kill_sweep(kt, ORPHAN_WAIT_MS, &r) == -1)
			return -1;
		sc->killed += r.killed;
		if (cgroup != NULL) {
			sc->unknown += r.killed;
			(void)cgroup_remove(cgroup);
		}
		return 0;
	}
	if ((ok = calloc(1, sizeof(*ok))) == NULL)
		return -1;
	ok->sc = sc;
	if (cgroup != NULL && (ok->cgroup = strdup(cgroup)) == NULL)
		goto fail;
	/* The target's set must outlive this call: the engine copies it, we keep ours. */
	for (size_t i = 0; kt->known != NULL && i < kt->known->n; i++)
		if (proc_set_add(&ok->set, kt->known->v[i].pid, kt->known->v[i].start_time) == -1)
			goto fail;
	kt->known = kt->known ? &ok->set : NULL;
	kt->sig = SIGKILL;
	kt->mode = KILL_MODE_GROUP;
	kt->timeout_ms = 0;
	ok->k.data = ok;
	if (kill_start(sc->d->loop, &ok->k, kt, kill_done) == -1)
		goto fail;
	ok->next = sc->kills;
	sc->kills = ok;
	sc->pending++;
	return 0;
fail:
	proc_set_free(&ok->set);
	free(ok->cgroup);
	free(ok);
	return -1;
}

static void sweep_tagged(struct scan *sc)
{
	struct proc_set orphans = { 0 };
	struct kill_target kt = { 0 };
	struct proc_table t;
	struct app *a;
	char prefix[64];
	size_t i = 0;
	int who;

	if (proc_table_load(&t, 1) == -1) {
		log_warn("orphan scan: reading /proc");
		return;
	}
	TAILQ_FOREACH(a, &sc->d->apps, entry)
		own_set(a, &t, &sc->owned[i++]);
	snprintf(prefix, sizeof(prefix), "%s:", sc->d->paths.id);
	if (proc_select_orphans(&t, prefix, sc->owned, sc->napps, &orphans) == 0) {
		for (i = 0; i < orphans.n; i++) {
			if ((who = attribute(sc, &t, orphans.v[i].pid, prefix)) >= 0)
				sc->per_app[who]++;
			else
				sc->unknown++;
		}
	}
	proc_table_free(&t);
	if (orphans.n > 0) {
		kt.known = &orphans;
		if (sweep(sc, &kt, NULL) == -1)
			log_warn("orphan scan: ending %zu processes", orphans.n);
	}
	proc_set_free(&orphans);
}

static int stale_cgroup(void *arg, const char *path)
{
	struct scan *sc = arg;
	struct kill_target kt = { .cgroup = path };
	struct app *a;
	size_t i = 0;

	TAILQ_FOREACH(a, &sc->d->apps, entry) {
		if (a->live && a->gen.cgroup != NULL && strcmp(a->gen.cgroup, path) == 0)
			return 0;
		i++;
	}
	if (sweep(sc, &kt, path) == -1)
		log_warn("orphan scan: ending %s", path);
	return 0;
}

static void report(struct scan *sc)
{
	char detail[128];
	struct app *a;

	sc->d->counters.orphans_killed += (uint64_t)sc->killed;
	for (size_t i = 0; i < sc->napps; i++) {
		/* An app deleted while its orphans were ending is not reported. */
		if (sc->per_app[i] == 0 || (a = app_find(sc->d, sc->names[i])) == NULL)
			continue;
		snprintf(detail, sizeof(detail), "orphans killed %d: tagged with this app, "
		    "owned by no live generation", sc->per_app[i]);
		app_record_event(a, "orphans", "%s", detail);
		app_alert(a, "orphans", detail);
	}
	if (sc->unknown > 0) {
		snprintf(detail, sizeof(detail), "orphans killed %d: of no known app",
		    sc->unknown);
		log_info("%s", detail);
		if (store_add_event(sc->d->store, NULL, "orphans", detail) == -1)
			log_warnx("cannot record event orphans");
	}
}

static void scan_free(struct scan *sc)
{
	while (sc->kills != NULL) {
		kill_cancel(&sc->kills->k);
		kill_free(sc->kills);
	}
	for (size_t i = 0; i < sc->napps; i++) {
		if (sc->owned)
			proc_set_free(&sc->owned[i]);
		if (sc->names)
			free(sc->names[i]);
	}
	free(sc->owned);
	free(sc->per_app);
	free(sc->names);
	free(sc);
}

static struct scan *scan_new(struct daemon *d, bool async)
{
	struct scan *sc = calloc(1, sizeof(*sc));
	struct app *a;
	size_t i = 0;

	if (sc == NULL)
		return NULL;
	sc->d = d;
	sc->async = async;
	TAILQ_FOREACH(a, &d->apps, entry)
		sc->napps++;
	sc->owned = calloc(sc->napps + 1, sizeof(*sc->owned));
	sc->per_app = calloc(sc->napps + 1, sizeof(*sc->per_app));
	sc->names = calloc(sc->napps + 1, sizeof(*sc->names));
	if (sc->owned == NULL || sc->per_app == NULL || sc->names == NULL)
		goto fail;
	TAILQ_FOREACH(a, &d->apps, entry)
		if ((sc->names[i++] = strdup(a->cfg.name)) == NULL)
			goto fail;
	return sc;
fail:
	scan_free(sc);
	return NULL;
}

/* Finds and ends; async: returns at once, the kills go on in the loop. */
static int scan_run(struct daemon *d, bool async)
{
	struct scan *sc = scan_new(d, async);
	int killed, n;

	if (sc == NULL) {
		log_warn("orphan scan");
		return 0;
	}
	sc->pending = 1;	/* held until every kill is started */
	sweep_tagged(sc);
	if (d->cg.usable)
		(void)cgroup_each_gen(&d->cg, stale_cgroup, sc);
	n = limits_app_sweep(d);	/* stale v1 groups: SIGKILL, no waiting */
	sc->killed += n;
	sc->unknown += n;
	for (size_t i = 0; i < sc->napps; i++)
		proc_set_free(&sc->owned[i]);
	sc->pending--;
	killed = sc->killed;
	if (async && sc->pending > 0) {
		d->orphan_busy = sc;
		return 0;
	}
	report(sc);
	scan_free(sc);
	return killed;
}

int orphan_scan(struct daemon *d)
{
	return scan_run(d, false);
}

static void orphan_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, orphan_timer);

	/* A reload's old generation is no orphan: the next round sees it gone. */
	if (!d->shutting_down && !reload_busy(d) && d->orphan_busy == NULL)
		(void)scan_run(d, true);
}

void orphan_timer_start(struct daemon *d)
{
	const char *ms = getenv("CSUP_ORPHAN_SCAN_MS");
	double period = (double)(ms && atoll(ms) > 0 ? atoll(ms) : ORPHAN_SCAN_MS) / 1000.;

	ev_timer_init(&d->orphan_timer, orphan_timer_cb, period, period);
	ev_timer_start(d->loop, &d->orphan_timer);
}

void orphan_timer_stop(struct daemon *d)
{
	ev_timer_stop(d->loop, &d->orphan_timer);
	if (d->orphan_busy != NULL) {
		scan_free(d->orphan_busy);
		d->orphan_busy = NULL;
	}
}
