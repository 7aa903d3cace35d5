/*
 * kill.h: stop one generation so that nothing of it survives 
 * (docs/guarantee.md).
 *
 * kill_start() runs on the daemon's libev loop and never blocks or sleeps:
 *   mode group: target.sig to every member (cgroup.procs, or in fallback the
 *               proc_select() set), repeated until a pass finds no new pid;
 *   mode main:  target.sig to the main process only; when it exits (its
 *               pidfd, or kill_main_exited()) whatever is left is counted in
 *               result.left_behind and killed at once;
 *   sig SIGKILL in mode group: straight to the SIGKILL pass (result.killed);
 *   both:       at timeout_ms, SIGKILL to everything left (cgroup.kill, or
 *               each selected member through a pidfd), repeated until a pass
 *               finds no new pid, so fork races lose.
 * It finishes when the generation is empty: cgroup.events says "populated
 * 0" (watched with inotify), or every member's pidfd has fired and a last
 * /proc scan finds nobody. Zombies are not alive. The engine never calls
 * waitpid(): the daemon reaps (ev_child, pid 0, as PR_SET_CHILD_SUBREAPER).
 *
 * done() is always called from the loop, never from inside kill_start();
 * the killer holds nothing any more when done() runs, so done() may free it.
 *
 * kill_sweep() is the synchronous form for start-up (a dead generation's
 * leftovers, orphans): SIGKILL at once, then wait (poll, bounded) for them.
 *
 * Error convention: 0, or -1 with errno.
 */
#ifndef CSUP_KILL_H
#define CSUP_KILL_H

#include <stdint.h>
#include <sys/types.h>

#include <ev.h>

#include "config.h"	/* enum kill_mode */
#include "proc.h"

/* After SIGKILL, give up waiting (D-state processes) after this long. */
#define KILL_STUCK_MS	5000

struct kill_target {
	pid_t		 main_pid;	/* 0: none (a sweep of orphans) */
	uint64_t	 main_start;
	int		 main_exited;	/* the main process is already gone */
	const char	*cgroup;	/* the generation's cgroup, NULL: fallback */
	/* fallback only: what proc_select() matches */
	pid_t		 pgid, sid;	/* 0: none */
	const char	*tag;		/* PROC_TAG_VAR value, or NULL */
	const struct proc_set *known;	/* members found so far, or NULL */
	int		 sig;		/* kill_signal */
	enum kill_mode	 mode;
	int64_t		 timeout_ms;	/* kill_timeout */
};

struct kill_result {
	int	 signalled;	/* processes that got target.sig */
	int	 killed;	/* processes that got SIGKILL */
	int	 left_behind;	/* mode main: alive after the main process exited */
	int	 timed_out;	/* kill_timeout passed with processes alive */
	int	 stuck;		/* still alive KILL_STUCK_MS after SIGKILL */
	int	 error;		/* errno of a failure that cut the stop short, or 0 */
	int64_t	 elapsed_ms;
};

struct killer;
typedef void kill_done_fn(struct killer *k, const struct kill_result *r);

struct kill_watch;

/* Embed it in the generation; all fields are private but data. */
struct killer {
	void		*data;		/* the caller's */
	struct ev_loop	*loop;
	kill_done_fn	*done;
	int		 phase;
	char		*cgroup, *tag;
	struct proc_gen	 gen;
	enum kill_mode	 mode;
	int		 sig;
	int		 main_gone;
	struct proc_set	 members, signalled, killed;
	struct kill_watch **watch;
	size_t		 nwatch, capwatch;
	int		 events_fd, main_fd;
	ev_io		 events_io;	/* cgroup.events through inotify */
	ev_io		 main_io;	/* the main process's pidfd */
	ev_timer	 timer;		/* kill_timeout, then KILL_STUCK_MS */
	ev_timer	 retry;		/* fallback members no pidfd could watch */
	ev_tstamp	 t0;
	struct kill_result res;
};

/* Start stopping t (copied). 0, or -1 with errno (nothing started). */
int	kill_start(struct ev_loop *loop, struct killer *k, const struct kill_target *t,
	    kill_done_fn *done);
/* The daemon reaped the main process (optional: its pidfd tells too). */
void	kill_main_exited(struct killer *k);
/* 1 between kill_start() and done(). */
int	kill_active(const struct killer *k);
/* Stop without calling done() (daemon exit); frees what the killer holds. */
void	kill_cancel(struct killer *k);

/*
 * SIGKILL everything of t now (t->sig and t->mode are ignored) and wait up
 * to wait_ms for it to be gone. r->killed counts the processes killed,
 * r->stuck those still alive at the end. 0, or -1 with errno.
 */
int	kill_sweep(const struct kill_target *t, int64_t wait_ms, struct kill_result *r);

#endif
