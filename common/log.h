/*
 * log.h: one line a message, "TIME LEVEL [ident] text", to one fd.
 * log_warn appends strerror(errno); log_warnx does not. fatal() exits 1 and
 * is for start-up only. Until log_open() is called, messages go to stderr.
 */
#ifndef CSUP_LOG_H
#define CSUP_LOG_H

#include <stdarg.h>

void log_init(const char *ident, int fd, int verbose);
/* A second sink (set at start-up, NULL to remove): fn gets the level
 * ("info", "warn", "debug", "fatal") and the message without the time and
 * ident prefix, for each line written. It must not log. */
typedef void (*log_tap_fn)(void *ud, const char *level, const char *msg);
void log_set_tap(log_tap_fn fn, void *ud);
int  log_fd(void);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
