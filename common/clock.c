/* clock.c: milliseconds of the two clocks. */
#include <time.h>
#include <unistd.h>

#include "clock.h"

static int64_t ms_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t csup_now_ms(void)
{
	return ms_of(CLOCK_REALTIME);
}

int64_t csup_mono_ms(void)
{
	return ms_of(CLOCK_MONOTONIC);
}

int64_t csup_mono_of_start(unsigned long long start_ticks)
{
	long hz = sysconf(_SC_CLK_TCK);
	int64_t age;

	if (hz <= 0)
		hz = 100;
	age = ms_of(CLOCK_BOOTTIME) - (int64_t)(start_ticks * 1000ULL / (unsigned long long)hz);
	return csup_mono_ms() - (age > 0 ? age : 0);
}
