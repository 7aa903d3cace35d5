/*
 * cli_show.c: the status table (aligned, colour only on a terminal) and
 * the human form of describe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "units.h"

enum { C_ID, C_NAME, C_STATE, C_PID, C_UPTIME, C_RESTARTS, C_PROCS, C_CPU, C_MEM, C_WATCH, NCOL };

static const char *const heads[NCOL] = {
	"id", "name", "state", "pid", "uptime", "restarts", "procs", "cpu", "memory", "watch",
};

static const char *state_colour(const char *state)
{
	if (strcmp(state, "online") == 0)
		return "\033[32m";
	if (strcmp(state, "errored") == 0)
		return "\033[31m";
	if (strcmp(state, "stopped") == 0)
		return "\033[90m";
	return "\033[33m";
}

static void row_cells(json_t *a, char cell[NCOL][64])
{
	const char *state = json_string_value(json_object_get(a, "state"));
	int pid = (int)json_integer_value(json_object_get(a, "pid"));
	bool up = state && pid > 0;

	snprintf(cell[C_ID], 64, "%d", (int)json_integer_value(json_object_get(a, "id")));
	snprintf(cell[C_NAME], 64, "%s", json_string_value(json_object_get(a, "name")));
	snprintf(cell[C_STATE], 64, "%s", state ? state : "?");
	snprintf(cell[C_PID], 64, up ? "%d" : "-", pid);
	if (up)
		units_format_uptime(json_integer_value(json_object_get(a, "uptime_ms")),
		    cell[C_UPTIME], 64);
	else
		snprintf(cell[C_UPTIME], 64, "-");
	snprintf(cell[C_RESTARTS], 64, "%d", (int)json_integer_value(json_object_get(a, "restarts")));
	snprintf(cell[C_PROCS], 64, "%d", (int)json_integer_value(json_object_get(a, "procs")));
	snprintf(cell[C_CPU], 64, "%.1f%%", json_number_value(json_object_get(a, "cpu_percent")));
	units_format_size(json_integer_value(json_object_get(a, "memory_bytes")), cell[C_MEM], 64);
	snprintf(cell[C_WATCH], 64, "%s", json_is_true(json_object_get(a, "watch")) ? "on" : "-");
}

static void print_row(char cell[NCOL][64], const int *w, bool colour, bool head)
{
	for (int c = 0; c < NCOL; c++) {
		const char *sep = c + 1 < NCOL ? "  " : "\n";
		bool num = c == C_ID || c == C_PID || c == C_RESTARTS || c == C_PROCS || c == C_CPU ||
		    c == C_MEM;

		if (colour && head)
			printf("\033[1m");
		else if (colour && c == C_STATE)
			printf("%s", state_colour(cell[c]));
		if (c + 1 == NCOL)
			printf("%s", cell[c]);
		else
			printf(num ? "%*s" : "%-*s", w[c], cell[c]);
		if (colour && (head || c == C_STATE))
			printf("\033[0m");
		printf("%s", sep);
	}
}

int cli_table(json_t *apps)
{
	size_t n = json_array_size(apps), i;
	char (*cells)[NCOL][64] = calloc(n + 1, sizeof(*cells));
	bool colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	int w[NCOL] = { 0 };

	if (cells == NULL)
		return -1;
	for (int c = 0; c < NCOL; c++)
		snprintf(cells[0][c], 64, "%s", heads[c]);
	for (i = 0; i < n; i++)
		row_cells(json_array_get(apps, i), cells[i + 1]);
	for (i = 0; i <= n; i++)
		for (int c = 0; c < NCOL; c++)
			if ((int)strlen(cells[i][c]) > w[c])
				w[c] = (int)strlen(cells[i][c]);
	for (i = 0; i <= n; i++)
		print_row(cells[i], w, colour, i == 0);
	free(cells);
	fflush(stdout);
	return 0;
}

static void print_value(const char *key, json_t *v, int indent)
{
	char *s;

	if (json_is_string(v))
		printf("%*s%-26s %s\n", indent, "", key, json_string_value(v));
	else if (json_is_null(v))
		printf("%*s%-26s -\n", indent, "", key);
	else {
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		printf("%*s%-26s %s\n", indent, "", key, s ? s : "?");
		free(s);
	}
}

static void print_events(json_t *events)
{
	char when[32];
	struct tm tm;
	time_t t;
	size_t i;
	json_t *e;

	printf("events (newest last):\n");
	json_array_foreach(events, i, e) {
		t = (time_t)(json_integer_value(json_object_get(e, "time_ms")) / 1000);
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("  %s  %-10s %s\n", when, json_string_value(json_object_get(e, "kind")),
		    json_string_value(json_object_get(e, "detail")));
	}
}

/* Each limit on a line of its own with how it is enforced, as check prints them. */
static void print_limits(json_t *limits)
{
	const char *key, *by;
	char buf[32];
	json_int_t v;
	json_t *l;

	json_object_foreach(limits, key, l) {
		v = json_integer_value(json_object_get(l, "value"));
		if (strcmp(key, "cpu") == 0)
			snprintf(buf, sizeof(buf), "%lld%%", (long long)v);
		else if (strcmp(key, "pids") == 0 || strcmp(key, "nofile") == 0)
			snprintf(buf, sizeof(buf), "%lld", (long long)v);
		else
			units_format_size((int64_t)v, buf, sizeof(buf));
		by = json_string_value(json_object_get(l, "enforced_by"));
		printf("limits.%-19s %s (enforced by %s)\n", key, buf, by ? by : "?");
	}
}

int cli_describe(json_t *app)
{
	static const char *const skip[] = { "config", "events", "logs", NULL };
	const char *key;
	json_t *v;

	json_object_foreach(app, key, v) {
		bool skipped = false;

		for (int i = 0; skip[i]; i++)
			skipped |= strcmp(key, skip[i]) == 0;
		if (skipped)
			continue;
		if (strcmp(key, "limits") == 0 && json_is_object(v))
			print_limits(v);
		else
			print_value(key, v, 0);
	}
	printf("logs:\n");
	json_object_foreach(json_object_get(app, "logs"), key, v)
		print_value(key, v, 2);
	printf("config:\n");
	json_object_foreach(json_object_get(app, "config"), key, v)
		print_value(key, v, 2);
	print_events(json_object_get(app, "events"));
	return 0;
}
