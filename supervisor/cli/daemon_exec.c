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
#define DAEMON_TUNABLE	"glibc.malloc.tcache_count=0"

/*
 * glibc keeps up to 7 freed chunks of each size up to 1 KiB in a per-thread
 * cache (tcache), never coalesced nor given back by malloc_trim(): in a
 * daemon that idles between bursts they pin ~120 KiB of its heap (20 apps:
 * heap 290 -> 165 KiB). glibc reads the setting only from the environment
 * at start-up, so the client sets it for the daemon it starts (appended to
 * any GLIBC_TUNABLES of the caller's). Not for `csup run`: there csupd's
 * environment is the apps'.
 */
static void daemon_env(char *const args[])
{
	const char *was = getenv("GLIBC_TUNABLES");
	char *both;

	if (args && args[0] && strcmp(args[0], "run") == 0)
		return;
	if (was == NULL || *was == '\0') {
		setenv("GLIBC_TUNABLES", DAEMON_TUNABLE, 1);
		return;
	}
	if (strstr(was, "glibc.malloc.tcache_count") != NULL)
		return;		/* the caller's own choice */
	if (asprintf(&both, "%s:%s", was, DAEMON_TUNABLE) == -1)
		return;
	setenv("GLIBC_TUNABLES", both, 1);
	free(both);
}

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
	daemon_env(argv + 1);
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
