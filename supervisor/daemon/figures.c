/*
 * figures.c: the procs / memory / cpu columns of `status`, every
 * $CSUP_SAMPLE_MS while some app runs: each live generation's members
 * (its cgroup's cgroup.procs, or the fallback's proc_select() set) go to
 * sample.c's sample_take(), which reads each /proc/PID/stat (proc_read)
 * and accounts CPU per process, exactly. The /proc snapshot (with tags,
 * the costly part) is read only when some generation runs in fallback.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "figures.h"
#include "log.h"
#include "monitor.h"
#include "store.h"

#define PRUNE_EVERY_TICKS	900	/* at most; more often for a short retention */

/* The generation's members: cgroup.procs, or the fallback's selection. */
static int members(struct app *a, const struct proc_table *t, struct proc_set *out)
{
	struct generation *g = &a->gen;
	struct proc_gen pg = { g->main_gone ? 0 : g->pid, g->start_time, g->pgid,
	    g->pgid, g->tag[0] ? g->tag : NULL };

	if (g->cgroup != NULL)
		return cgroup_procs(g->cgroup, out);
	if (t == NULL || proc_select(t, &pg, &g->known) == -1)
		return -1;
	for (size_t i = 0; i < g->known.n; i++)
		if (proc_set_add(out, g->known.v[i].pid, g->known.v[i].start_time) == -1)
			return -1;
	return 0;
}

static void figures_of(struct app *a, const struct proc_table *t)
{
	struct proc_set m = { 0 };
	struct sample s;
	pid_t *pids = NULL;

	if (!a->live) {
		memset(&a->fig, 0, sizeof(a->fig));
		return;
	}
	if (members(a, t, &m) == -1 ||
	    (pids = calloc(m.n ? m.n : 1, sizeof(*pids))) == NULL) {
		log_warn("%s: members of generation %d", a->cfg.name, a->gen.number);
		goto out;
	}
	for (size_t i = 0; i < m.n; i++)
		pids[i] = m.v[i].pid;
	if (sample_take(&a->smp, (uint64_t)a->gen.number, pids, m.n, &s) == -1) {
		log_warn("%s: sample", a->cfg.name);
		goto out;
	}
	a->fig.procs = s.procs;
	a->fig.rss = s.memory_bytes;
	a->fig.cpu = s.cpu_percent;
	a->fig.gen = a->gen.number;
	a->cpu_seconds = s.cpu_seconds;
out:
	free(pids);
	proc_set_free(&m);
}

static bool unsampled(const struct app *a)
{
	return a->live && a->fig.gen != a->gen.number;
}

/* Every app (tick), or only generations not sampled yet (only_new). */
static void sample_apps(struct daemon *d, bool only_new)
{
	struct proc_table t, *tp = NULL;
	struct app *a;
	bool fallback = false, any = false;

	TAILQ_FOREACH(a, &d->apps, entry) {
		if (only_new && !unsampled(a))
			continue;
		any = true;
		fallback |= a->live && a->gen.cgroup == NULL;
	}
	if (!any)
		return;
	if (fallback) {
		if (proc_table_load(&t, 1) == -1)
			log_warn("reading /proc");
		else
			tp = &t;
	}
	TAILQ_FOREACH(a, &d->apps, entry)
		if (!only_new || unsampled(a))
			figures_of(a, tp);
	if (tp != NULL)
		proc_table_free(tp);
}

void figures_refresh(struct daemon *d)
{
	sample_apps(d, false);
	d->last_scan_ms = csup_mono_ms();
}

void figures_new_generations(struct daemon *d)
{
	sample_apps(d, true);
}

static size_t count_apps(struct daemon *d)
{
	struct app *a;
	size_t n = 0;

	TAILQ_FOREACH(a, &d->apps, entry)
		n++;
	return n;
}

static void save_samples(struct daemon *d)
{
	struct store_sample *v;
	int64_t now = csup_now_ms();
	struct app *a;
	size_t n = 0;

	if ((v = calloc(count_apps(d) + 1, sizeof(*v))) == NULL)
		return;
	TAILQ_FOREACH(a, &d->apps, entry) {
		if (!a->live)
			continue;
		v[n++] = (struct store_sample){ now, a->cfg.name, a->fig.procs,
		    a->fig.rss, a->fig.cpu };
	}
	if (n && store_put_samples(d->store, v, n) == -1)
		log_warnx("cannot store samples");
	free(v);
	/* Pruned four times a retention period, and at least every 900 ticks. */
	int64_t every = d->samples_keep_ms / 4 / (d->sample_ms > 0 ? d->sample_ms : 1);

	every = every < 1 ? 1 : every > PRUNE_EVERY_TICKS ? PRUNE_EVERY_TICKS : every;
	if (++d->sample_ticks % (unsigned)every == 0 &&
	    store_prune_samples(d->store, now - d->samples_keep_ms) == -1)
		log_warnx("cannot prune samples");
}

static void sample_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = CONTAINER_OF(w, struct daemon, sample_timer);

	figures_refresh(d);
	save_samples(d);
	monitor_after_sample(d);
}

void figures_timer_update(struct daemon *d)
{
	double period = (double)d->sample_ms / 1000.;
	struct app *a;
	bool any = false;

	TAILQ_FOREACH(a, &d->apps, entry)
		any |= a->live;
	if (any && !ev_is_active(&d->sample_timer) && !d->exiting) {
		ev_timer_init(&d->sample_timer, sample_timer_cb, period, period);
		ev_timer_start(d->loop, &d->sample_timer);
	} else if (!any && ev_is_active(&d->sample_timer))
		ev_timer_stop(d->loop, &d->sample_timer);
}
