/* clock.h: milliseconds of the two clocks. */
#ifndef CSUP_CLOCK_H
#define CSUP_CLOCK_H

#include <stdint.h>

/* CLOCK_REALTIME: for what people read and what is stored. */
int64_t	 csup_now_ms(void);
/* CLOCK_MONOTONIC: for durations (uptime, timeouts). */
int64_t	 csup_mono_ms(void);
/*
 * The CLOCK_MONOTONIC ms at which a process started, from its start time
 * in clock ticks after boot (field 22 of /proc/PID/stat): the uptime of a
 * process this daemon did not start, without the wall clock.
 */
int64_t	 csup_mono_of_start(unsigned long long start_ticks);

#endif
