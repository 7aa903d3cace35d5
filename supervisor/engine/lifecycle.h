/*
 * lifecycle.h: the pure transition table of an app, states x events.
 * No I/O: the daemon applies the actions lc_step() returns.
 */
#ifndef CSUP_LIFECYCLE_H
#define CSUP_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* lifecycle.c: the pure transition table, states x events. */
enum app_state {
	ST_STOPPED, ST_LAUNCHING, ST_ONLINE, ST_STOPPING, ST_WAITING, ST_ERRORED,
	ST_COUNT
};
enum app_event {
	AE_START,	/* the user wants it up */
	AE_STOP,	/* the user wants it down */
	AE_RESTART,	/* the user wants a new generation */
	AE_SPAWNED,	/* the program was executed (or said READY=1 with wait_ready) */
	AE_FAILED,	/* it could not be executed */
	AE_EXIT,	/* the generation is gone */
	AE_TIMER,	/* the restart delay elapsed */
	AE_AUTO_RESTART,	/* watch or cron: a new generation, by the config */
	AE_LIMIT_RESTART,	/* memory, processes, health, oom: unstable when short */
	AE_NOT_READY,	/* no READY=1 within listen_timeout: SIGKILL, unstable */
	AE_ADOPTED,	/* a live generation of a dead predecessor, taken over */
	AE_COUNT
};
/* Why a restart is pending while stopping: what follows once it is gone. */
enum lc_why {
	LC_WHY_USER,		/* at once */
	LC_WHY_AUTO,		/* at once */
	LC_WHY_LIMIT,		/* the restart policy, unstable when restart_short */
	LC_WHY_NOT_READY,	/* the restart policy, unstable */
};
#define A_SPAWN		0x01	/* start a new generation */
#define A_KILL		0x02	/* stop the live generation */
#define A_ARM		0x04	/* arm the restart timer for *delay_ms */
#define A_DISARM	0x08	/* cancel the restart timer */
#define A_ERRORED	0x10	/* gave up: tell a person */
#define A_KILL_NOW	0x20	/* with A_KILL: SIGKILL at once, no kill_timeout */
#define BACKOFF_CAP_MS	15000

struct lc_policy {
	bool	 autorestart;
	int	 max_restarts;
	int64_t	 min_uptime_ms;
	int64_t	 restart_delay_ms;
	int64_t	 exp_backoff_ms;
};
struct lc {
	enum app_state	 state;
	bool		 want_up;
	bool		 restart_pending;	/* stopping, then start again */
	enum lc_why	 restart_why;		/* what asked for the pending restart */
	bool		 restart_short;		/* ... after a run shorter than min_uptime */
	bool		 spawned_once;
	int		 restarts;
	int		 unstable_restarts;
	int64_t		 backoff_ms;		/* last exp backoff delay, 0 = none */
};
/* Moves lc; returns the A_* actions to take, *delay_ms for A_ARM. */
unsigned	 lc_step(struct lc *lc, const struct lc_policy *p, enum app_event ev,
	    int64_t uptime_ms, int64_t *delay_ms);
/* Would the automatic restart ev act now? (only on a wanted, running app) */
bool		 lc_accepts(const struct lc *lc, enum app_event ev);
/* What the store kept of the user's wish, for a daemon that starts again. */
void		 lc_restore(struct lc *lc, bool want_up, int restarts, bool spawned_once);
const char	*lc_state_name(enum app_state s);
void		 lc_policy_from_config(struct lc_policy *p, const struct app_config *c);

#endif
