/*
 * reslimits.h: resource limits the kernel enforces (docs/limits.md).
 *
 * Each limit gets the strongest means the machine has, in this order:
 *   memory, memory_high, cpu, pids: a cgroup v2 controller on the
 *     generation's cgroup, else a per-generation group in the cgroup v1
 *     hierarchy of that controller, else memory -> RLIMIT_AS of each
 *     process, pids -> the watchdog (restart, like max_processes),
 *     memory_high and cpu -> nothing (a warning);
 *   nofile, core: setrlimit() in each process, by design.
 *
 * Life of a generation's limits:
 *   daemon start:        limits_host_init()           (finds the means once)
 *   parent, before fork: limits_gen_prepare()         (v1 groups made, values
 *                        written, their cgroup.procs opened; v2 values written)
 *   child, before exec:  limits_child()               (async-signal-safe)
 *   parent, after fork:  limits_gen_close()
 *   every sample:        limits_gen_poll()            (oom and pids events)
 *   generation gone:     limits_gen_remove()          (rmdir of the v1 groups)
 * A generation adopted after kill -9 gets its v1 groups back from its name
 * and number (limits_gen_adopt()); limits_sweep() ends and removes groups
 * of this home that no live generation owns.
 *
 * Error convention: 0, or -1 with errno (and a message in err where given).
 */
#ifndef CSUP_RESLIMITS_H
#define CSUP_RESLIMITS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "config.h"

enum limit_kind {
	LIM_MEMORY, LIM_MEMORY_HIGH, LIM_CPU, LIM_PIDS, LIM_NOFILE, LIM_CORE, LIM_COUNT
};
enum limit_means {
	MEANS_NONE, MEANS_CGROUP2, MEANS_CGROUP1, MEANS_RLIMIT, MEANS_WATCHDOG
};
/* The controllers csup uses: memory (memory, memory_high), cpu, pids. */
enum limit_ctl { CTL_MEMORY, CTL_CPU, CTL_PIDS, CTL_COUNT };

struct limits_host {
	bool	 v2[CTL_COUNT];			/* enabled on the v2 base */
	char	*v1[CTL_COUNT];			/* v1 base of this home, NULL none (owned) */
	char	 why[CTL_COUNT][256];		/* why neither, for the warnings */
};

/*
 * A generation's limits. The paths are owned strings (limits_gen_free), not
 * PATH_MAX arrays: a daemon keeps one of these for every live app.
 */
struct limits_gen {
	enum limit_means means[LIM_COUNT];	/* MEANS_NONE also when not set */
	char	*v1[CTL_COUNT];			/* this generation's v1 groups, NULL none */
	int	 procs_fd[CTL_COUNT];		/* their cgroup.procs until the fork */
	char	*v2;				/* the generation's v2 cgroup, NULL none */
	int	 oom_fd;			/* /proc/self/oom_score_adj, child side */
	uint64_t oom_seen, pids_seen;		/* counters already reported */
};

const char	*limits_kind_name(enum limit_kind k);
const char	*limits_means_name(enum limit_means m);
/* True for the limits `check --strict` wants enforced subtree-wide. */
bool		 limits_subtree_kind(enum limit_kind k);
/* The configured value of k, or -1 when k is not set. */
int64_t		 limits_value(const struct limits_config *l, enum limit_kind k);

/*
 * What this machine offers. cb: the v2 base (cgroup.h), usable or not.
 * create: make this home's v1 bases (the daemon); without it only checks
 * they could be made (`csup check`). CSUP_CGROUPS=0 disables both versions.
 */
void		 limits_host_init(struct limits_host *h, const struct cgroup_base *cb,
	    const char *home_id, bool create);
/* At exit: rmdir of this home's v1 bases (fails while a group is left), then free. */
void		 limits_host_release(struct limits_host *h);
/* Frees what init filled, touching no directory (`csup check`). */
void		 limits_host_free(struct limits_host *h);
/* The means k would get on this host (MEANS_NONE for an unset limit too). */
enum limit_means limits_means(const struct limits_host *h, const struct limits_config *l,
	    enum limit_kind k);
/* Why a subtree-wide limit falls back, for the warning ("" when it does not). */
const char	*limits_why(const struct limits_host *h, enum limit_kind k);

/* Pure parsers, for tests. The v1 hierarchy holding ctl: mount point and root. */
int		 limits_parse_v1_mount(const char *mountinfo, const char *ctl,
	    char *mount, size_t mlen, char *root, size_t rlen);
/* The path of ctl's hierarchy in /proc/PID/cgroup text. */
int		 limits_parse_v1_self(const char *text, const char *ctl, char *path,
	    size_t len);
/* "oom_kill N" / "max N" style counter from a flat keyed file's text. */
int		 limits_parse_counter(const char *text, const char *key, uint64_t *out);

/*
 * Before fork. v2: the generation's v2 cgroup (already made) or "".
 * Fills lg (limits_gen_free it); -1 with a message in err (nothing left
 * behind), errno ENOMEM when a path could not be kept.
 */
int		 limits_gen_prepare(const struct limits_host *h, const struct app_config *c,
	    int gen, const char *v2, struct limits_gen *lg, char *err, size_t errlen);
/* In the child, before exec: join the groups, setrlimit, nice, oom_score_adj. */
int		 limits_child(const struct limits_gen *lg, const struct app_config *c);
/* After fork, in the parent: closes the fds. */
void		 limits_gen_close(struct limits_gen *lg);
/* The OOM kills and pids-limit hits since the last call. */
void		 limits_gen_poll(struct limits_gen *lg, uint64_t *oom, uint64_t *pids);
/* rmdir of the generation's v1 groups (and of its app folders, once empty). */
int		 limits_gen_remove(struct limits_gen *lg);
/* Frees the paths of lg (not its groups: limits_gen_remove does that). */
void		 limits_gen_free(struct limits_gen *lg);
/* An adopted generation: its groups from app and number, counters as they are. */
void		 limits_gen_adopt(const struct limits_host *h, const struct app_config *c,
	    int gen, const char *v2, struct limits_gen *lg);
/*
 * Each v1 group of this home that keep() refuses: its members get SIGKILL,
 * then it is removed. Returns the number of processes killed.
 */
int		 limits_sweep(const struct limits_host *h,
	    bool (*keep)(void *arg, const char *app, int gen), void *arg);

#endif
