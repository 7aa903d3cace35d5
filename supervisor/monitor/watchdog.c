/* watchdog.c: limits and the rising-count anomaly, decided from samples. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "units.h"
#include "watchdog.h"

void watchdog_init(struct watchdog *w)
{
	memset(w, 0, sizeof(*w));
}

const char *watchdog_kind(enum watchdog_verdict v)
{
	switch (v) {
	case WATCHDOG_LEAK:	return "leak";
	case WATCHDOG_MEMORY:	return "memory";
	case WATCHDOG_ANOMALY:	return "anomaly";
	default:		return NULL;
	}
}

static void track_rise(struct watchdog *w, int procs)
{
	if (w->seen && procs > w->last_procs) {
		if (w->rising++ == 0)
			w->rise_from = w->last_procs;
	} else {
		w->rising = 0;
		w->reported = false;
	}
	w->last_procs = procs;
	w->seen = true;
}

static enum watchdog_verdict check_limits(struct watchdog *w,
    const struct watchdog_limits *lim, int procs, int64_t mem,
    struct watchdog_event *ev)
{
	char a[32], b[32];

	if (w->restarted)
		return WATCHDOG_OK;
	if (lim->max_processes > 0 && procs > lim->max_processes) {
		snprintf(ev->detail, sizeof(ev->detail),
		    "%d processes > max_processes %d", procs, lim->max_processes);
		ev->verdict = WATCHDOG_LEAK;
	} else if (lim->max_memory > 0 && mem > lim->max_memory) {
		snprintf(ev->detail, sizeof(ev->detail),
		    "memory %s (%" PRId64 " bytes) > max_memory_restart %s (%" PRId64 " bytes)",
		    units_format_size(mem, a, sizeof(a)), mem,
		    units_format_size(lim->max_memory, b, sizeof(b)), lim->max_memory);
		ev->verdict = WATCHDOG_MEMORY;
	} else {
		return WATCHDOG_OK;
	}
	ev->restart = true;
	w->restarted = true;
	return ev->verdict;
}

enum watchdog_verdict watchdog_feed(struct watchdog *w,
    const struct watchdog_limits *lim, uint64_t generation,
    int procs, int64_t memory_bytes, struct watchdog_event *ev)
{
	int n = lim->anomaly_samples > 0 ? lim->anomaly_samples : WATCHDOG_ANOMALY_SAMPLES;

	memset(ev, 0, sizeof(*ev));
	if (!w->seen || generation != w->generation) {
		watchdog_init(w);
		w->generation = generation;
	}
	track_rise(w, procs);
	if (check_limits(w, lim, procs, memory_bytes, ev) != WATCHDOG_OK)
		return ev->verdict;
	if (w->rising >= n && !w->reported) {
		w->reported = true;
		snprintf(ev->detail, sizeof(ev->detail),
		    "process count rose %d samples in a row, from %d to %d",
		    w->rising, w->rise_from, procs);
		ev->verdict = WATCHDOG_ANOMALY;
	}
	return ev->verdict;
}
