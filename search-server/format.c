/*
 * format.c: the markdown the original's tools answer with (its
 * search-server / SearchManager formats): numbered index entries with a
 * claude-mem:// source, full entries, and the timeline tables. Dates are
 * rendered like the original's en-US toLocaleString(), in the local time
 * zone (TZ), so a fixed TZ gives fixed output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "search.h"

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static void local(int64_t ms, struct tm *tm)
{
	time_t t = (time_t)(ms / 1000);

	if (localtime_r(&t, tm) == NULL)
		memset(tm, 0, sizeof(*tm));
}

static int hour12(const struct tm *tm)
{
	return tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;
}

static const char *ampm(const struct tm *tm)
{
	return tm->tm_hour < 12 ? "AM" : "PM";
}

void fmt_datetime_long(int64_t ms, char *buf, size_t len)
{
	struct tm tm;

	local(ms, &tm);
	snprintf(buf, len, "%d/%d/%d, %d:%02d:%02d %s", tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_year + 1900, hour12(&tm), tm.tm_min, tm.tm_sec,
	    ampm(&tm));
}

void fmt_date_short(int64_t ms, char *buf, size_t len)
{
	struct tm tm;

	local(ms, &tm);
	snprintf(buf, len, "%d/%d/%d", tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_year + 1900);
}

void fmt_day(int64_t ms, char *buf, size_t len)
{
	struct tm tm;

	local(ms, &tm);
	snprintf(buf, len, "%s %d, %d", months[tm.tm_mon % 12], tm.tm_mday,
	    tm.tm_year + 1900);
}

void fmt_time(int64_t ms, char *buf, size_t len)
{
	struct tm tm;

	local(ms, &tm);
	snprintf(buf, len, "%d:%02d %s", hour12(&tm), tm.tm_min, ampm(&tm));
}

void fmt_daytime(int64_t ms, char *buf, size_t len)
{
	struct tm tm;

	local(ms, &tm);
	snprintf(buf, len, "%s %d, %d:%02d %s", months[tm.tm_mon % 12],
	    tm.tm_mday, hour12(&tm), tm.tm_min, ampm(&tm));
}

/* ---- JSON array columns ------------------------------------------------- */

/* Append the strings of a JSON array column, joined; skip `seen` dupes. */
static int join_array(struct sbuf *b, const char *json, const char *sep,
    int first, json_t *seen)
{
	json_t *a, *e;
	size_t i;

	if (json == NULL || (a = json_loads(json, 0, NULL)) == NULL)
		return first;
	if (json_is_array(a))
		json_array_foreach(a, i, e) {
			if (!json_is_string(e))
				continue;
			if (seen && json_object_get(seen, json_string_value(e)))
				continue;
			if (seen)
				json_object_set_new(seen, json_string_value(e),
				    json_true());
			sbuf_printf(b, "%s%s", first ? "" : sep,
			    json_string_value(e));
			first = 0;
		}
	json_decref(a);
	return first;
}

static int array_len(const char *json)
{
	json_t *a;
	int n = 0;

	if (json && (a = json_loads(json, 0, NULL))) {
		n = json_is_array(a) ? (int)json_array_size(a) : 0;
		json_decref(a);
	}
	return n;
}

/* The first file of an observation, relative to cwd; "General" if none. */
static void first_file(const struct row *r, const char *cwd, char *buf,
    size_t len)
{
	const char *cols[2] = { r->files_modified, r->files_read };
	size_t cl = cwd ? strlen(cwd) : 0;
	json_t *a, *e;
	int i;

	snprintf(buf, len, "General");
	for (i = 0; i < 2; i++) {
		if (cols[i] == NULL || (a = json_loads(cols[i], 0, NULL)) == NULL)
			continue;
		e = json_is_array(a) ? json_array_get(a, 0) : NULL;
		if (json_is_string(e)) {
			const char *p = json_string_value(e);

			if (cl > 1 && strncmp(p, cwd, cl) == 0 && p[cl] == '/')
				p += cl + 1;
			snprintf(buf, len, "%s", p);
			json_decref(a);
			return;
		}
		json_decref(a);
	}
}

static const char *type_icon(const char *type)
{
	static const struct { const char *t, *icon; } icons[] = {
		{ "bugfix", "\xf0\x9f\x94\xb4" },	/* red circle */
		{ "feature", "\xf0\x9f\x9f\xa3" },	/* purple circle */
		{ "refactor", "\xf0\x9f\x94\x84" },	/* arrows */
		{ "change", "\xe2\x9c\x85" },		/* check mark */
		{ "discovery", "\xf0\x9f\x94\xb5" },	/* blue circle */
		{ "decision", "\xe2\x9a\x96\xef\xb8\x8f" },	/* scales */
	};
	size_t i;

	for (i = 0; type && i < sizeof(icons) / sizeof(icons[0]); i++)
		if (strcmp(icons[i].t, type) == 0)
			return icons[i].icon;
	return "\xe2\x80\xa2";	/* bullet */
}

/* ---- entries ------------------------------------------------------------ */

static void session_title(const struct row *r, char *buf, size_t len)
{
	if (r->request && *r->request)
		snprintf(buf, len, "%s", r->request);
	else
		snprintf(buf, len, "Session %.8s",
		    r->session ? r->session : "unknown");
}

void fmt_index_entry(struct sbuf *b, const struct row *r, int n)
{
	char date[64], title[512];

	fmt_datetime_long(r->epoch, date, sizeof(date));
	switch (r->kind) {
	case KIND_OBS:
		if (r->title && *r->title)
			snprintf(title, sizeof(title), "%s", r->title);
		else
			snprintf(title, sizeof(title), "Observation #%lld",
			    (long long)r->id);
		sbuf_printf(b, "%d. %s%s%s %s\n   Date: %s\n   Source: "
		    "claude-mem://observation/%lld", n, r->type ? "[" : "",
		    r->type ? r->type : "", r->type ? "]" : "", title, date,
		    (long long)r->id);
		break;
	case KIND_SUM:
		session_title(r, title, sizeof(title));
		sbuf_printf(b, "%d. %s\n   Date: %s\n   Source: "
		    "claude-mem://session/%s", n, title, date,
		    r->session ? r->session : "");
		break;
	default:
		sbuf_printf(b, "%d. \"%s\"\n   Date: %s | Prompt #%lld\n   "
		    "Source: claude-mem://user-prompt/%lld", n,
		    r->prompt_text ? r->prompt_text : "", date,
		    (long long)r->prompt_number, (long long)r->id);
		break;
	}
}

static void full_observation(struct sbuf *b, const struct row *r)
{
	char date[64];
	json_t *seen;
	int first;

	if (r->title && *r->title)
		sbuf_printf(b, "## %s\n", r->title);
	else
		sbuf_printf(b, "## Observation #%lld\n", (long long)r->id);
	sbuf_printf(b, "*Source: claude-mem://observation/%lld*\n\n",
	    (long long)r->id);
	if (r->subtitle && *r->subtitle)
		sbuf_printf(b, "**%s**\n\n", r->subtitle);
	if (r->narrative && *r->narrative)
		sbuf_printf(b, "%s\n\n", r->narrative);
	if (r->text && *r->text)
		sbuf_printf(b, "%s\n\n", r->text);
	sbuf_printf(b, "---\nType: %s", r->type ? r->type : "");
	if (array_len(r->facts) > 0) {
		sbuf_add(b, " | Facts: ");
		join_array(b, r->facts, "; ", 1, NULL);
	}
	if (array_len(r->concepts) > 0) {
		sbuf_add(b, " | Concepts: ");
		join_array(b, r->concepts, ", ", 1, NULL);
	}
	if (array_len(r->files_read) + array_len(r->files_modified) > 0 &&
	    (seen = json_object())) {
		sbuf_add(b, " | Files: ");
		first = join_array(b, r->files_read, ", ", 1, seen);
		join_array(b, r->files_modified, ", ", first, seen);
		json_decref(seen);
	}
	fmt_datetime_long(r->epoch, date, sizeof(date));
	sbuf_printf(b, "\n\n---\nDate: %s", date);
}

static void full_summary(struct sbuf *b, const struct row *r)
{
	static const struct { const char *label; size_t off; } parts[] = {
		{ "Completed", offsetof(struct row, completed) },
		{ "Learned", offsetof(struct row, learned) },
		{ "Investigated", offsetof(struct row, investigated) },
		{ "Next Steps", offsetof(struct row, next_steps) },
		{ "Notes", offsetof(struct row, notes) },
	};
	char title[512], date[64];
	size_t i;

	session_title(r, title, sizeof(title));
	sbuf_printf(b, "## %s\n*Source: claude-mem://session/%s*\n\n", title,
	    r->session ? r->session : "");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const char *v = *(char *const *)((const char *)r +
		    parts[i].off);

		if (v && *v)
			sbuf_printf(b, "**%s:** %s\n\n", parts[i].label, v);
	}
	sbuf_add(b, "---\n");
	if ((r->files_read && *r->files_read) ||
	    (r->files_edited && *r->files_edited))
		sbuf_printf(b, "Files: %s%s%s | ",
		    r->files_read ? r->files_read : "",
		    r->files_read && *r->files_read && r->files_edited &&
		    *r->files_edited ? ", " : "",
		    r->files_edited ? r->files_edited : "");
	fmt_date_short(r->epoch, date, sizeof(date));
	sbuf_printf(b, "Date: %s", date);
}

static void full_prompt(struct sbuf *b, const struct row *r)
{
	char date[64];

	fmt_datetime_long(r->epoch, date, sizeof(date));
	sbuf_printf(b, "## User Prompt #%lld\n*Source: "
	    "claude-mem://user-prompt/%lld*\n\n%s\n\n---\nDate: %s",
	    (long long)r->prompt_number, (long long)r->id,
	    r->prompt_text ? r->prompt_text : "", date);
}

void fmt_full_entry(struct sbuf *b, const struct row *r)
{
	if (r->kind == KIND_OBS)
		full_observation(b, r);
	else if (r->kind == KIND_SUM)
		full_summary(b, r);
	else
		full_prompt(b, r);
}

void fmt_search_tips(struct sbuf *b)
{
	sbuf_add(b, "\n---\n"
	    "\xf0\x9f\x92\xa1 Search Strategy:\n"
	    "ALWAYS search with index format FIRST to get an overview and "
	    "identify relevant results.\n"
	    "This is critical for token efficiency - index format uses ~10x "
	    "fewer tokens than full format.\n\n"
	    "Search workflow:\n"
	    "1. Initial search: Use default (index) format to see titles, "
	    "dates, and sources\n"
	    "2. Review results: Identify which items are most relevant to your "
	    "needs\n"
	    "3. Deep dive: Only then use format: \"full\" on specific items of "
	    "interest\n"
	    "4. Narrow down: Use filters (type, dateRange, concepts, files) to "
	    "refine results\n\n"
	    "Other tips:\n"
	    "\xe2\x80\xa2 To search by concept: Use find_by_concept tool\n"
	    "\xe2\x80\xa2 To browse by type: Use find_by_type with "
	    "[\"decision\", \"feature\", etc.]\n"
	    "\xe2\x80\xa2 To sort by date: Use orderBy: \"date_desc\" or "
	    "\"date_asc\"");
}

/* ---- timeline ----------------------------------------------------------- */

struct tl_state {
	char	file[512];
	char	last_time[32];
	int	table_open;
};

static void tl_close_table(struct sbuf *b, struct tl_state *s)
{
	if (s->table_open)
		sbuf_add(b, "\n");
	s->table_open = 0;
	s->file[0] = s->last_time[0] = '\0';
}

static void tl_observation(struct sbuf *b, struct tl_state *s,
    const struct row *r, int anchor, const char *cwd)
{
	char file[512], t[32];
	size_t nl = r->narrative ? strlen(r->narrative) : 0;

	first_file(r, cwd, file, sizeof(file));
	if (!s->table_open || strcmp(file, s->file) != 0) {
		if (s->table_open)
			sbuf_add(b, "\n");
		sbuf_printf(b, "**%s**\n| ID | Time | T | Title | Tokens |\n"
		    "|----|------|---|-------|--------|\n", file);
		snprintf(s->file, sizeof(s->file), "%s", file);
		s->table_open = 1;
		s->last_time[0] = '\0';
	}
	fmt_time(r->epoch, t, sizeof(t));
	sbuf_printf(b, "| #%lld | %s | %s | %s%s | ~%zu |\n", (long long)r->id,
	    strcmp(t, s->last_time) ? t : "\"", type_icon(r->type),
	    r->title && *r->title ? r->title : "Untitled",
	    anchor ? " <- **ANCHOR**" : "", (nl + 3) / 4);
	snprintf(s->last_time, sizeof(s->last_time), "%s", t);
}

static void tl_item(struct sbuf *b, struct tl_state *s, const struct row *r,
    int anchor, const char *cwd)
{
	char dt[64];

	if (r->kind == KIND_OBS) {
		tl_observation(b, s, r, anchor, cwd);
		return;
	}
	tl_close_table(b, s);
	fmt_daytime(r->epoch, dt, sizeof(dt));
	if (r->kind == KIND_SUM)
		sbuf_printf(b, "**\xf0\x9f\x8e\xaf #S%lld** %s (%s)%s\n\n",
		    (long long)r->id, r->request && *r->request ? r->request :
		    "Session summary", dt, anchor ? " <- **ANCHOR**" : "");
	else {
		const char *p = r->prompt_text ? r->prompt_text : "";

		sbuf_printf(b, "**\xf0\x9f\x92\xac User Prompt #%lld** (%s)\n"
		    "> %.100s%s\n\n", (long long)r->prompt_number, dt, p,
		    strlen(p) > 100 ? "..." : "");
	}
}

void fmt_timeline(struct sbuf *b, const struct rowset *rs, int anchor_kind,
    int64_t anchor_id, const char *cwd)
{
	struct tl_state s;
	char day[64], cur[64] = "";
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < rs->n; i++) {
		const struct row *r = &rs->v[i];

		fmt_day(r->epoch, day, sizeof(day));
		if (strcmp(day, cur) != 0) {
			tl_close_table(b, &s);
			sbuf_printf(b, "### %s\n\n", day);
			snprintf(cur, sizeof(cur), "%s", day);
		}
		tl_item(b, &s, r, r->kind == anchor_kind && r->id == anchor_id,
		    cwd);
	}
	tl_close_table(b, &s);
}
