/*
 * test_worker_extract.c: the deterministic extractor, one row a tool event
 * (tool, input JSON, response JSON -> type, title, files read/modified).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "worker.h"

struct row {
	const char *tool, *input, *response;
	const char *type, *title, *files_read, *files_modified, *fact0;
};

static const struct row rows[] = {
	{ "Edit", "{\"file_path\":\"/p/a.c\",\"old_string\":\"x\",\"new_string\":\"y\\nz\"}", "{}",
	  "change", "Edited a.c", "[]", "[\"/p/a.c\"]",
	  "Replaced 1 line(s) with 2 line(s) in /p/a.c" },
	{ "MultiEdit", "{\"file_path\":\"/p/b.c\",\"edits\":[{},{},{}]}", "{}",
	  "change", "Edited b.c", "[]", "[\"/p/b.c\"]", "3 edits applied to /p/b.c" },
	{ "Write", "{\"file_path\":\"/p/new.h\",\"content\":\"a\\nb\\nc\"}", "{}",
	  "change", "Wrote new.h", "[]", "[\"/p/new.h\"]", "Wrote 3 line(s) to /p/new.h" },
	{ "Read", "{\"file_path\":\"/p/r.c\"}", "{\"file\":{\"content\":\"1\\n2\\n\"}}",
	  "discovery", "Read r.c", "[\"/p/r.c\"]", "[]", "Read 2 line(s) of /p/r.c" },
	{ "Grep", "{\"pattern\":\"foo\"}", "{\"filenames\":[\"x.c\",\"y.c\",\"x.c\"]}",
	  "discovery", "Searched for \"foo\"", "[\"x.c\", \"y.c\"]", "[]",
	  "3 file(s) matched \"foo\"" },
	{ "Bash", "{\"command\":\"make test\"}", "{\"stdout\":\"ok\",\"stderr\":\"\"}",
	  "discovery", "Ran tests: make test", "[]", "[]", "Command: make test" },
	{ "Bash", "{\"command\":\"git commit -m x\"}", "{}",
	  "change", "Ran `git commit -m x`", "[]", "[]", "Command: git commit -m x" },
	{ "Bash", "{\"command\":\"ls -l\"}", "\"plain text\"",
	  "discovery", "Ran `ls -l`", "[]", "[]", "Command: ls -l" },
	{ "WebSearch", "{\"query\":\"libev\"}", "{}",
	  "discovery", "Searched the web for \"libev\"", "[]", "[]", "Query: libev" },
	{ "TodoWrite", "{\"todos\":[{\"content\":\"a\",\"status\":\"pending\"}]}", "{}",
	  "decision", "Planned 1 task(s)", "[]", "[]", "[pending] a" },
	{ "mcp__x__y", "{\"k\":1}", "{}",
	  "discovery", "Used mcp__x__y", "[]", "[]", "Input: {\"k\":1}" },
};

static char *dump(json_t *a)
{
	return json_dumps(a, JSON_ENCODE_ANY);
}

static void test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct tool_event ev = { r->tool, json_loads(r->input, 0, NULL),
		    json_loads(r->response, JSON_DECODE_ANY, NULL), "/p", 3 };
		struct obs_input o;
		json_t *arena = NULL;
		char *fr, *fm;

		assert_int_equal(extract_observation(&ev, &o, &arena), 0);
		assert_string_equal(o.type, r->type);
		assert_string_equal(o.title, r->title);
		fr = dump(o.files_read);
		fm = dump(o.files_modified);
		assert_string_equal(fr, r->files_read);
		assert_string_equal(fm, r->files_modified);
		assert_string_equal(json_string_value(json_array_get(o.facts, 0)),
		    r->fact0);
		assert_int_equal(o.prompt_number, 3);
		assert_non_null(strstr(o.narrative, "(prompt #3)"));
		free(fr);
		free(fm);
		json_decref(arena);
		json_decref(ev.input);
		json_decref(ev.response);
	}
}

static void test_no_tool(void **state)
{
	struct tool_event ev = { "", NULL, NULL, NULL, 0 };
	struct obs_input o;
	json_t *arena = NULL;

	(void)state;
	assert_int_equal(extract_observation(&ev, &o, &arena), -1);
}

static void test_summary(void **state)
{
	json_t *obs = json_loads("[{\"type\":\"change\",\"title\":\"Edited a.c\","
	    "\"files_modified\":\"[\\\"/a.c\\\"]\",\"files_read\":\"[]\"},"
	    "{\"type\":\"discovery\",\"title\":\"Read b.c\","
	    "\"files_read\":\"[\\\"/b.c\\\"]\",\"files_modified\":\"[]\"},"
	    "{\"type\":\"discovery\",\"title\":\"Read b.c\","
	    "\"files_read\":\"[\\\"/b.c\\\"]\",\"files_modified\":\"[]\"}]", 0, NULL);
	struct sum_input m;
	json_t *arena = NULL;

	(void)state;
	assert_non_null(obs);
	assert_int_equal(extract_summary(obs, "prompt", NULL, "bye", 2, &m,
	    &arena), 0);
	assert_string_equal(m.request, "prompt");
	assert_string_equal(m.completed, "Edited a.c");
	assert_string_equal(m.investigated, "Read b.c");
	assert_string_equal(m.files_read, "/b.c");
	assert_string_equal(m.files_edited, "/a.c");
	assert_string_equal(m.notes, "bye");
	assert_int_equal(m.prompt_number, 2);
	json_decref(arena);
	json_decref(obs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_no_tool),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
