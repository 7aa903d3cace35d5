/*
 * cron.c: cron expressions of five fields, or PM2's six with seconds first
 * (its node-cron/croner), Vixie cron semantics: when both
 * day-of-month and day-of-week are restricted, a day matching either runs
 * (a field is "unrestricted" when it starts with '*').
 */
#include "cron.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct field_spec {
	const char	 *what;
	int		  lo, hi;
	const char *const *names;	/* names[i] = value lo + i, or NULL */
};

static const char *const month_names[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec", NULL,
};
static const char *const wday_names[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL,
};

static const struct field_spec second_spec = { "second", 0, 59, NULL };

static const struct field_spec specs[5] = {
	{ "minute", 0, 59, NULL },
	{ "hour", 0, 23, NULL },
	{ "day of month", 1, 31, NULL },
	{ "month", 1, 12, month_names },
	{ "day of week", 0, 7, wday_names },
};

static const struct {
	const char *macro, *expr;
} macros[] = {
	{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" }, { "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

/* A number or a name at *p; advances *p. */
static int parse_value(const char **p, const struct field_spec *f, int *v)
{
	const char *s = *p;
	int i;

	if (isdigit((unsigned char)*s)) {
		char *end;
		long n = strtol(s, &end, 10);
		if (n < f->lo || n > f->hi || end - s > 3)
			return -1;
		*v = (int)n;
		*p = end;
		return 0;
	}
	for (i = 0; f->names != NULL && f->names[i] != NULL; i++) {
		if (strncasecmp(s, f->names[i], 3) == 0 && !isalpha((unsigned char)s[3])) {
			*v = f->lo + i;
			*p = s + 3;
			return 0;
		}
	}
	return -1;
}

/* One comma-separated element: *, N, N-M, each optionally /STEP. */
static int parse_element(const char *s, const struct field_spec *f, uint64_t *bits)
{
	int lo = f->lo, hi = f->hi, step = 1, v;

	if (*s == '*') {
		s++;
	} else {
		if (parse_value(&s, f, &lo) == -1)
			return -1;
		hi = lo;
		if (*s == '-') {
			s++;
			if (parse_value(&s, f, &hi) == -1 || hi < lo)
				return -1;
		} else if (*s == '/') {
			hi = f->hi;
		}
	}
	if (*s == '/') {
		char *end;
		long n;
		s++;
		n = strtol(s, &end, 10);
		if (!isdigit((unsigned char)*s) || n < 1 || n > f->hi)
			return -1;
		step = (int)n;
		s = end;
	}
	if (*s != '\0')
		return -1;
	for (v = lo; v <= hi; v += step)
		*bits |= (uint64_t)1 << v;
	return 0;
}

static int parse_field(char *s, const struct field_spec *f, uint64_t *bits,
    char *errbuf, size_t errlen)
{
	char *save = NULL, *tok;

	*bits = 0;
	for (tok = strtok_r(s, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (parse_element(tok, f, bits) == -1) {
			snprintf(errbuf, errlen, "bad cron %s '%s' (%d-%d, '*', lists, "
			    "ranges and /steps)", f->what, tok, f->lo, f->hi);
			return -1;
		}
	}
	if (*bits == 0) {
		snprintf(errbuf, errlen, "empty cron %s field", f->what);
		return -1;
	}
	return 0;
}

/* The fields of s into fields[]; *n is 5, or 6 with seconds first. */
static int split_fields(const char *s, char *copy, size_t size, char *fields[6], int *nf,
    char *errbuf, size_t errlen)
{
	char *save = NULL, *tok;
	int n = 0;
	size_t i;

	for (i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (strcasecmp(s, macros[i].macro) == 0)
			s = macros[i].expr;
	if (snprintf(copy, size, "%s", s) >= (int)size) {
		snprintf(errbuf, errlen, "cron expression too long");
		return -1;
	}
	for (tok = strtok_r(copy, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (n == 6) {
			n++;
			break;
		}
		fields[n++] = tok;
	}
	if (n != 5 && n != 6) {
		snprintf(errbuf, errlen, "a cron expression has five fields (minute hour "
		    "day-of-month month day-of-week), or six with seconds first, not %d", n);
		return -1;
	}
	*nf = n;
	return 0;
}

int cron_parse(const char *s, struct cron_expr *out, char *errbuf, size_t errlen)
{
	struct cron_expr c = { .set = true, .seconds = 1 };
	uint64_t bits[5];
	char copy[256], *all[6], **fields = all;
	int i, nf;

	if (s == NULL || split_fields(s, copy, sizeof(copy), all, &nf, errbuf, errlen) == -1)
		return -1;
	if (nf == 6) {
		if (parse_field(all[0], &second_spec, &c.seconds, errbuf, errlen) == -1)
			return -1;
		fields = all + 1;
	}
	c.mday_star = fields[2][0] == '*';
	c.wday_star = fields[4][0] == '*';
	for (i = 0; i < 5; i++)
		if (parse_field(fields[i], &specs[i], &bits[i], errbuf, errlen) == -1)
			return -1;
	if (bits[4] & (1u << 7))
		bits[4] = (bits[4] | 1u) & 0x7f;	/* 7 is Sunday too */
	c.minutes = bits[0];
	c.hours = (uint32_t)bits[1];
	c.mdays = (uint32_t)bits[2];
	c.months = (uint16_t)bits[3];
	c.wdays = (uint8_t)bits[4];
	if (cron_next(&c, time(NULL)) == (time_t)-1) {
		snprintf(errbuf, errlen, "cron expression '%s' never matches", s);
		return -1;
	}
	*out = c;
	return 0;
}

static bool day_matches(const struct cron_expr *c, const struct tm *tm)
{
	bool md = (c->mdays >> tm->tm_mday) & 1;
	bool wd = (c->wdays >> tm->tm_wday) & 1;

	if (c->mday_star || c->wday_star)
		return md && wd;
	return md || wd;
}

/* mktime normalises overflowed fields (and DST gaps); tm_isdst -1 lets it choose. */
static time_t normalise(struct tm *tm)
{
	time_t t;

	tm->tm_isdst = -1;
	t = mktime(tm);
	if (t != (time_t)-1)
		localtime_r(&t, tm);
	return t;
}

/* The first minute start strictly after `after` whose minute matches. */
static time_t next_minute(const struct cron_expr *c, time_t after)
{
	struct tm tm;
	time_t t = after + 60 - ((after % 60) + 60) % 60;
	int limit_year;

	if (localtime_r(&t, &tm) == NULL)
		return (time_t)-1;
	tm.tm_sec = 0;
	limit_year = tm.tm_year + 9;	/* covers Feb 29 on a Sunday, and more */
	while (tm.tm_year <= limit_year) {
		if (!((c->months >> (tm.tm_mon + 1)) & 1)) {
			tm.tm_mon++;
			tm.tm_mday = 1;
			tm.tm_hour = tm.tm_min = 0;
		} else if (!day_matches(c, &tm)) {
			tm.tm_mday++;
			tm.tm_hour = tm.tm_min = 0;
		} else if (!((c->hours >> tm.tm_hour) & 1)) {
			tm.tm_hour++;
			tm.tm_min = 0;
		} else if (!((c->minutes >> tm.tm_min) & 1)) {
			tm.tm_min++;
		} else {
			t = normalise(&tm);
			return t > after ? t : (time_t)-1;
		}
		if (normalise(&tm) == (time_t)-1)
			return (time_t)-1;
	}
	return (time_t)-1;
}

static bool minute_matches(const struct cron_expr *c, time_t minute)
{
	struct tm tm;

	return localtime_r(&minute, &tm) != NULL && ((c->months >> (tm.tm_mon + 1)) & 1) &&
	    day_matches(c, &tm) && ((c->hours >> tm.tm_hour) & 1) &&
	    ((c->minutes >> tm.tm_min) & 1);
}

time_t cron_next(const struct cron_expr *c, time_t after)
{
	time_t minute = after - ((after % 60) + 60) % 60, t;
	int s;

	if (c == NULL || !c->set || c->seconds == 0)
		return (time_t)-1;
	if (minute_matches(c, minute))
		for (s = (int)(after - minute) + 1; s < 60; s++)
			if ((c->seconds >> s) & 1)
				return minute + s;
	if ((t = next_minute(c, after)) == (time_t)-1)
		return (time_t)-1;
	for (s = 0; s < 60; s++)
		if ((c->seconds >> s) & 1)
			return t + s;
	return (time_t)-1;
}
