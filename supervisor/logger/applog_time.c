/*
 * applog_time.c: log_date_format. PM2's moment.js tokens (YYYY MM DD HH
 * mm ss SSS Z ZZ), or strftime(3) when the format contains '%'. Pure.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "applog.h"

static size_t put(char *buf, size_t len, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (at + n >= len)
		n = len > at + 1 ? len - at - 1 : 0;
	memcpy(buf + at, s, n);
	return at + n;
}

static size_t offset(const struct tm *tm, bool colon, char *out, size_t len)
{
	long off = tm->tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';

	if (off < 0)
		off = -off;
	return (size_t)snprintf(out, len, colon ? "%c%02ld:%02ld" : "%c%02ld%02ld", sign,
	    off / 60, off % 60);
}

/* The token at f (longest first) into tok; returns its length in f, 0 if none. */
static size_t token(const char *f, const struct tm *tm, long ms, char *tok, size_t len)
{
	static const char *const names[] = { "YYYY", "SSS", "MM", "DD", "HH", "mm", "ss",
		"ZZ", "Z", NULL };
	int v[] = { tm->tm_year + 1900, (int)ms, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
		tm->tm_min, tm->tm_sec };

	for (int i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);

		if (strncmp(f, names[i], n) != 0)
			continue;
		if (i == 0)
			snprintf(tok, len, "%04d", v[0]);
		else if (i == 1)
			snprintf(tok, len, "%03d", v[1]);
		else if (i < 7)
			snprintf(tok, len, "%02d", v[i]);
		else
			offset(tm, i == 8, tok, len);
		return n;
	}
	return 0;
}

size_t applog_format_time(const char *fmt, const struct timespec *ts, char *buf,
    size_t len)
{
	long ms = ts->tv_nsec / 1000000;
	char tok[32], one[2] = { 0, 0 };
	size_t at = 0, n;
	struct tm tm;

	if (len == 0)
		return 0;
	localtime_r(&ts->tv_sec, &tm);
	buf[0] = '\0';
	if (strchr(fmt, '%'))
		return strftime(buf, len, fmt, &tm);
	while (*fmt) {
		if ((n = token(fmt, &tm, ms, tok, sizeof(tok))) > 0) {
			at = put(buf, len, at, tok);
			fmt += n;
		} else {
			one[0] = *fmt++;
			at = put(buf, len, at, one);
		}
	}
	buf[at] = '\0';
	return at;
}
