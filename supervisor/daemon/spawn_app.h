/*
 * spawn_app.h: starting a generation (spawn.c), for the lifecycle (app.c).
 */
#ifndef CSUP_SPAWN_APP_H
#define CSUP_SPAWN_APP_H

#include <stddef.h>

struct app;

/* spawn.c */
/* Forks the logger and the app (own session); -1 with a message in err. */
int	 spawn_generation(struct app *a, char *err, size_t errlen);
/* The main process died: settle what exec said (launching -> online or failed). */
void	 spawn_exec_settle(struct app *a);

#endif
