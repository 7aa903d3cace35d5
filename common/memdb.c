/*
 * memdb.c: open the claude-mem store and migrate it the way the original
 * SessionStore did (same versions, same checks, same resulting tables), so
 * databases written by either side stay interchangeable. See memdb.h.
 */
#include "memdb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <nettle/sha2.h>

void memdb_seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

int memdb_data_dir(char *buf, size_t len)
{
	const char *d = getenv("CLAUDE_MEM_DATA_DIR");
	const char *home;
	int n;

	if (d != NULL && *d != '\0')
		n = snprintf(buf, len, "%s", d);
	else {
		home = getenv("HOME");
		if (home == NULL || *home == '\0')
			return -1;
		n = snprintf(buf, len, "%s/%s", home, MEMDB_DIR_DEFAULT);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int memdb_path(const char *data_dir, char *buf, size_t len)
{
	char dir[4096];
	int n;

	if (data_dir == NULL) {
		if (memdb_data_dir(dir, sizeof(dir)) < 0)
			return -1;
		data_dir = dir;
	}
	n = snprintf(buf, len, "%s/%s", data_dir, MEMDB_FILE);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void memdb_iso_from_ms(int64_t ms, char iso[32])
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&s, &tm);
	n = strftime(iso, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(iso + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}

void memdb_now(char iso[32], int64_t *epoch_ms)
{
	struct timespec ts;
	int64_t ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (epoch_ms != NULL)
		*epoch_ms = ms;
	if (iso != NULL)
		memdb_iso_from_ms(ms, iso);
}

/* ---- small helpers ---------------------------------------------------- */

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		memdb_seterr(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* 1 when table has column, 0 when not, -1 on error. */
static int has_column(sqlite3 *db, const char *table, const char *column,
    int *notnull)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	/* table_xinfo (not table_info, which hides generated columns such
	 * as the 13 layer's content_session_id); it takes no bound
	 * parameter: the name is one of ours. */
	char sql[128];
	snprintf(sql, sizeof(sql), "PRAGMA table_xinfo(%s)", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 1);
		if (name != NULL && strcmp((const char *)name, column) == 0) {
			found = 1;
			if (notnull != NULL)
				*notnull = sqlite3_column_int(st, 3);
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		found = -1;
	sqlite3_finalize(st);
	return found;
}

/* 1 when a schema object of that type and name exists, 0 when not, -1 error. */
static int has_object(sqlite3 *db, const char *type, const char *name)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master "
	    "WHERE type = ?1 AND name = ?2", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* 1 when session_summaries has a UNIQUE index (the pre-7 constraint). */
static int summaries_have_unique(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int rc, found = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA index_list(session_summaries)", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_int(st, 2) == 1)
			found = 1;
	if (rc != SQLITE_DONE)
		found = -1;
	sqlite3_finalize(st);
	return found;
}

static int version_applied(sqlite3 *db, int version)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM schema_versions "
	    "WHERE version = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, version);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

static int record_version(sqlite3 *db, int version, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char iso[32];
	int rc;

	memdb_now(iso, NULL);
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO schema_versions "
	    "(version, applied_at) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int(st, 1, version);
	sqlite3_bind_text(st, 2, iso, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* ---- the migrations, in the original's order -------------------------- */

/*
 * Migration 4 (the original's "migration004"): the SDK-agent tables. Run only
 * on a database where no version at all is recorded, as the original did.
 */
static const char sql_v4[] =
	"CREATE TABLE IF NOT EXISTS sdk_sessions (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  claude_session_id TEXT UNIQUE NOT NULL,\n"
	"  sdk_session_id TEXT UNIQUE,\n"
	"  project TEXT NOT NULL,\n"
	"  user_prompt TEXT,\n"
	"  started_at TEXT NOT NULL,\n"
	"  started_at_epoch INTEGER NOT NULL,\n"
	"  completed_at TEXT,\n"
	"  completed_at_epoch INTEGER,\n"
	"  status TEXT CHECK(status IN ('active', 'completed', 'failed')) "
	"NOT NULL DEFAULT 'active'\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS idx_sdk_sessions_claude_id ON sdk_sessions(claude_session_id);\n"
	"CREATE INDEX IF NOT EXISTS idx_sdk_sessions_sdk_id ON sdk_sessions(sdk_session_id);\n"
	"CREATE INDEX IF NOT EXISTS idx_sdk_sessions_project ON sdk_sessions(project);\n"
	"CREATE INDEX IF NOT EXISTS idx_sdk_sessions_status ON sdk_sessions(status);\n"
	"CREATE INDEX IF NOT EXISTS idx_sdk_sessions_started ON sdk_sessions(started_at_epoch DESC);\n"
	"CREATE TABLE IF NOT EXISTS observations (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  sdk_session_id TEXT NOT NULL,\n"
	"  project TEXT NOT NULL,\n"
	"  text TEXT NOT NULL,\n"
	"  type TEXT NOT NULL CHECK(type IN ('decision', 'bugfix', 'feature', "
	"'refactor', 'discovery')),\n"
	"  created_at TEXT NOT NULL,\n"
	"  created_at_epoch INTEGER NOT NULL,\n"
	"  FOREIGN KEY(sdk_session_id) REFERENCES sdk_sessions(sdk_session_id) "
	"ON DELETE CASCADE\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS idx_observations_sdk_session ON observations(sdk_session_id);\n"
	"CREATE INDEX IF NOT EXISTS idx_observations_project ON observations(project);\n"
	"CREATE INDEX IF NOT EXISTS idx_observations_type ON observations(type);\n"
	"CREATE INDEX IF NOT EXISTS idx_observations_created ON observations(created_at_epoch DESC);\n"
	"CREATE TABLE IF NOT EXISTS session_summaries (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  sdk_session_id TEXT UNIQUE NOT NULL,\n"
	"  project TEXT NOT NULL,\n"
	"  request TEXT,\n"
	"  investigated TEXT,\n"
	"  learned TEXT,\n"
	"  completed TEXT,\n"
	"  next_steps TEXT,\n"
	"  files_read TEXT,\n"
	"  files_edited TEXT,\n"
	"  notes TEXT,\n"
	"  created_at TEXT NOT NULL,\n"
	"  created_at_epoch INTEGER NOT NULL,\n"
	"  FOREIGN KEY(sdk_session_id) REFERENCES sdk_sessions(sdk_session_id) "
	"ON DELETE CASCADE\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS idx_session_summaries_sdk_session ON session_summaries(sdk_session_id);\n"
	"CREATE INDEX IF NOT EXISTS idx_session_summaries_project ON session_summaries(project);\n"
	"CREATE INDEX IF NOT EXISTS idx_session_summaries_created ON session_summaries(created_at_epoch DESC);\n";

static int mig_v4(sqlite3 *db, char *err, size_t errlen)
{
	int max = memdb_schema_version(db);

	if (max < 0) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (max != 0)
		return 0;       /* the original ran it only on a fresh database */
	if (exec(db, sql_v4, err, errlen) < 0)
		return -1;
	return record_version(db, 4, err, errlen);
}

/* Add column if absent; the common shape of migrations 5, 6, 8 and 11. */
static int add_column(sqlite3 *db, const char *table, const char *column,
    const char *decl, char *err, size_t errlen)
{
	char sql[256];
	int r = has_column(db, table, column, NULL);

	if (r < 0) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (r == 1)
		return 0;
	snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD COLUMN %s %s",
	    table, column, decl);
	return exec(db, sql, err, errlen);
}

static int mig_v5(sqlite3 *db, char *err, size_t errlen)
{
	if (add_column(db, "sdk_sessions", "worker_port", "INTEGER", err, errlen) < 0)
		return -1;
	return record_version(db, 5, err, errlen);
}

static int mig_v6(sqlite3 *db, char *err, size_t errlen)
{
	if (add_column(db, "sdk_sessions", "prompt_counter", "INTEGER DEFAULT 0",
	    err, errlen) < 0 ||
	    add_column(db, "observations", "prompt_number", "INTEGER", err, errlen) < 0 ||
	    add_column(db, "session_summaries", "prompt_number", "INTEGER",
	    err, errlen) < 0)
		return -1;
	return record_version(db, 6, err, errlen);
}

/* Migration 7: drop the UNIQUE on session_summaries.sdk_session_id. */
static const char sql_v7[] =
	"CREATE TABLE session_summaries_new (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  sdk_session_id TEXT NOT NULL,\n"
	"  project TEXT NOT NULL,\n"
	"  request TEXT,\n"
	"  investigated TEXT,\n"
	"  learned TEXT,\n"
	"  completed TEXT,\n"
	"  next_steps TEXT,\n"
	"  files_read TEXT,\n"
	"  files_edited TEXT,\n"
	"  notes TEXT,\n"
	"  prompt_number INTEGER,\n"
	"  created_at TEXT NOT NULL,\n"
	"  created_at_epoch INTEGER NOT NULL,\n"
	"  FOREIGN KEY(sdk_session_id) REFERENCES sdk_sessions(sdk_session_id) "
	"ON DELETE CASCADE\n"
	");\n"
	"INSERT INTO session_summaries_new\n"
	"  SELECT id, sdk_session_id, project, request, investigated, learned,\n"
	"         completed, next_steps, files_read, files_edited, notes,\n"
	"         prompt_number, created_at, created_at_epoch\n"
	"  FROM session_summaries;\n"
	"DROP TABLE session_summaries;\n"
	"ALTER TABLE session_summaries_new RENAME TO session_summaries;\n"
	"CREATE INDEX idx_session_summaries_sdk_session ON session_summaries(sdk_session_id);\n"
	"CREATE INDEX idx_session_summaries_project ON session_summaries(project);\n"
	"CREATE INDEX idx_session_summaries_created ON session_summaries(created_at_epoch DESC);\n";

static int mig_v7(sqlite3 *db, char *err, size_t errlen)
{
	int r = summaries_have_unique(db);

	if (r < 0) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (r == 1 && exec(db, sql_v7, err, errlen) < 0)
		return -1;
	return record_version(db, 7, err, errlen);
}

static int mig_v8(sqlite3 *db, char *err, size_t errlen)
{
	static const char *cols[] = { "title", "subtitle", "facts", "narrative",
	    "concepts", "files_read", "files_modified" };
	size_t i;

	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (add_column(db, "observations", cols[i], "TEXT", err, errlen) < 0)
			return -1;
	return record_version(db, 8, err, errlen);
}

/* Migration 9: observations.text becomes nullable, type gains 'change'. */
static const char sql_v9[] =
	"CREATE TABLE observations_new (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  sdk_session_id TEXT NOT NULL,\n"
	"  project TEXT NOT NULL,\n"
	"  text TEXT,\n"
	"  type TEXT NOT NULL CHECK(type IN ('decision', 'bugfix', 'feature', "
	"'refactor', 'discovery', 'change')),\n"
	"  title TEXT,\n"
	"  subtitle TEXT,\n"
	"  facts TEXT,\n"
	"  narrative TEXT,\n"
	"  concepts TEXT,\n"
	"  files_read TEXT,\n"
	"  files_modified TEXT,\n"
	"  prompt_number INTEGER,\n"
	"  created_at TEXT NOT NULL,\n"
	"  created_at_epoch INTEGER NOT NULL,\n"
	"  FOREIGN KEY(sdk_session_id) REFERENCES sdk_sessions(sdk_session_id) "
	"ON DELETE CASCADE\n"
	");\n"
	"INSERT INTO observations_new\n"
	"  SELECT id, sdk_session_id, project, text, type, title, subtitle, facts,\n"
	"         narrative, concepts, files_read, files_modified, prompt_number,\n"
	"         created_at, created_at_epoch\n"
	"  FROM observations;\n"
	"DROP TABLE observations;\n"
	"ALTER TABLE observations_new RENAME TO observations;\n"
	"CREATE INDEX idx_observations_sdk_session ON observations(sdk_session_id);\n"
	"CREATE INDEX idx_observations_project ON observations(project);\n"
	"CREATE INDEX idx_observations_type ON observations(type);\n"
	"CREATE INDEX idx_observations_created ON observations(created_at_epoch DESC);\n";

static int mig_v9(sqlite3 *db, char *err, size_t errlen)
{
	int notnull = 0;
	int r = has_column(db, "observations", "text", &notnull);

	if (r < 0) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (r == 1 && notnull) {
		/* The rebuild drops observations' FTS triggers; fts_ensure() below
		 * recreates them. */
		if (exec(db, sql_v9, err, errlen) < 0)
			return -1;
	}
	return record_version(db, 9, err, errlen);
}

/* Migration 10: user_prompts and its FTS5 table. */
static const char sql_v10[] =
	"CREATE TABLE user_prompts (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  claude_session_id TEXT NOT NULL,\n"
	"  prompt_number INTEGER NOT NULL,\n"
	"  prompt_text TEXT NOT NULL,\n"
	"  created_at TEXT NOT NULL,\n"
	"  created_at_epoch INTEGER NOT NULL,\n"
	"  FOREIGN KEY(claude_session_id) REFERENCES sdk_sessions(claude_session_id) "
	"ON DELETE CASCADE\n"
	");\n"
	"CREATE INDEX idx_user_prompts_claude_session ON user_prompts(claude_session_id);\n"
	"CREATE INDEX idx_user_prompts_created ON user_prompts(created_at_epoch DESC);\n"
	"CREATE INDEX idx_user_prompts_prompt_number ON user_prompts(prompt_number);\n"
	"CREATE INDEX idx_user_prompts_lookup ON user_prompts(claude_session_id, prompt_number);\n"
	"CREATE VIRTUAL TABLE user_prompts_fts USING fts5(\n"
	"  prompt_text,\n"
	"  content='user_prompts',\n"
	"  content_rowid='id'\n"
	");\n"
	"CREATE TRIGGER user_prompts_ai AFTER INSERT ON user_prompts BEGIN\n"
	"  INSERT INTO user_prompts_fts(rowid, prompt_text)\n"
	"  VALUES (new.id, new.prompt_text);\n"
	"END;\n"
	"CREATE TRIGGER user_prompts_ad AFTER DELETE ON user_prompts BEGIN\n"
	"  INSERT INTO user_prompts_fts(user_prompts_fts, rowid, prompt_text)\n"
	"  VALUES('delete', old.id, old.prompt_text);\n"
	"END;\n"
	"CREATE TRIGGER user_prompts_au AFTER UPDATE ON user_prompts BEGIN\n"
	"  INSERT INTO user_prompts_fts(user_prompts_fts, rowid, prompt_text)\n"
	"  VALUES('delete', old.id, old.prompt_text);\n"
	"  INSERT INTO user_prompts_fts(rowid, prompt_text)\n"
	"  VALUES (new.id, new.prompt_text);\n"
	"END;\n";

static int mig_v10(sqlite3 *db, char *err, size_t errlen)
{
	int r = has_object(db, "table", "user_prompts");

	if (r < 0) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (r == 0 && exec(db, sql_v10, err, errlen) < 0)
		return -1;
	return record_version(db, 10, err, errlen);
}

static int mig_v11(sqlite3 *db, char *err, size_t errlen)
{
	if (add_column(db, "observations", "discovery_tokens", "INTEGER DEFAULT 0",
	    err, errlen) < 0 ||
	    add_column(db, "session_summaries", "discovery_tokens",
	    "INTEGER DEFAULT 0", err, errlen) < 0)
		return -1;
	return record_version(db, 11, err, errlen);
}

/*
 * The FTS5 tables of observations and summaries, as the original's
 * SessionSearch created them when missing (no version recorded). Existing
 * rows are indexed with 'rebuild' so an older database becomes searchable.
 */
static const char sql_fts_obs[] =
	"CREATE VIRTUAL TABLE observations_fts USING fts5(\n"
	"  title, subtitle, narrative, text, facts, concepts,\n"
	"  content='observations', content_rowid='id'\n"
	");\n"
	"INSERT INTO observations_fts(observations_fts) VALUES('rebuild');\n";

static const char sql_fts_obs_triggers[] =
	"CREATE TRIGGER IF NOT EXISTS observations_ai AFTER INSERT ON observations BEGIN\n"
	"  INSERT INTO observations_fts(rowid, title, subtitle, narrative, text, facts, concepts)\n"
	"  VALUES (new.id, new.title, new.subtitle, new.narrative, new.text, new.facts, new.concepts);\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS observations_ad AFTER DELETE ON observations BEGIN\n"
	"  INSERT INTO observations_fts(observations_fts, rowid, title, subtitle, narrative, text, facts, concepts)\n"
	"  VALUES('delete', old.id, old.title, old.subtitle, old.narrative, old.text, old.facts, old.concepts);\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS observations_au AFTER UPDATE ON observations BEGIN\n"
	"  INSERT INTO observations_fts(observations_fts, rowid, title, subtitle, narrative, text, facts, concepts)\n"
	"  VALUES('delete', old.id, old.title, old.subtitle, old.narrative, old.text, old.facts, old.concepts);\n"
	"  INSERT INTO observations_fts(rowid, title, subtitle, narrative, text, facts, concepts)\n"
	"  VALUES (new.id, new.title, new.subtitle, new.narrative, new.text, new.facts, new.concepts);\n"
	"END;\n";

static const char sql_fts_sum[] =
	"CREATE VIRTUAL TABLE session_summaries_fts USING fts5(\n"
	"  request, investigated, learned, completed, next_steps, notes,\n"
	"  content='session_summaries', content_rowid='id'\n"
	");\n"
	"INSERT INTO session_summaries_fts(session_summaries_fts) VALUES('rebuild');\n";

static const char sql_fts_sum_triggers[] =
	"CREATE TRIGGER IF NOT EXISTS session_summaries_ai AFTER INSERT ON session_summaries BEGIN\n"
	"  INSERT INTO session_summaries_fts(rowid, request, investigated, learned, completed, next_steps, notes)\n"
	"  VALUES (new.id, new.request, new.investigated, new.learned, new.completed, new.next_steps, new.notes);\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS session_summaries_ad AFTER DELETE ON session_summaries BEGIN\n"
	"  INSERT INTO session_summaries_fts(session_summaries_fts, rowid, request, investigated, learned, completed, next_steps, notes)\n"
	"  VALUES('delete', old.id, old.request, old.investigated, old.learned, old.completed, old.next_steps, old.notes);\n"
	"END;\n"
	"CREATE TRIGGER IF NOT EXISTS session_summaries_au AFTER UPDATE ON session_summaries BEGIN\n"
	"  INSERT INTO session_summaries_fts(session_summaries_fts, rowid, request, investigated, learned, completed, next_steps, notes)\n"
	"  VALUES('delete', old.id, old.request, old.investigated, old.learned, old.completed, old.next_steps, old.notes);\n"
	"  INSERT INTO session_summaries_fts(rowid, request, investigated, learned, completed, next_steps, notes)\n"
	"  VALUES (new.id, new.request, new.investigated, new.learned, new.completed, new.next_steps, new.notes);\n"
	"END;\n";

static int fts_ensure(sqlite3 *db, char *err, size_t errlen)
{
	int r;

	if ((r = has_object(db, "table", "observations_fts")) < 0)
		goto dberr;
	if (r == 0 && exec(db, sql_fts_obs, err, errlen) < 0)
		return -1;
	if (exec(db, sql_fts_obs_triggers, err, errlen) < 0)
		return -1;
	if ((r = has_object(db, "table", "session_summaries_fts")) < 0)
		goto dberr;
	if (r == 0 && exec(db, sql_fts_sum, err, errlen) < 0)
		return -1;
	return exec(db, sql_fts_sum_triggers, err, errlen);
dberr:
	memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
	return -1;
}

/* ---- the claude-mem 13 layer ------------------------------------------ */

/*
 * claude-mem 13 renamed the session ids (content_session_id for Claude
 * Code's, memory_session_id for the memory agent's) and added columns and
 * tables. The seed-era columns stay the stored ones; the 13 names are
 * VIRTUAL generated columns over them, so writers of either era (and the
 * seed-era search server) keep working and 13's readers find their names.
 * observations is rebuilt once for 13's nine types and new columns.
 */
static const char sql_13_obs[] =
	"CREATE TABLE observations_new (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  sdk_session_id TEXT NOT NULL,\n"
	"  memory_session_id TEXT GENERATED ALWAYS AS (sdk_session_id) VIRTUAL,\n"
	"  project TEXT NOT NULL,\n"
	"  merged_into_project TEXT,\n"
	"  text TEXT,\n"
	"  type TEXT NOT NULL CHECK(type IN ('decision', 'bugfix', 'feature', "
	"'refactor', 'discovery', 'change', 'security_alert', 'security_note', "
	"'sensitive')),\n"
	"  title TEXT,\n"
	"  subtitle TEXT,\n"
	"  facts TEXT,\n"
	"  narrative TEXT,\n"
	"  concepts TEXT,\n"
	"  files_read TEXT,\n"
	"  files_modified TEXT,\n"
	"  prompt_number INTEGER,\n"
	"  discovery_tokens INTEGER DEFAULT 0,\n"
	"  agent_type TEXT,\n"
	"  agent_id TEXT,\n"
	"  content_hash TEXT,\n"
	"  created_at TEXT NOT NULL,\n"
	"  created_at_epoch INTEGER NOT NULL,\n"
	"  FOREIGN KEY(sdk_session_id) REFERENCES sdk_sessions(sdk_session_id) "
	"ON DELETE CASCADE\n"
	");\n"
	"INSERT INTO observations_new (id, sdk_session_id, project, text, type,\n"
	"  title, subtitle, facts, narrative, concepts, files_read, files_modified,\n"
	"  prompt_number, discovery_tokens, created_at, created_at_epoch)\n"
	"  SELECT id, sdk_session_id, project, text, type, title, subtitle, facts,\n"
	"         narrative, concepts, files_read, files_modified, prompt_number,\n"
	"         discovery_tokens, created_at, created_at_epoch\n"
	"  FROM observations;\n"
	"DROP TABLE observations;\n"
	"ALTER TABLE observations_new RENAME TO observations;\n"
	"CREATE INDEX idx_observations_sdk_session ON observations(sdk_session_id);\n"
	"CREATE INDEX idx_observations_project ON observations(project);\n"
	"CREATE INDEX idx_observations_type ON observations(type);\n"
	"CREATE INDEX idx_observations_created ON observations(created_at_epoch DESC);\n";

static const char sql_13_rest[] =
	"UPDATE user_prompts SET session_db_id = (SELECT s.id FROM sdk_sessions s\n"
	"  WHERE s.claude_session_id = user_prompts.claude_session_id)\n"
	"  WHERE session_db_id IS NULL;\n"
	"CREATE INDEX IF NOT EXISTS idx_sdk_sessions_content ON sdk_sessions(content_session_id);\n"
	"CREATE TABLE IF NOT EXISTS tool_uses (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  tool_use_id TEXT,\n"
	"  content_session_id TEXT NOT NULL,\n"
	"  memory_session_id TEXT,\n"
	"  project TEXT,\n"
	"  platform_source TEXT NOT NULL DEFAULT 'claude',\n"
	"  tool_name TEXT NOT NULL,\n"
	"  tool_input TEXT,\n"
	"  tool_response TEXT,\n"
	"  cwd TEXT,\n"
	"  agent_id TEXT,\n"
	"  agent_type TEXT,\n"
	"  prompt_number INTEGER,\n"
	"  created_at TEXT NOT NULL,\n"
	"  created_at_epoch INTEGER NOT NULL,\n"
	"  UNIQUE(content_session_id, tool_use_id)\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS idx_tool_uses_session ON tool_uses(content_session_id);\n"
	"CREATE INDEX IF NOT EXISTS idx_tool_uses_created ON tool_uses(created_at_epoch DESC);\n"
	/* 13's queue, as its migrations 16..35 leave it: done rows are
	 * deleted, so only 'pending' and 'processing' exist. */
	"CREATE TABLE IF NOT EXISTS pending_messages (\n"
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	"  session_db_id INTEGER NOT NULL,\n"
	"  content_session_id TEXT NOT NULL,\n"
	"  message_type TEXT NOT NULL CHECK(message_type IN ('observation', 'summarize')),\n"
	"  tool_name TEXT,\n"
	"  tool_input TEXT,\n"
	"  tool_response TEXT,\n"
	"  cwd TEXT,\n"
	"  last_user_message TEXT,\n"
	"  last_assistant_message TEXT,\n"
	"  prompt_number INTEGER,\n"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending', 'processing')),\n"
	"  created_at_epoch INTEGER NOT NULL,\n"
	"  agent_type TEXT,\n"
	"  agent_id TEXT,\n"
	"  tool_use_id TEXT,\n"
	"  FOREIGN KEY (session_db_id) REFERENCES sdk_sessions(id) ON DELETE CASCADE\n"
	");\n"
	"CREATE INDEX IF NOT EXISTS idx_pending_messages_session ON pending_messages(session_db_id);\n"
	"CREATE INDEX IF NOT EXISTS idx_pending_messages_status ON pending_messages(status);\n"
	"CREATE INDEX IF NOT EXISTS idx_pending_messages_claude_session ON pending_messages(content_session_id);\n"
	"CREATE UNIQUE INDEX IF NOT EXISTS ux_pending_session_tool\n"
	"  ON pending_messages(session_db_id, tool_use_id) WHERE tool_use_id IS NOT NULL;\n";

/*
 * content_hash for the rows already there, then 13's UNIQUE index. 13
 * deletes the later duplicates (its migration 29); here they are kept and
 * keep a NULL hash, which the UNIQUE index admits: no user data is lost.
 */
static const char sql_13_hash[] =
	"UPDATE observations SET content_hash = memdb_content_hash(sdk_session_id,\n"
	"  title, narrative) WHERE content_hash IS NULL;\n"
	"UPDATE observations SET content_hash = NULL WHERE id IN (\n"
	"  SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY\n"
	"    sdk_session_id, content_hash ORDER BY id) AS r FROM observations\n"
	"    WHERE content_hash IS NOT NULL) WHERE r > 1);\n"
	"DROP INDEX IF EXISTS idx_observations_content_hash;\n"
	"CREATE UNIQUE INDEX ux_observations_session_hash\n"
	"  ON observations(memory_session_id, content_hash);\n";

void memdb_content_hash(const char *memsid, const char *title,
    const char *narrative, char out[17])
{
	static const char hex[] = "0123456789abcdef";
	const char *part[3] = { memsid, title, narrative };
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_init(&ctx);
	for (i = 0; i < 3; i++) {
		if (i > 0)
			sha256_update(&ctx, 1, (const uint8_t *)"");
		if (part[i] != NULL)
			sha256_update(&ctx, strlen(part[i]),
			    (const uint8_t *)part[i]);
	}
	sha256_digest(&ctx, sizeof(d), d);
	for (i = 0; i < 8; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[16] = '\0';
}

static void sql_content_hash(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	char h[17];

	(void)argc;
	memdb_content_hash((const char *)sqlite3_value_text(v[0]),
	    (const char *)sqlite3_value_text(v[1]),
	    (const char *)sqlite3_value_text(v[2]), h);
	sqlite3_result_text(cx, h, 16, SQLITE_TRANSIENT);
}

static const struct {
	const char *table, *column, *decl;
} cols_13[] = {
	{ "sdk_sessions", "content_session_id",
	  "TEXT GENERATED ALWAYS AS (claude_session_id) VIRTUAL" },
	{ "sdk_sessions", "memory_session_id",
	  "TEXT GENERATED ALWAYS AS (sdk_session_id) VIRTUAL" },
	{ "sdk_sessions", "platform_source", "TEXT NOT NULL DEFAULT 'claude'" },
	{ "sdk_sessions", "custom_title", "TEXT" },
	{ "user_prompts", "content_session_id",
	  "TEXT GENERATED ALWAYS AS (claude_session_id) VIRTUAL" },
	{ "user_prompts", "session_db_id", "INTEGER" },
	{ "session_summaries", "memory_session_id",
	  "TEXT GENERATED ALWAYS AS (sdk_session_id) VIRTUAL" },
};

static int apply_13(sqlite3 *db, char *err, size_t errlen)
{
	size_t i;
	int r;

	for (i = 0; i < sizeof(cols_13) / sizeof(cols_13[0]); i++)
		if (add_column(db, cols_13[i].table, cols_13[i].column,
		    cols_13[i].decl, err, errlen) < 0)
			return -1;
	if ((r = has_column(db, "observations", "content_hash", NULL)) < 0) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	/* The rebuild drops observations' FTS triggers: made again below. */
	if (r == 0 && (exec(db, sql_13_obs, err, errlen) < 0 ||
	    exec(db, sql_fts_obs_triggers, err, errlen) < 0))
		return -1;
	if (exec(db, sql_13_rest, err, errlen) < 0)
		return -1;
	if ((r = has_object(db, "index", "ux_observations_session_hash")) < 0) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	if (r == 1)
		return 0;
	/* The function lives on this connection only, for this step: no
	 * schema object refers to it, so other readers never need it. */
	if (sqlite3_create_function(db, "memdb_content_hash", 3, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, sql_content_hash, NULL, NULL) !=
	    SQLITE_OK) {
		memdb_seterr(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	return exec(db, sql_13_hash, err, errlen);
}

int memdb_has13_any(sqlite3 *db)
{
	return has_object(db, "table", "tool_uses");
}

int memdb_has13(sqlite3 *db)
{
	int a = has_object(db, "table", "tool_uses");
	int b = has_column(db, "observations", "content_hash", NULL);
	int c = has_object(db, "table", "pending_messages");
	int d = has_object(db, "index", "ux_observations_session_hash");

	if (a < 0 || b < 0 || c < 0 || d < 0)
		return -1;
	return a && b && c && d;
}

int memdb_ensure13(sqlite3 *db, char *err, size_t errlen)
{
	char why[512] = "";
	int r = memdb_has13(db);

	if (r == 1)
		return 0;
	if (exec(db, "BEGIN IMMEDIATE", why, sizeof(why)) < 0)
		goto fail;
	if (memdb_has13(db) == 1) {
		exec(db, "COMMIT", NULL, 0);
		return 0;
	}
	if (apply_13(db, why, sizeof(why)) < 0 ||
	    exec(db, "COMMIT", why, sizeof(why)) < 0) {
		exec(db, "ROLLBACK", NULL, 0);
		goto fail;
	}
	return 0;
fail:
	memdb_seterr(err, errlen, "claude-mem 13 layer: %s", why);
	return -1;
}

struct migration {
	int version;            /* 0: an "ensure" step with no version row */
	const char *name;
	int (*apply)(sqlite3 *, char *, size_t);
};

static const struct migration migrations[] = {
	{ 4,  "core tables",                     mig_v4 },
	{ 5,  "sdk_sessions.worker_port",        mig_v5 },
	{ 6,  "prompt tracking columns",         mig_v6 },
	{ 7,  "session_summaries not unique",    mig_v7 },
	{ 8,  "observation hierarchical fields", mig_v8 },
	{ 9,  "observations.text nullable",      mig_v9 },
	{ 10, "user_prompts + FTS5",             mig_v10 },
	{ 11, "discovery_tokens columns",        mig_v11 },
	{ 0,  "observations/summaries FTS5",     fts_ensure },
};

static int run_one(sqlite3 *db, const struct migration *m, char *err,
    size_t errlen)
{
	char why[512] = "";
	int r;

	if (m->version > 0) {
		r = version_applied(db, m->version);
		if (r < 0) {
			memdb_seterr(err, errlen, "migration %d: %s",
			    m->version, sqlite3_errmsg(db));
			return -1;
		}
		if (r == 1)
			return 0;
	}
	/* IMMEDIATE: two writers migrating at once serialise here, and the
	 * loser then sees the version already applied. */
	if (exec(db, "BEGIN IMMEDIATE", why, sizeof(why)) < 0)
		goto fail;
	if (m->version > 0 && version_applied(db, m->version) == 1) {
		exec(db, "COMMIT", NULL, 0);
		return 0;
	}
	if (m->apply(db, why, sizeof(why)) < 0) {
		exec(db, "ROLLBACK", NULL, 0);
		goto fail;
	}
	if (exec(db, "COMMIT", why, sizeof(why)) < 0) {
		exec(db, "ROLLBACK", NULL, 0);
		goto fail;
	}
	return 0;
fail:
	memdb_seterr(err, errlen, "migration %d (%s): %s", m->version, m->name,
	    why);
	return -1;
}

int memdb_migrate(sqlite3 *db, char *err, size_t errlen)
{
	size_t i;

	if (exec(db, "CREATE TABLE IF NOT EXISTS schema_versions (\n"
	    "  id INTEGER PRIMARY KEY,\n"
	    "  version INTEGER UNIQUE NOT NULL,\n"
	    "  applied_at TEXT NOT NULL\n"
	    ")", err, errlen) < 0)
		return -1;
	for (i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++)
		if (run_one(db, &migrations[i], err, errlen) < 0)
			return -1;
	return 0;
}

int memdb_schema_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int rc, v = 0;

	rc = has_object(db, "table", "schema_versions");
	if (rc <= 0)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(version), 0) "
	    "FROM schema_versions", -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		v = -1;
	sqlite3_finalize(st);
	return v;
}

static int mkdir_parent(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		memdb_seterr(err, errlen, "path too long");
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		memdb_seterr(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int open_rw(const char *path, sqlite3 *db, char *err, size_t errlen)
{
	if (exec(db, "PRAGMA journal_mode = WAL", err, errlen) < 0 ||
	    exec(db, "PRAGMA synchronous = NORMAL", err, errlen) < 0)
		return -1;
	(void)path;
	return memdb_migrate(db, err, errlen);
}

static int open_ro(const char *path, sqlite3 *db, char *err, size_t errlen)
{
	int r = has_object(db, "table", "sdk_sessions");

	if (r < 0) {
		memdb_seterr(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	if (r == 0) {
		memdb_seterr(err, errlen, "%s: no claude-mem schema yet", path);
		return -1;
	}
	return 0;
}

int memdb_open(const char *path, int readonly, sqlite3 **out, char *err,
    size_t errlen)
{
	sqlite3 *db = NULL;
	int flags;

	*out = NULL;
	if (!readonly && mkdir_parent(path, err, errlen) < 0)
		return -1;
	flags = readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL)
	    != SQLITE_OK) {
		memdb_seterr(err, errlen, "%s: %s", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	if (sqlite3_busy_timeout(db, MEMDB_BUSY_MS) != SQLITE_OK ||
	    exec(db, "PRAGMA foreign_keys = ON", err, errlen) < 0)
		goto fail;
	if ((readonly ? open_ro : open_rw)(path, db, err, errlen) < 0)
		goto fail;
	*out = db;
	return 0;
fail:
	sqlite3_close(db);
	return -1;
}

int memdb_close(sqlite3 *db)
{
	int rc;

	if (db == NULL)
		return 0;
	if (!sqlite3_db_readonly(db, "main"))
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
		    NULL, NULL);
	rc = sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

json_t *memdb_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int i, n = sqlite3_column_count(st);

	for (i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st, i);
		json_t *v;

		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			v = json_real(sqlite3_column_double(st, i));
			break;
		case SQLITE_NULL:
			v = json_null();
			break;
		default:
			v = json_stringn((const char *)sqlite3_column_text(st, i),
			    (size_t)sqlite3_column_bytes(st, i));
			if (v == NULL)  /* not UTF-8: keep the row, lose the cell */
				v = json_null();
			break;
		}
		json_object_set_new(o, name, v);
	}
	return o;
}

void memdb_csv_append(json_t *arr, const char *s)
{
	const char *e;
	size_t n;

	while (s != NULL && *s != '\0') {
		while (*s == ' ' || *s == ',')
			s++;
		e = strchr(s, ',');
		n = e ? (size_t)(e - s) : strlen(s);
		while (n > 0 && s[n - 1] == ' ')
			n--;
		if (n > 0)
			json_array_append_new(arr, json_stringn(s, n));
		s = e;
	}
}
