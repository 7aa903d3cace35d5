/* guard.c: the guarantee's glue: a generation's names, its stop target, recovery. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "guard.h"
#include "log.h"

/* The tag and (in cgroup mode, if the directory exists or will) the cgroup. */
static void gen_names(struct daemon *d, struct app *a, int number,
    struct generation *g, bool must_exist)
{
	char cg[PATH_MAX];

	if (proc_tag_format(g->tag, sizeof(g->tag), d->paths.id, a->cfg.name, number) == -1)
		g->tag[0] = '\0';
	free(g->cgroup);
	g->cgroup = NULL;
	/* Out of memory it is NULL too: the sweeps fall back to tag and group. */
	if (d->cg.usable && cgroup_gen_path(&d->cg, a->cfg.name, number, cg,
	    sizeof(cg)) == 0 && (!must_exist || cgroup_populated(cg) != -1))
		g->cgroup = strdup(cg);
}

void guard_target(struct app *a, struct kill_target *t)
{
	struct generation *g = &a->gen;

	memset(t, 0, sizeof(*t));
	t->main_pid = g->pid;
	t->main_start = g->start_time;
	t->main_exited = g->main_gone;
	t->cgroup = g->cgroup;
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
	if (g->cgroup == NULL)
		refresh_known(g);
	limits_gen_adopt(&a->d->limhost, &a->cfg, g->number, g->cgroup, &g->lim);
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
	t.cgroup = g.cgroup;
	t.pgid = t.sid = pgid;
	t.tag = g.tag[0] ? g.tag : NULL;
	if (kill_sweep(&t, 2000, &r) == -1)
		log_warn("%s: ending generation %d", a->cfg.name, number);
	if (t.cgroup)
		cgroup_remove(t.cgroup);
	/* Its v1 groups held the same processes: empty now, or swept later. */
	limits_gen_adopt(&d->limhost, &a->cfg, number, g.cgroup, &g.lim);
	(void)limits_gen_remove(&g.lim);
	gen_release(&g);
	d->counters.orphans_killed += (uint64_t)(r.killed > 0 ? r.killed : 0);
	if (r.killed > 0)
		app_record_event(a, "orphans", "orphans killed %d: generation %d died while "
		    "no daemon watched", r.killed, number);
}
