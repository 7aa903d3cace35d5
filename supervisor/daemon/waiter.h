/*
 * waiter.h: deferred replies. A command that acts (start, stop, reload...)
 * lists what it waits for in a waiter; the settle step of the daemon's loop
 * checks the armed waiters against the apps and answers each client when
 * all its items have a result.
 */
#ifndef CSUP_WAITER_H
#define CSUP_WAITER_H

struct daemon;
struct ctl_conn;
struct waiter;

/* A waiter that will answer c's current request. NULL when out of memory. */
struct waiter	*waiter_new(struct daemon *d, struct ctl_conn *c);
/*
 * One item: app name, op ("start", "stop", "delete", "reload", ...) and,
 * when already known, its result and error. w may be NULL (nobody waits).
 */
void		 waiter_add(struct waiter *w, const char *name, const char *op,
	    const char *result, const char *error);
/* Done adding: w is checked from the next settle step on. */
void		 waiter_arm(struct waiter *w);
/* Its client went away: w still completes, answering nobody. */
void		 waiter_drop_conn(struct waiter *w);
/* Settle step: moves reloads on, answers every waiter that is done. */
void		 waiters_poke(struct daemon *d);
/* The daemon exits: frees every waiter, answering nobody. */
void		 waiters_free(struct daemon *d);

#endif
