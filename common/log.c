/*
 * log.c: the log of a daemon. The sink (ident, fd, verbosity) is the one
 * piece of process-wide state allowed outside the context struct: like
 * syslog's, it is set once at start-up and only read afterwards.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "csup";
static int log_sink = STDERR_FILENO;
static int log_verbose;
static log_tap_fn log_tap;
static void *log_tap_ud;

void log_init(const char *ident, int fd, int verbose)
{
	log_ident = ident;
	log_sink = fd;
	log_verbose = verbose;
}

void log_set_tap(log_tap_fn fn, void *ud)
{
	log_tap = fn;
	log_tap_ud = ud;
}

int log_fd(void)
{
	return log_sink;
}

static void log_vwrite(const char *level, const char *fmt, va_list ap, int err)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	size_t n, body;
	int r;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	r = snprintf(line + n, sizeof(line) - n, ".%03ldZ %s [%s] ",
	    ts.tv_nsec / 1000000, level, log_ident);
	if (r > 0)
		n += (size_t)r;
	body = n < sizeof(line) ? n : sizeof(line) - 1;
	if (n < sizeof(line)) {
		r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		if (r > 0)
			n = n + (size_t)r < sizeof(line) ? n + (size_t)r : sizeof(line) - 1;
	}
	if (err && n < sizeof(line)) {
		r = snprintf(line + n, sizeof(line) - n, ": %s", strerror(err));
		if (r > 0)
			n = n + (size_t)r < sizeof(line) ? n + (size_t)r : sizeof(line) - 1;
	}
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n] = '\0';
	if (body > n)
		body = n;
	if (log_tap != NULL)
		log_tap(log_tap_ud, level, line + body);
	line[n++] = '\n';
	/* One write() a line so concurrent writers never interleave inside it. */
	while (write(log_sink, line, n) < 0 && errno == EINTR)
		;
}

#define LOG_BODY(level, err) do {          \
		va_list ap;                \
		va_start(ap, fmt);         \
		log_vwrite(level, fmt, ap, err); \
		va_end(ap);                \
	} while (0)

void log_info(const char *fmt, ...)
{
	LOG_BODY("info", 0);
}

void log_debug(const char *fmt, ...)
{
	if (log_verbose)
		LOG_BODY("debug", 0);
}

void log_warn(const char *fmt, ...)
{
	int saved = errno;

	LOG_BODY("warn", saved);
	errno = saved;
}

void log_warnx(const char *fmt, ...)
{
	LOG_BODY("warn", 0);
}

void fatal(const char *fmt, ...)
{
	int saved = errno;

	LOG_BODY("fatal", saved);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY("fatal", 0);
	exit(1);
}
