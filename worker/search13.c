/*
 * search13.c: GET /api/search?format=json, answered from the store as
 * claude-mem 13's worker answers it without Chroma (its FTS5 path):
 * {observations, sessions, prompts, totalResults, query}, the rows as
 * SELECT * gives them. Observations and summaries match the query as one
 * FTS5 phrase, ranked by relevance unless orderBy says otherwise; prompts
 * match it as a substring, newest first; a query in an unsegmented script
 * (CJK) is a substring match everywhere. Filters: type, obs_type,
 * concepts, files, project, platformSource, dateStart, dateEnd; limit
 * and offset apply to each list. Every value is a bound parameter.
 */
#include "memdb.h"
#include "worker.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#define OBS_LIMIT     50      /* 13's defaults */
#define SUM_LIMIT     50
#define PROMPT_LIMIT  20

struct sq {                     /* the parsed query string */
	const char *query, *project, *platform, *order;
	json_t *types;          /* observation types (array), or NULL */
	json_t *concepts, *files;
	int64_t start, end;     /* ms; -1 none */
	int cats;               /* CAT_* bits */
	long limit, offset;     /* -1: 13's default / 0 */
	int unsegmented;
};

enum { CAT_OBS = 1, CAT_SUM = 2, CAT_PROMPT = 4 };

/* A growing SQL text and its bound values (a JSON array). */
struct sqlb {
	char sql[2048];
	size_t len;
	json_t *args;
	int overflow;
};

static const char *qarg(struct MHD_Connection *c, const char *k)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);

	return v != NULL && *v != '\0' ? v : NULL;
}

static void add(struct sqlb *b, const char *text)
{
	size_t n = strlen(text);

	if (b->len + n + 1 >= sizeof(b->sql)) {
		b->overflow = 1;
		return;
	}
	memcpy(b->sql + b->len, text, n + 1);
	b->len += n;
}

/* text with one "?" bound to v (stolen). */
static void addv(struct sqlb *b, const char *text, json_t *v)
{
	add(b, text);
	json_array_append_new(b->args, v);
}

static json_t *csv(const char *s)
{
	json_t *a = json_array();

	memdb_csv_append(a, s);
	if (json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* Epoch milliseconds, or an ISO date (UTC): YYYY-MM-DD[THH:MM[:SS[.mmm]]][Z]. */
static int parse_date(const char *s, int64_t *ms)
{
	struct tm tm;
	const char *p;
	char *end;
	long frac = 0;

	if (s == NULL) {
		*ms = -1;
		return 0;
	}
	if (isdigit((unsigned char)*s) && strspn(s, "0123456789") == strlen(s)) {
		errno = 0;
		*ms = strtoll(s, &end, 10);
		return errno == 0 ? 0 : -1;
	}
	memset(&tm, 0, sizeof(tm));
	if ((p = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*p == 'T' || *p == ' ') {
		if ((p = strptime(p + 1, "%H:%M", &tm)) == NULL)
			return -1;
		if (*p == ':' && (p = strptime(p + 1, "%S", &tm)) == NULL)
			return -1;
		if (*p == '.') {
			frac = strtol(p + 1, &end, 10);
			if (end - (p + 1) != 3)
				return -1;
			p = end;
		}
	}
	if (*p == 'Z')
		p++;
	if (*p != '\0')
		return -1;
	*ms = (int64_t)timegm(&tm) * 1000 + frac;
	return 0;
}

/* 13's UNSEGMENTED_SCRIPT: kana, bopomofo, CJK ideographs, hangul. */
static int unsegmented(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xf0) == 0xe0 && p[1] && p[2]) {
			cp = (unsigned)(*p & 0x0f) << 12 |
			    (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			if ((cp >= 0x3040 && cp <= 0x30ff) ||
			    (cp >= 0x3100 && cp <= 0x318f) ||
			    (cp >= 0x3400 && cp <= 0x4dbf) ||
			    (cp >= 0x4e00 && cp <= 0x9fff) ||
			    (cp >= 0xac00 && cp <= 0xd7af) ||
			    (cp >= 0xf900 && cp <= 0xfaff))
				return 1;
			p += 3;
		} else
			p++;
	}
	return 0;
}

static long num_arg(struct MHD_Connection *c, const char *k, long min)
{
	const char *s = qarg(c, k);
	char *end;
	long v;

	if (s == NULL)
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= min ? v : -1;
}

static const char *first(struct MHD_Connection *c, const char *a,
    const char *b, const char *d)
{
	const char *v = qarg(c, a);

	if (v == NULL)
		v = qarg(c, b);
	if (v == NULL && d != NULL)
		v = qarg(c, d);
	return v;
}

static void sq_free(struct sq *q)
{
	json_decref(q->types);
	json_decref(q->concepts);
	json_decref(q->files);
}

/* The query string as 13's normalizeParams and resolveTypeFilters read it
 * (see docs/worker.md for where mem-worker applies what 13 drops). */
static int sq_parse(struct MHD_Connection *c, struct sq *q, const char **bad)
{
	json_t *type = csv(qarg(c, "type")), *v;
	const char *p;
	size_t i;
	int obs_only = 0;

	memset(q, 0, sizeof(*q));
	q->cats = CAT_OBS | CAT_SUM | CAT_PROMPT;
	q->query = qarg(c, "query");
	q->project = qarg(c, "project");
	q->order = qarg(c, "orderBy");
	q->types = csv(qarg(c, "obs_type"));
	q->concepts = csv(qarg(c, "concepts"));
	q->files = csv(qarg(c, "files"));
	q->limit = num_arg(c, "limit", 1);
	q->offset = num_arg(c, "offset", 0);
	q->unsegmented = q->query != NULL && unsegmented(q->query);
	if ((p = first(c, "platformSource", "platform_source", NULL)) != NULL)
		q->platform = strcasestr(p, "codex") || strcasestr(p,
		    "transcript") ? "codex" : strcasestr(p, "cursor") ?
		    "cursor" : "claude";
	if (type != NULL) {
		q->cats = 0;
		json_array_foreach(type, i, v) {
			p = json_string_value(v);
			if (strcmp(p, "observations") == 0)
				q->cats |= CAT_OBS;
			else if (strcmp(p, "sessions") == 0)
				q->cats |= CAT_SUM;
			else if (strcmp(p, "prompts") == 0)
				q->cats |= CAT_PROMPT;
			else {
				/* an observation type: observations only */
				if (q->types == NULL)
					q->types = json_array();
				json_array_append(q->types, v);
				obs_only = 1;
			}
		}
		json_decref(type);
	}
	/* Filters only observations have make it an observation search. */
	if (obs_only || q->concepts != NULL || q->files != NULL)
		q->cats = CAT_OBS;
	*bad = "orderBy";
	if (q->order != NULL && strcmp(q->order, "relevance") != 0 &&
	    strcmp(q->order, "date_desc") != 0 && strcmp(q->order, "date_asc"))
		return -1;
	*bad = "dateStart";
	if (parse_date(first(c, "dateStart", "date_start", "date_from"),
	    &q->start) < 0)
		return -1;
	*bad = "dateEnd";
	if (parse_date(first(c, "dateEnd", "date_end", "date_to"), &q->end) < 0)
		return -1;
	return 0;
}

/* The filters of one list (alias a: o, s or up); 1 when any was added. */
static int filters(struct sqlb *b, const struct sq *q, const char *a, int cat)
{
	char t[512];
	json_t *v;
	size_t i;
	int n = 0;

	if (q->project != NULL) {
		snprintf(t, sizeof(t), " AND %s.project = ?",
		    cat == CAT_PROMPT ? "s" : a);
		addv(b, t, json_string(q->project));
		n++;
	}
	if (q->platform != NULL) {
		if (cat == CAT_PROMPT)
			snprintf(t, sizeof(t), " AND COALESCE(NULLIF("
			    "s.platform_source, ''), 'claude') = ?");
		else
			snprintf(t, sizeof(t), " AND COALESCE(NULLIF((SELECT "
			    "s2.platform_source FROM sdk_sessions s2 WHERE "
			    "s2.sdk_session_id = %s.sdk_session_id), ''), "
			    "'claude') = ?", a);
		addv(b, t, json_string(q->platform));
		n++;
	}
	if (q->start >= 0) {
		snprintf(t, sizeof(t), " AND %s.created_at_epoch >= ?", a);
		addv(b, t, json_integer(q->start));
		n++;
	}
	if (q->end >= 0) {
		snprintf(t, sizeof(t), " AND %s.created_at_epoch <= ?", a);
		addv(b, t, json_integer(q->end));
		n++;
	}
	if (cat != CAT_OBS)
		return n > 0;
	if (q->types != NULL) {
		addv(b, " AND o.type IN (SELECT value FROM json_each(?))",
		    json_incref(q->types));
		n++;
	}
	if (q->concepts != NULL) {
		addv(b, " AND EXISTS (SELECT 1 FROM json_each(CASE WHEN "
		    "json_valid(o.concepts) THEN o.concepts ELSE '[]' END) c, "
		    "json_each(?) w WHERE c.value = w.value)",
		    json_incref(q->concepts));
		n++;
	}
	json_array_foreach(q->files, i, v) {
		char *like = malloc(strlen(json_string_value(v)) + 3);

		if (like == NULL)
			continue;
		sprintf(like, "%%%s%%", json_string_value(v));
		add(b, i == 0 ? " AND (" : " OR ");
		addv(b, "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid("
		    "o.files_read) THEN o.files_read ELSE '[]' END) WHERE value "
		    "LIKE ?) OR ", json_string(like));
		addv(b, "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid("
		    "o.files_modified) THEN o.files_modified ELSE '[]' END) "
		    "WHERE value LIKE ?)", json_string(like));
		free(like);
		n++;
	}
	if (q->files != NULL)
		add(b, ")");
	return n > 0;
}

/* The query as a LIKE pattern (13's buildSubstringClause). */
static json_t *like_of(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(2 * n + 3), *o = p;
	json_t *j;

	if (p == NULL)
		return NULL;
	*o++ = '%';
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '%' || *s == '_')
			*o++ = '\\';
		*o++ = *s;
	}
	*o++ = '%';
	*o = '\0';
	j = json_string(p);
	free(p);
	return j;
}

/* The query as one FTS5 phrase (13: '"' + q with " doubled + '"'). */
static json_t *phrase_of(const char *s)
{
	char *p = malloc(2 * strlen(s) + 3), *o = p;
	json_t *j;

	if (p == NULL)
		return NULL;
	*o++ = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"')
			*o++ = '"';
		*o++ = *s;
	}
	*o++ = '"';
	*o = '\0';
	j = json_string(p);
	free(p);
	return j;
}

static void substring(struct sqlb *b, const char *q, const char *a,
    const char *const *cols)
{
	char t[128];
	size_t i;

	add(b, " AND (");
	for (i = 0; cols[i] != NULL; i++) {
		snprintf(t, sizeof(t), "%s%s.%s LIKE ? ESCAPE '\\'",
		    i ? " OR " : "", a, cols[i]);
		addv(b, t, like_of(q));
	}
	add(b, ")");
}

static void order_limit(struct sqlb *b, const struct sq *q, const char *a,
    const char *rank, long def)
{
	char t[160];

	if (q->order != NULL && strcmp(q->order, "date_asc") == 0)
		snprintf(t, sizeof(t), " ORDER BY %s.created_at_epoch ASC, "
		    "%s.id ASC", a, a);
	else if (rank != NULL && (q->order == NULL ||
	    strcmp(q->order, "relevance") == 0))
		snprintf(t, sizeof(t), " ORDER BY %s, %s.created_at_epoch DESC",
		    rank, a);
	else
		snprintf(t, sizeof(t), " ORDER BY %s.created_at_epoch DESC, "
		    "%s.id DESC", a, a);
	add(b, t);
	addv(b, " LIMIT ?", json_integer(q->limit > 0 ? q->limit : def));
	addv(b, " OFFSET ?", json_integer(q->offset > 0 ? q->offset : 0));
}

static json_t *run(struct store *st, struct sqlb *b, const char **err)
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *s = NULL;
	json_t *v, *rows;
	size_t i;

	if (b->overflow) {
		*err = "query too long";
		return NULL;
	}
	if (sqlite3_prepare_v2(db, b->sql, -1, &s, NULL) != SQLITE_OK) {
		*err = sqlite3_errmsg(db);
		return NULL;
	}
	json_array_foreach(b->args, i, v) {
		if (json_is_integer(v))
			sqlite3_bind_int64(s, (int)i + 1, json_integer_value(v));
		else if (json_is_string(v))
			sqlite3_bind_text(s, (int)i + 1, json_string_value(v), -1,
			    SQLITE_TRANSIENT);
		else {
			char *t = json_dumps(v, JSON_COMPACT);

			sqlite3_bind_text(s, (int)i + 1, t, -1, free);
		}
	}
	rows = store_rows_json(st, s);
	if (rows == NULL)
		*err = sqlite3_errmsg(db);
	sqlite3_finalize(s);
	return rows;
}

/* One list; *skip when there is neither a query nor a filter for it. */
static json_t *search_list(struct store *st, const struct sq *q, int cat,
    int *skip, const char **err)
{
	static const char *const obs_cols[] = { "title", "subtitle",
	    "narrative", "text", "facts", "concepts", NULL };
	static const char *const sum_cols[] = { "request", "investigated",
	    "learned", "completed", "next_steps", "notes", NULL };
	static const char *const prompt_cols[] = { "prompt_text", NULL };
	struct sqlb b = { .len = 0 };
	const char *a, *rank = NULL;
	int fts = q->query != NULL && !q->unsegmented && cat != CAT_PROMPT;
	json_t *r;
	long def;

	b.args = json_array();
	if (cat == CAT_OBS) {
		a = "o";
		def = OBS_LIMIT;
		add(&b, fts ? "SELECT o.* FROM observations o JOIN observations_fts "
		    "f ON f.rowid = o.id WHERE observations_fts MATCH ?" :
		    "SELECT o.* FROM observations o WHERE 1");
		rank = fts ? "f.rank" : NULL;
	} else if (cat == CAT_SUM) {
		a = "s";
		def = SUM_LIMIT;
		add(&b, fts ? "SELECT s.* FROM session_summaries s JOIN "
		    "session_summaries_fts f ON f.rowid = s.id WHERE "
		    "session_summaries_fts MATCH ?" :
		    "SELECT s.* FROM session_summaries s WHERE 1");
		rank = fts ? "f.rank" : NULL;
	} else {
		a = "up";
		def = PROMPT_LIMIT;
		add(&b, "SELECT up.*, s.project, s.memory_session_id, COALESCE("
		    "NULLIF(s.platform_source, ''), 'claude') AS platform_source "
		    "FROM user_prompts up JOIN sdk_sessions s ON "
		    "s.claude_session_id = up.claude_session_id WHERE 1");
	}
	if (fts)
		json_array_append_new(b.args, phrase_of(q->query));
	else if (q->query != NULL)
		substring(&b, q->query, a, cat == CAT_OBS ? obs_cols :
		    cat == CAT_SUM ? sum_cols : prompt_cols);
	*skip = !filters(&b, q, a, cat) && q->query == NULL;
	if (*skip) {
		json_decref(b.args);
		return NULL;
	}
	order_limit(&b, q, a, rank, def);
	r = run(st, &b, err);
	json_decref(b.args);
	return r;
}

int search13_json(struct worker *w, struct MHD_Connection *c)
{
	static const int cats[] = { CAT_OBS, CAT_SUM, CAT_PROMPT };
	json_t *lists[3] = { NULL, NULL, NULL };
	const char *bad, *err = NULL;
	size_t total = 0, i;
	int skip, searched = 0, rc;
	struct sq q;

	if (sq_parse(c, &q, &bad) < 0) {
		sq_free(&q);
		return http_invalid(c, bad, strcmp(bad, "orderBy") == 0 ?
		    "Expected relevance, date_desc or date_asc" :
		    "Expected epoch milliseconds or an ISO date");
	}
	for (i = 0; i < 3; i++) {
		if ((q.cats & cats[i]) == 0) {
			lists[i] = json_array();
			continue;
		}
		lists[i] = search_list(w->store, &q, cats[i], &skip, &err);
		if (skip)
			lists[i] = json_array();
		else if (lists[i] == NULL)
			goto fail;
		else
			searched = 1;
		total += json_array_size(lists[i]);
	}
	if (!searched) {
		rc = http_reply_error(c, 400, "Either query or filters required "
		    "for search");
		goto out;
	}
	rc = http_reply(c, 200, json_pack("{s:o, s:o, s:o, s:I, s:s}",
	    "observations", lists[0], "sessions", lists[1], "prompts",
	    lists[2], "totalResults", (json_int_t)total, "query",
	    q.query ? q.query : ""));
	memset(lists, 0, sizeof(lists));
	goto out;
fail:
	rc = http_reply_error(c, 500, "Search failed: %s", err ? err :
	    "out of memory");
out:
	for (i = 0; i < 3; i++)
		json_decref(lists[i]);
	sq_free(&q);
	return rc;
}
