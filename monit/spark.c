/*
 * spark.c: sparkline levels, pure. A cell is a slice of the window and
 * shows the highest value sampled in it, so a short spike (a burst of
 * forks, a memory peak) is never averaged away.
 */
#include "monit.h"

static double value(const struct point *s, enum spark_field f)
{
	switch (f) {
	case SPARK_PROCS:
		return s->procs;
	case SPARK_CPU:
		return s->cpu;
	case SPARK_MEM:
		return (double)s->mem;
	}
	return 0;
}

/*
 * The scale's least top: a few tenths of a percent of cpu, or a few KB
 * of memory, are drawn as the little they are, not as full bars.
 */
static double least_top(enum spark_field f)
{
	switch (f) {
	case SPARK_PROCS:
		return 1;
	case SPARK_CPU:
		return 5.0;
	case SPARK_MEM:
		return 1 << 20;
	}
	return 1;
}

void spark_levels(const struct point *s, size_t n, enum spark_field f,
    int64_t now_ms, int64_t window_ms, int cells, int *out)
{
	int64_t start = now_ms - window_ms;
	double top = least_top(f), v, peak[cells > 0 ? cells : 1];
	bool seen[cells > 0 ? cells : 1];
	int c;

	if (cells <= 0 || window_ms <= 0)
		return;
	for (c = 0; c < cells; c++) {
		peak[c] = 0;
		seen[c] = false;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i].t < start || s[i].t > now_ms)
			continue;
		c = (int)((s[i].t - start) * cells / (window_ms + 1));
		v = value(&s[i], f);
		if (!seen[c] || v > peak[c])
			peak[c] = v;
		seen[c] = true;
		if (v > top)
			top = v;
	}
	for (c = 0; c < cells; c++) {
		if (!seen[c])
			out[c] = -1;
		else
			out[c] = (int)(peak[c] / top * 7 + .5);
	}
}
