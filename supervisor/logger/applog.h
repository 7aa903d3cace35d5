/*
 * applog.h: the logger of an app generation (the csup-logger program) and
 * what the daemon shares with it. Plain libc: csup-logger links nothing
 * else, so each logger (one per app generation) stays small.
 */
#ifndef CSUP_APPLOG_H
#define CSUP_APPLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The logger program's name, beside csup in the same directory. */
#define APPLOG_PROGRAM	"csup-logger"

/* applog_drop.c: lines a logger could not write, shared with the daemon. */
/* Logger: open (creating) the counter file; fd or -1. */
int	 applog_drop_open(const char *path);
/* Logger: lines more were dropped, the last because of err. */
int	 applog_drop_add(int fd, unsigned long long lines, int err);
/* Daemon: the lines dropped and not yet reported (*lines 0: none); marks them reported. */
int	 applog_drop_take(const char *path, unsigned long long *lines, int *err);
/* Formats the PM2 tokens or strftime form into buf; returns its length. */
size_t	 applog_format_time(const char *fmt, const struct timespec *ts, char *buf,
	    size_t len);

#endif
