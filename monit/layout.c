/*
 * layout.c: where each column of the table goes, pure. When the terminal
 * is too narrow, one step at a time in a fixed order: the sparklines go,
 * then the name shrinks and figures go, least needed first. A name is what
 * a person looks for: it keeps its length (up to 40) while the figures fit
 * beside it, and it never goes.
 */
#include <string.h>

#include "monit.h"

#define SPARK_MIN	5
#define SPARK_MAX	24
#define NAME_MIN	6
#define NAME_WIDE	40

static const int preferred[NCOLS] = {
	[COL_ID] = 3, [COL_STATE] = 9, [COL_PID] = 7, [COL_UPTIME] = 6,
	[COL_RESTARTS] = 3, [COL_PROCS] = 5, [COL_PROCS_SPARK] = SPARK_MIN,
	[COL_CPU] = 6, [COL_CPU_SPARK] = SPARK_MIN, [COL_MEM] = 7,
	[COL_MEM_SPARK] = SPARK_MIN,
};

/* A step: shrink the name to n (col < 0), or drop col. */
static const struct {
	int	 col;
	int	 n;
} steps[] = {
	{ COL_PROCS_SPARK, 0 }, { COL_MEM_SPARK, 0 }, { COL_CPU_SPARK, 0 },
	{ -1, 24 }, { -1, 16 }, { COL_PID, 0 }, { -1, 12 }, { COL_UPTIME, 0 },
	{ COL_ID, 0 }, { -1, NAME_MIN }, { COL_PROCS, 0 }, { COL_RESTARTS, 0 },
	{ COL_MEM, 0 }, { COL_CPU, 0 }, { COL_STATE, 0 },
};

static int used(const struct layout *l)
{
	int sum = 0, cols = 0;

	for (int c = 0; c < NCOLS; c++)
		if (l->w[c] > 0) {
			sum += l->w[c];
			cols++;
		}
	return sum + (cols > 0 ? cols - 1 : 0);
}

static void widen_sparks(struct layout *l, int width)
{
	static const int sparks[] = { COL_CPU_SPARK, COL_MEM_SPARK, COL_PROCS_SPARK };
	bool grew = true;

	while (grew && used(l) < width) {
		grew = false;
		for (size_t i = 0; i < 3 && used(l) < width; i++)
			if (l->w[sparks[i]] > 0 && l->w[sparks[i]] < SPARK_MAX) {
				l->w[sparks[i]]++;
				grew = true;
			}
	}
}

void layout_fit(struct layout *l, int width, int name_want, bool has_id)
{
	size_t i;
	int x = 0;

	memcpy(l->w, preferred, sizeof(l->w));
	l->w[COL_NAME] = name_want < 4 ? 4 : name_want > NAME_WIDE ? NAME_WIDE : name_want;
	if (!has_id)
		l->w[COL_ID] = 0;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && used(l) > width; i++) {
		if (steps[i].col >= 0)
			l->w[steps[i].col] = 0;
		else if (l->w[COL_NAME] > steps[i].n)
			l->w[COL_NAME] = steps[i].n;
	}
	if (used(l) > width)
		l->w[COL_NAME] = width > 0 ? width : 0;
	widen_sparks(l, width);
	for (int c = 0; c < NCOLS; c++) {
		l->x[c] = x;
		if (l->w[c] > 0)
			x += l->w[c] + 1;
	}
}
