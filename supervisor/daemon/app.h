/*
 * app.h: an app of the daemon and its live generation (the daemon core).
 *
 * Every app is a struct app holding what the user wants (lc.want_up) apart
 * from what is (lc.state), and at most one live generation.
 *
 * Functions returning int return 0, or -1 with errno set unless their
 * comment says they fill an error buffer; they do not log, the caller logs
 * once where it handles the error.
 */
#ifndef CSUP_APP_H
#define CSUP_APP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include <ev.h>
#include <jansson.h>

#include "config.h"
#include "kill.h"
#include "lifecycle.h"
#include "proc.h"
#include "reslimits.h"
#include "sample.h"
#include "watchdog.h"

/* The struct that embeds a watcher, from the watcher's pointer. */
#define CONTAINER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct daemon;
struct watch;
struct ready;
struct health;

/*
 * The live processes of an app: at most one generation at a time. Its paths
 * are owned strings, not PATH_MAX arrays (the daemon keeps one a app, and
 * every spawn used to write all of it).
 */
struct generation {
	int		 number;
	pid_t		 pid;
	pid_t		 pgid;
	uint64_t	 start_time;	/* field 22 of /proc/PID/stat */
	int64_t		 started_ms;	/* wall clock: shown and stored, never subtracted */
	int64_t		 started_mono;	/* CLOCK_MONOTONIC ms: uptime and min_uptime */
	bool		 adopted;	/* not our child: watched through a pidfd */
	bool		 main_gone;
	int		 exec_fd;	/* CLOEXEC pipe: EOF = exec succeeded */
	ev_io		 exec_io;
	int		 pidfd;
	ev_io		 pidfd_io;
	pid_t		 logger;
	char		*cgroup;	/* owned; NULL: fallback mode (gen_release) */
	char		 tag[PROC_TAG_MAX];	/* CSUP_APP value */
	struct proc_set	 known;		/* fallback: members seen so far */
	struct killer	 killer;	/* stop.c */
	struct limits_gen lim;		/* reslimits.h: means, v1 groups, counters */
	uint64_t	 oom_seen;	/* OOM kills counted in this generation */
};

struct figures {
	int		 procs;
	int64_t		 rss;
	double		 cpu;		/* percent of one CPU, over the last period */
	int		 gen;		/* generation sampled, 0: none yet */
};

struct app {
	TAILQ_ENTRY(app) entry;
	struct daemon	*d;
	int		 id;		/* `csup stop 3`: first free at creation, kept */
	struct app_config cfg;
	char	       **client_env;	/* shared, immutable: appenv.h */
	struct lc	 lc;
	struct lc_policy pol;
	bool		 live;		/* gen holds a running generation */
	struct generation gen;
	int		 gen_count;	/* number of the last generation */
	int		 online_gen;	/* last generation that reached online */
	int		 fail_gen;	/* last generation that failed to start */
	char		*fail_msg;	/* owned: why fail_gen failed, NULL none (app_fail_text) */
	json_t		*last_exit;	/* {"code":N}, {"signal":"SIGKILL"} or NULL */
	bool		 delete_pending;
	char		*source;	/* realpath of the ecosystem file, or NULL */
	ev_timer	 restart_timer;
	ev_timer	 cron_timer;
	int64_t		 stop_started_ms;
	struct figures	 fig;
	struct sample_app smp;		/* sample.c: per-pid CPU accounting */
	struct watchdog	 wd;		/* issue 6: limits and anomaly */
	double		 cpu_seconds;	/* cumulated, csup_app_cpu_seconds_total */
	struct watch	*watch;		/* probe.c: while it should run, with watch */
	struct ready	*ready;		/* probe.c: this generation's NOTIFY_SOCKET */
	struct health	*health;	/* probe.c */
	bool		 not_ready;	/* killed at listen_timeout: the exit is unstable */
	char		 restart_kind[16];	/* the automatic cause of the pending restart */
	bool		 oom_main;	/* the main process died of the OOM killer: unstable */
	uint64_t	 oom_kills;	/* OOM kills in its subtree, csup_app_oom_kills_total */
	uint64_t	 pids_hits;	/* forks refused at limits.pids */
	bool		 limits_warned;	/* the fallback warning is recorded once */
};
TAILQ_HEAD(app_list_head, app);

/* app.c: applies lifecycle actions; every state change goes through it. */
struct app	*app_new(struct daemon *d, struct app_config *cfg, char **env);
void		 app_free(struct app *a);
struct app	*app_find(struct daemon *d, const char *name);
/* a takes id when no other app holds it (restored from the store). */
void		 app_keep_id(struct app *a, int id);
void		 app_event(struct app *a, enum app_event ev);
/* How long the live generation has run (monotonic), 0 when none. */
int64_t		 app_uptime_ms(const struct app *a);
/*
 * An automatic restart (AE_AUTO_RESTART, AE_LIMIT_RESTART, AE_NOT_READY)
 * for a reason (`kind`: "memory", "leak", "health", "oom", "watch",
 * "cron", "ready"), recorded as an event with detail; false, and nothing
 * recorded, when the lifecycle refuses it (a stop, delete, kill or
 * shutdown has begun, or a restart is already under way).
 */
bool		 app_restart_for(struct app *a, enum app_event ev, const char *kind,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A live generation of a dead predecessor, taken over (daemon.c). */
void		 app_adopted(struct app *a);
void		 app_exec_result(struct app *a, int err);
void		 app_main_exited(struct app *a, bool have_status, int status);
void		 app_generation_gone(struct app *a);
/* Frees what g owns beside its fds and sets (cgroup and limit paths). */
void		 gen_release(struct generation *g);
void		 app_cron_arm(struct app *a);
void		 app_record_event(struct app *a, const char *kind, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * Replaces a's failure message (the old one is freed): why generation
 * fail_gen did not start. Out of memory it leaves none, which
 * app_fail_text() turns into a fixed text: the failure is never silent.
 */
void		 app_set_fail_msg(struct app *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* a's failure message; never NULL. */
const char	*app_fail_text(const struct app *a);
/* Runs the app's `alert` command, if any, for event (monitor/alert.c). */
void		 app_alert(struct app *a, const char *event, const char *detail);

#endif
