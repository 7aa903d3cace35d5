/* clock.h: milliseconds of the two clocks. */
#ifndef CSUP_CLOCK_H
#define CSUP_CLOCK_H

#include <stdint.h>

/* CLOCK_REALTIME: for what people read and what is stored. */
int64_t	 csup_now_ms(void);
/* CLOCK_MONOTONIC: for durations (uptime, timeouts). */
int64_t	 csup_mono_ms(void);

#endif
