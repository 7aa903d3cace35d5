/*
 * reload.h: graceful reload, one copy of a group at a time (reload.c), for
 * the commands that queue reloads, the waiters that wait for them and the
 * daemon that settles and ends them.
 */
#ifndef CSUP_RELOAD_H
#define CSUP_RELOAD_H

#include <stdbool.h>

struct daemon;
struct waiter;

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
