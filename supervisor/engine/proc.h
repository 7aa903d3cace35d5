/*
 * proc.h: processes as /proc shows them, signalled without ever hitting a
 * reused pid, and the fallback's answer to "which processes belong to this
 * generation" (docs/guarantee.md).
 *
 * A process is named by (pid, start_time): start_time is field 22 of
 * /proc/PID/stat, in clock ticks after boot. A pid whose start time differs
 * from the one recorded is another process and is never signalled.
 *
 * The fallback selection (proc_select) takes a snapshot of /proc
 * (proc_table_load) and returns every live, non-zombie process that
 *   - is a known member (pid and start time both match), or
 *   - is in the generation's process group or session, or
 *   - carries the generation's tag (CSUP_APP=<home id>:<app>:<gen> in
 *     /proc/PID/environ, inherited at fork unless cleared), or
 *   - descends (ppid chain, within the snapshot) from one of the above.
 * The result is the new known set: feed it back at the next scan, so a
 * process stays known after its parent dies and it is reparented to the
 * subreaper. Documented limit: a process that leaves the session, clears
 * its environment and loses its parent between two scans is not found.
 *
 * Error convention: 0, or -1 with errno. ESRCH means "that process is gone
 * (or its pid now names another process)".
 */
#ifndef CSUP_PROC_H
#define CSUP_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_TAG_VAR	"CSUP_APP"
#define PROC_TAG_MAX	256	/* longest tag value kept, NUL included */

struct proc_info {
	pid_t		pid, ppid, pgid, sid;
	char		state;		/* 'R', 'S', 'D', 'Z', ... */
	unsigned	flags;		/* field 9; PF_KTHREAD marks kernel threads */
	uint64_t	start_time;	/* field 22: clock ticks after boot */
	uint64_t	utime, stime;	/* clock ticks */
	uint64_t	rss_bytes;
};

/* Parse the text of /proc/PID/stat (comm ends at the LAST ')'). Pure. */
int	proc_parse_stat(const char *buf, size_t len, struct proc_info *pi);
/* Read /proc/PID/stat. -1 with ESRCH when the process is gone. */
int	proc_read(pid_t pid, struct proc_info *pi);
/* 1 when (pid, start_time) names a live, non-zombie process, else 0. */
int	proc_alive(pid_t pid, uint64_t start_time);
/*
 * The value of NAME in /proc/PID/environ (the environment the program was
 * executed with) copied to buf. -1 with ENOENT when it has no NAME, ESRCH
 * when gone, ENAMETOOLONG when the value does not fit.
 */
int	proc_env_get(pid_t pid, const char *name, char *buf, size_t len);
/* A whole file (up to max bytes) in a NUL-terminated heap buffer; free() it. */
int	proc_read_file(const char *path, size_t max, char **out, size_t *len);
/* A small file whole (at most max bytes), NUL-terminated; NULL with errno. */
char	*proc_read_text(const char *path, size_t max);
/* Writes s to an existing file (a cgroup or /proc knob) in one write; 0 or -1. */
int	proc_write_text(const char *path, const char *s);
/* "<home id>:<app>:<generation>": the value of PROC_TAG_VAR. */
int	proc_tag_format(char *buf, size_t len, const char *home_id,
	    const char *app, int generation);

/*
 * A pidfd (O_CLOEXEC) for (pid, start_time), checked after opening so it
 * cannot name a process that reused the pid. It becomes readable when the
 * process exits (poll it with ev_io). -1 with ESRCH when gone or reused,
 * ENOSYS on kernels before 5.3.
 */
int	proc_pidfd_open(pid_t pid, uint64_t start_time);
/*
 * Send sig to (pid, start_time) and to nothing else: pidfd_open, start time
 * re-checked, pidfd_send_signal. Without pidfds (ENOSYS) the start time is
 * checked just before kill(2). -1 with ESRCH when gone or reused.
 */
int	proc_signal(pid_t pid, uint64_t start_time, int sig);

/* A set of processes, named by (pid, start_time). Zero-initialise. */
struct proc_id {
	pid_t		pid;
	uint64_t	start_time;
};
struct proc_set {
	struct proc_id	*v;
	size_t		 n, cap;
};
/* Adds (pid, start) unless present; start 0 matches any start time. */
int	proc_set_add(struct proc_set *s, pid_t pid, uint64_t start_time);
int	proc_set_has(const struct proc_set *s, pid_t pid, uint64_t start_time);
void	proc_set_clear(struct proc_set *s);
void	proc_set_free(struct proc_set *s);

/* A snapshot of /proc: every user-space process, zombies excluded, sorted by pid. */
struct proc_entry {
	struct proc_info info;
	char		*tag;		/* value of PROC_TAG_VAR, or NULL */
};
struct proc_table {
	struct proc_entry *v;
	size_t		 n, cap;
};
/* Read /proc (and each process's tag when with_tags). Free with proc_table_free. */
int	proc_table_load(struct proc_table *t, int with_tags);
void	proc_table_free(struct proc_table *t);
const struct proc_entry *proc_table_find(const struct proc_table *t, pid_t pid);

/* What identifies one generation in fallback mode. */
struct proc_gen {
	pid_t		 main_pid;	/* 0 when unknown */
	uint64_t	 main_start;
	pid_t		 pgid, sid;	/* 0: none (csup sets both to main_pid) */
	const char	*tag;		/* exact PROC_TAG_VAR value, or NULL */
};
/*
 * members := the processes of t that belong to g (see the top of this
 * file), starting from the known members already in *members. The caller's
 * own pid is never selected. The pgid/sid match is dropped when the leader
 * pid is alive with another start time (the group id was reused).
 */
int	proc_select(const struct proc_table *t, const struct proc_gen *g,
	    struct proc_set *members);
/*
 * out := the processes tagged "<home id>:..." (tag_prefix = "<home id>:")
 * that no set in owned[0..nowned) holds, with their descendants.
 */
int	proc_select_orphans(const struct proc_table *t, const char *tag_prefix,
	    const struct proc_set *owned, size_t nowned, struct proc_set *out);

/* Sum over the members found in t: live processes, RSS and CPU ticks. */
struct proc_usage {
	int		procs;
	uint64_t	rss_bytes;
	uint64_t	cpu_ticks;	/* utime + stime */
};
void	proc_usage_sum(const struct proc_table *t, const struct proc_set *members,
	    struct proc_usage *u);

#endif
