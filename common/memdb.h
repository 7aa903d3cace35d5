/*
 * memdb.h: the memory store shared by mem-worker (writer) and mem-search
 * (reader): where the database lives, how it is opened, and its schema.
 *
 * The schema is the one of the original claude-mem (TypeScript, thedotmack,
 * SessionStore + SessionSearch, the "claude_session_id" generation), so a
 * claude-mem.db written by the original opens unchanged and vice versa.
 * Migrations are applied in the original's order and recorded the same way
 * (one row a version in schema_versions, versions 4..11). The FTS5 tables
 * are created "if missing" like the original's SessionSearch did (that step
 * records no version, as in the original).
 *
 * Errors: functions return 0 on success and -1 on failure; when an err
 * buffer is given it receives one line saying what failed.
 *
 * ------------------------------------------------------------------------
 * THE TABLES (final shape after migration 11; "--" says what a column holds)
 *
 * schema_versions (
 *   id          INTEGER PRIMARY KEY,
 *   version     INTEGER UNIQUE NOT NULL,   -- 4..11 once fully migrated
 *   applied_at  TEXT NOT NULL              -- ISO-8601 UTC
 * )
 *
 * sdk_sessions (                           -- one row a Claude Code session
 *   id                 INTEGER PRIMARY KEY AUTOINCREMENT,  -- "sessionDbId"
 *   claude_session_id  TEXT UNIQUE NOT NULL,  -- Claude Code's session_id
 *   sdk_session_id     TEXT UNIQUE,        -- = claude_session_id (as the
 *                                          --   original's createSDKSession)
 *   project            TEXT NOT NULL,      -- basename of the cwd
 *   user_prompt        TEXT,               -- latest prompt text
 *   started_at         TEXT NOT NULL,      -- ISO-8601 UTC
 *   started_at_epoch   INTEGER NOT NULL,   -- milliseconds since the epoch
 *   completed_at       TEXT,
 *   completed_at_epoch INTEGER,
 *   status             TEXT NOT NULL DEFAULT 'active'
 *                      CHECK(status IN ('active','completed','failed')),
 *   worker_port        INTEGER,            -- migration 5
 *   prompt_counter     INTEGER DEFAULT 0   -- migration 6
 * )
 *
 * observations (                           -- what the extractor/agent saw
 *   id               INTEGER PRIMARY KEY AUTOINCREMENT,
 *   sdk_session_id   TEXT NOT NULL  REFERENCES sdk_sessions(sdk_session_id)
 *                                   ON DELETE CASCADE,
 *   project          TEXT NOT NULL,
 *   text             TEXT,                 -- legacy free text (may be NULL)
 *   type             TEXT NOT NULL CHECK(type IN ('decision','bugfix',
 *                      'feature','refactor','discovery','change')),
 *   title            TEXT,
 *   subtitle         TEXT,
 *   facts            TEXT,                 -- JSON array of strings
 *   narrative        TEXT,
 *   concepts         TEXT,                 -- JSON array of strings
 *   files_read       TEXT,                 -- JSON array of paths
 *   files_modified   TEXT,                 -- JSON array of paths
 *   prompt_number    INTEGER,
 *   created_at       TEXT NOT NULL,        -- ISO-8601 UTC
 *   created_at_epoch INTEGER NOT NULL,     -- milliseconds
 *   discovery_tokens INTEGER DEFAULT 0     -- migration 11
 * )
 *
 * session_summaries (                      -- one or more a session
 *   id               INTEGER PRIMARY KEY AUTOINCREMENT,
 *   sdk_session_id   TEXT NOT NULL  REFERENCES sdk_sessions(sdk_session_id)
 *                                   ON DELETE CASCADE,
 *   project          TEXT NOT NULL,
 *   request, investigated, learned, completed, next_steps,
 *   files_read, files_edited,              -- free text (the original's)
 *   notes            TEXT,                 -- all TEXT
 *   prompt_number    INTEGER,
 *   created_at       TEXT NOT NULL,
 *   created_at_epoch INTEGER NOT NULL,
 *   discovery_tokens INTEGER DEFAULT 0
 * )
 *
 * user_prompts (                           -- migration 10
 *   id                INTEGER PRIMARY KEY AUTOINCREMENT,
 *   claude_session_id TEXT NOT NULL REFERENCES sdk_sessions(claude_session_id)
 *                                   ON DELETE CASCADE,
 *   prompt_number     INTEGER NOT NULL,
 *   prompt_text       TEXT NOT NULL,
 *   created_at        TEXT NOT NULL,
 *   created_at_epoch  INTEGER NOT NULL
 * )
 *   project of a prompt: JOIN sdk_sessions USING claude_session_id.
 *
 * FTS5, external content (rowid = the content table's id), kept by triggers
 * <table>_ai / _ad / _au on the content table:
 *   observations_fts(title, subtitle, narrative, text, facts, concepts)
 *     content='observations'
 *   session_summaries_fts(request, investigated, learned, completed,
 *     next_steps, notes)   content='session_summaries'
 *   user_prompts_fts(prompt_text)   content='user_prompts'
 * Search with e.g.
 *   SELECT o.* FROM observations_fts f JOIN observations o ON o.id = f.rowid
 *   WHERE observations_fts MATCH ? ORDER BY bm25(observations_fts);
 * ------------------------------------------------------------------------
 */
#ifndef CSUP_MEMDB_H
#define CSUP_MEMDB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#define MEMDB_FILE        "claude-mem.db"
#define MEMDB_DIR_DEFAULT ".claude-mem"  /* under $HOME */
#define MEMDB_VERSION     11             /* the last migration we know */
#define MEMDB_BUSY_MS     5000           /* busy_timeout of every connection */

/*
 * The data directory: $CLAUDE_MEM_DATA_DIR if set and non-empty, else
 * $HOME/.claude-mem. -1 when neither can be formed or buf is too small.
 */
int memdb_data_dir(char *buf, size_t len);

/*
 * The database path: <data_dir>/claude-mem.db. A NULL data_dir means
 * memdb_data_dir(). -1 when buf is too small.
 */
int memdb_path(const char *data_dir, char *buf, size_t len);

/*
 * Open the store at path. Every connection gets foreign_keys=ON and
 * busy_timeout=MEMDB_BUSY_MS.
 * readonly = 0: creates the file (and its directory, one level) if needed,
 *   sets journal_mode=WAL and synchronous=NORMAL, applies pending
 *   migrations and ensures the FTS tables.
 * readonly = 1: opens with SQLITE_OPEN_READONLY, never writes (no pragma
 *   that writes, no migration); fails if the file or the sdk_sessions table
 *   is missing (the worker has not created it yet: retry later).
 * On failure *out is NULL and err says why.
 */
int memdb_open(const char *path, int readonly, sqlite3 **out,
    char *err, size_t errlen);

/*
 * Bring a read-write connection to the current schema (what memdb_open
 * does). Idempotent; each migration runs in its own transaction.
 */
int memdb_migrate(sqlite3 *db, char *err, size_t errlen);

/*
 * The claude-mem 13 layer (see memdb.c): 13's names as generated columns
 * (content_session_id, memory_session_id), sdk_sessions.platform_source and
 * custom_title, user_prompts.session_db_id (filled for existing rows;
 * writers set it), observations rebuilt for 13's
 * nine types with merged_into_project, agent_type, agent_id, content_hash,
 * the tool_uses table, the pending_messages queue (13's shape), and
 * content_hash on every observation, UNIQUE with memory_session_id
 * (ux_observations_session_hash, as 13). Rows already there get their
 * hash; a row repeating an earlier one of its session (same title and
 * narrative) is kept with a NULL content_hash (the UNIQUE index admits
 * NULLs): nothing is deleted. Each step is applied only when missing, so a
 * store layered by an older mem-worker gets the newer steps. Added in
 * place, rows kept, no version row (like the FTS step); mem-worker applies
 * it when a claude-mem 13 client first talks to it (or at start-up when
 * the layer is partly there), so a store only seed-era clients use keeps
 * its exact schema. memdb_has13: 1 fully applied, 0 not, -1 error.
 * memdb_has13_any: 1 when some of it (tool_uses) is there.
 */
int memdb_ensure13(sqlite3 *db, char *err, size_t errlen);
int memdb_has13(sqlite3 *db);
int memdb_has13_any(sqlite3 *db);

/*
 * claude-mem 13's content_hash of an observation: the first 16 hex digits
 * of SHA-256 over memory_session_id, title and narrative joined with NUL
 * bytes (NULL counts as ""). out receives 16 digits and a NUL.
 */
void memdb_content_hash(const char *memory_session_id, const char *title,
    const char *narrative, char out[17]);

/* Highest version in schema_versions; 0 when none or no table; -1 on error. */
int memdb_schema_version(sqlite3 *db);

/*
 * Close: on a writable connection checkpoint the WAL (TRUNCATE) first.
 * Statements must be finalized by their owner before. NULL is a no-op.
 */
int memdb_close(sqlite3 *db);

/*
 * Now as the original stores it: iso = "2026-01-02T03:04:05.678Z"
 * (needs 25 bytes), epoch_ms = milliseconds since the epoch.
 */
void memdb_now(char iso[32], int64_t *epoch_ms);

/* An epoch in milliseconds formatted the same way. */
void memdb_iso_from_ms(int64_t epoch_ms, char iso[32]);

/*
 * printf into err (errlen bytes) for the err/errlen pairs of this library;
 * err NULL or errlen 0 is a no-op.
 */
void memdb_seterr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The current row of st as a JSON object keyed by column name: integers,
 * reals, null, and text/blobs as strings (a cell that is not UTF-8 is null).
 */
json_t *memdb_row_json(sqlite3_stmt *st);
/* Appends to arr the trimmed, non-empty items of the comma-separated list s
 * (claude-mem 13's projects, types, concepts...); s may be NULL. */
void memdb_csv_append(json_t *arr, const char *s);

#endif
