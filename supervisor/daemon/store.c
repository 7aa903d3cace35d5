/*
 * store.c: csup.db, the only file that speaks SQL. WAL journal; the schema
 * is versioned with PRAGMA user_version and grows by migrations, each a
 * step from version N to N+1 run in one transaction.
 *
 * The daemon's loop runs every statement, so a csup.db another process
 * holds locked must not stall it: SQLite waits at most STORE_BUSY_MS, then
 * the write is queued (its SQL with the values bound) and replayed in order
 * by store_flush() once the lock is gone; the queue is bounded
 * (STORE_QUEUE_MAX), and what overflows it is counted and logged. Samples
 * are not queued: the next tick measures again.
 *
 * Beside csup.db, a snapshot of what cannot be measured again (the apps
 * with their configs and environments, the resurrect list, the live
 * generations) is kept in csup.db.json, rewritten (path.new, rename) once a
 * loop turn that changed those (store_snapshot_settle). A corrupt csup.db
 * is moved aside and a new one is filled from that snapshot
 * (store_open_or_recover), so the running apps are adopted, not started
 * twice.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "clock.h"
#include "log.h"
#include "store.h"

#define STORE_BUSY_MS	50
#define STORE_QUEUE_MAX	4096
/*
 * The page cache of each connection, in KiB. SQLite's default (2 MiB)
 * would, as the samples table grows, keep up to 2 MiB of csup.db in the
 * daemon's heap; a page that is not cached is read again from the
 * kernel's page cache. Durability is the journal's and sync's business,
 * not the cache's.
 */
#define STORE_CACHE_PRAGMA	"PRAGMA cache_size = -64;"

/* A write that met a locked csup.db, waiting to be replayed. */
struct pending {
	struct pending	*next;
	char		*sql;		/* owned: expanded SQL (values inlined) */
};

struct store {
	sqlite3		*db;
	char		*snap;		/* owned: path of the snapshot file */
	struct pending	*qhead;
	struct pending	**qtail;
	size_t		 qlen;
	size_t		 queued_total;	/* since the queue was last empty */
	size_t		 dropped;	/* overflowed the queue since then */
	size_t		 unqueued;	/* samples not recorded while locked */
	bool		 snap_due;	/* a change since the snapshot was written */
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
	/* 2 -> 3: the app's numeric id (`csup stop 3`), kept for its life */
	"ALTER TABLE apps ADD COLUMN id INTEGER;"
	"ALTER TABLE saved ADD COLUMN id INTEGER;",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static int snapshot_after(struct store *s, int rc);
int store_snapshot(struct store *s);

int store_tune_memory(void)
{
	/*
	 * No lookaside slots (120 KiB a connection, every slot written when
	 * the connection opens), no bulk allocation of 20 cache pages when a
	 * cache starts, no memory statistics: the daemon's few statements a
	 * second do not need them, and each costs resident pages.
	 */
	if (sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}

void store_release_memory(struct store *s)
{
	if (s != NULL)
		(void)sqlite3_db_release_memory(s->db);
}

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
	int fd;

	/* It holds the clients' environments: 0600 (SQLite would make it 0644). */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return -1;
	close(fd);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->qtail = &s->qhead;
	if (asprintf(&s->snap, "%s.json", path) == -1) {
		s->snap = NULL;
		free(s);
		return -1;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fail(s, path);
		store_close(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
	    STORE_CACHE_PRAGMA) == -1 ||
	    migrate(s) == -1) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int store_check(const char *path, char *err, size_t len, bool *corrupt)
{
	struct store *s;
	sqlite3_stmt *st = NULL;
	const char *res = NULL;
	int rc = -1, code;
	int fd;

	*corrupt = false;

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
	/* Reads the schema: on a damaged file it fails as quick_check will. */
	(void)sqlite3_exec(s->db, STORE_CACHE_PRAGMA, NULL, NULL, NULL);
	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		code = sqlite3_errcode(s->db);
		*corrupt = code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
		goto out;
	}
	code = sqlite3_step(st);
	if (code == SQLITE_ROW)
		res = (const char *)sqlite3_column_text(st, 0);
	if (res == NULL || strcmp(res, "ok") != 0) {
		/* Locked or out of memory is not corrupt: only what SQLite says is. */
		code = sqlite3_extended_errcode(s->db) & 0xff;
		*corrupt = res != NULL || code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
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
	struct pending *p;

	if (s == NULL)
		return;
	if (s->qhead != NULL)
		(void)store_flush(s);
	store_snapshot_settle(s);
	if (s->qlen > 0)
		log_warnx("store: csup.db still locked at exit: %zu queued writes lost",
		    s->qlen);
	while ((p = s->qhead) != NULL) {
		s->qhead = p->next;
		sqlite3_free(p->sql);
		free(p);
	}
	sqlite3_close(s->db);
	free(s->snap);
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

static bool busy(int rc)
{
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
}

/* Appends sql (taken: sqlite3_malloc'ed) to the queue; -1 when it is full. */
static int enqueue(struct store *s, char *sql, const char *text)
{
	struct pending *p;

	if (s->qlen >= STORE_QUEUE_MAX || (p = calloc(1, sizeof(*p))) == NULL) {
		if (s->dropped++ == 0)
			log_warnx("store: csup.db still locked and %zu writes queued:"
			    " dropping writes until it is free", s->qlen);
		sqlite3_free(sql);
		errno = EBUSY;
		return -1;
	}
	if (s->qlen == 0)
		/* The statement's text, not its values (they may hold an app's env). */
		log_warnx("store: csup.db is locked (%s): queued, replayed when it is"
		    " free: %s", sqlite3_errmsg(s->db), text);
	p->sql = sql;
	*s->qtail = p;
	s->qtail = &p->next;
	s->qlen++;
	s->queued_total++;
	return 0;
}

/*
 * Runs a write. With queue, a locked csup.db (or earlier writes still
 * queued, to keep the order) queues it and counts as done.
 */
static int run_write(struct store *s, sqlite3_stmt *st, bool queue)
{
	char *sql;
	int rc;

	if (st == NULL)
		return -1;
	if (queue && s->qhead != NULL)
		(void)store_flush(s);
	rc = queue && s->qhead != NULL ? SQLITE_BUSY : sqlite3_step(st);
	if (busy(rc)) {
		if (!queue) {
			if (s->unqueued++ == 0)
				log_warnx("store: csup.db is locked (%s): samples not"
				    " recorded until it is free: %s",
				    sqlite3_errmsg(s->db), sqlite3_sql(st));
			sqlite3_finalize(st);
			errno = EBUSY;
			return -1;
		}
		sql = sqlite3_expanded_sql(st);
		rc = sql ? enqueue(s, sql, sqlite3_sql(st)) : fail(s, "expand");
		sqlite3_finalize(st);
		return rc;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		fail(s, "step");
	else if (!queue && s->unqueued > 0) {
		log_info("store: csup.db is free again: %zu sample writes were not"
		    " recorded", s->unqueued);
		s->unqueued = 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static int run(struct store *s, sqlite3_stmt *st)
{
	return run_write(s, st, true);
}

/* exec() of a write of several statements, queued whole when locked. */
static int exec_write(struct store *s, const char *sql)
{
	char *msg = NULL, *copy;
	int rc;

	if (s->qhead != NULL)
		(void)store_flush(s);
	rc = s->qhead != NULL ? SQLITE_BUSY :
	    sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc == SQLITE_OK)
		return 0;
	if (!busy(rc))
		return fail(s, "write");
	sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);	/* a half-run BEGIN */
	if ((copy = sqlite3_mprintf("%s", sql)) == NULL)
		return -1;
	return enqueue(s, copy, sql);
}

int store_flush(struct store *s)
{
	struct pending *p;
	char *msg = NULL;
	int rc;

	while ((p = s->qhead) != NULL) {
		rc = sqlite3_exec(s->db, p->sql, NULL, NULL, &msg);
		if (busy(rc)) {
			sqlite3_free(msg);
			sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
			return 0;
		}
		if (rc != SQLITE_OK)
			log_warnx("store: a queued write failed: %s", msg ? msg : "error");
		sqlite3_free(msg);
		msg = NULL;
		s->qhead = p->next;
		sqlite3_free(p->sql);
		free(p);
		s->qlen--;
	}
	s->qtail = &s->qhead;
	if (s->queued_total > 0) {
		log_info("store: csup.db is free again: %zu queued writes recorded,"
		    " %zu dropped", s->queued_total, s->dropped);
		s->queued_total = s->dropped = 0;
		(void)store_snapshot(s);
	}
	return 0;
}

bool store_pending(const struct store *s)
{
	return s->qhead != NULL;
}

int store_put_app(struct store *s, const char *name, const json_t *cfg,
    const json_t *env, const char *source, bool want_up, int restarts, int id)
{
	char *c = json_dumps(cfg, JSON_COMPACT), *e = json_dumps(env, JSON_COMPACT);
	int rc = -1;

	if (c && e)
		rc = run(s, prep(s, "INSERT OR REPLACE INTO apps(name, config, env, want,"
		    " restarts, created, source, id) VALUES(?, ?, ?, ?, ?,"
		    " strftime('%s','now'), ?, ?)", "sssiisi", name, c, e, (int64_t)want_up,
		    (int64_t)restarts, source, (int64_t)id));
	free(c);
	free(e);
	return snapshot_after(s, rc);
}

int store_set_want(struct store *s, const char *name, bool want_up, int restarts)
{
	return snapshot_after(s, run(s, prep(s, "UPDATE apps SET want = ?, restarts = ?"
	    " WHERE name = ?", "iis", (int64_t)want_up, (int64_t)restarts, name)));
}

int store_delete_app(struct store *s, const char *name)
{
	if (run(s, prep(s, "DELETE FROM apps WHERE name = ?", "s", name)) == -1)
		return -1;
	return snapshot_after(s, run(s, prep(s, "DELETE FROM generations WHERE app = ?",
	    "s", name)));
}

int store_each_app(struct store *s, bool saved,
    int (*fn)(void *, const struct store_app_row *), void *arg)
{
	sqlite3_stmt *st = prep(s, saved ?
	    "SELECT name, config, env, 1, 0, source, id FROM saved ORDER BY rowid" :
	    "SELECT name, config, env, want, restarts, source, id FROM apps ORDER BY rowid",
	    "");
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
		r.id = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 :
		    sqlite3_column_int(st, 6);
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
	return snapshot_after(s, run(s, prep(s, "INSERT OR REPLACE INTO generations(app,"
	    " number, pid, pgid, start_time, cgroup, tag, started_ms)"
	    " VALUES(?, ?, ?, ?, ?, ?, ?, ?)", "siiiissi", app, (int64_t)g->number,
	    (int64_t)g->pid, (int64_t)g->pgid, (int64_t)g->start_time,
	    g->cgroup && *g->cgroup ? g->cgroup : NULL, g->tag, g->started_ms)));
}

int store_end_generation(struct store *s, const char *app, int number,
    int64_t ended_ms, const json_t *exit)
{
	char *e = exit ? json_dumps(exit, JSON_COMPACT) : NULL;
	int rc;

	rc = run(s, prep(s, "UPDATE generations SET ended_ms = ?, exit = ?"
	    " WHERE app = ? AND number = ?", "issi", ended_ms, e, app, (int64_t)number));
	free(e);
	return snapshot_after(s, rc);
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
	if (s->qhead != NULL || sqlite3_last_insert_rowid(s->db) % 1000 != 0)
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
		if (run_write(s, prep(s, "INSERT INTO samples(time, app, procs, rss, cpu)"
		    " VALUES(?, ?, ?, ?, ?)", "isiid", v[i].time_ms, v[i].app,
		    (int64_t)v[i].procs, v[i].rss, v[i].cpu), false) == -1) {
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
	/*
	 * Each figure under its status name and its plain one (time, procs,
	 * memory, cpu), so a reader of either finds it; "t" is the compact
	 * name the dashboard reads.
	 */
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I,s:I,s:i,s:I,s:I,s:f,s:f}",
		    "t", (json_int_t)sqlite3_column_int64(st, 0),
		    "time", (json_int_t)sqlite3_column_int64(st, 0),
		    "procs", sqlite3_column_int(st, 1),
		    "memory_bytes", (json_int_t)sqlite3_column_int64(st, 2),
		    "memory", (json_int_t)sqlite3_column_int64(st, 2),
		    "cpu_percent", sqlite3_column_double(st, 3),
		    "cpu", sqlite3_column_double(st, 3)));
	sqlite3_finalize(st);
	return arr;
}

int store_prune_samples(struct store *s, int64_t before_ms)
{
	return run_write(s, prep(s, "DELETE FROM samples WHERE time < ?", "i", before_ms),
	    false);
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
	return snapshot_after(s, run(s, prep(s, "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES('clean', ?)", "i", (int64_t)clean)));
}

int store_save_set(struct store *s, const char *const *names, size_t n)
{
	char *sql = sqlite3_mprintf("BEGIN; DELETE FROM saved;"), *more;
	int rc;

	/* One text, so that a locked csup.db queues it whole. */
	for (size_t i = 0; i < n && sql != NULL; i++) {
		more = sqlite3_mprintf("%s INSERT INTO saved(name, config, env, source, id)"
		    " SELECT name, config, env, source, id FROM apps WHERE name = %Q;",
		    sql, names[i]);
		sqlite3_free(sql);
		sql = more;
	}
	if (sql == NULL || (more = sqlite3_mprintf("%s COMMIT;", sql)) == NULL) {
		sqlite3_free(sql);
		errno = ENOMEM;
		return -1;
	}
	sqlite3_free(sql);
	rc = exec_write(s, more);
	sqlite3_free(more);
	return snapshot_after(s, rc);
}

int store_save_wanted(struct store *s)
{
	return snapshot_after(s, exec_write(s, "BEGIN; DELETE FROM saved;"
	    " INSERT INTO saved(name, config, env, source, id) SELECT name, config, env,"
	    " source, id FROM apps WHERE want = 1; COMMIT;"));
}

int store_forget_apps(struct store *s)
{
	return snapshot_after(s, exec_write(s, "BEGIN; DELETE FROM apps;"
	    " DELETE FROM generations; COMMIT;"));
}

/* ---- the snapshot: what csup.db holds that cannot be measured again ---- */

/* What the snapshot keeps: table, and the rows of it that matter. */
static const struct {
	const char	*table;
	const char	*where;
} snap_tables[] = {
	{ "apps", "1" },
	{ "saved", "1" },
	{ "generations", "ended_ms IS NULL" },
	{ "meta", "1" },
};
#define NSNAP ((int)(sizeof(snap_tables) / sizeof(snap_tables[0])))

static json_t *column_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	case SQLITE_NULL:
		return json_null();
	default:
		return json_stringn((const char *)sqlite3_column_text(st, i),
		    (size_t)sqlite3_column_bytes(st, i));
	}
}

/* The rows of one table as an array of {column: value}; NULL on error. */
static json_t *table_json(struct store *s, const char *table, const char *where)
{
	char sql[160];
	sqlite3_stmt *st;
	json_t *rows = json_array(), *row;
	int rc, i;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE %s", table, where);
	if (rows == NULL || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		json_decref(rows);
		return NULL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((row = json_object()) == NULL)
			break;
		for (i = 0; i < sqlite3_column_count(st); i++)
			json_object_set_new(row, sqlite3_column_name(st, i), column_json(st, i));
		json_array_append_new(rows, row);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

/*
 * Rewrites the snapshot from csup.db (path.new, then rename: a reader sees
 * the old file or the new one). Not fsync'ed: it guards against a daemon's
 * death and a damaged csup.db, not against a power cut.
 */
int store_snapshot(struct store *s)
{
	json_t *snap = json_pack("{s:i}", "version", 1), *rows;
	char *tmp = NULL;	/* not a PATH_MAX array: this runs under the event loop */
	int rc = -1, i;

	if (snap == NULL || s->snap == NULL)
		goto out;
	for (i = 0; i < NSNAP; i++) {
		if ((rows = table_json(s, snap_tables[i].table, snap_tables[i].where)) == NULL)
			goto out;	/* locked: the next change writes it */
		json_object_set_new(snap, snap_tables[i].table, rows);
	}
	if (strlen(s->snap) + sizeof(".new") > PATH_MAX ||
	    asprintf(&tmp, "%s.new", s->snap) == -1) {
		tmp = NULL;
		goto out;
	}
	if (json_dump_file(snap, tmp, JSON_COMPACT) == -1 || chmod(tmp, 0600) == -1 ||
	    rename(tmp, s->snap) == -1) {
		log_warn("store: cannot write %s", s->snap);
		(void)unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	json_decref(snap);
	return rc;
}

/*
 * After a change of what the snapshot keeps: bump meta's snap_seq and
 * rewrite the snapshot, which so carries the sequence of the last change it
 * holds. A csup.db whose snap_seq is behind its snapshot's lost committed
 * writes (a damaged WAL drops its frames): store_open_or_recover() then
 * takes the snapshot's rows.
 */
static int snapshot_after(struct store *s, int rc)
{
	if (rc != 0 || s->qhead != NULL)
		return rc;
	if (exec(s, "INSERT OR REPLACE INTO meta(key, value) VALUES('snap_seq',"
	    " COALESCE((SELECT value FROM meta WHERE key = 'snap_seq'), 0) + 1)") == 0)
		s->snap_due = true;
	return rc;
}

/*
 * The snapshot, once for all the changes of a loop turn: a `start` of 20
 * apps made some 60 changes, each rebuilding the whole snapshot as JSON
 * (every app, config and environment) and rewriting the file. A daemon
 * killed before this runs leaves csup.db's snap_seq ahead of the snapshot,
 * which recovery reads as "csup.db is the newer": nothing is lost.
 */
void store_snapshot_settle(struct store *s)
{
	if (s == NULL || !s->snap_due)
		return;
	s->snap_due = false;	/* locked or failed: the next change writes it */
	(void)store_snapshot(s);
}

/* meta's snap_seq of csup.db, 0 when none. */
static int64_t db_seq(struct store *s)
{
	sqlite3_stmt *st;
	int64_t seq = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'snap_seq'",
	    -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return seq;
}

/* The snapshot's snap_seq, 0 when none or unreadable. */
static int64_t snap_seq(struct store *s)
{
	json_t *snap = json_load_file(s->snap, 0, NULL), *row;
	int64_t seq = 0;
	size_t i;

	json_array_foreach(json_object_get(snap, "meta"), i, row)
		if (json_is_string(json_object_get(row, "key")) &&
		    strcmp(json_string_value(json_object_get(row, "key")), "snap_seq") == 0)
			seq = json_is_string(json_object_get(row, "value")) ?
			    strtoll(json_string_value(json_object_get(row, "value")), NULL, 10) :
			    json_integer_value(json_object_get(row, "value"));	/* TEXT column */
	json_decref(snap);
	return seq;
}

static bool column_exists(struct store *s, const char *table, const char *col)
{
	sqlite3_stmt *st;
	bool found = false;
	char sql[96];

	snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", table);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	while (!found && sqlite3_step(st) == SQLITE_ROW)
		found = strcmp((const char *)sqlite3_column_text(st, 1), col) == 0;
	sqlite3_finalize(st);
	return found;
}

static int bind_json(sqlite3_stmt *st, int i, json_t *v)
{
	if (json_is_integer(v))
		return sqlite3_bind_int64(st, i, json_integer_value(v));
	if (json_is_real(v))
		return sqlite3_bind_double(st, i, json_real_value(v));
	if (json_is_string(v))
		return sqlite3_bind_text(st, i, json_string_value(v),
		    (int)json_string_length(v), SQLITE_TRANSIENT);
	return sqlite3_bind_null(st, i);
}

/* One row back into its table: the columns this schema still has. */
static int import_row(struct store *s, const char *table, json_t *row)
{
	char *cols = sqlite3_mprintf(""), *vals = sqlite3_mprintf(""), *sql, *t;
	sqlite3_stmt *st = NULL;
	const char *key;
	json_t *v;
	int n = 0, rc = -1;

	json_object_foreach(row, key, v) {
		if (!column_exists(s, table, key) || cols == NULL || vals == NULL)
			continue;
		t = sqlite3_mprintf("%s%s\"%w\"", cols, n ? ", " : "", key);
		sqlite3_free(cols);
		cols = t;
		t = sqlite3_mprintf("%s%s?", vals, n ? ", " : "");
		sqlite3_free(vals);
		vals = t;
		n++;
	}
	if (cols == NULL || vals == NULL || n == 0)
		goto out;
	sql = sqlite3_mprintf("INSERT OR REPLACE INTO \"%w\"(%s) VALUES(%s)", table, cols, vals);
	if (sql == NULL || sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		goto out;
	}
	sqlite3_free(sql);
	n = 0;
	json_object_foreach(row, key, v)
		if (column_exists(s, table, key))
			(void)bind_json(st, ++n, v);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	sqlite3_free(cols);
	sqlite3_free(vals);
	return rc;
}

/* Fills a new csup.db from the snapshot; the number of apps, or -1. */
static int import_snapshot(struct store *s, char *err, size_t len)
{
	json_error_t je;
	json_t *snap = json_load_file(s->snap, 0, &je), *rows, *row;
	size_t j;
	int i, napps = -1;

	if (snap == NULL) {
		snprintf(err, len, "%s: %s", s->snap, je.text);
		return -1;
	}
	if (exec(s, "BEGIN;") == -1)
		goto out;
	for (i = 0; i < NSNAP; i++) {
		rows = json_object_get(snap, snap_tables[i].table);
		json_array_foreach(rows, j, row)
			if (import_row(s, snap_tables[i].table, row) == -1)
				log_warnx("store: a row of %s not restored: %s",
				    snap_tables[i].table, sqlite3_errmsg(s->db));
	}
	if (exec(s, "COMMIT;") == -1)
		goto out;
	napps = (int)json_array_size(json_object_get(snap, "apps"));
out:
	if (napps == -1)
		snprintf(err, len, "%s", sqlite3_errmsg(s->db));
	json_decref(snap);
	return napps;
}

/* Moves path and its -wal/-shm aside as path.corrupt-TIME[-wal|-shm]. */
static int set_aside(const char *path, char *aside, size_t len)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char from[PATH_MAX], to[PATH_MAX + 8], stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t i;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if ((size_t)snprintf(aside, len, "%s.corrupt-%s", path, stamp) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(from, sizeof(from), "%s%s", path, suffix[i]);
		snprintf(to, sizeof(to), "%s%s", aside, suffix[i]);
		if (rename(from, to) == -1 && errno != ENOENT)
			return -1;
	}
	return 0;
}

/* A sound csup.db behind its snapshot: take the snapshot's rows. */
static int catch_up(struct store *s, char *note, size_t len)
{
	int64_t have = db_seq(s), want = snap_seq(s);
	char err[512];
	int napps;

	if (want <= have)
		return 0;
	if (exec(s, "BEGIN; DELETE FROM apps; DELETE FROM saved;"
	    " DELETE FROM generations WHERE ended_ms IS NULL; COMMIT;") == -1)
		return -1;
	if ((napps = import_snapshot(s, err, sizeof(err))) == -1)
		snprintf(note, len, "csup.db lost writes (change %lld of %lld) and its"
		    " snapshot cannot be read: %s", (long long)have, (long long)want, err);
	else
		snprintf(note, len, "csup.db lost writes (change %lld of %lld; a damaged"
		    " WAL?): apps and generations taken from its snapshot (%d apps)",
		    (long long)have, (long long)want, napps);
	return 0;
}

/*
 * csup.db is corrupt (why): moved aside, a new one filled from the snapshot.
 * Not inlined: its path buffers (12 KiB) would deepen every start-up.
 */
__attribute__((noinline))
static int recover_corrupt(const char *path, struct store **out, const char *why,
    char *note, size_t len)
{
	char err[512], aside[PATH_MAX];
	int napps;

	if (set_aside(path, aside, sizeof(aside)) == -1) {
		snprintf(note, len, "csup.db is corrupt (%s) and cannot be moved aside: %s",
		    why, strerror(errno));
		return -1;
	}
	if (store_open(path, out) == -1)
		return -1;
	if ((napps = import_snapshot(*out, err, sizeof(err))) == -1)
		snprintf(note, len, "csup.db was corrupt (%s): moved to %s; a new one"
		    " started empty (no snapshot: %s)", why, aside, err);
	else
		snprintf(note, len, "csup.db was corrupt (%s): moved to %s; a new one"
		    " rebuilt from its snapshot (%d apps)", why, aside, napps);
	(void)store_snapshot(*out);
	return 0;
}

int store_open_or_recover(const char *path, struct store **out, char *note, size_t len)
{
	char err[512];
	bool corrupt;

	note[0] = '\0';
	if (store_check(path, err, sizeof(err), &corrupt) == 0 || !corrupt) {
		if (store_open(path, out) == -1)
			return -1;
		return catch_up(*out, note, len);
	}
	return recover_corrupt(path, out, err, note, len);
}
