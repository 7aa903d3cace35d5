/*
 * store.c: csup.db, the only file that speaks SQL. WAL journal; the schema
 * is versioned with PRAGMA user_version and grows by migrations, each a
 * step from version N to N+1 run in one transaction.
 *
 * The daemon's loop runs every statement, so a csup.db another process
 * holds locked must not stall it: SQLite waits at most STORE_BUSY_MS, then
 * the write is given up and logged with what it would have recorded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "log.h"
#include "store.h"

#define STORE_BUSY_MS	50

struct store {
	sqlite3	*db;
};

static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE apps(name TEXT PRIMARY KEY, config TEXT NOT NULL,"
	"  env TEXT NOT NULL, want INTEGER NOT NULL, restarts INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE saved(name TEXT PRIMARY KEY, config TEXT NOT NULL, env TEXT NOT NULL);"
	"CREATE TABLE generations(app TEXT NOT NULL, number INTEGER NOT NULL,"
	"  pid INTEGER, pgid INTEGER, start_time INTEGER, cgroup TEXT, tag TEXT,"
	"  started_ms INTEGER, ended_ms INTEGER, exit TEXT, PRIMARY KEY(app, number));"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, time INTEGER NOT NULL, app TEXT,"
	"  kind TEXT NOT NULL, detail TEXT);"
	"CREATE INDEX events_app ON events(app, id);"
	"CREATE TABLE samples(time INTEGER NOT NULL, app TEXT NOT NULL, procs INTEGER,"
	"  rss INTEGER, cpu REAL);"
	"CREATE INDEX samples_app_time ON samples(app, time);"
	"CREATE INDEX samples_time ON samples(time);"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);",
	/* 1 -> 2: the ecosystem file an app came from, so resurrect keeps it */
	"ALTER TABLE apps ADD COLUMN source TEXT;"
	"ALTER TABLE saved ADD COLUMN source TEXT;",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static int fail(struct store *s, const char *what)
{
	log_warnx("store: %s: %s", what, sqlite3_errmsg(s->db));
	errno = EIO;
	return -1;
}

static int exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("store: %s", msg ? msg : "error");
		sqlite3_free(msg);
		errno = EIO;
		return -1;
	}
	return 0;
}

static int user_version(struct store *s, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "user_version");
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : fail(s, "user_version");
}

static int migrate(struct store *s)
{
	char sql[64];
	int v;

	if (user_version(s, &v) == -1)
		return -1;
	for (; v < NMIGRATIONS; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;", v + 1);
		if (exec(s, "BEGIN IMMEDIATE;") == -1)
			return -1;
		if (exec(s, migrations[v]) == -1 || exec(s, sql) == -1) {
			exec(s, "ROLLBACK;");
			return -1;
		}
		if (exec(s, "COMMIT;") == -1)
			return -1;
	}
	return 0;
}

int store_open(const char *path, struct store **out)
{
	struct store *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fail(s, path);
		store_close(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") == -1 ||
	    migrate(s) == -1) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int store_check(const char *path, char *err, size_t len)
{
	struct store *s;
	sqlite3_stmt *st = NULL;
	const char *res = NULL;
	int rc = -1;

	int fd;

	/* It holds the clients' environments: 0600 (SQLite would make it 0644). */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, len, "%s", strerror(errno));
		return -1;
	}
	close(fd);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(s->db, 2000);
	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		res = (const char *)sqlite3_column_text(st, 0);
	if (res == NULL || strcmp(res, "ok") != 0) {
		snprintf(err, len, "%s", res ? res : sqlite3_errmsg(s->db));
		goto done;
	}
	rc = 0;
	goto done;
out:
	snprintf(err, len, "%s", s->db ? sqlite3_errmsg(s->db) : "out of memory");
done:
	sqlite3_finalize(st);
	store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

/* Prepares sql and binds the arguments described by fmt: i int64, s text, d double. */
static sqlite3_stmt *prep(struct store *s, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int i = 1, rc = SQLITE_OK;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(s, "prepare");
		return NULL;
	}
	va_start(ap, fmt);
	for (; *fmt && rc == SQLITE_OK; fmt++, i++) {
		if (*fmt == 'i')
			rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
		else if (*fmt == 'd')
			rc = sqlite3_bind_double(st, i, va_arg(ap, double));
		else {
			const char *t = va_arg(ap, const char *);

			rc = t ? sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT) :
			    sqlite3_bind_null(st, i);
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK) {
		fail(s, "bind");
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static int run(struct store *s, sqlite3_stmt *st)
{
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
		/* The statement's text (its values may hold an app's env). */
		log_warnx("store: csup.db is locked (%s): not recorded: %s",
		    sqlite3_errmsg(s->db), sqlite3_sql(st));
		sqlite3_finalize(st);
		errno = EBUSY;
		return -1;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		fail(s, "step");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int store_put_app(struct store *s, const char *name, const json_t *cfg,
    const json_t *env, const char *source, bool want_up, int restarts)
{
	char *c = json_dumps(cfg, JSON_COMPACT), *e = json_dumps(env, JSON_COMPACT);
	int rc = -1;

	if (c && e)
		rc = run(s, prep(s, "INSERT OR REPLACE INTO apps(name, config, env, want,"
		    " restarts, created, source) VALUES(?, ?, ?, ?, ?,"
		    " strftime('%s','now'), ?)", "sssiis", name, c, e, (int64_t)want_up,
		    (int64_t)restarts, source));
	free(c);
	free(e);
	return rc;
}

int store_set_want(struct store *s, const char *name, bool want_up, int restarts)
{
	return run(s, prep(s, "UPDATE apps SET want = ?, restarts = ? WHERE name = ?",
	    "iis", (int64_t)want_up, (int64_t)restarts, name));
}

int store_delete_app(struct store *s, const char *name)
{
	if (run(s, prep(s, "DELETE FROM apps WHERE name = ?", "s", name)) == -1)
		return -1;
	return run(s, prep(s, "DELETE FROM generations WHERE app = ?", "s", name));
}

int store_each_app(struct store *s, bool saved,
    int (*fn)(void *, const struct store_app_row *), void *arg)
{
	sqlite3_stmt *st = prep(s, saved ?
	    "SELECT name, config, env, 1, 0, source FROM saved ORDER BY rowid" :
	    "SELECT name, config, env, want, restarts, source FROM apps ORDER BY rowid", "");
	struct store_app_row r;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.name = (const char *)sqlite3_column_text(st, 0);
		r.cfg = json_loads((const char *)sqlite3_column_text(st, 1), 0, NULL);
		r.env = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
		r.want_up = sqlite3_column_int(st, 3) != 0;
		r.restarts = sqlite3_column_int(st, 4);
		r.source = (const char *)sqlite3_column_text(st, 5);
		if (r.name && r.cfg && r.env)
			fn(arg, &r);
		json_decref(r.cfg);
		json_decref(r.env);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "apps");
}

int store_put_generation(struct store *s, const char *app, const struct store_gen *g)
{
	return run(s, prep(s, "INSERT OR REPLACE INTO generations(app, number, pid, pgid,"
	    " start_time, cgroup, tag, started_ms) VALUES(?, ?, ?, ?, ?, NULL, ?, ?)",
	    "siiiisi", app, (int64_t)g->number, (int64_t)g->pid, (int64_t)g->pgid,
	    (int64_t)g->start_time, g->tag, g->started_ms));
}

int store_end_generation(struct store *s, const char *app, int number,
    int64_t ended_ms, const json_t *exit)
{
	char *e = exit ? json_dumps(exit, JSON_COMPACT) : NULL;
	int rc;

	rc = run(s, prep(s, "UPDATE generations SET ended_ms = ?, exit = ?"
	    " WHERE app = ? AND number = ?", "issi", ended_ms, e, app, (int64_t)number));
	free(e);
	return rc;
}

int store_live_generation(struct store *s, const char *app, struct store_gen *g)
{
	sqlite3_stmt *st = prep(s, "SELECT number, pid, pgid, start_time, started_ms"
	    " FROM generations WHERE app = ? AND ended_ms IS NULL"
	    " ORDER BY number DESC LIMIT 1", "s", app);
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		g->number = sqlite3_column_int(st, 0);
		g->pid = (pid_t)sqlite3_column_int64(st, 1);
		g->pgid = (pid_t)sqlite3_column_int64(st, 2);
		g->start_time = (uint64_t)sqlite3_column_int64(st, 3);
		g->started_ms = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	errno = rc == SQLITE_DONE ? ENOENT : EIO;
	return -1;
}

#define EVENTS_KEPT	20000

int store_add_event(struct store *s, const char *app, const char *kind,
    const char *detail)
{
	if (run(s, prep(s, "INSERT INTO events(time, app, kind, detail)"
	    " VALUES(?, ?, ?, ?)", "isss", csup_now_ms(), app, kind, detail)) == -1)
		return -1;
	/* Bounded: now and then, forget all but the latest EVENTS_KEPT. */
	if (sqlite3_last_insert_rowid(s->db) % 1000 != 0)
		return 0;
	return run(s, prep(s, "DELETE FROM events WHERE id <= ?", "i",
	    (int64_t)sqlite3_last_insert_rowid(s->db) - EVENTS_KEPT));
}

json_t *store_events(struct store *s, const char *app, int limit)
{
	sqlite3_stmt *st = prep(s, "SELECT time, kind, detail FROM (SELECT id, time, kind,"
	    " detail FROM events WHERE app = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
	    "si", app, (int64_t)limit);
	json_t *arr = json_array();

	if (st == NULL)
		return arr;
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s}",
		    "time_ms", (json_int_t)sqlite3_column_int64(st, 0),
		    "kind", (const char *)sqlite3_column_text(st, 1),
		    "detail", sqlite3_column_text(st, 2) ?
		    (const char *)sqlite3_column_text(st, 2) : ""));
	sqlite3_finalize(st);
	return arr;
}

int store_put_samples(struct store *s, const struct store_sample *v, size_t n)
{
	if (exec(s, "BEGIN;") == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (run(s, prep(s, "INSERT INTO samples(time, app, procs, rss, cpu)"
		    " VALUES(?, ?, ?, ?, ?)", "isiid", v[i].time_ms, v[i].app,
		    (int64_t)v[i].procs, v[i].rss, v[i].cpu)) == -1) {
			exec(s, "ROLLBACK;");
			return -1;
		}
	}
	return exec(s, "COMMIT;");
}

json_t *store_samples(struct store *s, const char *app, int64_t since_ms)
{
	sqlite3_stmt *st = prep(s, "SELECT time, procs, rss, cpu FROM samples"
	    " WHERE app = ? AND time >= ? ORDER BY time", "si", app, since_ms);
	json_t *arr = json_array();

	if (st == NULL)
		return arr;
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I,s:i,s:I,s:f}",
		    "t", (json_int_t)sqlite3_column_int64(st, 0),
		    "procs", sqlite3_column_int(st, 1),
		    "memory_bytes", (json_int_t)sqlite3_column_int64(st, 2),
		    "cpu_percent", sqlite3_column_double(st, 3)));
	sqlite3_finalize(st);
	return arr;
}

int store_prune_samples(struct store *s, int64_t before_ms)
{
	return run(s, prep(s, "DELETE FROM samples WHERE time < ?", "i", before_ms));
}

int store_get_clean(struct store *s, bool *clean)
{
	sqlite3_stmt *st = prep(s, "SELECT value FROM meta WHERE key = 'clean'", "");
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	*clean = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, "meta");
}

int store_set_clean(struct store *s, bool clean)
{
	return run(s, prep(s, "INSERT OR REPLACE INTO meta(key, value) VALUES('clean', ?)",
	    "i", (int64_t)clean));
}

int store_save_set(struct store *s, const char *const *names, size_t n)
{
	if (exec(s, "BEGIN; DELETE FROM saved;") == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (run(s, prep(s, "INSERT INTO saved(name, config, env, source) SELECT"
		    " name, config, env, source FROM apps WHERE name = ?", "s", names[i])) == -1) {
			exec(s, "ROLLBACK;");
			return -1;
		}
	}
	return exec(s, "COMMIT;");
}

int store_save_wanted(struct store *s)
{
	return exec(s, "BEGIN; DELETE FROM saved; INSERT INTO saved(name, config, env,"
	    " source) SELECT name, config, env, source FROM apps WHERE want = 1; COMMIT;");
}

int store_forget_apps(struct store *s)
{
	return exec(s, "DELETE FROM apps; DELETE FROM generations;");
}
