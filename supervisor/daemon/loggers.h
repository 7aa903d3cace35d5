/*
 * loggers.h: the daemon's list of csup-logger processes (loggers.c), kept
 * until each is reaped: spawn adds, the reaper removes, the shutdown waits
 * for the list to empty and signals what is left.
 */
#ifndef CSUP_LOGGERS_H
#define CSUP_LOGGERS_H

#include <stdbool.h>
#include <sys/types.h>

struct logger_pid {
	pid_t			 pid;
	struct logger_pid	*next;
};

/* Out of memory: the pid is not kept (only the shutdown's wait forgets it). */
void	 loggers_add(struct logger_pid **list, pid_t pid);
/* pid was one of them (now removed). */
bool	 loggers_reaped(struct logger_pid **list, pid_t pid);
/* Signals every logger still listed; how many were signalled. */
int	 loggers_signal(struct logger_pid *list, int sig);
void	 loggers_free(struct logger_pid **list);

#endif
