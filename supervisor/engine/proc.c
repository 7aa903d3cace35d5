/* proc.c: /proc reading, pid-reuse-proof signals, the fallback selection. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc.h"

#define PF_KTHREAD	0x00200000u
#define ENV_MAX		(1u << 20)	/* larger environments are not read */

/* Field numbers of proc(5), counted from 1 (pid). */
enum {
	F_STATE = 3, F_PPID = 4, F_PGRP = 5, F_SESSION = 6, F_FLAGS = 9,
	F_UTIME = 14, F_STIME = 15, F_START = 22, F_RSS = 24
};

static void store_field(struct proc_info *pi, int field, long long v)
{
	switch (field) {
	case F_PPID:	pi->ppid = (pid_t)v; break;
	case F_PGRP:	pi->pgid = (pid_t)v; break;
	case F_SESSION:	pi->sid = (pid_t)v; break;
	case F_FLAGS:	pi->flags = (unsigned)v; break;
	case F_UTIME:	pi->utime = (uint64_t)v; break;
	case F_STIME:	pi->stime = (uint64_t)v; break;
	case F_START:	pi->start_time = (uint64_t)v; break;
	case F_RSS:
		pi->rss_bytes = v > 0 ?
		    (uint64_t)v * (uint64_t)sysconf(_SC_PAGESIZE) : 0;
		break;
	default:	break;
	}
}

int proc_parse_stat(const char *buf, size_t len, struct proc_info *pi)
{
	char text[1024], *p, *e;
	long long v;
	int field;

	memset(pi, 0, sizeof(*pi));
	if (len == 0 || len >= sizeof(text))
		goto bad;
	memcpy(text, buf, len);
	text[len] = '\0';
	v = strtoll(text, &e, 10);
	if (e == text || *e != ' ' || v <= 0 || v > INT_MAX)
		goto bad;
	pi->pid = (pid_t)v;
	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	if ((p = strrchr(text, ')')) == NULL || p < e || p[1] != ' ' || p[2] == '\0')
		goto bad;
	pi->state = p[2];
	for (p += 3, field = F_STATE + 1; field <= F_RSS; field++, p = e) {
		errno = 0;
		if (*p != ' ' || (v = strtoll(p, &e, 10), e == p) || errno != 0)
			goto bad;
		store_field(pi, field, v);
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Reads a small /proc file whole; -1 with ESRCH when the process is gone. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	do
		r = read(fd, buf, len);
	while (r == -1 && errno == EINTR);
	close(fd);
	return r;
}

int proc_read(pid_t pid, struct proc_info *pi)
{
	char path[32], buf[1024];
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	r = read_small(path, buf, sizeof(buf));
	if (r == -1)
		return -1;
	if (r == 0) {
		errno = ESRCH;
		return -1;
	}
	return proc_parse_stat(buf, (size_t)r, pi);
}

int proc_alive(pid_t pid, uint64_t start_time)
{
	struct proc_info pi;

	if (pid <= 0 || proc_read(pid, &pi) == -1)
		return 0;
	return pi.start_time == start_time && pi.state != 'Z' && pi.state != 'X';
}

int proc_read_file(const char *path, size_t max, char **out, size_t *outlen)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd, ret = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= max) {
				errno = E2BIG;
				goto out;
			}
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap)) == NULL)
				goto out;
			buf = nb;
		}
		if ((r = read(fd, buf + len, cap - len - 1)) == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto out;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

int proc_env_get(pid_t pid, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name), len, vlen;
	char path[40], *buf, *p, *end, *nul;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if (proc_read_file(path, ENV_MAX, &buf, &len) == -1) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	errno = ENOENT;
	for (p = buf, end = buf + len; p < end; p = nul + 1) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (nul == NULL)
			nul = end;
		if ((size_t)(nul - p) > nlen && memcmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			vlen = (size_t)(nul - p) - nlen - 1;
			if (vlen >= outlen) {
				errno = ENAMETOOLONG;
				break;
			}
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			ret = 0;
			break;
		}
	}
	free(buf);
	return ret;
}

int proc_tag_format(char *buf, size_t len, const char *home_id,
    const char *app, int generation)
{
	int n;

	n = snprintf(buf, len, "%s:%s:%d", home_id, app, generation);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int sys_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_pidfd_send_signal(int fd, int sig)
{
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
#else
	(void)fd;
	(void)sig;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Open first, check second: if /proc shows our start time after the open,
 * the pid named our process at the open too (start times only grow, and
 * ours was recorded before), so the pidfd is ours.
 */
int proc_pidfd_open(pid_t pid, uint64_t start_time)
{
	int fd, saved;

	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	fd = sys_pidfd_open(pid);
	if (fd == -1)
		return -1;
	if (!proc_alive(pid, start_time)) {
		saved = ESRCH;
		close(fd);
		errno = saved;
		return -1;
	}
	/* pidfd_open(2) sets O_CLOEXEC itself. */
	return fd;
}

int proc_signal(pid_t pid, uint64_t start_time, int sig)
{
	int fd, r, saved;

	fd = proc_pidfd_open(pid, start_time);
	if (fd == -1) {
		if (errno != ENOSYS)
			return -1;
		/* Old kernel: the window between the check and kill(2) remains. */
		if (!proc_alive(pid, start_time)) {
			errno = ESRCH;
			return -1;
		}
		return kill(pid, sig);
	}
	r = sys_pidfd_send_signal(fd, sig);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

static struct proc_id *set_find(const struct proc_set *s, pid_t pid,
    uint64_t start_time)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].pid == pid && (s->v[i].start_time == start_time ||
		    s->v[i].start_time == 0 || start_time == 0))
			return &s->v[i];
	return NULL;
}

int proc_set_has(const struct proc_set *s, pid_t pid, uint64_t start_time)
{
	return set_find(s, pid, start_time) != NULL;
}

int proc_set_add(struct proc_set *s, pid_t pid, uint64_t start_time)
{
	struct proc_id *nv;
	size_t ncap;

	if (set_find(s, pid, start_time) != NULL)
		return 0;
	if (s->n == s->cap) {
		ncap = s->cap ? s->cap * 2 : 16;
		if ((nv = reallocarray(s->v, ncap, sizeof(*nv))) == NULL)
			return -1;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n].pid = pid;
	s->v[s->n].start_time = start_time;
	s->n++;
	return 0;
}

void proc_set_clear(struct proc_set *s)
{
	s->n = 0;
}

void proc_set_free(struct proc_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static int table_add(struct proc_table *t, const struct proc_info *pi, int with_tag)
{
	struct proc_entry *nv, *e;
	char tag[PROC_TAG_MAX];
	size_t ncap;

	if (t->n == t->cap) {
		ncap = t->cap ? t->cap * 2 : 256;
		if ((nv = reallocarray(t->v, ncap, sizeof(*nv))) == NULL)
			return -1;
		t->v = nv;
		t->cap = ncap;
	}
	e = &t->v[t->n];
	e->info = *pi;
	e->tag = NULL;
	if (with_tag &&
	    proc_env_get(pi->pid, PROC_TAG_VAR, tag, sizeof(tag)) == 0 &&
	    (e->tag = strdup(tag)) == NULL)
		return -1;
	t->n++;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct proc_entry *x = a, *y = b;

	return (x->info.pid > y->info.pid) - (x->info.pid < y->info.pid);
}

/* One /proc entry: skipped (0) when gone, a zombie or a kernel thread. */
static int table_load_one(struct proc_table *t, const char *name, int with_tags)
{
	struct proc_info pi;
	char *end;
	long v;

	errno = 0;
	v = strtol(name, &end, 10);
	if (*end != '\0' || v <= 0 || errno != 0)
		return 0;
	if (proc_read((pid_t)v, &pi) == -1)
		return errno == ESRCH || errno == EINVAL ? 0 : -1;
	if (pi.state == 'Z' || pi.state == 'X' || (pi.flags & PF_KTHREAD) ||
	    pi.pid == 2 || pi.ppid == 2)
		return 0;
	return table_add(t, &pi, with_tags);
}

int proc_table_load(struct proc_table *t, int with_tags)
{
	struct dirent *de;
	DIR *d;
	int ret = -1, saved;

	memset(t, 0, sizeof(*t));
	if ((d = opendir("/proc")) == NULL)
		return -1;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				goto out;
			break;
		}
		if (table_load_one(t, de->d_name, with_tags) == -1)
			goto out;
	}
	qsort(t->v, t->n, sizeof(*t->v), entry_cmp);
	ret = 0;
out:
	saved = errno;
	closedir(d);
	if (ret == -1)
		proc_table_free(t);
	errno = saved;
	return ret;
}

void proc_table_free(struct proc_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].tag);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const struct proc_entry *proc_table_find(const struct proc_table *t, pid_t pid)
{
	struct proc_entry key;

	if (t->n == 0)
		return NULL;
	key.info.pid = pid;
	return bsearch(&key, t->v, t->n, sizeof(*t->v), entry_cmp);
}

/* Marks the descendants of marked entries, until a pass adds none. */
static void mark_descendants(const struct proc_table *t, unsigned char *mark)
{
	const struct proc_entry *parent;
	size_t i;
	int changed;

	do {
		changed = 0;
		for (i = 0; i < t->n; i++) {
			if (mark[i])
				continue;
			parent = proc_table_find(t, t->v[i].info.ppid);
			if (parent != NULL && mark[parent - t->v]) {
				mark[i] = 1;
				changed = 1;
			}
		}
	} while (changed);
}

/* Rebuilds out from the marked entries. */
static int collect(const struct proc_table *t, const unsigned char *mark,
    struct proc_set *out)
{
	size_t i;

	proc_set_clear(out);
	for (i = 0; i < t->n; i++)
		if (mark[i] && proc_set_add(out, t->v[i].info.pid,
		    t->v[i].info.start_time) == -1)
			return -1;
	return 0;
}

/* Group and session ids are trusted unless the leader's pid was reused. */
static int group_ids_trusted(const struct proc_table *t, const struct proc_gen *g)
{
	const struct proc_entry *leader;

	if (g->main_pid <= 0)
		return 1;
	leader = proc_table_find(t, g->main_pid);
	return leader == NULL || g->main_start == 0 ||
	    leader->info.start_time == g->main_start;
}

static int gen_matches(const struct proc_entry *e, const struct proc_gen *g,
    const struct proc_set *known, int ids)
{
	const struct proc_info *pi = &e->info;

	if (proc_set_has(known, pi->pid, pi->start_time))
		return 1;
	if (ids && ((g->pgid > 0 && pi->pgid == g->pgid) ||
	    (g->sid > 0 && pi->sid == g->sid)))
		return 1;
	return g->tag != NULL && e->tag != NULL && strcmp(e->tag, g->tag) == 0;
}

int proc_select(const struct proc_table *t, const struct proc_gen *g,
    struct proc_set *members)
{
	unsigned char *mark;
	pid_t self = getpid();
	size_t i;
	int ids, ret;

	if ((mark = calloc(t->n ? t->n : 1, 1)) == NULL)
		return -1;
	ids = group_ids_trusted(t, g);
	for (i = 0; i < t->n; i++)
		mark[i] = t->v[i].info.pid != self &&
		    gen_matches(&t->v[i], g, members, ids);
	mark_descendants(t, mark);
	for (i = 0; i < t->n; i++)
		if (t->v[i].info.pid == self || t->v[i].info.pid == 1)
			mark[i] = 0;
	ret = collect(t, mark, members);
	free(mark);
	return ret;
}

static int owned_by_any(const struct proc_set *owned, size_t nowned,
    const struct proc_info *pi)
{
	size_t i;

	for (i = 0; i < nowned; i++)
		if (proc_set_has(&owned[i], pi->pid, pi->start_time))
			return 1;
	return 0;
}

int proc_select_orphans(const struct proc_table *t, const char *tag_prefix,
    const struct proc_set *owned, size_t nowned, struct proc_set *out)
{
	size_t i, plen = strlen(tag_prefix);
	unsigned char *mark;
	pid_t self = getpid();
	int ret;

	if ((mark = calloc(t->n ? t->n : 1, 1)) == NULL)
		return -1;
	/*
	 * Never self, even tagged (a daemon started from inside an app keeps
	 * the tag in /proc/self/environ): its loggers would pass as orphans.
	 */
	for (i = 0; i < t->n; i++)
		mark[i] = t->v[i].tag != NULL && t->v[i].info.pid != self &&
		    strncmp(t->v[i].tag, tag_prefix, plen) == 0 &&
		    !owned_by_any(owned, nowned, &t->v[i].info);
	mark_descendants(t, mark);
	for (i = 0; i < t->n; i++)
		if (t->v[i].info.pid == self || t->v[i].info.pid == 1 ||
		    owned_by_any(owned, nowned, &t->v[i].info))
			mark[i] = 0;
	ret = collect(t, mark, out);
	free(mark);
	return ret;
}

void proc_usage_sum(const struct proc_table *t, const struct proc_set *members,
    struct proc_usage *u)
{
	const struct proc_entry *e;
	size_t i;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < members->n; i++) {
		e = proc_table_find(t, members->v[i].pid);
		if (e == NULL || (members->v[i].start_time != 0 &&
		    e->info.start_time != members->v[i].start_time))
			continue;
		u->procs++;
		u->rss_bytes += e->info.rss_bytes;
		u->cpu_ticks += e->info.utime + e->info.stime;
	}
}

char *proc_read_text(const char *path, size_t max)
{
	size_t len;
	char *buf;

	return proc_read_file(path, max, &buf, &len) == 0 ? buf : NULL;
}

int proc_write_text(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t r;
	int fd, saved;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	do
		r = write(fd, s, len);
	while (r == -1 && errno == EINTR);
	saved = errno;
	close(fd);
	errno = saved;
	return r == (ssize_t)len ? 0 : -1;
}
