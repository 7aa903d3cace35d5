/*
 * cgroup.h: one cgroup v2 directory per app generation, where the machine
 * allows it (docs/guarantee.md).
 *
 * Layout: <cgroup2 mount><the daemon's own cgroup>/csup-<home id>/<app>/<gen>.
 * The base is usable only when a probe process could really be moved into
 * a child of it; otherwise (no cgroup2, read-only, not delegated to this
 * user, CSUP_CGROUPS=0) base.reason says why and csup runs in fallback mode.
 *
 * Life of a generation's cgroup:
 *   parent, before fork:  cgroup_gen_path(), fd = cgroup_gen_open(path)
 *   child, before exec:   cgroup_enter(fd)   (async-signal-safe; fd is CLOEXEC)
 *   parent, after fork:   close(fd)
 *   stop:                 kill.h (cgroup_signal, cgroup_kill, cgroup_events_watch)
 *   when empty:           cgroup_remove(path)
 * Zombies are not members (the kernel drops them from cgroup.procs and from
 * "populated" at exit), which is what "alive" means everywhere in csup.
 *
 * Error convention: 0 (or a count), or -1 with errno.
 */
#ifndef CSUP_CGROUP_H
#define CSUP_CGROUP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"

/* Owned strings sized to fit: the daemon keeps its base for its life. */
struct cgroup_base {
	int	usable;
	char	*mount;		/* the cgroup2 mount point, NULL if none */
	char	*path;		/* <mount><own cgroup>/csup-<home id>, NULL if none */
	char	*reason;	/* why not usable, NULL when usable */
};

/*
 * Find the cgroup2 mount and the daemon's cgroup, create the base and probe
 * it with a short-lived child (forked and waited for here: call it at
 * start-up, before the event loop reaps children). CSUP_CGROUPS=0 in the
 * environment disables cgroups. Returns 0 when usable, -1 when not (reason
 * says why); either way cb is filled, for cgroup_base_free().
 */
int	cgroup_base_init(struct cgroup_base *cb, const char *home_id);
void	cgroup_base_free(struct cgroup_base *cb);

/* Pure parsers, for tests: the cgroup2 mount (and its root) from mountinfo text. */
int	cgroup_parse_mountinfo(const char *text, char *mount, size_t mlen,
	    char *root, size_t rlen);
/* The v2 path ("0::/path" line) from /proc/PID/cgroup text. */
int	cgroup_parse_self(const char *text, char *path, size_t len);
/* own (a path from /proc/self/cgroup) below a mount whose root is root:
 * the part after root ("" for the root itself); points into own. */
const char *cgroup_rel_path(const char *own, const char *root);

/* <base>/<app>/<gen> into buf. */
int	cgroup_gen_path(const struct cgroup_base *cb, const char *app, int gen,
	    char *buf, size_t len);
/* mkdir -p path, then open its cgroup.procs for writing (O_CLOEXEC): an fd. */
int	cgroup_gen_open(const char *path);
/* Child side, after fork and before exec: move the calling process in. */
int	cgroup_enter(int procs_fd);

/* out := the member pids (start_time 0: unknown). */
int	cgroup_procs(const char *path, struct proc_set *out);
/* 1 when populated, 0 when empty, -1 on error (ENOENT: no such cgroup). */
int	cgroup_populated(const char *path);
/*
 * Send sig to every member not in *done, adding each to *done; repeated
 * until a pass finds no new pid, so children forked meanwhile lose the race.
 * A pid is signalled through a pidfd checked to still be in this cgroup, so
 * a reused pid is never hit. Returns how many were signalled.
 */
int	cgroup_signal(const char *path, int sig, struct proc_set *done);
/*
 * SIGKILL everything in the cgroup: cgroup.kill (Linux 5.14), else
 * cgroup_signal(SIGKILL). Returns the number of members seen before.
 */
int	cgroup_kill(const char *path);
/*
 * Synchronous (start-up only): cgroup_kill(), then wait up to wait_ms for
 * "populated 0". Returns the number killed (0 when there is no such
 * cgroup); *stuck := members still there at the end.
 */
int	cgroup_kill_wait(const char *path, int64_t wait_ms, int *stuck);
/* An inotify fd (non-blocking, CLOEXEC) that wakes when cgroup.events changes. */
int	cgroup_events_watch(const char *path);
/* rmdir the generation's directory, then its app directory if that is empty. */
int	cgroup_remove(const char *path);
/* Calls fn for each <base>/<app>/<gen> directory; stops when fn returns -1. */
int	cgroup_each_gen(const struct cgroup_base *cb,
	    int (*fn)(void *arg, const char *path), void *arg);

#endif
