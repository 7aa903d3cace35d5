/*
 * ctl.h: the daemon's control socket and its deferred replies (waiters).
 */
#ifndef CSUP_CTL_H
#define CSUP_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct daemon;
struct conn;
struct waiter;

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

#endif
