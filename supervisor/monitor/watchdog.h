/*
 * watchdog.h: the leak watchdog, pure logic (no IO, no clock).
 *
 * The daemon keeps one struct watchdog per app (zeroed, or
 * watchdog_init()), and after each sample of the app calls
 * watchdog_feed() with the sample's figures, the generation they belong
 * to and the app's limits. The verdict says what to do:
 *
 *   WATCHDOG_LEAK     procs > max_processes: restart the app, record a
 *                     `leak` event with ev->detail, fire the `leak` alert
 *   WATCHDOG_MEMORY   memory > max_memory_restart: restart, `memory` event
 *                     and alert
 *   WATCHDOG_ANOMALY  the process count rose at each of the last
 *                     anomaly_samples samples (default 5) of one
 *                     generation: an `anomaly` event and alert only, no
 *                     restart; reported once per rise (a sample that does
 *                     not rise ends the rise)
 *
 * A restart verdict is given once per generation: samples taken while the
 * restart is under way (kill_timeout) do not ask for it again. A new
 * generation number resets everything. A limit of 0 means none.
 */
#ifndef CSUP_WATCHDOG_H
#define CSUP_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

#define WATCHDOG_ANOMALY_SAMPLES 5

enum watchdog_verdict {
	WATCHDOG_OK,
	WATCHDOG_LEAK,
	WATCHDOG_MEMORY,
	WATCHDOG_ANOMALY,
};

struct watchdog_limits {
	int	max_processes;		/* 0 = none */
	int64_t	max_memory;		/* bytes; 0 = none */
	int	anomaly_samples;	/* 0 = WATCHDOG_ANOMALY_SAMPLES */
};

struct watchdog {
	uint64_t	generation;
	bool		seen;		/* a sample of this generation was fed */
	bool		restarted;	/* a restart verdict was given for it */
	bool		reported;	/* the current rise was reported */
	int		last_procs;
	int		rising;		/* consecutive samples above their predecessor */
	int		rise_from;	/* the count the rise started from */
};

struct watchdog_event {
	enum watchdog_verdict	verdict;
	bool			restart;	/* leak and memory */
	char			detail[160];	/* e.g. "7 processes > max_processes 5" */
};

void watchdog_init(struct watchdog *w);
/* Returns ev->verdict; ev->detail is "" for WATCHDOG_OK. */
enum watchdog_verdict watchdog_feed(struct watchdog *w,
	    const struct watchdog_limits *lim, uint64_t generation,
	    int procs, int64_t memory_bytes, struct watchdog_event *ev);
/* "leak", "memory", "anomaly", or NULL for WATCHDOG_OK: the event and alert kind. */
const char *watchdog_kind(enum watchdog_verdict v);

#endif
