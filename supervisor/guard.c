/* guard.c: the guarantee's glue: a generation's names, its stop target, recovery. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csup.h"
#include "log.h"

/* The tag and (in cgroup mode, if the directory exists or will) the cgroup. */
static void gen_names(struct daemon *d, struct app *a, int number,
    struct generation *g, bool must_exist)
{
	if (proc_tag_format(g->tag, sizeof(g->tag), d->paths.id, a->cfg.name, number) == -1)
		g->tag[0] = '\0';
	if (!d->cg.usable || cgroup_gen_path(&d->cg, a->cfg.name, number, g->cgroup,
	    sizeof(g->cgroup)) == -1 ||
	    (must_exist && cgroup_populated(g->cgroup) == -1))
		g->cgroup[0] = '\0';
}

void guard_target(struct app *a, struct kill_target *t)
{
	struct generation *g = &a->gen;

	memset(t, 0, sizeof(*t));
	t->main_pid = g->pid;
	t->main_start = g->start_time;
	t->main_exited = g->main_gone;
	t->cgroup = g->cgroup[0] ? g->cgroup : NULL;
	t->pgid = t->sid = g->pgid;
	t->tag = g->tag[0] ? g->tag : NULL;
	t->known = &g->known;
	t->sig = a->cfg.kill_signal;
	t->mode = a->cfg.kill_mode;
	t->timeout_ms = a->cfg.kill_timeout_ms;
}

/* The known set of a fallback generation, from one /proc snapshot. */
static void refresh_known(struct generation *g)
{
	struct proc_gen pg = { g->pid, g->start_time, g->pgid, g->pgid,
	    g->tag[0] ? g->tag : NULL };
	struct proc_table t;

	if (proc_table_load(&t, 1) == -1)
		return;
	(void)proc_select(&t, &pg, &g->known);
	proc_table_free(&t);
}

void guard_adopted(struct app *a)
{
	struct generation *g = &a->gen;

	gen_names(a->d, a, g->number, g, true);
	memset(&g->known, 0, sizeof(g->known));
	memset(&g->killer, 0, sizeof(g->killer));
	proc_set_add(&g->known, g->pid, g->start_time);
	if (g->cgroup[0] == '\0')
		refresh_known(g);
}

void guard_dead_generation(struct daemon *d, struct app *a, int number, pid_t pid,
    pid_t pgid, uint64_t start_time)
{
	struct generation g;
	struct kill_result r;
	struct kill_target t = { 0 };

	memset(&g, 0, sizeof(g));
	gen_names(d, a, number, &g, true);
	t.main_pid = pid;
	t.main_start = start_time;
	t.main_exited = 1;
	t.cgroup = g.cgroup[0] ? g.cgroup : NULL;
	t.pgid = t.sid = pgid;
	t.tag = g.tag[0] ? g.tag : NULL;
	if (kill_sweep(&t, 2000, &r) == -1)
		log_warn("%s: ending generation %d", a->cfg.name, number);
	if (t.cgroup)
		cgroup_remove(t.cgroup);
	if (r.killed > 0)
		app_record_event(a, "orphans", "orphans killed %d: generation %d died while "
		    "no daemon watched", r.killed, number);
}

struct owned {
	struct daemon	*d;
	struct proc_set	*sets;
	size_t		 n;
	int		 killed;
};

static int stale_cgroup(void *arg, const char *path)
{
	struct owned *o = arg;
	struct kill_target t = { .cgroup = path };
	struct kill_result r;
	struct app *a;

	TAILQ_FOREACH(a, &o->d->apps, entry)
		if (a->live && strcmp(a->gen.cgroup, path) == 0)
			return 0;
	if (kill_sweep(&t, 2000, &r) == 0)
		o->killed += r.killed;
	cgroup_remove(path);
	return 0;
}

/* What a live generation owns: its cgroup's members, or its known set. */
static void own_set(struct app *a, struct proc_set *s)
{
	size_t j;

	if (!a->live)
		return;
	if (a->gen.cgroup[0] != '\0') {
		(void)cgroup_procs(a->gen.cgroup, s);
		return;
	}
	(void)proc_set_add(s, a->gen.pid, a->gen.start_time);
	for (j = 0; j < a->gen.known.n; j++)
		(void)proc_set_add(s, a->gen.known.v[j].pid, a->gen.known.v[j].start_time);
}

/* After recovery: end whatever carries this home's tag and no live generation owns. */
void guard_recover(struct daemon *d)
{
	struct owned o = { d, NULL, 0, 0 };
	struct proc_set orphans = { 0 };
	struct kill_target t = { 0 };
	struct kill_result r;
	struct proc_table tab;
	char prefix[64];
	struct app *a;
	size_t i;

	TAILQ_FOREACH(a, &d->apps, entry)
		o.n++;
	if ((o.sets = calloc(o.n + 1, sizeof(*o.sets))) == NULL)
		return;
	i = 0;
	TAILQ_FOREACH(a, &d->apps, entry)
		own_set(a, &o.sets[i++]);
	snprintf(prefix, sizeof(prefix), "%s:", d->paths.id);
	if (proc_table_load(&tab, 1) == 0) {
		(void)proc_select_orphans(&tab, prefix, o.sets, o.n, &orphans);
		proc_table_free(&tab);
	}
	if (orphans.n > 0) {
		t.known = &orphans;
		if (kill_sweep(&t, 2000, &r) == 0)
			o.killed += r.killed;
	}
	if (d->cg.usable)
		cgroup_each_gen(&d->cg, stale_cgroup, &o);
	if (o.killed > 0)
		log_info("orphans killed %d", o.killed);
	for (i = 0; i < o.n; i++)
		proc_set_free(&o.sets[i]);
	free(o.sets);
	proc_set_free(&orphans);
}
