/*
 * daemon_exec.c: the daemon is its own program, csupd. The client runs the
 * one beside itself (same build, same installation), else csupd in PATH, so
 * a client never talks to a daemon of another version by accident.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DAEMON_PROGRAM	"csupd"
#define DAEMON_MAX_ARGS	64

int client_daemon_exec(char *const args[])
{
	char exe[PATH_MAX], *argv[DAEMON_MAX_ARGS + 2], *slash;
	ssize_t n;
	size_t i = 0;

	argv[i++] = DAEMON_PROGRAM;
	for (; args && *args; args++) {
		if (i > DAEMON_MAX_ARGS) {
			errno = E2BIG;
			return -1;
		}
		argv[i++] = *args;
	}
	argv[i] = NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL &&
		    (size_t)(slash + 1 - exe) + sizeof(DAEMON_PROGRAM) <= sizeof(exe)) {
			strcpy(slash + 1, DAEMON_PROGRAM);
			if (access(exe, X_OK) == 0)
				execv(exe, argv);
		}
	}
	execvp(DAEMON_PROGRAM, argv);
	return -1;
}
