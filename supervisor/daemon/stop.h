/*
 * stop.h: stopping a generation (stop.c), for the lifecycle and the daemon.
 */
#ifndef CSUP_STOP_H
#define CSUP_STOP_H

#include <stdbool.h>

struct app;

/* stop.c: stop = kill_signal, SIGKILL to the group at kill_timeout. */
void	 stop_generation(struct app *a, bool now);
void	 stop_check(struct app *a);
void	 stop_cancel(struct app *a);
void	 stop_after_crash(struct app *a);

#endif
