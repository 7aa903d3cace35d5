/*
 * memdb_context.c: the text claude-mem 13 injects at SessionStart (the
 * worker's /api/context/inject, mem-search's session_start_context): the
 * latest observations of the projects grouped by day as an index (ID, time,
 * type, title), then the last summary, and how to fetch more. Plain text,
 * or with ANSI colours for the terminal; full adds each narrative.
 */
#include "memdb_context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONTEXT_OBSERVATIONS 50

static const char *icon(const char *type)
{
	static const struct { const char *t, *i; } icons[] = {
		{ "bugfix", "\xf0\x9f\x94\xb4" }, { "feature", "\xf0\x9f\x9f\xa3" },
		{ "refactor", "\xf0\x9f\x94\x84" }, { "change", "\xe2\x9c\x85" },
		{ "discovery", "\xf0\x9f\x94\xb5" },
		{ "decision", "\xe2\x9a\x96\xef\xb8\x8f" },
		{ "security_alert", "\xf0\x9f\x9a\xa8" },
		{ "security_note", "\xf0\x9f\x94\x90" },
		{ "sensitive", "\xf0\x9f\x94\x92" },
	};
	size_t i;

	for (i = 0; type && i < sizeof(icons) / sizeof(icons[0]); i++)
		if (strcmp(type, icons[i].t) == 0)
			return icons[i].i;
	return "\xe2\x80\xa2";
}

static const char *s_of(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);

	return json_is_string(v) ? json_string_value(v) : "";
}

static void fmt_time(int64_t ms, const char *fmt, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(buf, len, fmt, &tm) == 0)
		buf[0] = '\0';
}

char *memdb_context_list(json_t *rows)
{
	char *text = NULL, when[32];
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);
	json_t *r;

	if (f == NULL)
		return NULL;
	json_array_foreach(rows, i, r) {
		fmt_time(json_integer_value(json_object_get(r, "created_at_epoch")),
		    "%Y-%m-%d %H:%M", when, sizeof(when));
		fprintf(f, "#%lld %s [%s] %s\n",
		    (long long)json_integer_value(json_object_get(r, "id")), when,
		    s_of(r, "type"), s_of(r, "title"));
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void summary_part(FILE *f, json_t *sum, const char *key,
    const char *label, int colors)
{
	const char *v = s_of(sum, key);

	if (*v != '\0')
		fprintf(f, "%s%s:%s %s\n", colors ? "\x1b[1m" : "**", label,
		    colors ? "\x1b[0m" : "**", v);
}

static void observations_part(FILE *f, json_t *obs, int colors, int full)
{
	char day[32], prev[32] = "", when[32];
	size_t i = json_array_size(obs);
	json_t *r;

	/* oldest first, grouped by day */
	while (i-- > 0) {
		r = json_array_get(obs, i);
		int64_t ms = json_integer_value(json_object_get(r,
		    "created_at_epoch"));

		fmt_time(ms, "%b %d, %Y", day, sizeof(day));
		if (strcmp(day, prev) != 0) {
			fprintf(f, "\n%s### %s%s\n\n| ID | Time | T | Title |\n"
			    "|----|------|---|-------|\n", colors ? "\x1b[1;36m" :
			    "", day, colors ? "\x1b[0m" : "");
			snprintf(prev, sizeof(prev), "%s", day);
		}
		fmt_time(ms, "%H:%M", when, sizeof(when));
		fprintf(f, "| #%lld | %s | %s | %s |\n",
		    (long long)json_integer_value(json_object_get(r, "id")), when,
		    icon(s_of(r, "type")), *s_of(r, "title") ? s_of(r, "title") :
		    "Untitled");
		if (full && *s_of(r, "narrative"))
			fprintf(f, "\n%s\n\n", s_of(r, "narrative"));
	}
}

/* Rows of a table (newest first) for the projects (all when empty). */
static json_t *recent(sqlite3 *db, const char *table, json_t *projects,
    int limit)
{
	char sql[256], *p = json_array_size(projects) ?
	    json_dumps(projects, JSON_COMPACT) : NULL;
	sqlite3_stmt *st = NULL;
	json_t *rows = json_array(), *o, *v;
	int rc, i, n;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE ?1 IS NULL OR "
	    "project IN (SELECT value FROM json_each(?1)) "
	    "ORDER BY created_at_epoch DESC, id DESC LIMIT ?2", table);
	if (rows == NULL || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (p != NULL)
		sqlite3_bind_text(st, 1, p, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		o = json_object();
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++) {
			if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
				v = json_integer(sqlite3_column_int64(st, i));
			else if (sqlite3_column_type(st, i) == SQLITE_TEXT)
				v = json_string((const char *)sqlite3_column_text(st, i));
			else
				continue;
			if (v != NULL)
				json_object_set_new(o, sqlite3_column_name(st, i), v);
		}
		json_array_append_new(rows, o);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	free(p);
	return rows;
fail:
	sqlite3_finalize(st);
	free(p);
	json_decref(rows);
	return NULL;
}

char *memdb_context_text(sqlite3 *db, json_t *projects, int colors, int full)
{
	size_t n = json_array_size(projects), len = 0;
	const char *name = n ? json_string_value(json_array_get(projects,
	    n - 1)) : "all projects";
	json_t *obs = recent(db, "observations", projects, CONTEXT_OBSERVATIONS);
	json_t *sums = recent(db, "session_summaries", projects, 1);
	char *text = NULL, now[40];
	FILE *f = NULL;

	if (obs == NULL || sums == NULL || (f = open_memstream(&text, &len)) == NULL)
		goto out;
	fmt_time((int64_t)time(NULL) * 1000, "%Y-%m-%d %H:%M UTC", now,
	    sizeof(now));
	fprintf(f, "%s# [%s] recent context, %s%s\n", colors ? "\x1b[1;36m" : "",
	    name, now, colors ? "\x1b[0m" : "");
	if (json_array_size(obs) == 0 && json_array_size(sums) == 0) {
		fprintf(f, "\nNo previous sessions found for this project yet.\n");
		goto done;
	}
	fprintf(f, "\nLegend: \xf0\x9f\x94\xb4 bugfix | \xf0\x9f\x9f\xa3 feature"
	    " | \xf0\x9f\x94\x84 refactor | \xe2\x9c\x85 change | \xf0\x9f\x94"
	    "\xb5 discovery | \xe2\x9a\x96\xef\xb8\x8f decision\n");
	observations_part(f, obs, colors, full);
	if (json_array_size(sums) > 0) {
		json_t *s = json_array_get(sums, 0);

		fprintf(f, "\n%sLast session summary%s\n\n", colors ?
		    "\x1b[1;36m" : "## ", colors ? "\x1b[0m" : "");
		summary_part(f, s, "request", "Request", colors);
		summary_part(f, s, "investigated", "Investigated", colors);
		summary_part(f, s, "learned", "Learned", colors);
		summary_part(f, s, "completed", "Completed", colors);
		summary_part(f, s, "next_steps", "Next Steps", colors);
	}
	fprintf(f, "\nAccess %zu observations by ID with get_observations([IDs]), "
	    "or search(query) for more.\n", json_array_size(obs));
done:
	if (fclose(f) != 0) {
		free(text);
		text = NULL;
	}
	f = NULL;
out:
	json_decref(obs);
	json_decref(sums);
	return text;
}
