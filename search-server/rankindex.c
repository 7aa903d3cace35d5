/*
 * rankindex.c: the vectors of rank.c kept in our own SQLite file beside the
 * store (search-index.db; the store is opened read-only), loaded once into
 * an in-memory inverted index (bucket -> postings), and brought up to date
 * by id on every query: rows with an id above the highest seen are
 * vectorised, appended to the file (one transaction a batch) and to
 * memory. A store with fewer rows than indexed was replaced: start over.
 * When the directory is not writable the file is a :memory: database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rank_priv.h"

#define RANK_BATCH	2000	/* rows a refresh transaction */
#define RANK_BUSY_MS	5000

static const char *const kind_sql[KIND_COUNT] = {
	[KIND_OBS] = "SELECT id, created_at_epoch, substr(coalesce(title,'')"
	    "||' '||coalesce(subtitle,'')||' '||coalesce(concepts,'')||' '||"
	    "coalesce(narrative,'')||' '||coalesce(facts,'')||' '||"
	    "coalesce(text,''), 1, 4096) FROM observations WHERE id > ? "
	    "ORDER BY id LIMIT 2000",
	[KIND_SUM] = "SELECT id, created_at_epoch, substr(coalesce(request,'')"
	    "||' '||coalesce(investigated,'')||' '||coalesce(learned,'')||' '||"
	    "coalesce(completed,'')||' '||coalesce(next_steps,'')||' '||"
	    "coalesce(notes,''), 1, 4096) FROM session_summaries WHERE id > ? "
	    "ORDER BY id LIMIT 2000",
	[KIND_PROMPT] = "SELECT id, created_at_epoch, substr(prompt_text, 1, "
	    "4096) FROM user_prompts WHERE id > ? ORDER BY id LIMIT 2000",
};

static const char *const kind_max_sql[KIND_COUNT] = {
	"SELECT coalesce(max(id), 0) FROM observations",
	"SELECT coalesce(max(id), 0) FROM session_summaries",
	"SELECT coalesce(max(id), 0) FROM user_prompts",
};

static void seterr(char *err, size_t errlen, const char *what, sqlite3 *db)
{
	if (err)
		snprintf(err, errlen, "search index: %s: %s", what,
		    db ? sqlite3_errmsg(db) : strerror(errno));
}

/* ---- the in-memory inverted index --------------------------------------- */

static int plist_add(struct plist *l, uint32_t doc, float w)
{
	struct posting *v;
	uint32_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 4;
		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].doc = doc;
	l->v[l->n].w = w;
	l->n++;
	return 0;
}

static int mem_add(struct rank_index *ix, int kind, int64_t id, int64_t epoch,
    const uint32_t *b, const float *w, size_t n)
{
	struct doc *d;
	uint32_t cap;
	size_t i;

	if (ix->ndocs == ix->capdocs) {
		cap = ix->capdocs ? ix->capdocs * 2 : 1024;
		if ((d = realloc(ix->docs, cap * sizeof(*d))) == NULL)
			return -1;
		ix->docs = d;
		ix->capdocs = cap;
	}
	for (i = 0; i < n; i++)
		if (plist_add(&ix->lists[b[i]], ix->ndocs, w[i]) < 0)
			return -1;
	ix->docs[ix->ndocs].id = id;
	ix->docs[ix->ndocs].epoch = epoch;
	ix->docs[ix->ndocs].kind = kind;
	ix->ndocs++;
	if (id > ix->last_id[kind])
		ix->last_id[kind] = id;
	return 0;
}

static void mem_clear(struct rank_index *ix)
{
	uint32_t i;

	for (i = 0; i < RANK_BUCKETS; i++) {
		free(ix->lists[i].v);
		memset(&ix->lists[i], 0, sizeof(ix->lists[i]));
	}
	free(ix->docs);
	ix->docs = NULL;
	ix->ndocs = ix->capdocs = 0;
	memset(ix->last_id, 0, sizeof(ix->last_id));
}

/* ---- the index file ----------------------------------------------------- */

static int idb_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		seterr(err, errlen, sql, db);
		return -1;
	}
	return 0;
}

static int idb_schema(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL)
	    != SQLITE_OK) {
		seterr(err, errlen, "user_version", db);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v != RANK_FORMAT &&
	    idb_exec(db, "DROP TABLE IF EXISTS vec", err, errlen) < 0)
		return -1;
	if (idb_exec(db, "CREATE TABLE IF NOT EXISTS vec (kind INTEGER NOT "
	    "NULL, id INTEGER NOT NULL, epoch INTEGER NOT NULL, v BLOB NOT NULL,"
	    " PRIMARY KEY (kind, id)) WITHOUT ROWID", err, errlen) < 0)
		return -1;
	if (v != RANK_FORMAT) {
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    RANK_FORMAT);
		return idb_exec(db, sql, err, errlen);
	}
	return 0;
}

/* The file when dir is writable (shared by every mem-search), else memory. */
static sqlite3 *idb_open(const char *dir, int *persistent)
{
	char path[PATH_MAX];
	sqlite3 *db = NULL;

	*persistent = 0;
	if (dir && *dir && access(dir, W_OK) == 0 &&
	    snprintf(path, sizeof(path), "%s/%s", dir, SEARCH_INDEX_FILE) <
	    (int)sizeof(path) &&
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) ==
	    SQLITE_OK) {
		*persistent = 1;
		sqlite3_busy_timeout(db, RANK_BUSY_MS);
		return db;
	}
	sqlite3_close(db);
	db = NULL;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

int rank_open(const char *dir, struct rank_index **out, char *err,
    size_t errlen)
{
	struct rank_index *ix;

	*out = NULL;
	if ((ix = calloc(1, sizeof(*ix))) == NULL ||
	    (ix->lists = calloc(RANK_BUCKETS, sizeof(*ix->lists))) == NULL) {
		free(ix);
		seterr(err, errlen, "allocate", NULL);
		return -1;
	}
	if ((ix->idb = idb_open(dir, &ix->persistent)) == NULL) {
		seterr(err, errlen, "open", NULL);
		goto fail;
	}
	if (idb_schema(ix->idb, err, errlen) < 0) {
		/* a broken file: fall back to memory rather than fail search */
		sqlite3_close(ix->idb);
		ix->persistent = 0;
		if ((ix->idb = idb_open(NULL, &ix->persistent)) == NULL ||
		    idb_schema(ix->idb, err, errlen) < 0)
			goto fail;
	}
	*out = ix;
	return 0;
fail:
	rank_close(ix);
	return -1;
}

void rank_close(struct rank_index *ix)
{
	if (ix == NULL)
		return;
	if (ix->lists)
		mem_clear(ix);
	free(ix->lists);
	sqlite3_close(ix->idb);
	free(ix);
}

int rank_persistent(const struct rank_index *ix)
{
	return ix->persistent;
}

/* Read every stored vector into memory (once). */
static int load(struct rank_index *ix, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	const uint32_t *blob;
	uint32_t *b = NULL;
	float *w = NULL;
	size_t n, i, bytes;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(ix->idb, "SELECT kind, id, epoch, v FROM vec "
	    "ORDER BY kind, id", -1, &st, NULL) != SQLITE_OK) {
		seterr(err, errlen, "load", ix->idb);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(st, 0);

		blob = sqlite3_column_blob(st, 3);
		bytes = (size_t)sqlite3_column_bytes(st, 3);
		n = bytes / 8;
		if (kind < 0 || kind >= KIND_COUNT || bytes % 8)
			continue;
		b = realloc(b, (n ? n : 1) * sizeof(*b));
		w = realloc(w, (n ? n : 1) * sizeof(*w));
		if (b == NULL || w == NULL)
			goto out;
		for (i = 0; i < n; i++) {
			b[i] = blob[2 * i] & (RANK_BUCKETS - 1);
			memcpy(&w[i], &blob[2 * i + 1], sizeof(float));
		}
		if (mem_add(ix, kind, sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), b, w, n) < 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		seterr(err, errlen, "load", ix->idb);
		goto out;
	}
	ix->loaded = 1;
	ret = 0;
out:
	free(b);
	free(w);
	sqlite3_finalize(st);
	return ret;
}

static int store_vector(sqlite3_stmt *ins, int kind, int64_t id,
    int64_t epoch, const uint32_t *b, const float *w, size_t n)
{
	uint32_t *blob;
	size_t i;
	int rc;

	if ((blob = malloc((n ? n : 1) * 8)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		blob[2 * i] = b[i];
		memcpy(&blob[2 * i + 1], &w[i], sizeof(float));
	}
	sqlite3_reset(ins);
	sqlite3_bind_int(ins, 1, kind);
	sqlite3_bind_int64(ins, 2, id);
	sqlite3_bind_int64(ins, 3, epoch);
	sqlite3_bind_blob(ins, 4, blob, (int)(n * 8), free);
	rc = sqlite3_step(ins);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One batch of new rows of one kind; *more when the batch was full. */
static int refresh_batch(struct rank_index *ix, sqlite3 *db, int kind,
    sqlite3_stmt *ins, int *more, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	uint32_t *b;
	float *w;
	size_t n;
	int rc, rows = 0, ret = -1;

	*more = 0;
	if (sqlite3_prepare_v2(db, kind_sql[kind], -1, &st, NULL) !=
	    SQLITE_OK) {
		seterr(err, errlen, "read store", db);
		return -1;
	}
	sqlite3_bind_int64(st, 1, ix->last_id[kind]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 2);
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t epoch = sqlite3_column_int64(st, 1);

		if (rank_vector(t ? t : "", &b, &w, &n) < 0)
			goto out;
		if (store_vector(ins, kind, id, epoch, b, w, n) < 0 ||
		    mem_add(ix, kind, id, epoch, b, w, n) < 0) {
			free(b);
			free(w);
			seterr(err, errlen, "store vector", ix->idb);
			goto out;
		}
		free(b);
		free(w);
		rows++;
	}
	if (rc != SQLITE_DONE) {
		seterr(err, errlen, "read store", db);
		goto out;
	}
	*more = rows == RANK_BATCH;
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static int64_t store_max_id(sqlite3 *db, int kind)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, kind_max_sql[kind], -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The store was replaced (fewer rows than we indexed): start over. */
static int reset(struct rank_index *ix, char *err, size_t errlen)
{
	mem_clear(ix);
	return idb_exec(ix->idb, "DELETE FROM vec", err, errlen);
}

int rank_refresh(struct rank_index *ix, sqlite3 *db, char *err,
    size_t errlen)
{
	sqlite3_stmt *ins = NULL;
	int64_t max[KIND_COUNT];
	int k, more, ret = -1, stale = 0, todo = 0;

	if (!ix->loaded && load(ix, err, errlen) < 0)
		return -1;
	for (k = 0; k < KIND_COUNT; k++) {
		if ((max[k] = store_max_id(db, k)) < 0) {
			seterr(err, errlen, "read store", db);
			return -1;
		}
		stale |= max[k] < ix->last_id[k];
		todo |= max[k] > ix->last_id[k];
	}
	if (stale) {
		if (reset(ix, err, errlen) < 0)
			return -1;
		todo = 1;
	}
	if (!todo)
		return 0;
	if (sqlite3_prepare_v2(ix->idb, "INSERT OR REPLACE INTO vec (kind, id, "
	    "epoch, v) VALUES (?, ?, ?, ?)", -1, &ins, NULL) != SQLITE_OK) {
		seterr(err, errlen, "prepare", ix->idb);
		return -1;
	}
	for (k = 0; k < KIND_COUNT; k++) {
		do {
			if (idb_exec(ix->idb, "BEGIN IMMEDIATE", err, errlen) < 0)
				goto out;
			if (refresh_batch(ix, db, k, ins, &more, err,
			    errlen) < 0) {
				sqlite3_exec(ix->idb, "ROLLBACK", NULL, NULL,
				    NULL);
				goto out;
			}
			if (idb_exec(ix->idb, "COMMIT", err, errlen) < 0)
				goto out;
		} while (more);
	}
	ret = 0;
out:
	sqlite3_finalize(ins);
	return ret;
}
