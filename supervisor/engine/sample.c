/* sample.c: per-app process count, RSS and CPU from /proc/PID/stat (proc_read). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "sample.h"

struct sample_pid {
	pid_t			pid;
	unsigned long long	start;		/* starttime: tells a reused pid apart */
	unsigned long long	ticks;		/* utime + stime at the last sample */
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static unsigned long long boot_ticks(long hz)
{
	int64_t ns = clock_ns(CLOCK_BOOTTIME);

	return (unsigned long long)(ns / (1000000000 / hz));
}

void sample_app_init(struct sample_app *sa, uint64_t generation)
{
	memset(sa, 0, sizeof(*sa));
	sa->generation = generation;
	sa->last_ns = clock_ns(CLOCK_MONOTONIC);
	sa->last_boot_ticks = boot_ticks(sysconf(_SC_CLK_TCK));
}

void sample_app_free(struct sample_app *sa)
{
	free(sa->pids);
	sa->pids = NULL;
	sa->npids = sa->cap = 0;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct sample_pid *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Ticks this process spent since the previous sample (see sample.h). */
static unsigned long long ticks_since(const struct sample_app *sa,
    const struct sample_pid *cur)
{
	const struct sample_pid *prev = NULL;

	if (sa->npids > 0)
		prev = bsearch(cur, sa->pids, sa->npids, sizeof(*sa->pids), cmp_pid);
	if (prev != NULL && prev->start == cur->start)
		return cur->ticks >= prev->ticks ? cur->ticks - prev->ticks : 0;
	if (cur->start >= sa->last_boot_ticks)
		return cur->ticks;
	return 0;
}

int sample_take(struct sample_app *sa, uint64_t generation,
    const pid_t *pids, size_t n, struct sample *out)
{
	struct sample_pid *cur;
	struct proc_info st;
	unsigned long long delta = 0;
	long hz = sysconf(_SC_CLK_TCK);
	int64_t now_ns, elapsed_ns;
	size_t i, ncur = 0;

	memset(out, 0, sizeof(*out));
	out->t_ms = clock_ns(CLOCK_REALTIME) / 1000000;
	if ((cur = calloc(n ? n : 1, sizeof(*cur))) == NULL)
		return -1;
	if (generation != sa->generation) {
		sa->npids = 0;
		sa->generation = generation;
		sa->seen = 0;
	}
	for (i = 0; i < n; i++) {
		if (proc_read(pids[i], &st) == -1)
			continue;	/* gone since it was listed */
		if (st.state == 'Z' || st.state == 'X')
			continue;
		cur[ncur].pid = st.pid;
		cur[ncur].start = st.start_time;
		cur[ncur].ticks = st.utime + st.stime;
		delta += ticks_since(sa, &cur[ncur]);
		out->procs++;
		out->memory_bytes += (int64_t)st.rss_bytes;
		ncur++;
	}
	qsort(cur, ncur, sizeof(*cur), cmp_pid);
	free(sa->pids);
	sa->pids = cur;
	sa->npids = sa->cap = ncur;
	if (ncur == 0 && !sa->seen) {
		/* Nothing of this generation listed yet (not in its cgroup
		 * yet): keep the time base from before its fork (sample.h). */
		out->cpu_seconds = (double)sa->ticks_total / (double)hz;
		return 0;
	}
	sa->seen = 1;

	now_ns = clock_ns(CLOCK_MONOTONIC);
	elapsed_ns = now_ns - sa->last_ns;
	if (elapsed_ns > 0)
		out->cpu_percent = (double)delta / (double)hz * 1e11 / (double)elapsed_ns;
	sa->last_ns = now_ns;
	sa->last_boot_ticks = boot_ticks(hz);
	sa->ticks_total += delta;
	out->cpu_seconds = (double)sa->ticks_total / (double)hz;
	return 0;
}
