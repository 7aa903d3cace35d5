/* sample.c: per-app process count, RSS and CPU from /proc/PID/stat. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sample.h"

struct sample_pid {
	pid_t			pid;
	unsigned long long	start;		/* starttime: tells a reused pid apart */
	unsigned long long	ticks;		/* utime + stime at the last sample */
};

/* Field numbers of proc(5), counted from 1 (pid) as the manual does. */
enum { F_STATE = 3, F_PPID = 4, F_UTIME = 14, F_STIME = 15, F_START = 22, F_RSS = 24 };

/* Parse a decimal at *p (optionally negative); advance *p. -1 when none. */
static int parse_num(const char **p, const char *end, long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;
	int neg = 0;

	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	if (s >= end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long long)(*s - '0');
		s++;
	}
	*out = neg ? -(long long)v : (long long)v;
	*p = s;
	return 0;
}

int sample_parse_stat(const char *buf, size_t len, struct proc_stat *out)
{
	const char *p = buf, *end = buf + len, *rparen;
	long long v;
	int field;

	memset(out, 0, sizeof(*out));
	if (parse_num(&p, end, &v) == -1 || v <= 0)
		return -1;
	out->pid = (pid_t)v;
	/* comm may hold spaces and parentheses: the last ')' ends it. */
	rparen = memrchr(buf, ')', len);
	if (rparen == NULL || rparen < p || rparen + 2 >= end || rparen[1] != ' ')
		return -1;
	p = rparen + 2;
	out->state = *p++;
	for (field = F_STATE + 1; field <= F_RSS; field++) {
		if (p >= end || *p != ' ')
			return -1;
		p++;
		if (parse_num(&p, end, &v) == -1)
			return -1;
		switch (field) {
		case F_PPID:	out->ppid = (pid_t)v; break;
		case F_UTIME:	out->utime = (unsigned long long)v; break;
		case F_STIME:	out->stime = (unsigned long long)v; break;
		case F_START:	out->starttime = (unsigned long long)v; break;
		case F_RSS:	out->rss_pages = v; break;
		default:	break;
		}
	}
	return 0;
}

int sample_read_pid(pid_t pid, struct proc_stat *out)
{
	char path[32], buf[1024];
	ssize_t r;
	size_t len = 0;
	int fd, saved;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return -1;
	/* The kernel fills the whole line in one read; loop only for EINTR. */
	for (;;) {
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf) - 1)
			break;
	}
	saved = errno;
	close(fd);
	if (r == -1) {
		errno = saved;
		return -1;
	}
	if (sample_parse_stat(buf, len, out) == -1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

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
	struct proc_stat st;
	unsigned long long delta = 0;
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	int64_t now_ns, elapsed_ns;
	size_t i, ncur = 0;

	memset(out, 0, sizeof(*out));
	out->t_ms = clock_ns(CLOCK_REALTIME) / 1000000;
	if ((cur = calloc(n ? n : 1, sizeof(*cur))) == NULL)
		return -1;
	if (generation != sa->generation) {
		sa->npids = 0;
		sa->generation = generation;
	}
	for (i = 0; i < n; i++) {
		if (sample_read_pid(pids[i], &st) == -1)
			continue;	/* gone since it was listed */
		if (st.state == 'Z' || st.state == 'X')
			continue;
		cur[ncur].pid = st.pid;
		cur[ncur].start = st.starttime;
		cur[ncur].ticks = st.utime + st.stime;
		delta += ticks_since(sa, &cur[ncur]);
		out->procs++;
		out->memory_bytes += (int64_t)st.rss_pages * page;
		ncur++;
	}
	qsort(cur, ncur, sizeof(*cur), cmp_pid);
	free(sa->pids);
	sa->pids = cur;
	sa->npids = sa->cap = ncur;

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
