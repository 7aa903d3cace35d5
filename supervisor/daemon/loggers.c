/*
 * loggers.c: the daemon's list of csup-logger processes, one a generation,
 * kept from their fork until the reaper sees them go.
 */
#include <signal.h>
#include <stdlib.h>

#include "loggers.h"

void loggers_add(struct logger_pid **list, pid_t pid)
{
	struct logger_pid *l = malloc(sizeof(*l));

	if (l == NULL)
		return;	/* only the shutdown grace period forgets about it */
	l->pid = pid;
	l->next = *list;
	*list = l;
}

bool loggers_reaped(struct logger_pid **list, pid_t pid)
{
	for (struct logger_pid **p = list; *p; p = &(*p)->next) {
		if ((*p)->pid == pid) {
			struct logger_pid *l = *p;

			*p = l->next;
			free(l);
			return true;
		}
	}
	return false;
}

int loggers_signal(struct logger_pid *list, int sig)
{
	int n = 0;

	for (struct logger_pid *l = list; l != NULL; l = l->next)
		if (kill(l->pid, sig) == 0)
			n++;
	return n;
}

void loggers_free(struct logger_pid **list)
{
	struct logger_pid *l;

	while ((l = *list) != NULL) {
		*list = l->next;
		free(l);
	}
}
