/*
 * cmd.h: the daemon's side of the client commands (cmd.c, cmd_pm2.c), for
 * the daemon core: the control socket hands each request to cmd_dispatch().
 */
#ifndef CSUP_CMD_H
#define CSUP_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct daemon;
struct app;
struct app_config;
struct ctl_conn;
struct waiter;

/* cmd.c: the daemon's side of every command. */
void	 cmd_dispatch(struct daemon *d, struct ctl_conn *c, json_t *req);
json_t	*cmd_app_json(struct app *a, bool full);
json_t	*cmd_status_array(struct daemon *d);
/* An app's client environment (appenv.h), shared with an app's equal one. */
char	**cmd_client_env(struct daemon *d, const json_t *arr);
/* Start one app (takes cfg and env, an appenv.h block) as `start FILE` does; w may be NULL. */
void	 cmd_start_app(struct daemon *d, struct waiter *w, struct app_config *cfg,
	    char **env, const char *source);

/* cmd_pm2.c: targets, ids and the commands PM2 users type. */
/*
 * The names of the apps a request's "targets" (or "target") designate: ids,
 * names, group names, "all"; NULL-terminated, each once, in the daemon's
 * order. NULL with a message in err when one matches nothing, except an app
 * of an ecosystem FILE ({"name": N, "file": F}): skipped, see cmd_unknown.
 */
char	**cmd_targets(struct daemon *d, json_t *req, char *err, size_t len);
/* The app whose id s is (all digits), or NULL. */
struct app *cmd_app_by_id(struct daemon *d, const char *s);
/* The apps of FILE targets the daemon does not know: failed result items. */
json_t	*cmd_unknown(struct daemon *d, json_t *req);
bool	 cmd_pm2_dispatch(struct daemon *d, struct ctl_conn *c, json_t *req,
	    const char *name);

#endif
