/*
 * ctl.h: the daemon's control socket, deferred replies and commands.
 */
#ifndef CSUP_CTL_H
#define CSUP_CTL_H

#include <stdbool.h>
#include <stddef.h>

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

/* cmd_pm2.c: targets, ids and the commands PM2 users type. */
/* The first id no other app than self holds. */
int	 cmd_free_id(struct daemon *d, const struct app *self);
/* a takes id when no other app holds it (restored from the store). */
void	 cmd_keep_id(struct app *a, int id);
/*
 * The names of the apps a request's "targets" (or "target") designate: ids,
 * names, group names, "all"; NULL-terminated, each once, in the daemon's
 * order. NULL with a message in err when one matches nothing.
 */
char	**cmd_targets(struct daemon *d, json_t *req, char *err, size_t len);
bool	 cmd_pm2_dispatch(struct daemon *d, struct conn *c, json_t *req,
	    const char *name);

/* reload.c: graceful reload, one copy of a group at a time. */
/* Queues the reload of these apps; one "reload" waiter item each. */
void	 reload_apps(struct daemon *d, struct waiter *w, char **names);
/* Moves every reload on; called before the waiters are checked. */
void	 reload_poke(struct daemon *d);
/* A "reload" item's result (NULL: not yet), and *err when it failed. */
const char *reload_result(struct daemon *d, const char *name, int g0, const char **err);
void	 reload_gc(struct daemon *d);
/* An old generation is set aside: the orphan scan must wait. */
bool	 reload_busy(struct daemon *d);
void	 reload_shutdown(struct daemon *d);
void	 reload_free(struct daemon *d);

#endif
