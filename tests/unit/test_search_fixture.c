/*
 * test_search_fixture: builds the search fixture database through memdb
 * (the real schema, migrations and FTS triggers) from the SQL files in
 * tests/fixtures/search/, and checks it.
 *
 *   test_search_fixture                    run the checks (ctest)
 *   test_search_fixture --make DB SQL...   only build DB (bats set-up)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memdb.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1)) &&
	    fread(s, 1, (size_t)n, f) == (size_t)n)
		s[n] = '\0';
	else {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

static int make_db(const char *db, char **sql, int nsql)
{
	char err[256], *text, *msg = NULL;
	sqlite3 *h;
	int i;

	if (memdb_open(db, 0, &h, err, sizeof(err)) < 0) {
		fprintf(stderr, "memdb_open: %s\n", err);
		return -1;
	}
	for (i = 0; i < nsql; i++) {
		if ((text = slurp(sql[i])) == NULL) {
			fprintf(stderr, "%s: cannot read\n", sql[i]);
			memdb_close(h);
			return -1;
		}
		if (sqlite3_exec(h, text, NULL, NULL, &msg) != SQLITE_OK) {
			fprintf(stderr, "%s: %s\n", sql[i], msg);
			sqlite3_free(msg);
			free(text);
			memdb_close(h);
			return -1;
		}
		free(text);
	}
	return memdb_close(h);
}

static int64_t count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_fixture_builds(void **state)
{
	static const struct { const char *sql; int64_t n; } cases[] = {
		{ "SELECT count(*) FROM sdk_sessions", 3 },
		{ "SELECT count(*) FROM observations", 7 },
		{ "SELECT count(*) FROM session_summaries", 2 },
		{ "SELECT count(*) FROM user_prompts", 4 },
		/* the triggers filled the FTS tables */
		{ "SELECT rowid FROM observations_fts WHERE observations_fts "
		  "MATCH 'leak'", 1 },
		{ "SELECT count(*) FROM user_prompts_fts WHERE user_prompts_fts "
		  "MATCH 'cron'", 1 },
		{ "SELECT created_at_epoch FROM observations WHERE id = 1",
		  1736845500000LL },
	};
	char dir[] = "/tmp/test_search_fixture.XXXXXX", db[64];
	char *sql[] = { "fixtures/search/fixture.sql" };
	char err[256];
	sqlite3 *h;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/claude-mem.db", dir);
	assert_int_equal(make_db(db, sql, 1), 0);
	assert_int_equal(memdb_open(db, 1, &h, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(count(h, cases[i].sql), cases[i].n);
	memdb_close(h);
	unlink(db);
	snprintf(db, sizeof(db), "%s/claude-mem.db-wal", dir);
	unlink(db);
	snprintf(db, sizeof(db), "%s/claude-mem.db-shm", dir);
	unlink(db);
	assert_int_equal(rmdir(dir), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_builds),
	};

	if (argc >= 4 && strcmp(argv[1], "--make") == 0)
		return make_db(argv[2], argv + 3, argc - 3) < 0 ? 1 : 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
