/*
 * orphan.c: the orphan scan (docs/guarantee.md).
 *
 * At start-up, after recovery, and then every $CSUP_ORPHAN_SCAN_MS
 * (default one minute): every process carrying this home's tag
 * (CSUP_APP=<home id>:...) that no live generation owns, with its
 * descendants, and every generation cgroup no live generation uses, is
 * ended with kill_sweep(). Each kill is counted in
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "store.h"

#define ORPHAN_SCAN_MS		60000
#define ORPHAN_WAIT_MS		2000
#define ORPHAN_CHAIN_MAX	64

struct scan {
	struct daemon	*d;
	struct proc_set	*owned;		/* one set an app, in list order */
	int		*per_app;	/* orphans attributed to each app */
	size_t		 napps;
	int		 unknown;	/* tagged with an app this daemon does not know */
	int		 killed;
};

/* What the live generation of a owns, from the snapshot t. */
static void own_set(struct app *a, const struct proc_table *t, struct proc_set *s)
{
	struct generation *g = &a->gen;
	struct proc_gen pg = { g->main_gone ? 0 : g->pid, g->start_time, g->pgid,
	    g->pgid, g->tag[0] ? g->tag : NULL };

	if (!a->live)
		return;
	if (g->cgroup[0] != '\0')
		(void)cgroup_procs(g->cgroup, s);
	(void)proc_set_add(s, g->pid, g->start_time);
	if (g->cgroup[0] == '\0' && proc_select(t, &pg, &g->known) == 0) {
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

static void sweep_tagged(struct scan *sc)
{
	struct proc_set orphans = { 0 };
	struct kill_target kt = { 0 };
	struct kill_result r;
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
		if (kill_sweep(&kt, ORPHAN_WAIT_MS, &r) == 0)
			sc->killed += r.killed;
		else
			log_warn("orphan scan: ending %zu processes", orphans.n);
	}
	proc_set_free(&orphans);
}

static int stale_cgroup(void *arg, const char *path)
{
	struct scan *sc = arg;
	struct kill_target kt = { .cgroup = path };
	struct kill_result r;
	struct app *a;
	size_t i = 0;

	TAILQ_FOREACH(a, &sc->d->apps, entry) {
		if (a->live && strcmp(a->gen.cgroup, path) == 0)
			return 0;
		i++;
	}
	if (kill_sweep(&kt, ORPHAN_WAIT_MS, &r) == 0 && r.killed > 0) {
		sc->killed += r.killed;
		sc->unknown += r.killed;
	}
	(void)cgroup_remove(path);
	return 0;
}

static void report(struct scan *sc)
{
	char detail[128];
	struct app *a, *next;
	size_t i = 0;

	for (a = TAILQ_FIRST(&sc->d->apps); a; a = next, i++) {
		next = TAILQ_NEXT(a, entry);
		if (sc->per_app[i] == 0)
			continue;
		snprintf(detail, sizeof(detail), "orphans killed %d: tagged with this app, "
		    "owned by no live generation", sc->per_app[i]);
		app_record_event(a, "orphans", "%s", detail);
		monitor_alert(a, "orphans", detail);
	}
	if (sc->unknown > 0) {
		snprintf(detail, sizeof(detail), "orphans killed %d: of no known app",
		    sc->unknown);
		log_info("%s", detail);
		if (store_add_event(sc->d->store, NULL, "orphans", detail) == -1)
			log_warnx("cannot record event orphans");
	}
}

int orphan_scan(struct daemon *d)
{
	struct scan sc = { d, NULL, NULL, 0, 0, 0 };
	struct app *a;
	int n;

	TAILQ_FOREACH(a, &d->apps, entry)
		sc.napps++;
	sc.owned = calloc(sc.napps + 1, sizeof(*sc.owned));
	sc.per_app = calloc(sc.napps + 1, sizeof(*sc.per_app));
	if (sc.owned == NULL || sc.per_app == NULL) {
		log_warn("orphan scan");
		goto out;
	}
	sweep_tagged(&sc);
	if (d->cg.usable)
		(void)cgroup_each_gen(&d->cg, stale_cgroup, &sc);
	n = limits_app_sweep(d);
	sc.killed += n;
	sc.unknown += n;
	d->counters.orphans_killed += (uint64_t)sc.killed;
	report(&sc);
out:
	for (size_t i = 0; sc.owned && i < sc.napps; i++)
		proc_set_free(&sc.owned[i]);
	free(sc.owned);
	free(sc.per_app);
	return sc.killed;
}

static void orphan_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, orphan_timer);

	/* A reload's old generation is no orphan: the next round sees it gone. */
	if (!d->shutting_down && !reload_busy(d))
		(void)orphan_scan(d);
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
}
