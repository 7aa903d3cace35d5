/* reslimits.c: memory, cpu and pids caps of a generation's subtree; rlimits, nice. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "reslimits.h"

#define FILE_MAX	(64 * 1024)
#define CFS_PERIOD_US	100000
#define SWEEP_WAIT_MS	2000

static const char *const kind_names[LIM_COUNT] = {
	"memory", "memory_high", "cpu", "pids", "nofile", "core",
};
static const char *const means_names[] = {
	"none", "cgroup2", "cgroup1", "rlimit", "watchdog",
};
static const char *const ctl_names[CTL_COUNT] = { "memory", "cpu", "pids" };
/* A file that only a usable hierarchy of the controller has in its groups. */
static const char *const ctl_v1_file[CTL_COUNT] = {
	"memory.limit_in_bytes", "cpu.cfs_quota_us", "pids.max",
};

const char *limits_kind_name(enum limit_kind k)
{
	return k < LIM_COUNT ? kind_names[k] : "?";
}

const char *limits_means_name(enum limit_means m)
{
	return m <= MEANS_WATCHDOG ? means_names[m] : "?";
}

bool limits_subtree_kind(enum limit_kind k)
{
	return k == LIM_MEMORY || k == LIM_MEMORY_HIGH || k == LIM_CPU || k == LIM_PIDS;
}

int64_t limits_value(const struct limits_config *l, enum limit_kind k)
{
	switch (k) {
	case LIM_MEMORY:	return l->memory > 0 ? l->memory : -1;
	case LIM_MEMORY_HIGH:	return l->memory_high > 0 ? l->memory_high : -1;
	case LIM_CPU:		return l->cpu > 0 ? l->cpu : -1;
	case LIM_PIDS:		return l->pids > 0 ? l->pids : -1;
	case LIM_NOFILE:	return l->nofile;
	case LIM_CORE:		return l->core;
	default:		return -1;
	}
}

static enum limit_ctl kind_ctl(enum limit_kind k)
{
	return k == LIM_CPU ? CTL_CPU : k == LIM_PIDS ? CTL_PIDS : CTL_MEMORY;
}

static int join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* 1 when the comma-separated list [s, s + n) holds word. */
static int in_list(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);
	const char *e = s + n, *c;

	while (s < e) {
		c = memchr(s, ',', (size_t)(e - s));
		if (c == NULL)
			c = e;
		if ((size_t)(c - s) == wl && memcmp(s, word, wl) == 0)
			return 1;
		s = c + 1;
	}
	return 0;
}

/* The n-th (0-based) space-separated field of [s, e), copied into out. */
static int field(const char *s, const char *e, int n, char *out, size_t olen)
{
	const char *q;

	for (;;) {
		q = memchr(s, ' ', (size_t)(e - s));
		if (q == NULL)
			q = e;
		if (n-- == 0) {
			if ((size_t)(q - s) >= olen)
				return -1;
			memcpy(out, s, (size_t)(q - s));
			out[q - s] = '\0';
			return 0;
		}
		if (q == e)
			return -1;
		s = q + 1;
	}
}

int limits_parse_v1_mount(const char *text, const char *ctl, char *mount, size_t mlen,
    char *root, size_t rlen)
{
	char fstype[32], opts[512];
	const char *s, *e, *sep;

	for (s = text; *s; s = *e ? e + 1 : e) {
		if ((e = strchr(s, '\n')) == NULL)
			e = s + strlen(s);
		if ((sep = memmem(s, (size_t)(e - s), " - ", 3)) == NULL ||
		    field(sep + 3, e, 0, fstype, sizeof(fstype)) == -1 ||
		    strcmp(fstype, "cgroup") != 0 ||
		    field(sep + 3, e, 2, opts, sizeof(opts)) == -1 ||
		    !in_list(opts, strlen(opts), ctl))
			continue;
		if (field(s, sep, 3, root, rlen) == -1 || field(s, sep, 4, mount, mlen) == -1) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return 0;
	}
	errno = ENOENT;
	return -1;
}

int limits_parse_v1_self(const char *text, const char *ctl, char *path, size_t len)
{
	const char *s, *e, *c1, *c2;

	for (s = text; *s; s = *e ? e + 1 : e) {
		if ((e = strchr(s, '\n')) == NULL)
			e = s + strlen(s);
		if ((c1 = memchr(s, ':', (size_t)(e - s))) == NULL ||
		    (c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1))) == NULL ||
		    !in_list(c1 + 1, (size_t)(c2 - c1 - 1), ctl))
			continue;
		if ((size_t)(e - c2 - 1) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(path, c2 + 1, (size_t)(e - c2 - 1));
		path[e - c2 - 1] = '\0';
		return 0;
	}
	errno = ENOENT;
	return -1;
}

int limits_parse_counter(const char *text, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);
	const char *s, *e;

	for (s = text; *s; s = *e ? e + 1 : e) {
		if ((e = strchr(s, '\n')) == NULL)
			e = s + strlen(s);
		if ((size_t)(e - s) > kl && memcmp(s, key, kl) == 0 && s[kl] == ' ') {
			*out = strtoull(s + kl + 1, NULL, 10);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

/* <mount><own path minus the mount's root> of ctl's v1 hierarchy. */
static int v1_own_dir(const char *ctl, char *dir, size_t len)
{
	char mount[PATH_MAX], root[PATH_MAX], own[PATH_MAX], *text;
	const char *o;
	int r, n;

	if ((text = proc_read_text("/proc/self/mountinfo", FILE_MAX)) == NULL)
		return -1;
	r = limits_parse_v1_mount(text, ctl, mount, sizeof(mount), root, sizeof(root));
	free(text);
	if (r == -1)
		return -1;
	if ((text = proc_read_text("/proc/self/cgroup", FILE_MAX)) == NULL)
		return -1;
	r = limits_parse_v1_self(text, ctl, own, sizeof(own));
	free(text);
	if (r == -1)
		return -1;
	o = cgroup_rel_path(own, root);
	n = snprintf(dir, len, "%s%s", mount, o);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static void v1_host(struct limits_host *h, enum limit_ctl c, const char *home_id,
    bool create)
{
	char own[PATH_MAX], base[PATH_MAX + 64], probe[PATH_MAX + 128];
	const char *ctl = ctl_names[c];

	if (v1_own_dir(ctl, own, sizeof(own)) == -1) {
		snprintf(h->why[c], sizeof(h->why[c]), "no %s controller in cgroup v2 or v1",
		    ctl);
		return;
	}
	if (snprintf(base, sizeof(base), "%s/csup-%s", own, home_id) >= PATH_MAX ||
	    join(probe, sizeof(probe), base, ctl_v1_file[c]) == -1) {
		snprintf(h->why[c], sizeof(h->why[c]), "cgroup v1 %s: path too long", ctl);
		return;
	}
	if (!create) {
		/* `check`: could the daemon make its groups there? */
		if (access(own, W_OK) == -1)
			snprintf(h->why[c], sizeof(h->why[c]), "cgroup v1 %s hierarchy "
			    "not writable (%s)", ctl, strerror(errno));
		else if ((h->v1[c] = strdup(base)) == NULL)
			snprintf(h->why[c], sizeof(h->why[c]), "cgroup v1 %s: %s", ctl,
			    strerror(errno));
		return;
	}
	if (mkdir(base, 0755) == -1 && errno != EEXIST) {
		snprintf(h->why[c], sizeof(h->why[c]), "cannot create %.150s: %s", base,
		    strerror(errno));
		return;
	}
	if (access(probe, W_OK) == -1) {
		snprintf(h->why[c], sizeof(h->why[c]), "%.150s: %s", probe, strerror(errno));
		(void)rmdir(base);
		return;
	}
	if ((h->v1[c] = strdup(base)) == NULL) {
		snprintf(h->why[c], sizeof(h->why[c]), "cgroup v1 %s: %s", ctl, strerror(errno));
		(void)rmdir(base);
	}
}

/* 1 when ctl is a word of the space-separated file at dir/name. */
static int listed(const char *dir, const char *name, const char *ctl)
{
	char path[PATH_MAX + 64], *text, *tok, *save = NULL;
	int found = 0;

	if (join(path, sizeof(path), dir, name) == -1 ||
	    (text = proc_read_text(path, FILE_MAX)) == NULL)
		return 0;
	for (tok = strtok_r(text, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		found |= strcmp(tok, ctl) == 0;
	free(text);
	return found;
}

/* The daemon: enable ctl for the base's children (asking the parent first). */
static bool v2_enable(const char *base, const char *ctl)
{
	char parent[PATH_MAX], path[PATH_MAX + 64], plus[32], *slash;

	snprintf(plus, sizeof(plus), "+%s", ctl);
	if (!listed(base, "cgroup.controllers", ctl)) {
		snprintf(parent, sizeof(parent), "%s", base);
		if ((slash = strrchr(parent, '/')) == NULL || slash == parent)
			return false;
		*slash = '\0';
		if (join(path, sizeof(path), parent, "cgroup.subtree_control") == -1 ||
		    proc_write_text(path, plus) == -1 || !listed(base, "cgroup.controllers", ctl))
			return false;
	}
	return join(path, sizeof(path), base, "cgroup.subtree_control") == 0 &&
	    (proc_write_text(path, plus) == 0 || listed(base, "cgroup.subtree_control", ctl));
}

/* `check`: is ctl offered to the process's own v2 cgroup, and writable? */
static bool v2_offered(const char *ctl)
{
	char mount[PATH_MAX], root[PATH_MAX], own[PATH_MAX], dir[PATH_MAX * 2], *text;
	int r;

	if ((text = proc_read_text("/proc/self/mountinfo", FILE_MAX)) == NULL)
		return false;
	r = cgroup_parse_mountinfo(text, mount, sizeof(mount), root, sizeof(root));
	free(text);
	if (r == -1 || (text = proc_read_text("/proc/self/cgroup", FILE_MAX)) == NULL)
		return false;
	r = cgroup_parse_self(text, own, sizeof(own));
	free(text);
	if (r == -1)
		return false;
	snprintf(dir, sizeof(dir), "%s%s", mount,
	    strcmp(root, "/") != 0 && strncmp(own, root, strlen(root)) == 0 ?
	    own + strlen(root) : own);
	return listed(dir, "cgroup.controllers", ctl) && access(dir, W_OK) == 0;
}

void limits_host_init(struct limits_host *h, const struct cgroup_base *cb,
    const char *home_id, bool create)
{
	const char *env = getenv("CSUP_CGROUPS");
	int c;

	memset(h, 0, sizeof(*h));
	for (c = 0; c < CTL_COUNT; c++) {
		if (env != NULL && strcmp(env, "0") == 0) {
			snprintf(h->why[c], sizeof(h->why[c]), "cgroups disabled by "
			    "CSUP_CGROUPS=0");
			continue;
		}
		if (create ? cb != NULL && cb->usable && v2_enable(cb->path, ctl_names[c]) :
		    v2_offered(ctl_names[c])) {
			h->v2[c] = true;
			continue;
		}
		v1_host(h, (enum limit_ctl)c, home_id, create);
	}
}

void limits_host_free(struct limits_host *h)
{
	for (int c = 0; c < CTL_COUNT; c++) {
		free(h->v1[c]);
		h->v1[c] = NULL;
	}
}

void limits_host_release(struct limits_host *h)
{
	for (int c = 0; c < CTL_COUNT; c++)
		if (h->v1[c] != NULL)
			(void)rmdir(h->v1[c]);
	limits_host_free(h);
}

enum limit_means limits_means(const struct limits_host *h, const struct limits_config *l,
    enum limit_kind k)
{
	enum limit_ctl c = kind_ctl(k);

	if (limits_value(l, k) < 0)
		return MEANS_NONE;
	if (k == LIM_NOFILE || k == LIM_CORE)
		return MEANS_RLIMIT;
	if (h->v2[c])
		return MEANS_CGROUP2;
	if (h->v1[c] != NULL)
		return MEANS_CGROUP1;
	return k == LIM_MEMORY ? MEANS_RLIMIT : k == LIM_PIDS ? MEANS_WATCHDOG : MEANS_NONE;
}

const char *limits_why(const struct limits_host *h, enum limit_kind k)
{
	return limits_subtree_kind(k) ? h->why[kind_ctl(k)] : "";
}

/* The values of one controller, written into a v1 group or the v2 cgroup. */
static int put_values(const char *dir, enum limit_ctl c, bool v2,
    const struct limits_config *l, const enum limit_means *means)
{
	enum limit_means want = v2 ? MEANS_CGROUP2 : MEANS_CGROUP1;
	char path[PATH_MAX + 64], val[64];

#define PUT(file, fmt, x) (snprintf(val, sizeof(val), fmt, x), \
	join(path, sizeof(path), dir, file) == -1 ? -1 : proc_write_text(path, val))
	if (c == CTL_MEMORY && means[LIM_MEMORY] == want) {
		if (PUT(v2 ? "memory.max" : "memory.limit_in_bytes", "%lld",
		    (long long)l->memory) == -1)
			return -1;
		/* No swap past the cap either, where swap is accounted (v1). */
		if (!v2 && join(path, sizeof(path), dir, "memory.memsw.limit_in_bytes") == 0 &&
		    access(path, W_OK) == 0 &&
		    PUT("memory.memsw.limit_in_bytes", "%lld", (long long)l->memory) == -1)
			return -1;
	}
	if (c == CTL_MEMORY && means[LIM_MEMORY_HIGH] == want &&
	    PUT(v2 ? "memory.high" : "memory.soft_limit_in_bytes", "%lld",
	    (long long)l->memory_high) == -1)
		return -1;
	if (c == CTL_CPU && means[LIM_CPU] == want) {
		if (v2) {
			snprintf(val, sizeof(val), "%lld %d",
			    (long long)l->cpu * CFS_PERIOD_US / 100, CFS_PERIOD_US);
			if (join(path, sizeof(path), dir, "cpu.max") == -1 ||
			    proc_write_text(path, val) == -1)
				return -1;
		} else if (PUT("cpu.cfs_period_us", "%d", CFS_PERIOD_US) == -1 ||
		    PUT("cpu.cfs_quota_us", "%lld",
		    (long long)l->cpu * CFS_PERIOD_US / 100) == -1)
			return -1;
	}
	if (c == CTL_PIDS && means[LIM_PIDS] == want &&
	    PUT("pids.max", "%d", l->pids) == -1)
		return -1;
#undef PUT
	return 0;
}

static bool ctl_wanted(const enum limit_means *means, enum limit_ctl c, enum limit_means m)
{
	return c == CTL_MEMORY ? means[LIM_MEMORY] == m || means[LIM_MEMORY_HIGH] == m :
	    c == CTL_CPU ? means[LIM_CPU] == m : means[LIM_PIDS] == m;
}

static int v1_gen_path(const struct limits_host *h, enum limit_ctl c, const char *app,
    int gen, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s/%d", h->v1[c], app, gen);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int lg_init(struct limits_gen *lg, const char *v2)
{
	memset(lg, 0, sizeof(*lg));
	for (int c = 0; c < CTL_COUNT; c++)
		lg->procs_fd[c] = -1;
	lg->oom_fd = -1;
	if (v2 != NULL && *v2 != '\0' && (lg->v2 = strdup(v2)) == NULL)
		return -1;
	return 0;
}

void limits_gen_free(struct limits_gen *lg)
{
	for (int c = 0; c < CTL_COUNT; c++) {
		free(lg->v1[c]);
		lg->v1[c] = NULL;
	}
	free(lg->v2);
	lg->v2 = NULL;
}

/* One v1 group, p (len bytes): made, its values written, its cgroup.procs opened. */
static int v1_group(const struct limits_host *h, const struct app_config *a, int gen,
    enum limit_ctl c, struct limits_gen *lg, char *p, size_t len)
{
	char *slash, procs[PATH_MAX + 64];

	if (v1_gen_path(h, c, a->name, gen, p, len) == -1)
		return -1;
	slash = strrchr(p, '/');
	*slash = '\0';
	if (mkdir(p, 0755) == -1 && errno != EEXIST) {
		*slash = '/';
		return -1;
	}
	*slash = '/';
	if (mkdir(p, 0755) == -1 && errno != EEXIST)
		return -1;
	/* Kept from here on: limits_gen_remove() takes the group away again. */
	if ((lg->v1[c] = strdup(p)) == NULL) {
		(void)rmdir(p);
		return -1;
	}
	if (put_values(p, c, false, &a->limits, lg->means) == -1 ||
	    join(procs, sizeof(procs), p, "cgroup.procs") == -1 ||
	    (lg->procs_fd[c] = open(procs, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	return 0;
}

/*
 * Controller c of a generation, when one of its limits is wanted. Not
 * inlined: its path buffers (16 KiB) cost the daemon's stack only when an
 * app has such a limit, not on every spawn.
 */
__attribute__((noinline))
static int ctl_prepare(const struct limits_host *h, const struct app_config *a, int gen,
    enum limit_ctl c, struct limits_gen *lg, char *err, size_t errlen)
{
	char path[PATH_MAX + 64], parent[PATH_MAX], file[PATH_MAX + 64], *slash;

	*parent = '\0';
	if (ctl_wanted(lg->means, c, MEANS_CGROUP2)) {
		snprintf(parent, sizeof(parent), "%s", lg->v2);
		if ((slash = strrchr(parent, '/')) != NULL)
			*slash = '\0';
		snprintf(path, sizeof(path), "+%s", ctl_names[c]);
		if (join(file, sizeof(file), parent, "cgroup.subtree_control") == -1 ||
		    proc_write_text(file, path) == -1 ||
		    put_values(lg->v2, c, true, &a->limits, lg->means) == -1) {
			snprintf(err, errlen, "app '%s': cgroup v2 %s limits in %s: %s",
			    a->name, ctl_names[c], lg->v2, strerror(errno));
			return -1;
		}
	}
	if (ctl_wanted(lg->means, c, MEANS_CGROUP1) &&
	    v1_group(h, a, gen, c, lg, parent, sizeof(parent)) == -1) {
		snprintf(err, errlen, "app '%s': cgroup v1 %s group %s: %s", a->name,
		    ctl_names[c], parent, strerror(errno));
		return -1;
	}
	return 0;
}

int limits_gen_prepare(const struct limits_host *h, const struct app_config *a, int gen,
    const char *v2, struct limits_gen *lg, char *err, size_t errlen)
{
	int k, c;

	if (lg_init(lg, v2) == -1) {
		snprintf(err, errlen, "app '%s': limits: %s", a->name, strerror(errno));
		return -1;
	}
	for (k = 0; k < LIM_COUNT; k++) {
		lg->means[k] = limits_means(h, &a->limits, (enum limit_kind)k);
		/* The v2 controllers need the generation's own v2 cgroup. */
		if (lg->means[k] == MEANS_CGROUP2 && lg->v2 == NULL)
			lg->means[k] = k == LIM_MEMORY ? MEANS_RLIMIT : k == LIM_PIDS ?
			    MEANS_WATCHDOG : MEANS_NONE;
	}
	for (c = 0; c < CTL_COUNT; c++)
		if ((ctl_wanted(lg->means, (enum limit_ctl)c, MEANS_CGROUP2) ||
		    ctl_wanted(lg->means, (enum limit_ctl)c, MEANS_CGROUP1)) &&
		    ctl_prepare(h, a, gen, (enum limit_ctl)c, lg, err, errlen) == -1)
			goto fail;
	return 0;
fail:
	k = errno;
	limits_gen_close(lg);
	(void)limits_gen_remove(lg);
	limits_gen_free(lg);
	errno = k;
	return -1;
}

static int set_rlimit(int res, int64_t v)
{
	struct rlimit rl = { (rlim_t)v, (rlim_t)v };

	return setrlimit(res, &rl);
}

/* Async-signal-safe: writes, setrlimit, setpriority, open. */
int limits_child(const struct limits_gen *lg, const struct app_config *a)
{
	char buf[16];
	int c, fd, n, v;
	ssize_t r;

	for (c = 0; c < CTL_COUNT; c++)
		if (lg->procs_fd[c] != -1 && cgroup_enter(lg->procs_fd[c]) == -1)
			return -1;
	if ((lg->means[LIM_NOFILE] == MEANS_RLIMIT &&
	    set_rlimit(RLIMIT_NOFILE, a->limits.nofile) == -1) ||
	    (lg->means[LIM_CORE] == MEANS_RLIMIT &&
	    set_rlimit(RLIMIT_CORE, a->limits.core) == -1) ||
	    (lg->means[LIM_MEMORY] == MEANS_RLIMIT &&
	    set_rlimit(RLIMIT_AS, a->limits.memory) == -1))
		return -1;
	if (a->nice.set && setpriority(PRIO_PROCESS, 0, a->nice.value) == -1)
		return -1;
	if (!a->oom_score_adj.set)
		return 0;
	/* The number by hand: snprintf is not async-signal-safe. */
	v = a->oom_score_adj.value;
	n = (int)sizeof(buf);
	buf[--n] = '\0';
	do {
		buf[--n] = (char)('0' + (v < 0 ? -(v % 10) : v % 10));
		v /= 10;
	} while (v != 0);
	if (a->oom_score_adj.value < 0)
		buf[--n] = '-';
	if ((fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	do
		r = write(fd, buf + n, strlen(buf + n));
	while (r == -1 && errno == EINTR);
	c = errno;
	close(fd);
	errno = c;
	return r == -1 ? -1 : 0;
}

void limits_gen_close(struct limits_gen *lg)
{
	for (int c = 0; c < CTL_COUNT; c++) {
		if (lg->procs_fd[c] != -1)
			close(lg->procs_fd[c]);
		lg->procs_fd[c] = -1;
	}
}

static uint64_t counter(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX + 64], *text;
	uint64_t v = 0;

	if (dir == NULL || join(path, sizeof(path), dir, file) == -1 ||
	    (text = proc_read_text(path, FILE_MAX)) == NULL)
		return 0;
	(void)limits_parse_counter(text, key, &v);
	free(text);
	return v;
}

static void counters(const struct limits_gen *lg, uint64_t *oom, uint64_t *pids)
{
	*oom = *pids = 0;
	if (lg->means[LIM_MEMORY] == MEANS_CGROUP2 || lg->means[LIM_MEMORY_HIGH] == MEANS_CGROUP2)
		*oom = counter(lg->v2, "memory.events", "oom_kill");
	else if (lg->v1[CTL_MEMORY] != NULL)
		*oom = counter(lg->v1[CTL_MEMORY], "memory.oom_control", "oom_kill");
	if (lg->means[LIM_PIDS] == MEANS_CGROUP2)
		*pids = counter(lg->v2, "pids.events", "max");
	else if (lg->v1[CTL_PIDS] != NULL)
		*pids = counter(lg->v1[CTL_PIDS], "pids.events", "max");
}

void limits_gen_poll(struct limits_gen *lg, uint64_t *oom, uint64_t *pids)
{
	uint64_t o, p;

	counters(lg, &o, &p);
	*oom = o > lg->oom_seen ? o - lg->oom_seen : 0;
	*pids = p > lg->pids_seen ? p - lg->pids_seen : 0;
	if (o > lg->oom_seen)
		lg->oom_seen = o;
	if (p > lg->pids_seen)
		lg->pids_seen = p;
}

int limits_gen_remove(struct limits_gen *lg)
{
	char *slash;
	int c, ret = 0;

	for (c = 0; c < CTL_COUNT; c++) {
		if (lg->v1[c] == NULL)
			continue;
		if (rmdir(lg->v1[c]) == -1 && errno != ENOENT) {
			ret = -1;
			continue;
		}
		if ((slash = strrchr(lg->v1[c], '/')) != NULL) {
			*slash = '\0';
			(void)rmdir(lg->v1[c]);	/* fails while another generation lives */
		}
		free(lg->v1[c]);
		lg->v1[c] = NULL;
	}
	return ret;
}

void limits_gen_adopt(const struct limits_host *h, const struct app_config *a, int gen,
    const char *v2, struct limits_gen *lg)
{
	char p[PATH_MAX];
	struct stat st;
	int k, c;

	/* Out of memory: the paths stay NULL, as for groups that are gone. */
	(void)lg_init(lg, v2);
	for (k = 0; k < LIM_COUNT; k++)
		lg->means[k] = limits_means(h, &a->limits, (enum limit_kind)k);
	for (c = 0; c < CTL_COUNT; c++)
		if (h->v1[c] != NULL &&
		    v1_gen_path(h, (enum limit_ctl)c, a->name, gen, p, sizeof(p)) == 0 &&
		    stat(p, &st) == 0)
			lg->v1[c] = strdup(p);
	/* What the groups hold says how the adopted generation really runs. */
	for (k = 0; k < LIM_COUNT; k++)
		if (lg->means[k] == MEANS_CGROUP1 && lg->v1[kind_ctl((enum limit_kind)k)] == NULL)
			lg->means[k] = MEANS_NONE;
	counters(lg, &lg->oom_seen, &lg->pids_seen);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIGKILL to the members, a short wait for none, rmdir. Returns the killed. */
static int end_group(const char *dir)
{
	struct proc_set s = { 0 };
	int64_t end = mono_ms() + SWEEP_WAIT_MS;
	struct timespec pause = { 0, 10 * 1000000 };
	int killed = 0;
	size_t i;

	if (cgroup_procs(dir, &s) == 0)
		for (i = 0; i < s.n; i++)
			killed += kill(s.v[i].pid, SIGKILL) == 0;
	while (rmdir(dir) == -1 && errno == EBUSY && mono_ms() < end)
		nanosleep(&pause, NULL);
	proc_set_free(&s);
	return killed;
}

static int sweep_app(const char *dir, const char *app,
    bool (*keep)(void *, const char *, int), void *arg)
{
	char sub[PATH_MAX + 512];
	struct dirent *de;
	char *end;
	long gen;
	DIR *d;
	int killed = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		gen = strtol(de->d_name, &end, 10);
		if (*end != '\0' || gen < 1 || keep(arg, app, (int)gen))
			continue;
		if (join(sub, sizeof(sub), dir, de->d_name) == 0)
			killed += end_group(sub);
	}
	closedir(d);
	(void)rmdir(dir);
	return killed;
}

int limits_sweep(const struct limits_host *h,
    bool (*keep)(void *arg, const char *app, int gen), void *arg)
{
	char sub[PATH_MAX + 512];
	struct dirent *de;
	int c, killed = 0;
	DIR *d;

	for (c = 0; c < CTL_COUNT; c++) {
		if (h->v1[c] == NULL || (d = opendir(h->v1[c])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0 || join(sub, sizeof(sub), h->v1[c], de->d_name) == -1)
				continue;
			killed += sweep_app(sub, de->d_name, keep, arg);
		}
		closedir(d);
	}
	return killed;
}
