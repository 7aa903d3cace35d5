/*
 * store.c: the only file of the worker that speaks SQL. Statements are
 * prepared once (on first use) with bound parameters only, and reset right
 * after use so no read transaction outlives a request: rows written by
 * other processes (hooks, the sqlite3 CLI) are seen by the next query.
 */
#include "worker.h"
#include "memdb.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

enum stmt_id {
	S_SESS_INSERT, S_SESS_BY_CLAUDE, S_SESS_UPDATE_PROJECT, S_SESS_COUNT,
	S_SESS_GET, S_SESS_PORT, S_SESS_FINISH, S_PROMPT_INSERT, S_OBS_INSERT,
	S_OBS_INSERT13,
	S_SUM_INSERT, S_OBS_OF_SESSION,
	S_LIST_OBS, S_LIST_SUM, S_LIST_PROMPTS,
	S_ONE_OBS, S_ONE_SUM, S_ONE_PROMPT, S_ONE_SESSION,
	S_COUNT_OBS, S_COUNT_SESS, S_COUNT_SUM, S_COUNT_PROMPTS,
	S_PROMPT_LATEST, S_PROJECTS,
	S_MAX
};

static const char *const stmt_sql[S_MAX] = {
	[S_SESS_INSERT] =
	    "INSERT OR IGNORE INTO sdk_sessions (claude_session_id, "
	    "sdk_session_id, project, user_prompt, started_at, started_at_epoch, "
	    "status) VALUES (?1, ?1, ?2, ?3, ?4, ?5, 'active')",
	[S_SESS_BY_CLAUDE] =
	    "SELECT id, COALESCE(prompt_counter, 0) FROM sdk_sessions "
	    "WHERE claude_session_id = ?1",
	[S_SESS_UPDATE_PROJECT] =
	    "UPDATE sdk_sessions SET project = ?2, "
	    "user_prompt = COALESCE(?3, user_prompt), status = 'active' "
	    "WHERE id = ?1",
	[S_SESS_COUNT] =
	    "UPDATE sdk_sessions SET prompt_counter = "
	    "COALESCE(prompt_counter, 0) + 1 WHERE id = ?1",
	[S_SESS_GET] =
	    "SELECT id, claude_session_id, COALESCE(sdk_session_id, "
	    "claude_session_id), project, user_prompt, status, "
	    "COALESCE(prompt_counter, 0) FROM sdk_sessions WHERE id = ?1",
	[S_SESS_PORT] = "UPDATE sdk_sessions SET worker_port = ?2 WHERE id = ?1",
	[S_SESS_FINISH] =
	    "UPDATE sdk_sessions SET status = ?2, completed_at = ?3, "
	    "completed_at_epoch = ?4 WHERE id = ?1",
	[S_PROMPT_INSERT] =
	    "INSERT INTO user_prompts (claude_session_id, prompt_number, "
	    "prompt_text, created_at, created_at_epoch) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_OBS_INSERT] =
	    "INSERT INTO observations (sdk_session_id, project, text, type, "
	    "title, subtitle, facts, narrative, concepts, files_read, "
	    "files_modified, prompt_number, discovery_tokens, created_at, "
	    "created_at_epoch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, 0, ?13, ?14)",
	/* With the 13 layer: 13's content_hash, and the same observation of
	 * a session stored once (13's ON CONFLICT ... DO NOTHING). */
	[S_OBS_INSERT13] =
	    "INSERT INTO observations (sdk_session_id, project, text, "
	    "type, title, subtitle, facts, narrative, concepts, files_read, "
	    "files_modified, prompt_number, discovery_tokens, created_at, "
	    "created_at_epoch, content_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11, ?12, 0, ?13, ?14, ?15) "
	    "ON CONFLICT(memory_session_id, content_hash) DO NOTHING",
	[S_SUM_INSERT] =
	    "INSERT INTO session_summaries (sdk_session_id, project, request, "
	    "investigated, learned, completed, next_steps, files_read, "
	    "files_edited, notes, prompt_number, discovery_tokens, created_at, "
	    "created_at_epoch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, 0, ?12, ?13)",
	[S_OBS_OF_SESSION] =
	    "SELECT * FROM observations WHERE sdk_session_id = ?1 "
	    "ORDER BY created_at_epoch ASC, id ASC",
	[S_LIST_OBS] =
	    "SELECT * FROM observations WHERE (?1 IS NULL OR project = ?1) "
	    "ORDER BY created_at_epoch DESC, id DESC LIMIT ?2 OFFSET ?3",
	[S_LIST_SUM] =
	    "SELECT * FROM session_summaries WHERE (?1 IS NULL OR project = ?1) "
	    "ORDER BY created_at_epoch DESC, id DESC LIMIT ?2 OFFSET ?3",
	[S_LIST_PROMPTS] =
	    "SELECT up.id, up.claude_session_id, s.project, up.prompt_number, "
	    "up.prompt_text, up.created_at, up.created_at_epoch "
	    "FROM user_prompts up LEFT JOIN sdk_sessions s "
	    "ON up.claude_session_id = s.claude_session_id "
	    "WHERE (?1 IS NULL OR s.project = ?1) "
	    "ORDER BY up.created_at_epoch DESC, up.id DESC LIMIT ?2 OFFSET ?3",
	[S_ONE_OBS] = "SELECT * FROM observations WHERE id = ?1",
	[S_ONE_SUM] = "SELECT * FROM session_summaries WHERE id = ?1",
	[S_ONE_PROMPT] =
	    "SELECT up.*, s.project, s.sdk_session_id FROM user_prompts up "
	    "LEFT JOIN sdk_sessions s ON up.claude_session_id = "
	    "s.claude_session_id WHERE up.id = ?1",
	[S_ONE_SESSION] = "SELECT * FROM sdk_sessions WHERE id = ?1",
	[S_COUNT_OBS] = "SELECT COUNT(*) FROM observations",
	[S_COUNT_SESS] = "SELECT COUNT(*) FROM sdk_sessions",
	[S_COUNT_SUM] = "SELECT COUNT(*) FROM session_summaries",
	[S_COUNT_PROMPTS] = "SELECT COUNT(*) FROM user_prompts",
	[S_PROMPT_LATEST] =
	    "SELECT up.*, s.project, s.sdk_session_id FROM user_prompts up "
	    "LEFT JOIN sdk_sessions s ON up.claude_session_id = "
	    "s.claude_session_id WHERE up.claude_session_id = ?1 "
	    "ORDER BY up.id DESC LIMIT 1",
	[S_PROJECTS] =
	    "SELECT project FROM sdk_sessions WHERE project <> '' UNION "
	    "SELECT project FROM observations WHERE project <> '' ORDER BY 1",
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[S_MAX];
	int has13;              /* the claude-mem 13 layer is in place */
};

void store_set13(struct store *s)
{
	s->has13 = 1;
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	struct store *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (memdb_open(path, 0, &s->db, err, errlen) < 0 ||
	    (s->path = strdup(path)) == NULL) {
		memdb_close(s->db);
		free(s);
		return NULL;
	}
	return s;
}

void store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < S_MAX; i++)
		sqlite3_finalize(s->st[i]);
	memdb_close(s->db);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

/* The cached statement, reset and unbound; NULL (logged) on error. */
static sqlite3_stmt *stmt(struct store *s, enum stmt_id id)
{
	if (s->st[id] == NULL) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[id], NULL) != SQLITE_OK) {
			log_warnx("prepare: %s",
			    sqlite3_errmsg(s->db));
			return NULL;
		}
	}
	sqlite3_reset(s->st[id]);
	sqlite3_clear_bindings(s->st[id]);
	return s->st[id];
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* Arrays are stored as JSON text, as the original did (JSON.stringify). */
static void bind_json(sqlite3_stmt *st, int i, json_t *v)
{
	char *txt;

	if (v == NULL) {
		sqlite3_bind_text(st, i, "[]", -1, SQLITE_STATIC);
		return;
	}
	txt = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (txt == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, txt, -1, free);
}

/* Step a write statement to completion; -1 on error. */
static int step_done(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("sqlite: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

/* All rows of a prepared, bound statement as a JSON array (NULL on error). */
static json_t *rows_json(struct store *s, sqlite3_stmt *st)
{
	json_t *a = json_array();
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, memdb_row_json(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("sqlite: %s", sqlite3_errmsg(s->db));
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *store_rows_json(struct store *s, sqlite3_stmt *st)
{
	return rows_json(s, st);
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}

static int lookup_claude(struct store *s, const char *claude_id, int64_t *id,
    int *counter)
{
	sqlite3_stmt *st = stmt(s, S_SESS_BY_CLAUDE);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, claude_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*counter = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int exec_simple(struct store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int store_session_upsert(struct store *s, const char *claude_id,
    const char *project, const char *prompt, int64_t *id, int *prompt_number)
{
	sqlite3_stmt *st;
	char iso[32];
	int64_t ms;
	int counter = 0, has_prompt = prompt != NULL && *prompt != '\0';

	memdb_now(iso, &ms);
	if (exec_simple(s, "BEGIN IMMEDIATE") < 0)
		return -1;
	if ((st = stmt(s, S_SESS_INSERT)) == NULL)
		goto fail;
	bind_text(st, 1, claude_id);
	bind_text(st, 2, project ? project : "");
	bind_text(st, 3, has_prompt ? prompt : NULL);
	bind_text(st, 4, iso);
	sqlite3_bind_int64(st, 5, ms);
	if (step_done(s, st) < 0 || lookup_claude(s, claude_id, id, &counter) != 1)
		goto fail;
	if (project != NULL && *project != '\0') {
		if ((st = stmt(s, S_SESS_UPDATE_PROJECT)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, *id);
		bind_text(st, 2, project);
		bind_text(st, 3, has_prompt ? prompt : NULL);
		if (step_done(s, st) < 0)
			goto fail;
	}
	if (has_prompt) {
		if ((st = stmt(s, S_SESS_COUNT)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, *id);
		if (step_done(s, st) < 0)
			goto fail;
		counter++;
		if (store_prompt_save(s, claude_id, counter, prompt) < 0)
			goto fail;
	}
	if (exec_simple(s, "COMMIT") < 0)
		goto fail;
	*prompt_number = counter > 0 ? counter : 1;
	return 0;
fail:
	exec_simple(s, "ROLLBACK");
	return -1;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

int store_tx_begin(struct store *s)
{
	return exec_simple(s, "BEGIN IMMEDIATE");
}

int store_tx_commit(struct store *s)
{
	if (exec_simple(s, "COMMIT") == 0)
		return 0;
	log_warnx("commit: %s", sqlite3_errmsg(s->db));
	exec_simple(s, "ROLLBACK");
	return -1;
}

int store_session_get(struct store *s, int64_t id, struct session_row *r)
{
	sqlite3_stmt *st = stmt(s, S_SESS_GET);
	int rc;

	memset(r, 0, sizeof(*r));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		r->claude_session_id = col_dup(st, 1);
		r->sdk_session_id = col_dup(st, 2);
		r->project = col_dup(st, 3);
		r->user_prompt = col_dup(st, 4);
		r->status = col_dup(st, 5);
		r->prompt_counter = sqlite3_column_int(st, 6);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void store_row_free(struct session_row *r)
{
	free(r->claude_session_id);
	free(r->sdk_session_id);
	free(r->project);
	free(r->user_prompt);
	free(r->status);
	memset(r, 0, sizeof(*r));
}

int store_session_set_port(struct store *s, int64_t id, int port)
{
	sqlite3_stmt *st = stmt(s, S_SESS_PORT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, port);
	return step_done(s, st);
}

int store_session_finish(struct store *s, int64_t id, const char *status)
{
	sqlite3_stmt *st = stmt(s, S_SESS_FINISH);
	char iso[32];
	int64_t ms;

	if (st == NULL)
		return -1;
	memdb_now(iso, &ms);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, status);
	bind_text(st, 3, iso);
	sqlite3_bind_int64(st, 4, ms);
	return step_done(s, st);
}

int store_prompt_save(struct store *s, const char *claude_id, int number,
    const char *text)
{
	sqlite3_stmt *st = stmt(s, S_PROMPT_INSERT);
	char iso[32];
	int64_t ms;

	if (st == NULL)
		return -1;
	memdb_now(iso, &ms);
	bind_text(st, 1, claude_id);
	sqlite3_bind_int(st, 2, number);
	bind_text(st, 3, text);
	bind_text(st, 4, iso);
	sqlite3_bind_int64(st, 5, ms);
	return step_done(s, st);
}

int64_t store_obs_insert(struct store *s, const char *sdk_id,
    const char *project, const struct obs_input *o)
{
	sqlite3_stmt *st = stmt(s, s->has13 ? S_OBS_INSERT13 : S_OBS_INSERT);
	char iso[32], hash[17];
	int64_t ms;

	if (st == NULL)
		return -1;
	memdb_now(iso, &ms);
	if (s->has13) {
		memdb_content_hash(sdk_id, o->title, o->narrative, hash);
		bind_text(st, 15, hash);
	}
	bind_text(st, 1, sdk_id);
	bind_text(st, 2, project);
	bind_text(st, 3, o->text);
	bind_text(st, 4, o->type);
	bind_text(st, 5, o->title);
	bind_text(st, 6, o->subtitle);
	bind_json(st, 7, o->facts);
	bind_text(st, 8, o->narrative);
	bind_json(st, 9, o->concepts);
	bind_json(st, 10, o->files_read);
	bind_json(st, 11, o->files_modified);
	if (o->prompt_number > 0)
		sqlite3_bind_int(st, 12, o->prompt_number);
	bind_text(st, 13, iso);
	sqlite3_bind_int64(st, 14, ms);
	if (step_done(s, st) < 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? sqlite3_last_insert_rowid(s->db) : 0;
}

int64_t store_summary_insert(struct store *s, const char *sdk_id,
    const char *project, const struct sum_input *m)
{
	sqlite3_stmt *st = stmt(s, S_SUM_INSERT);
	char iso[32];
	int64_t ms;

	if (st == NULL)
		return -1;
	memdb_now(iso, &ms);
	bind_text(st, 1, sdk_id);
	bind_text(st, 2, project);
	bind_text(st, 3, m->request);
	bind_text(st, 4, m->investigated);
	bind_text(st, 5, m->learned);
	bind_text(st, 6, m->completed);
	bind_text(st, 7, m->next_steps);
	bind_text(st, 8, m->files_read);
	bind_text(st, 9, m->files_edited);
	bind_text(st, 10, m->notes);
	if (m->prompt_number > 0)
		sqlite3_bind_int(st, 11, m->prompt_number);
	bind_text(st, 12, iso);
	sqlite3_bind_int64(st, 13, ms);
	if (step_done(s, st) < 0)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

json_t *store_obs_of_session(struct store *s, const char *sdk_id)
{
	sqlite3_stmt *st = stmt(s, S_OBS_OF_SESSION);

	if (st == NULL)
		return NULL;
	bind_text(st, 1, sdk_id);
	return rows_json(s, st);
}

json_t *store_list(struct store *s, enum store_list which, const char *project,
    int64_t offset, int64_t limit)
{
	static const enum stmt_id ids[] = { S_LIST_OBS, S_LIST_SUM, S_LIST_PROMPTS };
	sqlite3_stmt *st = stmt(s, ids[which]);
	json_t *items;
	int more;

	if (st == NULL)
		return NULL;
	bind_text(st, 1, project && *project ? project : NULL);
	sqlite3_bind_int64(st, 2, limit + 1);   /* one more tells hasMore */
	sqlite3_bind_int64(st, 3, offset);
	if ((items = rows_json(s, st)) == NULL)
		return NULL;
	more = (int64_t)json_array_size(items) > limit;
	if (more)
		json_array_remove(items, json_array_size(items) - 1);
	return json_pack("{s:o, s:b, s:I, s:I}", "items", items, "hasMore", more,
	    "offset", (json_int_t)offset, "limit", (json_int_t)limit);
}

static int one(struct store *s, enum stmt_id id, int64_t key, json_t **out)
{
	sqlite3_stmt *st = stmt(s, id);
	int rc;

	*out = NULL;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = memdb_row_json(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int store_get_one(struct store *s, enum store_list which, int64_t id,
    json_t **out)
{
	static const enum stmt_id ids[] = { S_ONE_OBS, S_ONE_SUM, S_ONE_PROMPT };

	return one(s, ids[which], id, out);
}

int store_get_session_json(struct store *s, int64_t id, json_t **out)
{
	return one(s, S_ONE_SESSION, id, out);
}

static json_int_t count(struct store *s, enum stmt_id id)
{
	sqlite3_stmt *st = stmt(s, id);
	json_int_t n = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

json_t *store_stats(struct store *s)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I}",
	    "path", s->path,
	    "observations", count(s, S_COUNT_OBS),
	    "sessions", count(s, S_COUNT_SESS),
	    "summaries", count(s, S_COUNT_SUM),
	    "prompts", count(s, S_COUNT_PROMPTS));
}

int store_prompt_latest(struct store *s, const char *claude_id, json_t **out)
{
	sqlite3_stmt *st = stmt(s, S_PROMPT_LATEST);
	int rc;

	*out = NULL;
	if (st == NULL)
		return -1;
	bind_text(st, 1, claude_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = memdb_row_json(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return *out != NULL ? 1 : -1;
	return rc == SQLITE_DONE ? 0 : -1;
}

json_t *store_projects(struct store *s)
{
	sqlite3_stmt *st = stmt(s, S_PROJECTS);
	json_t *projects = json_array();
	const char *p;
	int rc;

	if (st == NULL || projects == NULL) {
		json_decref(projects);
		return NULL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((p = (const char *)sqlite3_column_text(st, 0)) != NULL)
			json_array_append_new(projects, json_string(p));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(projects);
		return NULL;
	}
	return json_pack("{s:O, s:[s], s:{s:o}}", "projects", projects,
	    "sources", "claude", "projectsBySource", "claude", projects);
}
