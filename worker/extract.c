/*
 * extract.c: the built-in, deterministic observation extractor and summary
 * builder (docs/worker.md has the table). Same event in, same observation
 * out: no clock, no randomness, no network. Strings handed back live in an
 * "arena" JSON object the caller releases with json_decref().
 */
#include "worker.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_MAX     80
#define EXCERPT_MAX   300
#define LIST_MAX      20

/* Keep a formatted string alive in the arena; return a pointer to it. */
static const char *keepf(json_t *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *keepf(json_t *arena, const char *fmt, ...)
{
	char buf[2048];
	json_t *s;
	va_list ap;
	char key[24];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Cut a partial UTF-8 sequence left by truncation. */
	s = json_string(buf);
	while (s == NULL && strlen(buf) > 0) {
		buf[strlen(buf) - 1] = '\0';
		s = json_string(buf);
	}
	if (s == NULL)
		s = json_string("");
	snprintf(key, sizeof(key), "%zu", json_object_size(arena));
	json_object_set_new(arena, key, s);
	return json_string_value(s);
}

static const char *str_field(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s && s[1] ? s + 1 : path ? path : "";
}

/* First line of s, at most max bytes, into buf. */
static void first_line(const char *s, char *buf, size_t max)
{
	size_t n = 0;

	while (s && s[n] && s[n] != '\n' && n + 1 < max)
		n++;
	memcpy(buf, s ? s : "", n);
	buf[n] = '\0';
	if (s && s[n] && s[n] != '\n')
		snprintf(buf + (n > 3 ? n - 3 : 0), 4, "...");
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (n = 1; *s; s++)
		if (*s == '\n' && s[1])
			n++;
	return n;
}

/* Text of a tool response: a string, or a known text field, or JSON. */
static const char *response_text(json_t *resp, json_t *arena)
{
	static const char *keys[] = { "stdout", "content", "output", "result",
	    "text" };
	const char *t;
	size_t i;
	char *dump;

	if (json_is_string(resp))
		return json_string_value(resp);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((t = str_field(resp, keys[i])) != NULL)
			return t;
	if (json_is_object(resp) && json_is_object(json_object_get(resp, "file")))
		if ((t = str_field(json_object_get(resp, "file"), "content")))
			return t;
	if (resp == NULL || json_is_null(resp))
		return "";
	dump = json_dumps(resp, JSON_COMPACT | JSON_ENCODE_ANY);
	t = keepf(arena, "%.*s", EXCERPT_MAX, dump ? dump : "");
	free(dump);
	return t;
}

struct rule {
	const char *tool;        /* exact tool name */
	const char *type;        /* observation type */
	const char *concept;
	void (*fill)(const struct tool_event *, struct obs_input *, json_t *arena);
};

static void add_path(json_t *list, const char *p)
{
	size_t i;

	if (p == NULL || *p == '\0' || json_array_size(list) >= LIST_MAX)
		return;
	for (i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_array_get(list, i)), p) == 0)
			return;
	json_array_append_new(list, json_string(p));
}

static void fact(struct obs_input *o, json_t *arena, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fact(struct obs_input *o, json_t *arena, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	json_t *s;

	(void)arena;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((s = json_string(buf)) != NULL)
		json_array_append_new(o->facts, s);
}

static void fill_edit(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	const char *path = str_field(ev->input, "file_path");
	const char *old = str_field(ev->input, "old_string");
	const char *new = str_field(ev->input, "new_string");
	json_t *edits = json_object_get(ev->input, "edits");

	if (path == NULL)
		path = str_field(ev->input, "notebook_path");
	add_path(o->files_modified, path);
	o->title = keepf(arena, "Edited %s", base_name(path));
	o->subtitle = keepf(arena, "%s", path ? path : "");
	if (json_is_array(edits))
		fact(o, arena, "%zu edits applied to %s", json_array_size(edits),
		    path ? path : "?");
	else
		fact(o, arena, "Replaced %zu line(s) with %zu line(s) in %s",
		    count_lines(old), count_lines(new), path ? path : "?");
}

static void fill_write(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	const char *path = str_field(ev->input, "file_path");
	const char *content = str_field(ev->input, "content");

	add_path(o->files_modified, path);
	o->title = keepf(arena, "Wrote %s", base_name(path));
	o->subtitle = keepf(arena, "%s", path ? path : "");
	fact(o, arena, "Wrote %zu line(s) to %s", count_lines(content),
	    path ? path : "?");
}

static void fill_read(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	const char *path = str_field(ev->input, "file_path");
	const char *text = response_text(ev->response, arena);

	add_path(o->files_read, path);
	o->title = keepf(arena, "Read %s", base_name(path));
	o->subtitle = keepf(arena, "%s", path ? path : "");
	fact(o, arena, "Read %zu line(s) of %s", count_lines(text),
	    path ? path : "?");
}

/* Grep/Glob: the matching file names in the response are files read. */
static void fill_search(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	const char *pat = str_field(ev->input, "pattern");
	const char *where = str_field(ev->input, "path");
	json_t *files = json_object_get(ev->response, "filenames");
	size_t i;

	o->title = keepf(arena, "Searched for \"%.60s\"", pat ? pat : "");
	o->subtitle = keepf(arena, "%s in %s", ev->tool_name,
	    where ? where : ev->cwd ? ev->cwd : ".");
	if (json_is_array(files)) {
		for (i = 0; i < json_array_size(files); i++)
			add_path(o->files_read,
			    json_string_value(json_array_get(files, i)));
		fact(o, arena, "%zu file(s) matched \"%s\"",
		    json_array_size(files), pat ? pat : "");
	} else
		fact(o, arena, "%s pattern \"%s\"", ev->tool_name, pat ? pat : "");
}

static int has_word(const char *s, const char *w)
{
	return s != NULL && strstr(s, w) != NULL;
}

static void fill_bash(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	const char *cmd = str_field(ev->input, "command");
	const char *desc = str_field(ev->input, "description");
	const char *err = str_field(ev->response, "stderr");
	char line[TITLE_MAX];

	first_line(cmd, line, sizeof(line) - 10);
	if (has_word(cmd, "git commit"))
		o->type = "change";
	if (has_word(cmd, "test") || has_word(cmd, "pytest") ||
	    has_word(cmd, "ctest") || has_word(cmd, "bats"))
		o->title = keepf(arena, "Ran tests: %s", line);
	else
		o->title = keepf(arena, "Ran `%s`", line);
	o->subtitle = keepf(arena, "%s", desc ? desc : line);
	fact(o, arena, "Command: %.300s", cmd ? cmd : "");
	if (err != NULL && *err != '\0')
		fact(o, arena, "stderr: %.200s", err);
	if (json_is_true(json_object_get(ev->response, "interrupted")))
		fact(o, arena, "The command was interrupted");
}

static void fill_web(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	const char *url = str_field(ev->input, "url");
	const char *q = str_field(ev->input, "query");

	if (url != NULL) {
		o->title = keepf(arena, "Fetched %.70s", url);
		fact(o, arena, "URL: %s", url);
	} else {
		o->title = keepf(arena, "Searched the web for \"%.50s\"", q ? q : "");
		fact(o, arena, "Query: %s", q ? q : "");
	}
	o->subtitle = keepf(arena, "%s", ev->tool_name);
}

static void fill_task(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	const char *d = str_field(ev->input, "description");
	const char *p = str_field(ev->input, "prompt");

	o->title = keepf(arena, "Delegated: %.60s", d ? d : "task");
	o->subtitle = keepf(arena, "%s", str_field(ev->input, "subagent_type") ?
	    str_field(ev->input, "subagent_type") : "Task");
	fact(o, arena, "Prompt: %.300s", p ? p : "");
}

static void fill_todo(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	json_t *todos = json_object_get(ev->input, "todos");
	size_t i, n = json_is_array(todos) ? json_array_size(todos) : 0;

	o->title = keepf(arena, "Planned %zu task(s)", n);
	o->subtitle = keepf(arena, "TodoWrite");
	for (i = 0; i < n && i < LIST_MAX; i++) {
		json_t *t = json_array_get(todos, i);
		const char *c = str_field(t, "content");
		const char *st = str_field(t, "status");

		fact(o, arena, "[%s] %s", st ? st : "pending", c ? c : "");
	}
}

static void fill_other(const struct tool_event *ev, struct obs_input *o,
    json_t *arena)
{
	char *in = json_dumps(ev->input, JSON_COMPACT | JSON_ENCODE_ANY);

	o->title = keepf(arena, "Used %.60s", ev->tool_name);
	o->subtitle = keepf(arena, "%s", ev->tool_name);
	fact(o, arena, "Input: %.300s", in ? in : "");
	free(in);
}

static const struct rule rules[] = {
	{ "Edit",         "change",    "what-changed", fill_edit },
	{ "MultiEdit",    "change",    "what-changed", fill_edit },
	{ "NotebookEdit", "change",    "what-changed", fill_edit },
	{ "Write",        "change",    "what-changed", fill_write },
	{ "Read",         "discovery", "how-it-works", fill_read },
	{ "NotebookRead", "discovery", "how-it-works", fill_read },
	{ "Grep",         "discovery", "how-it-works", fill_search },
	{ "Glob",         "discovery", "how-it-works", fill_search },
	{ "LS",           "discovery", "how-it-works", fill_search },
	{ "Bash",         "discovery", "how-it-works", fill_bash },
	{ "WebFetch",     "discovery", "how-it-works", fill_web },
	{ "WebSearch",    "discovery", "how-it-works", fill_web },
	{ "Task",         "discovery", "how-it-works", fill_task },
	{ "TodoWrite",    "decision",  "trade-off",    fill_todo },
};

static const struct rule other = { NULL, "discovery", "how-it-works",
    fill_other };

static const struct rule *rule_for(const char *tool)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].tool, tool) == 0)
			return &rules[i];
	return &other;
}

int extract_observation(const struct tool_event *ev, struct obs_input *o,
    json_t **arenap)
{
	json_t *arena = json_object();
	const struct rule *r;
	const char *text;

	memset(o, 0, sizeof(*o));
	if (arena == NULL || ev->tool_name == NULL || *ev->tool_name == '\0') {
		json_decref(arena);
		return -1;
	}
	*arenap = arena;
	o->facts = json_array();
	o->concepts = json_array();
	o->files_read = json_array();
	o->files_modified = json_array();
	/* The arrays belong to the arena too. */
	json_object_set_new(arena, "facts", o->facts);
	json_object_set_new(arena, "concepts", o->concepts);
	json_object_set_new(arena, "files_read", o->files_read);
	json_object_set_new(arena, "files_modified", o->files_modified);
	r = rule_for(ev->tool_name);
	o->type = r->type;
	o->prompt_number = ev->prompt_number;
	r->fill(ev, o, arena);
	json_array_append_new(o->concepts, json_string(r->concept));
	text = response_text(ev->response, arena);
	o->narrative = keepf(arena, "%s %s (prompt #%d). %s%.*s%s",
	    ev->tool_name, o->subtitle && *o->subtitle ? o->subtitle : "",
	    ev->prompt_number, *text ? "Output: " : "", EXCERPT_MAX, text,
	    strlen(text) > EXCERPT_MAX ? "..." : "");
	return 0;
}

/* Append s to the string list buf, ", " separated, without duplicates. */
static void list_add(char *buf, size_t len, const char *s)
{
	char hay[1100], probe[1100];
	size_t n = strlen(buf), sl = strlen(s);

	if (sl == 0 || n + sl + 3 >= len)
		return;
	snprintf(hay, sizeof(hay), ", %s,", buf);
	snprintf(probe, sizeof(probe), ", %s,", s);
	if (strstr(hay, probe) != NULL)
		return;
	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", s);
}

static void list_add_json(char *buf, size_t len, const char *json_text)
{
	json_t *a = json_text ? json_loads(json_text, JSON_DECODE_ANY, NULL) : NULL;
	size_t i;

	for (i = 0; json_is_array(a) && i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)))
			list_add(buf, len, json_string_value(json_array_get(a, i)));
	json_decref(a);
}

int extract_summary(json_t *rows, const char *user_prompt,
    const char *last_user, const char *last_assistant, int prompt_number,
    struct sum_input *m, json_t **arenap)
{
	char investigated[1024] = "", learned[1024] = "", completed[1024] = "";
	char fread_[1024] = "", fedit[1024] = "";
	json_t *arena = json_object();
	size_t i;

	memset(m, 0, sizeof(*m));
	if (arena == NULL)
		return -1;
	*arenap = arena;
	for (i = 0; i < json_array_size(rows); i++) {
		json_t *r = json_array_get(rows, i);
		const char *type = str_field(r, "type");
		const char *title = str_field(r, "title");

		if (title == NULL)
			continue;
		if (type && strcmp(type, "change") == 0)
			list_add(completed, sizeof(completed), title);
		else if (type && strcmp(type, "decision") == 0)
			list_add(learned, sizeof(learned), title);
		else
			list_add(investigated, sizeof(investigated), title);
		list_add_json(fread_, sizeof(fread_), str_field(r, "files_read"));
		list_add_json(fedit, sizeof(fedit), str_field(r, "files_modified"));
	}
	m->request = keepf(arena, "%.500s", last_user && *last_user ? last_user :
	    user_prompt ? user_prompt : "");
	m->investigated = keepf(arena, "%s", *investigated ? investigated :
	    "Nothing investigated");
	m->learned = keepf(arena, "%zu observation(s) recorded%s%s",
	    json_array_size(rows), *learned ? "; decisions: " : "", learned);
	m->completed = keepf(arena, "%s", *completed ? completed :
	    "No files changed");
	m->next_steps = keepf(arena, "%s", *completed ?
	    "Review and test the changes" : "Continue the investigation");
	m->files_read = keepf(arena, "%s", fread_);
	m->files_edited = keepf(arena, "%s", fedit);
	m->notes = keepf(arena, "%.500s", last_assistant ? last_assistant : "");
	m->prompt_number = prompt_number;
	return 0;
}
