/*
 * units.h: durations, sizes and signal names, shared by csup and the services.
 * Parsers return 0 on success and -1 on a malformed value (nothing written).
 */
#ifndef CSUP_UNITS_H
#define CSUP_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "1500", "500ms", "5s", "2m", "1h", "1d", "1.5s"; a bare number is ms. */
int units_parse_duration(const char *s, int64_t *ms);
/* "1024", "10K", "50M", "1G", "1.5GB", "512kb"; a bare number is bytes; K = 1024. */
int units_parse_size(const char *s, int64_t *bytes);

/* Short human forms for tables: "45s", "3m", "2h", "4d"; "12.4M", "980K", "0B". */
char *units_format_uptime(int64_t ms, char *buf, size_t len);
char *units_format_size(int64_t bytes, char *buf, size_t len);

/*
 * v rounded to the nearest integer, halves away from zero, as llround()
 * does for |v| < 2^63; here so that the client needs no libm.
 */
int64_t units_round(double v);

/* "SIGTERM", "TERM", "sigterm" or "15" -> 15; -1 when unknown. */
int units_signal_parse(const char *s);
/* 15 -> "SIGTERM"; "SIG?" for an unknown number (static storage). */
const char *units_signal_name(int sig);

#endif
