/*
 * guard.h: the guarantee's glue (guard.c): what to kill of a generation.
 */
#ifndef CSUP_GUARD_H
#define CSUP_GUARD_H

#include <stdint.h>
#include <sys/types.h>

struct app;
struct daemon;
struct kill_target;

/* guard.c: the guarantee's glue (proc.h, cgroup.h, kill.h). */
void	 guard_target(struct app *a, struct kill_target *t);
void	 guard_dead_generation(struct daemon *d, struct app *a, int number, pid_t pid,
	    pid_t pgid, uint64_t start_time);
void	 guard_adopted(struct app *a);

#endif
