/*
 * probe.h: watch, readiness and health checks on the lifecycle (probe.c).
 */
#ifndef CSUP_PROBE_H
#define CSUP_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "lifecycle.h"

struct app;

/* probe.c: watch, readiness and health checks on the lifecycle. */
int	 probe_spawn(struct app *a, int gen, char *env, size_t envlen);
bool	 probe_exec_ok(struct app *a);
void	 probe_state(struct app *a, enum app_state before);
void	 probe_generation_gone(struct app *a);
void	 probe_free(struct app *a);
void	 probe_json(struct app *a, json_t *o);

#endif
