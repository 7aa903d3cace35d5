/*
 * serve.h: running the daemon (daemon.c): csupd's main, the loop, the
 * shutdown; for main.c, `csup run` (run.c) and the `kill` command. The
 * daemon context itself is daemon.h's.
 */
#ifndef CSUP_SERVE_H
#define CSUP_SERVE_H

#include <stdbool.h>

struct daemon;
struct run;

int	 daemon_main(int argc, char **argv);
/* The daemon; run: `csup run` (run.c), always in the foreground. Exit code. */
int	 daemon_serve(bool fg, struct run *run);
/* Saves the resurrect set, stops every app; the settle step ends the loop once all are gone. */
void	 daemon_shutdown(struct daemon *d);

#endif
