/*
 * cli.h: the client: commands, the socket's client side, what it prints.
 */
#ifndef CSUP_CLI_H
#define CSUP_CLI_H

#include <stdbool.h>

#include <jansson.h>

#include "paths.h"

/* client.c */
/* A connected socket (starting the daemon when autostart), or -1 after printing why. */
int	 client_connect(const struct paths *p, bool autostart);
/* Sends req (stolen) and reads one reply; NULL after printing why. */
json_t	*client_call(int fd, json_t *req);
json_t	*client_request(bool autostart, json_t *req);

/* daemon_exec.c: exec csupd with args (NULL-terminated); -1 with errno if it cannot. */
int	 client_daemon_exec(char *const args[]);

/* client.c: `csup kill`: returns once the daemon process is gone. */
int	 cli_kill(void);

/* cli.c */
int	 cli_main(int argc, char **argv);

/* cli_show.c: the status table and describe, as people read them. */
int	 cli_table(json_t *apps);
int	 cli_describe(json_t *app);

/* cli_logs.c: the last lines of the log files, then follow them. */
int	 cli_logs(json_t *files, long lines, bool follow);

#endif
