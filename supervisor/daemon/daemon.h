/*
 * daemon.h: the daemon context, created in daemon_main() and passed
 * explicitly, and the parts of the daemon that work on all apps.
 */
#ifndef CSUP_DAEMON_H
#define CSUP_DAEMON_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include <ev.h>

#include "alert.h"
#include "app.h"
#include "cgroup.h"
#include "ctl.h"
#include "metrics.h"
#include "paths.h"
#include "reslimits.h"

struct healthlink;
struct httpside;
struct logger_pid;
struct sidecar;
struct waiter;
struct run;
TAILQ_HEAD(waiter_head, waiter);

#define SAMPLES_KEEP_DEFAULT_MS	(24LL * 3600 * 1000)

struct daemon {
	struct ev_loop		*loop;
	struct paths		 paths;
	struct store		*store;
	struct app_list_head	 apps;
	struct waiter_head	 waiters;
	int			 lock_fd;
	struct ctl		 ctl;		/* the control socket */
	ev_signal		 sigterm, sigint;
	ev_child		 reaper;
	ev_timer		 sample_timer;
	ev_timer		 shutdown_timer;
	int			 logger_phase;	/* daemon.c: draining, SIGTERM, SIGKILL */
	ev_timer		 orphan_timer;	/* orphan.c */
	struct scan		*orphan_busy;	/* orphan.c: a scan whose kills still run */
	ev_prepare		 store_check;	/* daemon.c: the snapshot, store_retry */
	ev_prepare		 settle;	/* daemon.c: observers, once a loop turn */
	bool			 dirty;		/* an app or a waiter changed: settle */
	ev_timer		 trim_timer;	/* daemon.c: freed heap back, after a burst */
	ev_timer		 store_retry;	/* replays writes queued on a locked csup.db */
	int64_t			 sample_ms;
	int64_t			 samples_keep_ms;	/* $CSUP_SAMPLES_KEEP, default 24 h */
	int64_t			 last_scan_ms;
	unsigned		 sample_ticks;
	struct logger_pid	*loggers;	/* loggers.c: until reaped */
	struct sidecar		*sidecars;	/* sidecar.c: helper programs (csup-http...) */
	bool			 shutting_down;
	bool			 exiting;
	char			*exe;		/* this binary, for loggers (owned) */
	struct cgroup_base	 cg;		/* cgroup_base_init() at start-up */
	struct limits_host	 limhost;	/* limits_host_init() right after */
	struct httpside		*http;		/* httpside.c: the port and csup-http */
	struct alert_ctx	*alerts;
	struct healthlink	*health;	/* healthlink.c: csup-health, from the first check */
	struct metrics_counters	 counters;
	struct run		*run;		/* `csup run` (run.c), else NULL */
	const char		*mirror;	/* the loggers' MIRROR argument (run.c) */
	struct reload_state	*reload;	/* reload.c */
};

/*
 * Something observers care about changed (an app's state, a waiter, a
 * logger): waiters, the sample timer and the shutdown are settled once,
 * before the loop next waits. The core marks; it never calls them.
 */
static inline void daemon_mark(struct daemon *d)
{
	d->dirty = true;
}

#endif
