/*
 * alert.h: an app's `alert` command, run when an event is worth a person's
 * attention (csup-ecosystem(5), field `alert`).
 *
 * alert_fire() runs COMMAND through /bin/sh -c with CSUP_EVENT,
 * CSUP_APP_NAME and CSUP_DETAIL added to the daemon's environment (and the
 * app tag CSUP_APP removed, so the orphan scan never takes it for an app's
 * process). It runs outside every app's tree: its own session and process
 * group (setsid), stdin from /dev/null, stdout and stderr to out_fd (the
 * daemon log) or /dev/null. It never blocks the loop: posix_spawn (a
 * vfork+exec), reaped by an ev_child watcher on the default loop, and
 * killed (its whole process group, SIGKILL) at timeout_ms. When the shell
 * exits, whatever it left in its process group is killed too, so nothing
 * of an alert outlives it.
 *
 * Rate limit: one run a rate_ms (default one minute) per (app, event);
 * a fire inside the window is dropped, not queued. A failure (exec failure,
 * exit status other than 0, killed at the deadline) is logged with
 * log_warnx and never retried.
 *
 * Events: "errored", "leak", "memory", "anomaly", "health", "orphans", "oom", "pids".
 *
 * Error convention: alert_new returns NULL with errno; alert_fire returns
 * ALERT_STARTED, ALERT_LIMITED, or -1 with errno (also logged).
 */
#ifndef CSUP_ALERT_H
#define CSUP_ALERT_H

#include <stdint.h>

#include <ev.h>

#define ALERT_RATE_MS		60000
#define ALERT_TIMEOUT_MS	30000

enum { ALERT_STARTED = 0, ALERT_LIMITED = 1 };

struct alert_options {
	int64_t	rate_ms;	/* 0 = ALERT_RATE_MS */
	int64_t	timeout_ms;	/* 0 = ALERT_TIMEOUT_MS */
	int	out_fd;		/* stdout/stderr of the command; -1 = /dev/null */
	/*
	 * Optional: called once each started command has ended, with its
	 * wait status (killed at the deadline: WIFSIGNALED, SIGKILL).
	 */
	void	(*done)(void *arg, const char *app, const char *event, int wstatus);
	void	*arg;
};

struct alert_ctx;

/* loop must be the default loop (ev_child works only there). */
struct alert_ctx *alert_new(struct ev_loop *loop, const struct alert_options *opt);
/* Kills the commands still running (their groups) and frees everything. */
void alert_free(struct alert_ctx *ctx);
int  alert_fire(struct alert_ctx *ctx, const char *app, const char *command,
	    const char *event, const char *detail);
/* Commands started and not yet reaped. */
int  alert_running(const struct alert_ctx *ctx);

#endif
