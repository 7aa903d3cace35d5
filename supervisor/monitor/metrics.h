/*
 * metrics.h: Prometheus text exposition format (version 0.0.4) for GET /metrics.
 *
 * Input is the very array `csup status --json` prints (one object an app),
 * of which it reads: name (string), state (string: csup_app_up is 1 for
 * "online"), restarts, procs, memory_bytes and cpu_seconds (numbers; the
 * cumulated CPU time, struct sample's cpu_seconds). A missing or
 * non-numeric field leaves that app out of that one metric; an object
 * without a name is skipped. Plus the daemon-wide counters below.
 *
 * Families, in this order, each with HELP and TYPE:
 *   csup_app_up                  gauge    {app="NAME"}
 *   csup_app_restarts_total      counter  {app="NAME"}
 *   csup_app_processes           gauge    {app="NAME"}
 *   csup_app_memory_bytes        gauge    {app="NAME"}
 *   csup_app_cpu_seconds_total   counter  {app="NAME"}
 *   csup_app_oom_kills_total     counter  {app="NAME"}
 *   csup_orphans_killed_total    counter
 *   csup_leak_restarts_total     counter
 */
#ifndef CSUP_METRICS_H
#define CSUP_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics_counters {
	uint64_t	orphans_killed;		/* by the orphan scan, since the daemon started */
	uint64_t	leak_restarts;		/* restarts asked by the watchdog (leak and memory) */
};

/* A malloc'd NUL-terminated text (length in *len when len is not NULL),
 * or NULL with errno (ENOMEM, or EINVAL when apps is not an array). */
char *metrics_render(const json_t *apps, const struct metrics_counters *c, size_t *len);

/* The counters as {"orphans_killed": n, "leak_restarts": n} (csup-http's question), or NULL. */
json_t *metrics_counters_json(const struct metrics_counters *c);
/* Back from that object; a missing or bad field reads 0. */
void metrics_counters_from_json(const json_t *j, struct metrics_counters *c);

/* Writes v as a label value (quotes excluded): \ " and newline escaped. */
void metrics_escape_label(FILE *f, const char *v);

#endif
