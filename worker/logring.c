/*
 * logring.c: the last lines of mem-worker's log, kept in memory for
 * GET /api/logs (claude-mem 13's viewer console). mem-worker logs to
 * stderr, which belongs to whoever started it (csup writes it to its own
 * log files), so there is no file of ours to tail: the ring is fed by the
 * log's tap and holds at most LOGRING_LINES lines, oldest dropped first.
 * Lines take 13's format, "[date time] [LEVEL] [COMPONENT] message", so
 * the console's level and component filters work on them.
 */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct logring {
	char **line;            /* max slots, a circle */
	size_t max, head, n;    /* head: the oldest line */
};

struct logring *logring_new(size_t max)
{
	struct logring *r = calloc(1, sizeof(*r));

	if (r == NULL || max == 0 ||
	    (r->line = calloc(max, sizeof(char *))) == NULL) {
		free(r);
		return NULL;
	}
	r->max = max;
	return r;
}

void logring_clear(struct logring *r)
{
	size_t i;

	for (i = 0; i < r->max; i++) {
		free(r->line[i]);
		r->line[i] = NULL;
	}
	r->head = r->n = 0;
}

void logring_free(struct logring *r)
{
	if (r == NULL)
		return;
	logring_clear(r);
	free(r->line);
	free(r);
}

size_t logring_count(const struct logring *r)
{
	return r->n;
}

void logring_add(struct logring *r, const char *text)
{
	char *copy = strdup(text);
	size_t slot;

	json_t *probe;
	char *q;

	if (copy == NULL)
		return;          /* a lost console line, never a failure */
	/* The line goes out as a JSON string: keep it valid UTF-8. */
	if ((probe = json_string(copy)) == NULL)
		for (q = copy; *q != '\0'; q++)
			if ((unsigned char)*q >= 0x80)
				*q = '?';
	json_decref(probe);
	slot = (r->head + r->n) % r->max;
	if (r->n == r->max) {
		free(r->line[slot]);
		r->head = (r->head + 1) % r->max;
	} else
		r->n++;
	r->line[slot] = copy;
}

char *logring_tail(const struct logring *r, size_t want, size_t *returned)
{
	size_t k = want < r->n ? want : r->n, first = r->n - k, len = 0, i, l;
	char *out, *p;

	for (i = 0; i < k; i++)
		len += strlen(r->line[(r->head + first + i) % r->max]) + 1;
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	p = out;
	for (i = 0; i < k; i++) {
		const char *s = r->line[(r->head + first + i) % r->max];

		l = strlen(s);
		memcpy(p, s, l);
		p += l;
		if (i + 1 < k)
			*p++ = '\n';
	}
	*p = '\0';
	*returned = k;
	return out;
}

/* The console's component, from how the message begins. */
static const char *component(const char *msg)
{
	static const struct { const char *prefix, *comp; } map[] = {
		{ "http: ", "HTTP" }, { "session ", "SESSION" },
		{ "database", "DB" }, { "store", "DB" }, { "agent", "SDK" },
		{ "search", "SYSTEM" }, { "mcp", "SYSTEM" },
		{ "shutdown", "SYSTEM" }, { "signal", "SYSTEM" },
		{ "claude-mem 13", "DB" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(msg, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].comp;
	return "WORKER";
}

int logring_format(char *buf, size_t len, const struct tm *tm, int ms,
    const char *level, const char *msg)
{
	const char *lv = strcmp(level, "warn") == 0 ? "WARN" :
	    strcmp(level, "debug") == 0 ? "DEBUG" :
	    strcmp(level, "info") == 0 ? "INFO" : "ERROR";
	int r;

	r = snprintf(buf, len, "[%04d-%02d-%02d %02d:%02d:%02d.%03d] [%-5s] "
	    "[%-6s] %s", tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday,
	    tm->tm_hour, tm->tm_min, tm->tm_sec, ms, lv, component(msg), msg);
	return r < 0 ? -1 : 0;
}

void logring_tap(void *ud, const char *level, const char *msg)
{
	char line[2200];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	if (logring_format(line, sizeof(line), &tm,
	    (int)(ts.tv_nsec / 1000000), level, msg) == 0)
		logring_add(ud, line);
}
