/* applog_mirror.c: a logger's copy of its app's lines on csup run's stdout/stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "applog_mirror.h"

#define COLOR_RESET	"\033[0m"
#define COLOR_ERR	"\033[31m"

int mirror_parse_format(const char *s, enum mirror_format *f)
{
	if (s == NULL || *s == '\0')
		*f = MIRROR_OFF;
	else if (strcmp(s, "text") == 0)
		*f = MIRROR_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = MIRROR_JSON;
	else
		return -1;
	return 0;
}

void mirror_init(struct mirror *m, enum mirror_format f, int fd, const char *app,
    const char *stream)
{
	const char *nc = getenv("NO_COLOR");

	m->format = fd < 0 ? MIRROR_OFF : f;
	m->fd = m->format == MIRROR_OFF ? -1 : fd;
	m->app = app;
	m->stream = stream;
	m->len = 0;
	m->color = m->format == MIRROR_TEXT && isatty(fd) == 1 && (nc == NULL || *nc == '\0');
}

bool mirror_pending(const struct mirror *m)
{
	return m->fd >= 0 && m->len > 0;
}

static void write_whole(struct mirror *m, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(m->fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			m->fd = -1;	/* nobody reads csup's stream any more */
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* One of six colours a name, so the apps of a terminal tell apart. */
static const char *name_color(const char *name)
{
	static const char *const colors[] = {
		"\033[32m", "\033[33m", "\033[34m", "\033[35m", "\033[36m", "\033[92m",
	};
	unsigned h = 5381;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = h * 33 + *p;
	return colors[h % (sizeof(colors) / sizeof(colors[0]))];
}

static void emit_text(struct mirror *m, const char *line, size_t n)
{
	size_t cap = strlen(m->app) + n + 32, k;
	char *out = malloc(cap);
	int len;

	if (out == NULL)
		return;
	if (m->color)
		len = snprintf(out, cap, "%s%s |%s ", strcmp(m->stream, "err") == 0 ?
		    COLOR_ERR : name_color(m->app), m->app, COLOR_RESET);
	else
		len = snprintf(out, cap, "%s | ", m->app);
	k = (size_t)len;
	memcpy(out + k, line, n);
	k += n;
	out[k++] = '\n';
	write_whole(m, out, k);
	free(out);
}

/* RFC 3339, UTC, milliseconds: 2026-12-05T03:20:11.123Z */
static void rfc3339_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* A JSON string of the line; bytes that are not UTF-8 become '?'. */
static json_t *message_json(const char *line, size_t n)
{
	json_t *s = json_stringn(line, n);
	char *copy;

	if (s != NULL || (copy = malloc(n + 1)) == NULL)
		return s;
	for (size_t i = 0; i < n; i++)
		copy[i] = (unsigned char)line[i] >= 0x80 ? '?' : line[i];
	s = json_stringn(copy, n);
	free(copy);
	return s;
}

static void emit_json(struct mirror *m, const char *line, size_t n)
{
	char stamp[40];
	json_t *o;
	char *s;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	rfc3339_now(stamp, sizeof(stamp));
	o = json_pack("{s:s,s:s,s:s,s:o*}", "time", stamp, "app", m->app,
	    "stream", m->stream, "message", message_json(line, n));
	if (o == NULL || json_object_get(o, "message") == NULL) {
		json_decref(o);
		return;
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		return;
	size_t k = strlen(s);

	s[k] = '\n';	/* json_dumps' NUL becomes the newline; written by length */
	write_whole(m, s, k + 1);
	free(s);
}

static void emit(struct mirror *m, const char *line, size_t n)
{
	if (m->format == MIRROR_JSON)
		emit_json(m, line, n);
	else
		emit_text(m, line, n);
}

void mirror_feed(struct mirror *m, const char *p, size_t n)
{
	const char *nl;
	size_t take;

	while (m->fd >= 0 && n > 0) {
		nl = memchr(p, '\n', n);
		take = nl ? (size_t)(nl - p) : n;
		if (take > sizeof(m->buf) - m->len)
			take = sizeof(m->buf) - m->len;
		memcpy(m->buf + m->len, p, take);
		m->len += take;
		p += take;
		n -= take;
		if (nl && p == nl) {
			p++;
			n--;
			emit(m, m->buf, m->len);
			m->len = 0;
		} else if (m->len == sizeof(m->buf)) {
			emit(m, m->buf, m->len);	/* longer than a line may be: split */
			m->len = 0;
		}
	}
}

void mirror_flush(struct mirror *m)
{
	if (!mirror_pending(m))
		return;
	emit(m, m->buf, m->len);
	m->len = 0;
}
