/*
 * run.h: `csup run FILE` (run.c), for the daemon, the logger's spawn and main.
 */
#ifndef CSUP_RUN_H
#define CSUP_RUN_H

struct daemon;
struct paths;
struct run;

/* run.c: `csup run FILE`, the daemon in the foreground for containers. */
int	 run_main(int argc, char **argv);
/* Called by daemon_serve() around its loop. */
void	 run_start(struct daemon *d);
void	 run_stop(struct daemon *d);
int	 run_exit_code(const struct run *r);
int	 run_refuse_busy(const struct paths *p);
/* The logger's MIRROR argument: "" (NULL run), "text" or "json". */
const char *run_mirror_format(const struct run *r);

#endif
