/*
 * ctl.h: the daemon's control socket, deferred replies and commands.
 */
#ifndef CSUP_CTL_H
#define CSUP_CTL_H

#include <stdbool.h>

#include <jansson.h>

struct daemon;
struct app;
struct app_config;
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

/* cmd.c: the daemon's side of every command. */
void	 cmd_dispatch(struct daemon *d, struct conn *c, json_t *req);
json_t	*cmd_app_json(struct app *a, bool full);
json_t	*cmd_status_array(struct daemon *d);
/* Start one app (takes cfg and env) as `start FILE` does; w may be NULL. */
void	 cmd_start_app(struct daemon *d, struct waiter *w, struct app_config *cfg,
	    char **env, const char *source);

#endif
