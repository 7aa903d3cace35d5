/*
 * reslimits_app.h: resource limits on the lifecycle (reslimits_app.c), for the
 * lifecycle, the commands, the monitor, spawn and the orphan scan.
 */
#ifndef CSUP_RESLIMITS_APP_H
#define CSUP_RESLIMITS_APP_H

#include <stdbool.h>

#include <jansson.h>

struct app;
struct daemon;

/* reslimits_app.c: limits on the lifecycle (reslimits.h does the kernel side). */
/* Events, alerts and counters for OOM kills and pids-limit hits since the last call. */
void	 limits_app_poll(struct app *a);
/* The main process was SIGKILLed: did the OOM killer do it (any OOM kill
 * counted in this generation, this call's poll included)? */
bool	 limits_app_main_oom(struct app *a);
/* The pids fallback: restart when the subtree holds more than limits.pids (true). */
bool	 limits_app_watchdog(struct app *a);
/* Once an app: a warning event for each limit enforced weaker than asked. */
void	 limits_app_warn(struct app *a);
/* "limits" of describe --json: {"memory": {"value": N, "enforced_by": "cgroup1"}}. */
json_t	*limits_app_json(struct app *a);
/* The orphan scan's part: v1 groups no live generation owns. */
int	 limits_app_sweep(struct daemon *d);

#endif
