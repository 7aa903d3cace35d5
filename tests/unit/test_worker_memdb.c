/*
 * test_worker_memdb.c: common/memdb (linked through workerlib): migrations
 * on a fresh and on an old original database, idempotence, read-only.
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

#include "memdb.h"

static char dir[] = "/tmp/memdb-unit.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_paths(void **state)
{
	char buf[256];

	(void)state;
	setenv("CLAUDE_MEM_DATA_DIR", "/x/y", 1);
	assert_int_equal(memdb_data_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/y");
	assert_int_equal(memdb_path(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/y/claude-mem.db");
	unsetenv("CLAUDE_MEM_DATA_DIR");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(memdb_path(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/home/u/.claude-mem/claude-mem.db");
	assert_int_equal(memdb_path("/d", buf, 5), -1);
}

static void test_fresh_and_idempotent(void **state)
{
	char path[256], err[256];
	sqlite3 *db;

	(void)state;
	snprintf(path, sizeof(path), "%s/fresh/claude-mem.db", dir);
	assert_int_equal(memdb_open(path, 0, &db, err, sizeof(err)), 0);
	assert_int_equal(memdb_schema_version(db), MEMDB_VERSION);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM schema_versions"), 8);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "name IN ('observations_fts','session_summaries_fts',"
	    "'user_prompts_fts')"), 3);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE "
	    "type='trigger'"), 9);
	assert_int_equal(memdb_migrate(db, err, sizeof(err)), 0);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM schema_versions"), 8);
	assert_int_equal(scalar(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(memdb_close(db), 0);
}

static void test_readonly(void **state)
{
	char path[256], err[256];
	struct stat st;
	sqlite3 *db;

	(void)state;
	snprintf(path, sizeof(path), "%s/none/claude-mem.db", dir);
	assert_int_equal(memdb_open(path, 1, &db, err, sizeof(err)), -1);
	assert_null(db);
	assert_int_not_equal(stat(path, &st), 0);   /* nothing created */
	snprintf(path, sizeof(path), "%s/fresh/claude-mem.db", dir);
	assert_int_equal(memdb_open(path, 1, &db, err, sizeof(err)), 0);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM observations"), 0);
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO schema_versions "
	    "(version, applied_at) VALUES (99, 'x')", NULL, NULL, NULL), SQLITE_OK);
	memdb_close(db);
}

static void test_old_original(void **state)
{
	char path[256], cmd[512], err[256];
	sqlite3 *db;

	(void)state;
	snprintf(path, sizeof(path), "%s/old.db", dir);
	snprintf(cmd, sizeof(cmd), "sqlite3 %s < fixtures/worker/original-v6.sql "
	    ">/dev/null", path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(memdb_open(path, 0, &db, err, sizeof(err)), 0);
	assert_int_equal(memdb_schema_version(db), 11);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM observations_fts "
	    "WHERE observations_fts MATCH 'pool'"), 1);
	assert_int_equal(scalar(db, "SELECT \"notnull\" FROM pragma_table_info("
	    "'observations') WHERE name='text'"), 0);
	assert_int_equal(scalar(db, "SELECT COUNT(*) FROM pragma_index_list("
	    "'session_summaries') WHERE \"unique\"=1"), 0);
	memdb_close(db);
}

/* 13's content_hash: sha256 of the three fields joined with NULs, 16 hex
 * digits; NULL counts as "". Expected values from Python's hashlib. */
static void test_content_hash(void **state)
{
	char h[17];

	(void)state;
	memdb_content_hash("s1", "Read a.c", "n", h);
	assert_string_equal(h, "b5df4faec09ba7a7");
	memdb_content_hash(NULL, "", NULL, h);
	assert_string_equal(h, "96a296d224f285c6");
}

static void test_iso(void **state)
{
	char iso[32];

	(void)state;
	memdb_iso_from_ms(1762077660123LL, iso);
	assert_string_equal(iso, "2025-11-02T10:01:00.123Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_fresh_and_idempotent),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_old_original),
		cmocka_unit_test(test_content_hash),
		cmocka_unit_test(test_iso),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
