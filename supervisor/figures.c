/*
 * figures.c: the procs / memory / cpu columns of `status`, computed
 * cheaply: one scan of /proc for all apps, counting the processes whose
 * process group or session is the app's main pid. CPU is the tick delta
 * between two readings. The timer runs only while some app has processes.
 *
 * Seam (issue 6): sample.c's per-pid accounting and the fallback's tracked
 * set replace figures_refresh(); sample_timer_cb() is where the sampler
 * hooks in (it already stores samples and prunes them).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csup.h"
#include "log.h"

#define SAMPLE_RETENTION_MS	(24LL * 3600 * 1000)
#define PRUNE_EVERY_TICKS	900

int figures_stat(pid_t pid, struct pstat *st)
{
	char path[64], buf[1024], *p;
	unsigned long long f[20];
	long long rss;
	ssize_t n;
	int fd, pp, pg, se;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		errno = ESRCH;
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || (buf[n] = '\0', p = strrchr(buf, ')')) == NULL) {
		errno = ESRCH;
		return -1;
	}
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime cutime cstime priority nice threads itreal starttime vsize rss */
	if (sscanf(p + 1, " %c %d %d %d %llu %llu %llu %llu %llu %llu %llu %llu %llu"
	    " %llu %llu %llu %llu %llu %llu %llu %llu %lld", &st->state, &pp, &pg, &se,
	    &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9],
	    &f[10], &f[11], &f[12], &f[13], &f[14], &f[15], &f[16], &rss) != 22) {
		errno = ESRCH;
		return -1;
	}
	st->pid = pid;
	st->ppid = pp;
	st->pgrp = pg;
	st->session = se;
	st->ticks = f[7] + f[8];
	st->start_time = f[15];
	st->rss = rss * sysconf(_SC_PAGESIZE);
	return 0;
}

static size_t count_apps(struct daemon *d)
{
	struct app *a;
	size_t n = 0;

	TAILQ_FOREACH(a, &d->apps, entry)
		n++;
	return n;
}

static void finish(struct daemon *d, const int64_t *ticks, int64_t now)
{
	long hz = sysconf(_SC_CLK_TCK);
	struct app *a;
	size_t i = 0;

	TAILQ_FOREACH(a, &d->apps, entry) {
		int64_t dt = now - a->fig.at_ms;

		if (a->fig.at_ms && dt >= 100 && (uint64_t)ticks[i] >= a->fig.ticks)
			a->fig.cpu = (double)((uint64_t)ticks[i] - a->fig.ticks) * 1000.0 /
			    (double)hz / (double)dt * 100.0;
		if (!a->fig.at_ms || dt >= 100) {
			a->fig.ticks = (uint64_t)ticks[i];
			a->fig.at_ms = now;
		}
		i++;
	}
}

/* One generation's figures: its cgroup's members, or the fallback selection. */
static void usage_of(struct app *a, const struct proc_table *t, struct proc_usage *u)
{
	struct generation *g = &a->gen;
	struct proc_gen pg = { g->main_gone ? 0 : g->pid, g->start_time, g->pgid,
	    g->pgid, g->tag[0] ? g->tag : NULL };
	struct proc_set cg = { 0 };

	memset(u, 0, sizeof(*u));
	if (!a->live)
		return;
	if (g->cgroup[0] != '\0') {
		if (cgroup_procs(g->cgroup, &cg) == 0)
			proc_usage_sum(t, &cg, u);
		proc_set_free(&cg);
	} else if (proc_select(t, &pg, &g->known) == 0)
		proc_usage_sum(t, &g->known, u);
}

void figures_refresh(struct daemon *d)
{
	size_t n = count_apps(d), i = 0;
	int64_t *ticks, now = csup_mono_ms();
	struct proc_usage u;
	struct proc_table t;
	struct app *a;

	if (n == 0 || (ticks = calloc(n, sizeof(*ticks))) == NULL)
		return;
	if (proc_table_load(&t, 1) == -1) {
		log_warn("reading /proc");
		free(ticks);
		return;
	}
	TAILQ_FOREACH(a, &d->apps, entry) {
		usage_of(a, &t, &u);
		a->fig.procs = u.procs;
		a->fig.rss = (int64_t)u.rss_bytes;
		ticks[i++] = (int64_t)u.cpu_ticks;
	}
	proc_table_free(&t);
	finish(d, ticks, now);
	free(ticks);
	d->last_scan_ms = now;
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
	if (++d->sample_ticks % PRUNE_EVERY_TICKS == 0 &&
	    store_prune_samples(d->store, now - SAMPLE_RETENTION_MS) == -1)
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
