/*
 * sidecar.h: a helper program the daemon runs beside itself (csup-http,
 * csup-health): the process part, for whatever module owns the helper.
 *
 * The program is found in the directory of the daemon's executable (as
 * csup-logger is). It starts with the fds the owner gives as 3, 4, ...,
 * /dev/null on 0 and 1, the daemon's log on 2, every other fd closed,
 * every signal at its default and none blocked, in a session of its own
 * (a terminal's ^C reaches the daemon only), with PR_SET_PDEATHSIG(SIGKILL)
 * and a getppid() check after it: it never outlives a daemon that dies,
 * even by `kill -9`. It carries no app tag and joins no app's cgroup, so
 * the orphan scan never sees it.
 *
 * Its exit reaches the owner through the daemon's one ev_child, which
 * hands every pid to sidecar_reaped() first. An exit the daemon did not
 * ask for is logged and followed by a new start after a backoff (0.1 s,
 * doubling to 5 s; back to 0.1 s once a helper ran for 10 s). sidecar_stop
 * sends SIGTERM, then SIGKILL after SIDECAR_STOP_S, and starts nothing
 * again. sidecar_end, at teardown, does the same synchronously.
 *
 * Everything runs on the daemon's loop; no callback blocks.
 */
#ifndef CSUP_SIDECAR_H
#define CSUP_SIDECAR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <ev.h>

#define SIDECAR_MAX_FDS		4
#define SIDECAR_STOP_S		1.0	/* SIGTERM, then SIGKILL this much later */

struct sidecar;

/* The owner's side; arg is sidecar_init's. Each may be NULL. */
struct sidecar_ops {
	/*
	 * Before each start: the fds the helper gets as 3, 4, ... (at most
	 * SIDECAR_MAX_FDS) into fds; their number, or -1 (the start is
	 * retried after the backoff). They stay the owner's: close the
	 * helper's ends in started().
	 */
	int	 (*fds)(void *arg, int *fds);
	/* After each start: the helper's pid, or -1 when the fork failed. */
	void	 (*started)(void *arg, pid_t pid);
	/* The helper is gone (status as from waitpid), asked for or not. */
	void	 (*exited)(void *arg, int status);
};

struct sidecar {
	struct ev_loop		*loop;
	char			*path;		/* DIR/program */
	const char		*name;		/* the program's name (argv[0], logs) */
	char * const		*args;		/* after argv[0], NULL-terminated; may be NULL */
	struct sidecar_ops	 ops;
	void			*arg;
	pid_t			 pid;		/* 0: not running */
	bool			 wanted;	/* start again after an exit */
	bool			 missing;	/* the program was not there at the last try */
	int			 kill_phase;	/* sidecar_stop: 0 none, 1 SIGTERM, 2 SIGKILL */
	double			 backoff;	/* the next restart's delay */
	ev_tstamp		 started_at;
	ev_timer		 timer;		/* the restart's backoff, or the stop's bound */
	struct sidecar		*next;		/* the daemon's list of sidecars */
};

/*
 * Sets s up (nothing runs yet) and links it into *list, the daemon's
 * sidecars: exe is the daemon's executable, program the helper's file name
 * beside it, args (kept, not copied) its arguments. -1 with errno.
 */
int	 sidecar_init(struct sidecar *s, struct sidecar **list, struct ev_loop *loop,
	    const char *exe, const char *program, char * const *args,
	    const struct sidecar_ops *ops, void *arg);
/* Starts the helper now (and again after each crash). -1 (and a log line) when it could not. */
int	 sidecar_start(struct sidecar *s);
/* SIGTERM now, SIGKILL after SIDECAR_STOP_S; no restart. Nothing when not running. */
void	 sidecar_stop(struct sidecar *s);
/* From the daemon's reaper: true when pid was a sidecar of list (then handled). */
bool	 sidecar_reaped(struct sidecar *list, pid_t pid, int status);
/* Stops every sidecar of list; true while one of them still runs. */
bool	 sidecar_stop_all(struct sidecar *list);
/* At teardown: stops it synchronously (bounded, reaped), unlinks it from *list, frees its path. */
void	 sidecar_end(struct sidecar *s, struct sidecar **list);

#endif
