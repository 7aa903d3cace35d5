/*
 * test_worker_corpus.c: common/corpus (linked through workerlib): names,
 * the filter of a build request, the selection and stats over a store,
 * the files, the built-in retrieval answer and the bounded agent child.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "corpus.h"
#include "memdb.h"

static char dir[] = "/tmp/corpus-unit.XXXXXX";
static sqlite3 *db;

static void exec(const char *sql)
{
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static int setup(void **state)
{
	char path[256], err[256];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/claude-mem.db", dir);
	if (memdb_open(path, 0, &db, err, sizeof(err)) < 0)
		return -1;
	exec("INSERT INTO sdk_sessions (claude_session_id, sdk_session_id, "
	    "project, started_at, started_at_epoch) VALUES ('c1', 'c1', 'p', "
	    "'2026-01-01T00:00:00.000Z', 1767225600000);"
	    "INSERT INTO observations (sdk_session_id, project, type, title, "
	    "subtitle, narrative, facts, concepts, files_read, files_modified, "
	    "created_at, created_at_epoch) VALUES "
	    "('c1', 'p', 'discovery', 'Read parser.c', '/s/parser.c', "
	    "'The parser uses a Pratt loop', '[\"Read 10 line(s)\"]', "
	    "'[\"how-it-works\"]', '[\"/s/parser.c\"]', '[]', "
	    "'2026-01-02T00:00:00.000Z', 1767312000000),"
	    "('c1', 'p', 'change', 'Edited lexer.c', '/s/lexer.c', NULL, "
	    "'not json', '[\"what-changed\"]', '[]', '[\"/s/lexer.c\"]', "
	    "'2026-01-03T00:00:00.000Z', 1767398400000),"
	    "('c1', 'q', 'decision', 'Chose kqueue', NULL, 'kqueue over epoll "
	    "for the parser tests', '[]', '[\"trade-off\"]', '[]', '[]', "
	    "'2026-01-04T00:00:00.000Z', 1767484800000);");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	memdb_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_names(void **state)
{
	char out[CORPUS_NAME_MAX + 1], big[300];

	(void)state;
	assert_true(corpus_name_valid("a-b_c.1"));
	assert_false(corpus_name_valid("."));
	assert_false(corpus_name_valid(".."));
	assert_false(corpus_name_valid("a/b"));
	assert_false(corpus_name_valid("../x"));
	assert_false(corpus_name_valid("a b"));
	assert_false(corpus_name_valid(""));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(corpus_name_valid(big));
	assert_int_equal(corpus_name_clean("  notes \n", out, sizeof(out)), 0);
	assert_string_equal(out, "notes");
	assert_int_equal(corpus_name_clean(" .. ", out, sizeof(out)), -1);
}

static json_t *filter(const char *body, char *field, char *msg)
{
	json_t *b = json_loads(body, 0, NULL), *f;

	assert_non_null(b);
	f = corpus_filter_from(b, field, 32, msg, 256);
	json_decref(b);
	return f;
}

static void test_filter(void **state)
{
	char field[32], msg[256], *s;
	json_t *f;

	(void)state;
	f = filter("{\"name\":\"n\",\"description\":\"d\",\"types\":\"change, "
	    "discovery\",\"concepts\":\"[\\\"a\\\",\\\"b\\\"]\",\"files\":[\"x.c\"],"
	    "\"project\":\"\",\"limit\":\"5\",\"date_start\":"
	    "\"2026-01-02T10:00:00+02:00\",\"dateStart\":\"ignored\"}", field, msg);
	assert_non_null(f);
	s = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"concepts\":[\"a\",\"b\"],\"date_start\":"
	    "\"2026-01-02T10:00:00+02:00\",\"files\":[\"x.c\"],\"limit\":5,"
	    "\"types\":[\"change\",\"discovery\"]}");
	free(s);
	json_decref(f);
	assert_null(filter("{\"types\":\"change,bogus\"}", field, msg));
	assert_string_equal(field, "types");
	assert_null(filter("{\"limit\":1.5}", field, msg));
	assert_string_equal(field, "limit");
	assert_null(filter("{\"limit\":\"0\"}", field, msg));
	assert_null(filter("{\"date_end\":\"2026-13-01\"}", field, msg));
	assert_string_equal(field, "date_end");
	assert_null(filter("{\"date_end\":\"2026-01-01T25:00\"}", field, msg));
	assert_null(filter("{\"query\":[\"x\"]}", field, msg));
	assert_string_equal(field, "query");
	assert_null(filter("{\"files\":[\"\"]}", field, msg));
	assert_string_equal(field, "files");
}

static json_t *build(const char *body)
{
	char field[32], msg[256], err[256];
	json_t *f = filter(body, field, msg), *c;

	assert_non_null(f);
	c = corpus_build(db, "t", "desc", f, err, sizeof(err));
	json_decref(f);
	assert_non_null(c);
	return c;
}

static int64_t count(json_t *c)
{
	return json_integer_value(json_object_get(json_object_get(c, "stats"),
	    "observation_count"));
}

static void test_select(void **state)
{
	json_t *c;

	(void)state;
	c = build("{\"project\":\"p\"}");
	assert_int_equal(count(c), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(c, "observations"), 0), "title")), "Read parser.c");
	/* a column that is not JSON is an empty list, not an error */
	assert_int_equal(json_array_size(json_object_get(json_array_get(
	    json_object_get(c, "observations"), 1), "facts")), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_object_get(c, "stats"), "date_range"), "earliest")),
	    "2026-01-02T00:00:00.000Z");
	json_decref(c);
	c = build("{\"types\":\"decision,change\"}");
	assert_int_equal(count(c), 2);
	json_decref(c);
	c = build("{\"files\":\"lexer\"}");
	assert_int_equal(count(c), 1);
	json_decref(c);
	c = build("{\"concepts\":\"trade-off,how-it-works\"}");
	assert_int_equal(count(c), 2);
	json_decref(c);
	c = build("{\"query\":\"parser\"}");
	assert_int_equal(count(c), 2);
	json_decref(c);
	/* one phrase, as 13 quotes it: a quote inside is doubled, not syntax */
	c = build("{\"query\":\"Pratt \\\"loop\"}");
	assert_int_equal(count(c), 1);
	json_decref(c);
	c = build("{\"query\":\"parser loop\"}");
	assert_int_equal(count(c), 0);
	json_decref(c);
	c = build("{\"date_start\":\"2026-01-03\",\"date_end\":\"2026-01-03T00:00:00Z\"}");
	assert_int_equal(count(c), 1);
	json_decref(c);
	/* the latest `limit`, oldest first */
	c = build("{\"date_start\":\"2026-01-01\",\"limit\":2}");
	assert_int_equal(count(c), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    json_object_get(c, "observations"), 0), "id")), 2);
	json_decref(c);
	/* no criterion: 13's search refuses, the corpus is empty */
	c = build("{\"limit\":10}");
	assert_int_equal(count(c), 0);
	json_decref(c);
}

static void test_files_and_answer(void **state)
{
	char cdir[256], err[256], *a, *b;
	json_t *c = build("{\"query\":\"parser\"}"), *r, *l;

	(void)state;
	snprintf(cdir, sizeof(cdir), "%s/corpora", dir);
	assert_int_equal(corpus_write(cdir, c, err, sizeof(err)), 0);
	assert_int_equal(corpus_read(cdir, "t", &r, err, sizeof(err)), 1);
	assert_true(json_equal(r, c));
	json_decref(r);
	assert_int_equal(corpus_read(cdir, "nope", &r, err, sizeof(err)), 0);
	assert_int_equal(corpus_read(cdir, "../t", &r, err, sizeof(err)), -1);
	l = corpus_list(cdir);
	assert_int_equal(json_array_size(l), 1);
	assert_null(json_object_get(json_array_get(l, 0), "observations"));
	json_decref(l);
	a = corpus_retrieval_answer(c, "How does the parser loop work?");
	b = corpus_retrieval_answer(c, "How does the parser loop work?");
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "Built-in retrieval answer"));
	/* #1 has parser in title, subtitle and narrative, loop too: first */
	assert_non_null(strstr(a, "- #1 [discovery] Read parser.c"));
	assert_true(strstr(a, "- #1 ") < strstr(a, "- #3 "));
	assert_non_null(strstr(a, "Cited: #1, #3"));
	free(a);
	free(b);
	assert_int_equal(corpus_delete(cdir, "t", err, sizeof(err)), 1);
	assert_int_equal(corpus_delete(cdir, "t", err, sizeof(err)), 0);
	json_decref(c);
}

static void test_agent(void **state)
{
	char err[256], *ans = NULL;
	json_t *c = json_pack("{s:s, s:s}", "name", "t", "session_id", "sid-1");

	(void)state;
	assert_int_equal(corpus_run_sync("cat; echo \" $CLAUDE_MEM_CORPUS_NAME "
	    "$CLAUDE_MEM_CORPUS_SESSION_ID\"", "question?", c, 5000, &ans, err,
	    sizeof(err)), 0);
	assert_string_equal(ans, "question? t sid-1");
	free(ans);
	assert_int_equal(corpus_run_sync("exit 4", "", c, 5000, &ans, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "corpus agent exited with status 4");
	assert_int_equal(corpus_run_sync("sleep 73519", "", c, 300, &ans, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no answer within"));
	assert_int_equal(system("! pgrep -f 'sleep 7351[9]' >/dev/null"), 0);
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_files_and_answer),
		cmocka_unit_test(test_agent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
