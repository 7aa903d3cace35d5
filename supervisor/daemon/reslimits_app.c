/* reslimits_app.c: limits on the lifecycle: oom and pids events, fallbacks, describe. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "reslimits_app.h"
#include "units.h"

static void limit_text(const struct limits_config *l, enum limit_kind k, char *buf,
    size_t len)
{
	int64_t v = limits_value(l, k);

	if (k == LIM_MEMORY || k == LIM_MEMORY_HIGH || k == LIM_CORE)
		units_format_size(v, buf, len);
	else
		snprintf(buf, len, k == LIM_CPU ? "%lld%%" : "%lld", (long long)v);
}

void limits_app_poll(struct app *a)
{
	char detail[256], size[32];
	uint64_t oom, pids;

	if (!a->live)
		return;
	limits_gen_poll(&a->gen.lim, &oom, &pids);
	if (oom > 0) {
		a->oom_kills += oom;
		a->gen.oom_seen += oom;
		limit_text(&a->cfg.limits, LIM_MEMORY, size, sizeof(size));
		snprintf(detail, sizeof(detail), "%llu process%s killed by the kernel's OOM "
		    "killer at limits.memory %s (generation %d)", (unsigned long long)oom,
		    oom == 1 ? "" : "es", a->cfg.limits.memory > 0 ? size : "-",
		    a->gen.number);
		app_record_event(a, "oom", "%s", detail);
		app_alert(a, "oom", detail);
	}
	if (pids > 0) {
		a->pids_hits += pids;
		snprintf(detail, sizeof(detail), "%llu fork%s refused at limits.pids %d "
		    "(generation %d)", (unsigned long long)pids, pids == 1 ? "" : "s",
		    a->cfg.limits.pids, a->gen.number);
		app_record_event(a, "pids", "%s", detail);
		app_alert(a, "pids", detail);
	}
}

/*
 * The sampler polls too: its tick may count the kill between the kernel's
 * SIGKILL and the daemon reaping the main (a loaded machine widens that
 * window), so any OOM kill of this generation counts, not only one this last
 * poll sees. A main SIGKILLed by someone else after the OOM killer took a
 * child of the same generation counts too: that generation was at its limit.
 */
bool limits_app_main_oom(struct app *a)
{
	limits_app_poll(a);
	return a->gen.oom_seen > 0;
}

bool limits_app_watchdog(struct app *a)
{
	char detail[256];

	if (!a->live || a->gen.lim.means[LIM_PIDS] != MEANS_WATCHDOG ||
	    a->fig.procs <= a->cfg.limits.pids || a->lc.state != ST_ONLINE)
		return false;
	snprintf(detail, sizeof(detail), "%d processes over limits.pids %d (no pids "
	    "cgroup here: the watchdog restarts the app)", a->fig.procs, a->cfg.limits.pids);
	/* The lifecycle's entry point for limit restarts: refused once a stop began. */
	if (!app_restart_for(a, AE_LIMIT_RESTART, "pids", "%s", detail))
		return false;
	a->pids_hits++;
	app_alert(a, "pids", detail);
	return true;
}

void limits_app_warn(struct app *a)
{
	const char *instead[] = { "", "", "", "RLIMIT_AS on each process instead",
	    "a watchdog restart like max_processes instead" };
	enum limit_means m;
	char val[32];
	int k;

	if (a->limits_warned)
		return;
	a->limits_warned = true;
	for (k = 0; k < LIM_COUNT; k++) {
		m = a->gen.lim.means[k];
		if (!limits_subtree_kind((enum limit_kind)k) || limits_value(&a->cfg.limits,
		    (enum limit_kind)k) < 0 || m == MEANS_CGROUP2 || m == MEANS_CGROUP1)
			continue;
		limit_text(&a->cfg.limits, (enum limit_kind)k, val, sizeof(val));
		app_record_event(a, "warning", "limits.%s %s is not enforced subtree-wide "
		    "(%s): %s", limits_kind_name((enum limit_kind)k), val,
		    limits_why(&a->d->limhost, (enum limit_kind)k),
		    m == MEANS_NONE ? "not enforced" : instead[m]);
	}
}

json_t *limits_app_json(struct app *a)
{
	json_t *o = json_object();
	enum limit_means m;
	int64_t v;
	int k;

	for (k = 0; o != NULL && k < LIM_COUNT; k++) {
		if ((v = limits_value(&a->cfg.limits, (enum limit_kind)k)) < 0)
			continue;
		m = a->live ? a->gen.lim.means[k] :
		    limits_means(&a->d->limhost, &a->cfg.limits, (enum limit_kind)k);
		json_object_set_new(o, limits_kind_name((enum limit_kind)k),
		    json_pack("{s:I,s:s}", "value", (json_int_t)v, "enforced_by",
		    limits_means_name(m)));
	}
	return o;
}

static bool keep_live(void *arg, const char *name, int gen)
{
	struct app *a = app_find(arg, name);

	return a != NULL && a->live && a->gen.number == gen;
}

int limits_app_sweep(struct daemon *d)
{
	return limits_sweep(&d->limhost, keep_live, d);
}
