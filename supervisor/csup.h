/*
 * csup.h: the private map of the supervisor (daemon and client).
 *
 * One daemon context (struct daemon) is created in daemon_main() and passed
 * explicitly; every app is a struct app holding what the user wants (lc.want_up)
 * apart from what is (lc.state), and at most one live generation.
 *
 * Error convention: functions returning int return 0, or -1 with errno set
 * (syscall-like) unless their comment says they fill an error buffer; they
 * do not log, the caller logs once where it handles the error.
 */
#ifndef CSUP_CSUP_H
#define CSUP_CSUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <time.h>

#include <ev.h>
#include <jansson.h>

#include "cgroup.h"
#include "config.h"
#include "kill.h"
#include "proc.h"
#include "alert.h"
#include "http.h"
#include "sample.h"
#include "watchdog.h"

/* The struct that embeds a watcher, from the watcher's pointer. */
#define CONTAINER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define CSUP_EXIT_OK	0
#define CSUP_EXIT_FAIL	1
#define CSUP_EXIT_USAGE	2

/* paths.c */
struct paths {
	char	home[PATH_MAX];
	char	id[17];			/* FNV-1a 64 of realpath(home), hex */
	char	sock[PATH_MAX];
	char	db[PATH_MAX];
	char	log[PATH_MAX];
	char	pid[PATH_MAX];
	char	logs[PATH_MAX];		/* directory of app logs */
};
/* Fills p from $CSUP_HOME (default $HOME/.csup); create: mkdir 0700 first. */
int	 paths_init(struct paths *p, bool create);
/* The out/err files of an app (config overrides, else the defaults). */
void	 paths_app_logs(const struct paths *p, const struct app_config *c,
	    char *out, char *err, size_t len);
/* The logger's count of dropped lines for an app (applog_drop.c). */
void	 paths_app_dropfile(const struct paths *p, const char *name, char *buf, size_t len);
uint64_t paths_fnv1a(const char *s);
/* mkdir -p: missing parents 0755, the last one mode; an existing one is fine. */
int	 paths_mkdir_p(const char *path, mode_t mode);
/*
 * The home is fit to serve from: a directory of ours, writable by us and
 * by nobody else. -1 with a one-line message in err.
 */
int	 paths_check_home(const struct paths *p, char *err, size_t len);

/* proto.c: frames are a 4-byte big-endian length, then a JSON object. */
#define PROTO_MAX_FRAME	(8u << 20)
struct proto_reader {
	unsigned char	 hdr[4];
	size_t		 hdr_got;
	char		*body;
	uint32_t	 body_len;
	uint32_t	 body_got;
};
/* 0 and *len, or -1 (EMSGSIZE) when the length is 0 or over the maximum. */
int	 proto_frame_len(const unsigned char hdr[4], uint32_t *len);
/* Heap buffer (header + body) of msg; NULL on error. */
char	*proto_encode(const json_t *msg, size_t *len);
/* An object, or NULL with a message in err. */
json_t	*proto_decode(const char *body, size_t len, char *err, size_t errlen);
/*
 * Feed bytes; *used says how many were consumed. Returns 1 with *msg when a
 * frame is complete, 0 when more is needed, -1 on an oversized or
 * malformed frame (err says why).
 */
int	 proto_feed(struct proto_reader *r, const char *buf, size_t n, size_t *used,
	    json_t **msg, char *err, size_t errlen);
void	 proto_reader_reset(struct proto_reader *r);

/* lifecycle.c: the pure transition table, states x events. */
enum app_state {
	ST_STOPPED, ST_LAUNCHING, ST_ONLINE, ST_STOPPING, ST_WAITING, ST_ERRORED,
	ST_COUNT
};
enum app_event {
	AE_START,	/* the user wants it up */
	AE_STOP,	/* the user wants it down */
	AE_RESTART,	/* the user (or cron, later watch/health) wants a new generation */
	AE_SPAWNED,	/* the program was executed (later: READY=1 with wait_ready) */
	AE_FAILED,	/* it could not be executed */
	AE_EXIT,	/* the generation is gone */
	AE_TIMER,	/* the restart delay elapsed */
	AE_COUNT
};
#define A_SPAWN		0x01	/* start a new generation */
#define A_KILL		0x02	/* stop the live generation */
#define A_ARM		0x04	/* arm the restart timer for *delay_ms */
#define A_DISARM	0x08	/* cancel the restart timer */
#define A_ERRORED	0x10	/* gave up: tell a person */
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
	bool		 spawned_once;
	int		 restarts;
	int		 unstable_restarts;
	int64_t		 backoff_ms;		/* last exp backoff delay, 0 = none */
};
/* Moves lc; returns the A_* actions to take, *delay_ms for A_ARM. */
unsigned	 lc_step(struct lc *lc, const struct lc_policy *p, enum app_event ev,
	    int64_t uptime_ms, int64_t *delay_ms);
const char	*lc_state_name(enum app_state s);
void		 lc_policy_from_config(struct lc_policy *p, const struct app_config *c);

/* The live processes of an app: at most one generation at a time. */
struct generation {
	int		 number;
	pid_t		 pid;
	pid_t		 pgid;
	uint64_t	 start_time;	/* field 22 of /proc/PID/stat */
	int64_t		 started_ms;	/* wall clock */
	bool		 adopted;	/* not our child: watched through a pidfd */
	bool		 main_gone;
	int		 exec_fd;	/* CLOEXEC pipe: EOF = exec succeeded */
	ev_io		 exec_io;
	int		 pidfd;
	ev_io		 pidfd_io;
	pid_t		 logger;
	char		 cgroup[PATH_MAX];	/* "": fallback mode */
	char		 tag[PROC_TAG_MAX];	/* CSUP_APP value */
	struct proc_set	 known;		/* fallback: members seen so far */
	struct killer	 killer;	/* stop.c */
};

struct figures {
	int		 procs;
	int64_t		 rss;
	double		 cpu;		/* percent of one CPU, over the last period */
	int		 gen;		/* generation sampled, 0: none yet */
};

struct daemon;

struct app {
	TAILQ_ENTRY(app) entry;
	struct daemon	*d;
	struct app_config cfg;
	char	       **client_env;	/* NULL-terminated, owned */
	struct lc	 lc;
	struct lc_policy pol;
	bool		 live;		/* gen holds a running generation */
	struct generation gen;
	int		 gen_count;	/* number of the last generation */
	int		 online_gen;	/* last generation that reached online */
	int		 fail_gen;	/* last generation that failed to start */
	char		 fail_msg[512];
	json_t		*last_exit;	/* {"code":N}, {"signal":"SIGKILL"} or NULL */
	bool		 delete_pending;
	char		*source;	/* realpath of the ecosystem file, or NULL */
	ev_timer	 restart_timer;
	ev_timer	 cron_timer;
	ev_timer	 kill_timer;	/* stop.c: SIGKILL at kill_timeout */
	ev_timer	 gone_timer;	/* stop.c: re-check an emptying group */
	int64_t		 stop_started_ms;
	struct figures	 fig;
	struct sample_app smp;		/* sample.c: per-pid CPU accounting */
	struct watchdog	 wd;		/* issue 6: limits and anomaly */
	double		 cpu_seconds;	/* cumulated, csup_app_cpu_seconds_total */
	struct watch	*watch;		/* probe.c: while it should run, with watch */
	struct ready	*ready;		/* probe.c: this generation's NOTIFY_SOCKET */
	struct health	*health;	/* probe.c */
	bool		 not_ready;	/* killed at listen_timeout: the exit is unstable */
};
TAILQ_HEAD(app_list_head, app);

struct conn;
struct waiter;
TAILQ_HEAD(conn_head, conn);
TAILQ_HEAD(waiter_head, waiter);

struct logger_pid {
	pid_t			 pid;
	struct logger_pid	*next;
};

struct daemon {
	struct ev_loop		*loop;
	struct paths		 paths;
	struct store		*store;
	struct app_list_head	 apps;
	struct conn_head	 conns;
	struct waiter_head	 waiters;
	int			 lock_fd;
	int			 listen_fd;
	ev_io			 listen_io;
	ev_signal		 sigterm, sigint;
	ev_child		 reaper;
	ev_timer		 sample_timer;
	ev_timer		 shutdown_timer;
	ev_timer		 orphan_timer;	/* orphan.c */
	int64_t			 sample_ms;
	int64_t			 last_scan_ms;
	unsigned		 sample_ticks;
	struct logger_pid	*loggers;
	bool			 shutting_down;
	bool			 exiting;
	char			 exe[PATH_MAX];	/* this binary, for loggers */
	struct cgroup_base	 cg;		/* cgroup_base_init() at start-up */
	struct http_server	*http;
	struct alert_ctx	*alerts;
	struct metrics_counters	 counters;
};

/* app.c: applies lifecycle actions; every state change goes through it. */
struct app	*app_new(struct daemon *d, struct app_config *cfg, char **env);
void		 app_free(struct app *a);
struct app	*app_find(struct daemon *d, const char *name);
void		 app_event(struct app *a, enum app_event ev);
void		 app_exec_result(struct app *a, int err);
void		 app_main_exited(struct app *a, bool have_status, int status);
void		 app_generation_gone(struct app *a);
void		 app_cron_arm(struct app *a);
void		 app_record_event(struct app *a, const char *kind, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int64_t		 csup_now_ms(void);
int64_t		 csup_mono_ms(void);
char	       **csup_env_dup(char *const *env);
void		 csup_env_free(char **env);

/* spawn.c */
/* Resolves argv[0] against cwd and PATH; -1 with a message naming the path. */
int	 spawn_resolve(const struct app_config *c, char *const *env, char *out,
	    size_t outlen, char *err, size_t errlen);
/* Forks the logger and the app (own session); -1 with a message in err. */
int	 spawn_generation(struct app *a, char *err, size_t errlen);
/* The main process died: settle what exec said (launching -> online or failed). */
void	 spawn_exec_settle(struct app *a);

/* probe.c: watch, readiness and health checks on the lifecycle. */
int	 probe_spawn(struct app *a, int gen, char *env, size_t envlen);
bool	 probe_exec_ok(struct app *a);
void	 probe_state(struct app *a, enum app_state before);
void	 probe_generation_gone(struct app *a);
void	 probe_free(struct app *a);
void	 probe_json(struct app *a, json_t *o);

/* stop.c: stop = kill_signal, SIGKILL to the group at kill_timeout. */
void	 stop_generation(struct app *a);
void	 stop_check(struct app *a);
void	 stop_cancel(struct app *a);
void	 stop_after_crash(struct app *a);

/* guard.c: the guarantee's glue (proc.h, cgroup.h, kill.h). */
void	 guard_target(struct app *a, struct kill_target *t);
void	 guard_dead_generation(struct daemon *d, struct app *a, int number, pid_t pid,
	    pid_t pgid, uint64_t start_time);
void	 guard_adopted(struct app *a);

/* orphan.c: end what carries this home's tag and no live generation owns. */
/* One scan now; returns the number of processes killed. */
int	 orphan_scan(struct daemon *d);
/* Every $CSUP_ORPHAN_SCAN_MS (default 60 s) while the daemon runs. */
void	 orphan_timer_start(struct daemon *d);
void	 orphan_timer_stop(struct daemon *d);

/* figures.c: per-app figures through sample.c, every sample period. */
void	 figures_refresh(struct daemon *d);
void	 figures_timer_update(struct daemon *d);
/* monitor.c: glue of issue 6 */
void	 monitor_start(struct daemon *d);
void	 monitor_stop(struct daemon *d);
void	 monitor_after_sample(struct daemon *d);
void	 monitor_alert(struct app *a, const char *event, const char *detail);

/* store.c: the only file that speaks SQL. */
struct store;
struct store_gen {
	int		 number;
	pid_t		 pid, pgid;
	uint64_t	 start_time;
	int64_t		 started_ms;
	const char	*tag;		/* CSUP_APP of the generation (written only) */
};
struct store_sample {
	int64_t		 time_ms;
	const char	*app;
	int		 procs;
	int64_t		 rss;
	double		 cpu;
};
int	 store_open(const char *path, struct store **out);
void	 store_close(struct store *s);
/* Can path be opened as a sound database? -1 with sqlite's reason in err. */
int	 store_check(const char *path, char *err, size_t len);
int	 store_put_app(struct store *s, const char *name, const json_t *cfg,
	    const json_t *env, const char *source, bool want_up, int restarts);
int	 store_set_want(struct store *s, const char *name, bool want_up, int restarts);
int	 store_delete_app(struct store *s, const char *name);
/* One stored app; valid only during the callback. */
struct store_app_row {
	const char	*name;
	json_t		*cfg, *env;
	const char	*source;	/* realpath of its ecosystem file, or NULL */
	bool		 want_up;
	int		 restarts;
};
/* Calls fn for each stored app (saved: the resurrect set instead). */
int	 store_each_app(struct store *s, bool saved,
	    int (*fn)(void *arg, const struct store_app_row *r), void *arg);
int	 store_put_generation(struct store *s, const char *app, const struct store_gen *g);
int	 store_end_generation(struct store *s, const char *app, int number,
	    int64_t ended_ms, const json_t *exit);
/* The last generation with no end, or -1 with errno ENOENT. */
int	 store_live_generation(struct store *s, const char *app, struct store_gen *g);
int	 store_add_event(struct store *s, const char *app, const char *kind,
	    const char *detail);
json_t	*store_events(struct store *s, const char *app, int limit);
int	 store_put_samples(struct store *s, const struct store_sample *v, size_t n);
json_t	*store_samples(struct store *s, const char *app, int64_t since_ms);
int	 store_prune_samples(struct store *s, int64_t before_ms);
int	 store_get_clean(struct store *s, bool *clean);
int	 store_set_clean(struct store *s, bool clean);
/* saved := the named apps (the resurrect set). */
int	 store_save_set(struct store *s, const char *const *names, size_t n);
/* saved := the apps that want to be up. */
int	 store_save_wanted(struct store *s);
int	 store_forget_apps(struct store *s);

/* ctl.c: the control socket. */
int	 ctl_listen(struct daemon *d);
void	 ctl_close_all(struct daemon *d);
void	 ctl_reply(struct conn *c, json_t *reply);	/* steals reply */
void	 ctl_flush_sync(struct conn *c);
/* kill: this client gets its reply when the daemon is about to exit. */
void	 ctl_mark_kill(struct conn *c);
void	 ctl_kill_replies(struct daemon *d);
/* Waiters: deferred replies, checked after every state change. */
struct waiter	*waiter_new(struct daemon *d, struct conn *c);
void		 waiter_add(struct waiter *w, const char *name, const char *op,
	    const char *result, const char *error);
void		 waiter_arm(struct waiter *w);
void		 waiters_poke(struct daemon *d);

/* cmd.c: the daemon's side of every command. */
void	 cmd_dispatch(struct daemon *d, struct conn *c, json_t *req);
json_t	*cmd_app_json(struct app *a, bool full);
json_t	*cmd_status_array(struct daemon *d);
int	 cmd_start_app(struct daemon *d, struct waiter *w, struct app_config *cfg,
	    char **env);

/* daemon.c */
int	 daemon_main(int argc, char **argv);
void	 daemon_shutdown(struct daemon *d);
void	 daemon_shutdown_poke(struct daemon *d);
void	 daemon_logger_add(struct daemon *d, pid_t pid);

/* client.c */
/* A connected socket (starting the daemon when autostart), or -1 after printing why. */
int	 client_connect(const struct paths *p, bool autostart);
/* Sends req (stolen) and reads one reply; NULL after printing why. */
json_t	*client_call(int fd, json_t *req);
json_t	*client_request(bool autostart, json_t *req);

/* client.c: `csup kill`: returns once the daemon process is gone. */
int	 cli_kill(void);

/* cli.c */
int	 cli_main(int argc, char **argv);

/* cli_show.c: the status table and describe, as people read them. */
int	 cli_table(json_t *apps);
int	 cli_describe(json_t *app);

/* cli_logs.c: the last lines of the log files, then follow them. */
int	 cli_logs(json_t *files, long lines, bool follow);

/* applog.h: what the daemon shares with the csup-logger program. */
#include "applog.h"

#endif
