/* cgroup.c: a cgroup v2 directory per app generation. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

#define FILE_MAX	(64 * 1024)	/* mountinfo and friends, read whole */

/* Copies a mountinfo field, undoing its octal escapes (\040 is a space). */
static int unescape_field(const char *s, size_t n, char *out, size_t olen)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o + 1 >= olen)
			return -1;
		if (s[i] == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '3') {
			out[o++] = (char)((s[i + 1] - '0') * 64 +
			    (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return 0;
}

/* The n-th (0-based) space-separated field of line [s, e). */
static const char *nth_field(const char *s, const char *e, int n, size_t *flen)
{
	const char *p = s, *q;

	for (;;) {
		q = memchr(p, ' ', (size_t)(e - p));
		if (q == NULL)
			q = e;
		if (n-- == 0) {
			*flen = (size_t)(q - p);
			return p;
		}
		if (q == e)
			return NULL;
		p = q + 1;
	}
}

static int mountinfo_line(const char *s, const char *e, char *mount, size_t mlen,
    char *root, size_t rlen)
{
	const char *sep, *f;
	size_t flen;

	sep = memmem(s, (size_t)(e - s), " - ", 3);
	if (sep == NULL || (size_t)(e - sep) < 10 || memcmp(sep + 3, "cgroup2 ", 8) != 0)
		return 0;
	if ((f = nth_field(s, sep, 3, &flen)) == NULL ||
	    unescape_field(f, flen, root, rlen) == -1)
		return -1;
	if ((f = nth_field(s, sep, 4, &flen)) == NULL ||
	    unescape_field(f, flen, mount, mlen) == -1)
		return -1;
	return 1;
}

int cgroup_parse_mountinfo(const char *text, char *mount, size_t mlen,
    char *root, size_t rlen)
{
	const char *s = text, *e;
	int r;

	for (; *s; s = *e ? e + 1 : e) {
		e = strchr(s, '\n');
		if (e == NULL)
			e = s + strlen(s);
		if ((r = mountinfo_line(s, e, mount, mlen, root, rlen)) != 0) {
			if (r == -1)
				errno = ENAMETOOLONG;
			return r == 1 ? 0 : -1;
		}
	}
	errno = ENOENT;
	return -1;
}

const char *cgroup_rel_path(const char *own, const char *root)
{
	const char *o = own;

	if (strcmp(root, "/") != 0 && strncmp(own, root, strlen(root)) == 0)
		o += strlen(root);
	return strcmp(o, "/") == 0 ? "" : o;
}

int cgroup_parse_self(const char *text, char *path, size_t len)
{
	const char *s = text, *e;
	size_t n;

	for (; *s; s = *e ? e + 1 : e) {
		e = strchr(s, '\n');
		if (e == NULL)
			e = s + strlen(s);
		if (e - s < 4 || strncmp(s, "0::", 3) != 0)
			continue;
		n = (size_t)(e - s) - 3;
		if (n >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(path, s + 3, n);
		path[n] = '\0';
		return 0;
	}
	errno = ENOENT;
	return -1;
}

static int fmt(char *buf, size_t len, const char *f, const char *a, const char *b)
{
	int n = snprintf(buf, len, f, a, b);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* base = <mount><own minus the mount's root>/csup-<home id>. */
static int base_locate(struct cgroup_base *cb, const char *home_id)
{
	char mount[PATH_MAX], root[PATH_MAX], own[PATH_MAX], *text;
	const char *o;
	int r;

	if ((text = proc_read_text("/proc/self/mountinfo", FILE_MAX)) == NULL)
		return -1;
	r = cgroup_parse_mountinfo(text, mount, sizeof(mount), root, sizeof(root));
	free(text);
	if (r == -1 || (cb->mount = strdup(mount)) == NULL)
		return -1;
	if ((text = proc_read_text("/proc/self/cgroup", FILE_MAX)) == NULL)
		return -1;
	r = cgroup_parse_self(text, own, sizeof(own));
	free(text);
	if (r == -1)
		return -1;
	o = cgroup_rel_path(own, root);
	if (strlen(mount) + strlen(o) + strlen("/csup-") + strlen(home_id) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return asprintf(&cb->path, "%s%s/csup-%s", mount, o, home_id) == -1 ?
	    (cb->path = NULL, -1) : 0;
}

__attribute__((format(printf, 2, 3)))
static void base_reason(struct cgroup_base *cb, const char *fmt, ...)
{
	va_list ap;

	free(cb->reason);
	va_start(ap, fmt);
	if (vasprintf(&cb->reason, fmt, ap) == -1)
		cb->reason = NULL;
	va_end(ap);
}

void cgroup_base_free(struct cgroup_base *cb)
{
	free(cb->mount);
	free(cb->path);
	free(cb->reason);
	memset(cb, 0, sizeof(*cb));
}

/* A child moves itself into dir; its exit code is the errno of the attempt. */
static int probe(const char *dir)
{
	char procs[PATH_MAX];
	pid_t pid;
	int fd, status;

	if (fmt(procs, sizeof(procs), "%s/%s", dir, "cgroup.procs") == -1)
		return -1;
	if ((fd = open(procs, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(fd);
		return -1;
	}
	if (pid == 0)
		_exit(cgroup_enter(fd) == 0 ? 0 : (errno & 0x7f) ? (errno & 0x7f) : 1);
	close(fd);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	errno = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
	return -1;
}

/* The base itself takes the probe: it holds no process otherwise. */
static int base_probe(struct cgroup_base *cb)
{
	int saved;

	if (mkdir(cb->path, 0755) == -1 && errno != EEXIST) {
		base_reason(cb, "cannot create %s: %s", cb->path, strerror(errno));
		return -1;
	}
	if (probe(cb->path) == 0)
		return 0;
	saved = errno;
	base_reason(cb, "cannot move a process into %s: %s%s", cb->path, strerror(saved),
	    saved == EACCES || saved == EPERM ? " (cgroup not delegated to this"
	    " user: run as root or under a systemd unit with Delegate=yes)" :
	    saved == EBUSY || saved == EOPNOTSUPP ? " (controllers enabled in"
	    " the parent's cgroup.subtree_control: no internal processes)" : "");
	return -1;
}

int cgroup_base_init(struct cgroup_base *cb, const char *home_id)
{
	const char *env = getenv("CSUP_CGROUPS");

	memset(cb, 0, sizeof(*cb));
	if (env != NULL && strcmp(env, "0") == 0) {
		base_reason(cb, "disabled by CSUP_CGROUPS=0");
		return -1;
	}
	if (base_locate(cb, home_id) == -1) {
		base_reason(cb, "%s", cb->mount == NULL ? "no cgroup2 file system is mounted" :
		    "cannot tell this process's cgroup from /proc/self/cgroup");
		return -1;
	}
	if (base_probe(cb) == -1)
		return -1;
	cb->usable = 1;
	return 0;
}

int cgroup_gen_path(const struct cgroup_base *cb, const char *app, int gen,
    char *buf, size_t len)
{
	int n;

	if (!cb->usable || strchr(app, '/') != NULL || strcmp(app, ".") == 0 ||
	    strcmp(app, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(buf, len, "%s/%s/%d", cb->path, app, gen);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int cgroup_gen_open(const char *path)
{
	char parent[PATH_MAX], procs[PATH_MAX], *slash;

	if (fmt(parent, sizeof(parent), "%s%s", path, "") == -1 ||
	    fmt(procs, sizeof(procs), "%s/%s", path, "cgroup.procs") == -1)
		return -1;
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0755) == -1 && errno != EEXIST)
			return -1;
	}
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		return -1;
	return open(procs, O_WRONLY | O_CLOEXEC);
}

int cgroup_enter(int procs_fd)
{
	ssize_t r;

	do
		r = write(procs_fd, "0", 1);
	while (r == -1 && errno == EINTR);
	return r == 1 ? 0 : -1;
}

/*
 * Calls fn(arg, dir) for path and every cgroup below it: parents first, or
 * children first with post (rmdir needs that order). An app may make
 * cgroups of its own below its generation's (container runtimes, build
 * tools do): they are part of its subtree. A child gone meanwhile is
 * skipped; the first error of fn stops the walk.
 */
static int walk(const char *path, bool post, int (*fn)(void *, const char *), void *arg)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (!post && (ret = fn(arg, path)) != 0)
		return ret;
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT || errno == ENOTDIR ? (post ? fn(arg, path) : 0) : -1;
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fmt(sub, sizeof(sub), "%s/%s", path, de->d_name) == -1)
			continue;
		ret = walk(sub, post, fn, arg);
	}
	closedir(d);
	if (ret == 0 && post)
		ret = fn(arg, path);
	return ret;
}

/* The pids of one cgroup (not below it) added to out. */
static int procs_of(const char *dir, struct proc_set *out)
{
	char file[PATH_MAX], *text, *p, *end;
	long v;
	int ret = 0;

	if (fmt(file, sizeof(file), "%s/%s", dir, "cgroup.procs") == -1 ||
	    (text = proc_read_text(file, FILE_MAX)) == NULL)
		return -1;
	for (p = text; *p; p = end) {
		v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (v > 0 && proc_set_add(out, (pid_t)v, 0) == -1) {
			ret = -1;
			break;
		}
	}
	free(text);
	return ret;
}

static int add_procs(void *arg, const char *dir)
{
	/* A nested cgroup removed between readdir and read is no error. */
	return procs_of(dir, arg) == -1 && errno != ENOENT ? -1 : 0;
}

int cgroup_procs(const char *path, struct proc_set *out)
{
	proc_set_clear(out);
	if (procs_of(path, out) == -1)		/* the generation's own: must exist */
		return -1;
	proc_set_clear(out);
	return walk(path, false, add_procs, out);
}

int cgroup_populated(const char *path)
{
	char file[PATH_MAX], *text, *p;
	int r = -1;

	if (fmt(file, sizeof(file), "%s/%s", path, "cgroup.events") == -1 ||
	    (text = proc_read_text(file, FILE_MAX)) == NULL)
		return -1;
	if ((p = strstr(text, "populated ")) != NULL)
		r = p[10] == '1';
	else
		errno = EINVAL;
	free(text);
	return r;
}

/* 1 when pid's v2 cgroup is the one at path (compared by its tail). */
static int pid_in_cgroup(pid_t pid, const char *path)
{
	char file[40], rel[PATH_MAX], *text;
	size_t plen = strlen(path), rlen;
	int r;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	if ((text = proc_read_text(file, FILE_MAX)) == NULL)
		return 0;
	r = cgroup_parse_self(text, rel, sizeof(rel));
	free(text);
	if (r == -1 || (rlen = strlen(rel)) > plen || rlen < 2)
		return 0;
	return strcmp(path + plen - rlen, rel) == 0;
}

static int sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Open the pidfd first, then check membership: the pidfd cannot be a stranger. */
static int signal_member(const char *path, pid_t pid, int sig)
{
	int fd, r, saved;

	if ((fd = sys_pidfd_open(pid)) == -1)
		return errno == ENOSYS ? kill(pid, sig) : -1;
	if (!pid_in_cgroup(pid, path)) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	r = (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

struct signal_pass {
	int		 sig;
	struct proc_set	*done;
	struct proc_set	 now;
	int		 fresh;
	int		 count;
};

/* One cgroup of the subtree: signal its members not signalled yet. */
static int signal_dir(void *arg, const char *dir)
{
	struct signal_pass *sp = arg;
	size_t i;

	proc_set_clear(&sp->now);
	if (procs_of(dir, &sp->now) == -1)
		return errno == ENOENT ? 0 : -1;
	for (i = 0; i < sp->now.n; i++) {
		if (proc_set_has(sp->done, sp->now.v[i].pid, 0))
			continue;
		sp->fresh = 1;
		if (proc_set_add(sp->done, sp->now.v[i].pid, 0) == -1)
			return -1;
		/* Checked against the cgroup it was found in (nested or not). */
		if (signal_member(dir, sp->now.v[i].pid, sp->sig) == 0)
			sp->count++;
	}
	return 0;
}

int cgroup_signal(const char *path, int sig, struct proc_set *done)
{
	struct signal_pass sp = { .sig = sig, .done = done };
	int ret = -1;

	/* Repeated until a pass finds no one new: a fork race loses. */
	do {
		sp.fresh = 0;
		if (procs_of(path, &sp.now) == -1 || walk(path, false, signal_dir, &sp) != 0)
			goto out;
	} while (sp.fresh);
	ret = sp.count;
out:
	proc_set_free(&sp.now);
	return ret;
}

int cgroup_kill(const char *path)
{
	struct proc_set now = { 0 }, done = { 0 };
	char file[PATH_MAX];
	int n, r;

	if (cgroup_procs(path, &now) == -1)
		return -1;
	n = (int)now.n;
	proc_set_free(&now);
	if (fmt(file, sizeof(file), "%s/%s", path, "cgroup.kill") == -1)
		return -1;
	if (proc_write_text(file, "1") == 0)
		return n;
	if (errno != ENOENT)
		return -1;
	r = cgroup_signal(path, SIGKILL, &done);
	proc_set_free(&done);
	return r == -1 ? -1 : n;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cgroup_kill_wait(const char *path, int64_t wait_ms, int *stuck)
{
	int64_t end = mono_ms() + wait_ms;
	struct proc_set left = { 0 };
	struct pollfd pfd;
	char buf[4096];
	int efd, n, killed, ret = -1;

	*stuck = 0;
	if ((efd = cgroup_events_watch(path)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((killed = cgroup_kill(path)) == -1)
		goto out;
	while ((n = cgroup_populated(path)) == 1 && mono_ms() < end) {
		pfd.fd = efd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(end - mono_ms())) == -1 && errno != EINTR)
			goto out;
		while (read(efd, buf, sizeof(buf)) > 0)
			;
	}
	if (n == -1 && errno != ENOENT)
		goto out;
	if (n == 1)
		*stuck = cgroup_procs(path, &left) == 0 ? (int)left.n : 1;
	ret = killed;
out:
	proc_set_free(&left);
	close(efd);
	return ret;
}

int cgroup_events_watch(const char *path)
{
	char file[PATH_MAX];
	int fd, saved;

	if (fmt(file, sizeof(file), "%s/%s", path, "cgroup.events") == -1)
		return -1;
	if ((fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return -1;
	if (inotify_add_watch(fd, file, IN_MODIFY) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int remove_dir(void *arg, const char *dir)
{
	return rmdir(dir) == -1 && errno != ENOENT ? -1 : 0;
}

int cgroup_remove(const char *path)
{
	char parent[PATH_MAX], *slash;

	/* The app's own nested cgroups first: a cgroup with children stays. */
	if (walk(path, true, remove_dir, NULL) != 0)
		return -1;
	if (fmt(parent, sizeof(parent), "%s%s", path, "") == -1)
		return -1;
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
		*slash = '\0';
		(void)rmdir(parent);	/* fails while another generation lives there */
	}
	return 0;
}

static int each_in(const char *dir, int depth, int (*fn)(void *, const char *),
    void *arg)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fmt(sub, sizeof(sub), "%s/%s", dir, de->d_name) == -1)
			continue;
		ret = depth == 0 ? each_in(sub, 1, fn, arg) : fn(arg, sub);
	}
	closedir(d);
	return ret;
}

int cgroup_each_gen(const struct cgroup_base *cb,
    int (*fn)(void *arg, const char *path), void *arg)
{
	if (!cb->usable) {
		errno = EINVAL;
		return -1;
	}
	return each_in(cb->path, 0, fn, arg);
}
