/*
 * cron.h: five-field cron expressions (minute hour day-of-month month
 * day-of-week), or six with seconds first (PM2's form), with `*`, lists,
 * ranges and steps, and names (jan, mon).
 * cron_parse returns 0, or -1 with a message in errbuf.
 */
#ifndef CSUP_CRON_H
#define CSUP_CRON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct cron_expr {
	bool	 set;
	uint64_t seconds;	/* bit i: second i (0-59); bit 0 alone for five fields */
	uint64_t minutes;	/* bit i: minute i (0-59) */
	uint32_t hours;		/* 0-23 */
	uint32_t mdays;		/* 1-31 */
	uint16_t months;	/* 1-12 */
	uint8_t	 wdays;		/* 0-6, Sunday 0 (7 accepted as Sunday) */
	bool	 mday_star, wday_star;	/* for the day-of-month/day-of-week OR rule */
};

int    cron_parse(const char *s, struct cron_expr *out, char *errbuf, size_t errlen);
/* The first matching local time strictly after `after`, or (time_t)-1. */
time_t cron_next(const struct cron_expr *c, time_t after);

#endif
