/*
 * store13.c: the SQL of the claude-mem 13 routes (store.c holds the
 * seed-era statements). Each query is prepared per call (these routes are
 * not hot) with bound parameters only; lists of ids, paths and projects are
 * bound as one JSON array and read with json_each().
 */
#include "worker.h"
#include "memdb.h"
#include "log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3_stmt *prep(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("prepare: %s", sqlite3_errmsg(store_db(s)));
		return NULL;
	}
	return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* A JSON array (or NULL: SQL NULL) bound as text. */
static void bind_array(sqlite3_stmt *st, int i, json_t *a)
{
	char *t = a ? json_dumps(a, JSON_COMPACT) : NULL;

	if (t == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, t, -1, free);
}

static int done(struct store *s, sqlite3_stmt *st)
{
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

	if (st != NULL && rc != SQLITE_DONE && rc != SQLITE_ROW)
		log_warnx("sqlite: %s", sqlite3_errmsg(store_db(s)));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static json_t *rows(struct store *s, sqlite3_stmt *st)
{
	json_t *a;

	if (st == NULL)
		return NULL;
	a = store_rows_json(s, st);
	sqlite3_finalize(st);
	return a;
}

int store13_ensure(struct store *s, char *err, size_t errlen)
{
	if (memdb_ensure13(store_db(s), err, errlen) < 0)
		return -1;
	store_set13(s);
	return 0;
}

int store13_session_id(struct store *s, const char *cid, int64_t *id)
{
	sqlite3_stmt *st = prep(s, "SELECT id FROM sdk_sessions "
	    "WHERE claude_session_id = ?1");
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, cid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int store13_session_meta(struct store *s, int64_t id, const char *platform,
    const char *title)
{
	sqlite3_stmt *st = prep(s, "UPDATE sdk_sessions SET platform_source = "
	    "COALESCE(?2, platform_source), custom_title = COALESCE(?3, "
	    "custom_title) WHERE id = ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, platform);
	bind_text(st, 3, title);
	return done(s, st);
}

/* The latest prompt of a session: 1 (text malloc'd), 0 none, -1 error. */
int store13_last_prompt(struct store *s, const char *cid, char **text,
    int64_t *epoch_ms)
{
	sqlite3_stmt *st = prep(s, "SELECT prompt_text, created_at_epoch FROM "
	    "user_prompts WHERE claude_session_id = ?1 "
	    "ORDER BY prompt_number DESC, id DESC LIMIT 1");
	const unsigned char *t;
	int rc;

	*text = NULL;
	if (st == NULL)
		return -1;
	bind_text(st, 1, cid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		*text = strdup(t ? (const char *)t : "");
		*epoch_ms = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW && *text == NULL)
		return -1;
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* user_prompts.session_db_id of the session's rows that lack it. */
int store13_prompt_link(struct store *s, const char *cid, int64_t id)
{
	sqlite3_stmt *st = prep(s, "UPDATE user_prompts SET session_db_id = ?2 "
	    "WHERE claude_session_id = ?1 AND session_db_id IS NULL");

	if (st == NULL)
		return -1;
	bind_text(st, 1, cid);
	sqlite3_bind_int64(st, 2, id);
	return done(s, st);
}

int store13_prompt_count(struct store *s, const char *cid)
{
	sqlite3_stmt *st = prep(s, "SELECT COUNT(*) FROM user_prompts "
	    "WHERE claude_session_id = ?1");
	int n = -1;

	if (st == NULL)
		return -1;
	bind_text(st, 1, cid);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Raw JSON values are kept as JSON text; strings as they are. */
static void bind_raw(sqlite3_stmt *st, int i, json_t *v)
{
	if (v == NULL || json_is_null(v))
		sqlite3_bind_null(st, i);
	else if (json_is_string(v))
		bind_text(st, i, json_string_value(v));
	else
		bind_array(st, i, v);
}

int64_t store13_tool_use(struct store *s, const struct tool_use13 *t)
{
	sqlite3_stmt *st = prep(s, "INSERT OR IGNORE INTO tool_uses "
	    "(tool_use_id, content_session_id, memory_session_id, project, "
	    "platform_source, tool_name, tool_input, tool_response, cwd, "
	    "agent_id, agent_type, prompt_number, created_at, created_at_epoch) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	char iso[32];
	int64_t ms;

	if (st == NULL)
		return -1;
	memdb_now(iso, &ms);
	bind_text(st, 1, t->tool_use_id);
	bind_text(st, 2, t->content_session_id);
	bind_text(st, 3, t->memory_session_id);
	bind_text(st, 4, t->project);
	bind_text(st, 5, t->platform);
	bind_text(st, 6, t->tool_name);
	bind_raw(st, 7, t->input);
	bind_raw(st, 8, t->response);
	bind_text(st, 9, t->cwd);
	bind_text(st, 10, t->agent_id);
	bind_text(st, 11, t->agent_type);
	if (t->prompt_number > 0)
		sqlite3_bind_int(st, 12, t->prompt_number);
	bind_text(st, 13, iso);
	sqlite3_bind_int64(st, 14, ms);
	if (done(s, st) < 0)
		return -1;
	return sqlite3_changes(store_db(s)) > 0 ?
	    sqlite3_last_insert_rowid(store_db(s)) : 0;
}

/*
 * Observations that read or modified one of paths (an absolute path
 * matches exactly, a relative one also as the tail of a stored path),
 * newest first.
 */
json_t *store13_by_file(struct store *s, json_t *paths, json_t *projects,
    int limit)
{
	sqlite3_stmt *st = prep(s,
	    "SELECT o.* FROM observations o WHERE "
	    "(?2 IS NULL OR o.project IN (SELECT value FROM json_each(?2))) AND "
	    "EXISTS (SELECT 1 FROM json_each(?1) p, json_each("
	    "  CASE WHEN json_valid(o.files_read) AND json_type(o.files_read) = "
	    "  'array' THEN o.files_read ELSE '[]' END) f "
	    "  WHERE f.value = p.value OR (substr(p.value, 1, 1) <> '/' AND "
	    "  substr(f.value, -length(p.value) - 1) = '/' || p.value) "
	    " UNION ALL "
	    " SELECT 1 FROM json_each(?1) p, json_each("
	    "  CASE WHEN json_valid(o.files_modified) AND json_type("
	    "  o.files_modified) = 'array' THEN o.files_modified ELSE '[]' END) f "
	    "  WHERE f.value = p.value OR (substr(p.value, 1, 1) <> '/' AND "
	    "  substr(f.value, -length(p.value) - 1) = '/' || p.value)) "
	    "ORDER BY o.created_at_epoch DESC, o.id DESC LIMIT ?3");

	if (st == NULL)
		return NULL;
	bind_array(st, 1, paths);
	bind_array(st, 2, json_array_size(projects) ? projects : NULL);
	sqlite3_bind_int(st, 3, limit);
	return rows(s, st);
}

json_t *store13_obs_batch(struct store *s, json_t *ids, int asc, int limit,
    const char *project)
{
	sqlite3_stmt *st = prep(s, asc ?
	    "SELECT * FROM observations WHERE id IN (SELECT value FROM "
	    "json_each(?1)) AND (?2 IS NULL OR project = ?2) "
	    "ORDER BY created_at_epoch ASC, id ASC LIMIT ?3" :
	    "SELECT * FROM observations WHERE id IN (SELECT value FROM "
	    "json_each(?1)) AND (?2 IS NULL OR project = ?2) "
	    "ORDER BY created_at_epoch DESC, id DESC LIMIT ?3");

	if (st == NULL)
		return NULL;
	bind_array(st, 1, ids);
	bind_text(st, 2, project);
	sqlite3_bind_int(st, 3, limit);
	return rows(s, st);
}

/* ids: numbers are tool_uses.id, strings tool_use_id. */
json_t *store13_tool_uses_batch(struct store *s, json_t *ids, int limit,
    const char *project, const char *cid)
{
	sqlite3_stmt *st = prep(s,
	    "SELECT * FROM tool_uses WHERE (id IN (SELECT value FROM "
	    "json_each(?1) WHERE type = 'integer') OR tool_use_id IN (SELECT "
	    "value FROM json_each(?1) WHERE type = 'text')) "
	    "AND (?2 IS NULL OR project = ?2) "
	    "AND (?3 IS NULL OR content_session_id = ?3) "
	    "ORDER BY created_at_epoch ASC, id ASC LIMIT ?4");

	if (st == NULL)
		return NULL;
	bind_array(st, 1, ids);
	bind_text(st, 2, project);
	bind_text(st, 3, cid);
	sqlite3_bind_int(st, 4, limit);
	return rows(s, st);
}

/* {projects:[..], sources:[..], projectsBySource:{source:[..]}} */
json_t *store13_projects(struct store *s)
{
	sqlite3_stmt *st = prep(s, "SELECT DISTINCT project, COALESCE("
	    "platform_source, 'claude') FROM sdk_sessions WHERE project <> '' "
	    "UNION SELECT DISTINCT project, 'claude' FROM observations WHERE "
	    "project NOT IN (SELECT project FROM sdk_sessions) ORDER BY 1");
	json_t *projects = json_array(), *sources = json_array();
	json_t *by = json_object(), *list;
	const char *p, *src;
	size_t i;
	int rc;

	if (st == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p = (const char *)sqlite3_column_text(st, 0);
		src = (const char *)sqlite3_column_text(st, 1);
		if (p == NULL || src == NULL)
			continue;
		for (i = 0; i < json_array_size(projects); i++)
			if (strcmp(json_string_value(json_array_get(projects, i)),
			    p) == 0)
				break;
		if (i == json_array_size(projects))
			json_array_append_new(projects, json_string(p));
		if ((list = json_object_get(by, src)) == NULL) {
			json_array_append_new(sources, json_string(src));
			json_object_set_new(by, src, list = json_array());
		}
		json_array_append_new(list, json_string(p));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	return json_pack("{s:o, s:o, s:o}", "projects", projects, "sources",
	    sources, "projectsBySource", by);
fail:
	json_decref(projects);
	json_decref(sources);
	json_decref(by);
	return NULL;
}

json_t *store13_match(struct store *s, const char *q, const char *project,
    int limit)
{
	sqlite3_stmt *st;
	char *fts = malloc(strlen(q) * 3 + 16), *o = fts;
	const char *p = q;
	json_t *r;

	if (fts == NULL)
		return NULL;
	/* Each word quoted, joined with OR: FTS syntax in q is plain text. */
	while (*p != '\0') {
		while (*p != '\0' && !isalnum((unsigned char)*p) &&
		    (unsigned char)*p < 0x80)
			p++;
		if (*p == '\0')
			break;
		if (o != fts)
			o += sprintf(o, " OR ");
		*o++ = '"';
		while (*p != '\0' && (isalnum((unsigned char)*p) ||
		    (unsigned char)*p >= 0x80 || *p == '_'))
			*o++ = *p++;
		*o++ = '"';
	}
	*o = '\0';
	if (*fts == '\0') {
		free(fts);
		return json_array();
	}
	st = prep(s, "SELECT o.* FROM observations_fts f JOIN observations o "
	    "ON o.id = f.rowid WHERE observations_fts MATCH ?1 AND "
	    "(?2 IS NULL OR o.project = ?2) ORDER BY bm25(observations_fts), "
	    "o.created_at_epoch DESC LIMIT ?3");
	if (st == NULL) {
		free(fts);
		return NULL;
	}
	sqlite3_bind_text(st, 1, fts, -1, free);
	bind_text(st, 2, project);
	sqlite3_bind_int(st, 3, limit);
	r = rows(s, st);
	return r;
}

/* ---- pending_messages: 13's queue, persisted ------------------------- */

static const char *const pending_cols[] = {
	"tool_name", "tool_input", "tool_response", "cwd", "last_user_message",
	"last_assistant_message", "agent_id", "agent_type", "tool_use_id",
};

/*
 * The event as a 'pending' row; strings are stored as they are, other
 * JSON values as JSON text (13 stores JSON.stringify of the tool values).
 * The row id; 0 when (session, tool_use_id) is already queued; -1 error.
 */
int64_t store13_pending_add(struct store *s, int64_t session_db_id,
    const char *cid, const char *type, json_t *body)
{
	sqlite3_stmt *st = prep(s, "INSERT OR IGNORE INTO pending_messages "
	    "(session_db_id, content_session_id, message_type, tool_name, "
	    "tool_input, tool_response, cwd, last_user_message, "
	    "last_assistant_message, agent_id, agent_type, tool_use_id, "
	    "prompt_number, status, created_at_epoch) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'pending', ?14)");
	json_t *pn = json_object_get(body, "prompt_number");
	size_t i;
	int64_t ms;

	if (st == NULL)
		return -1;
	memdb_now(NULL, &ms);
	sqlite3_bind_int64(st, 1, session_db_id);
	bind_text(st, 2, cid);
	bind_text(st, 3, type);
	for (i = 0; i < sizeof(pending_cols) / sizeof(pending_cols[0]); i++)
		bind_raw(st, 4 + (int)i, json_object_get(body, pending_cols[i]));
	if (json_is_integer(pn))
		sqlite3_bind_int64(st, 13, json_integer_value(pn));
	sqlite3_bind_int64(st, 14, ms);
	if (done(s, st) < 0)
		return -1;
	return sqlite3_changes(store_db(s)) > 0 ?
	    sqlite3_last_insert_rowid(store_db(s)) : 0;
}

/* Handed to an agent: 'processing' until it answers (or the next start). */
int store13_pending_processing(struct store *s, int64_t id)
{
	sqlite3_stmt *st = prep(s, "UPDATE pending_messages SET status = "
	    "'processing' WHERE id = ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return done(s, st);
}

/* Done: 13 deletes the row (its statuses are pending and processing). */
int store13_pending_done(struct store *s, int64_t id)
{
	sqlite3_stmt *st = prep(s, "DELETE FROM pending_messages WHERE id = ?1");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return done(s, st);
}

/*
 * An agent's answer of this type: the oldest event of that type it was
 * handed is done (agents answer in order; one answered out of order only
 * moves which row waits for the next start).
 */
int store13_pending_answered(struct store *s, int64_t session_db_id,
    const char *type)
{
	sqlite3_stmt *st = prep(s, "DELETE FROM pending_messages WHERE id = "
	    "(SELECT MIN(id) FROM pending_messages WHERE session_db_id = ?1 AND "
	    "message_type = ?2 AND status = 'processing')");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, session_db_id);
	bind_text(st, 2, type);
	return done(s, st);
}

/*
 * Start-up: what a previous run (or 13's own worker) left queued, oldest
 * first; what was handed to an agent that never answered is pending again.
 */
json_t *store13_pending_load(struct store *s)
{
	sqlite3_stmt *st = prep(s, "UPDATE pending_messages SET status = "
	    "'pending' WHERE status = 'processing'");

	if (st == NULL || done(s, st) < 0)
		return NULL;
	st = prep(s, "SELECT * FROM pending_messages ORDER BY id");
	return rows(s, st);
}
