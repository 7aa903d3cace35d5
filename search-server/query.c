/*
 * query.c: every SQL statement on the claude-mem tables. Filters are
 * applied in SQL (bound, never pasted); ranked searches fuse the FTS5 bm25
 * list with the vector list of rank.c and then read only the page shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memdb.h"
#include "search.h"

#define FUSE_MIN	100	/* candidates from each list, at least */
#define FUSE_MAX	400
#define NEAREST_MAX	2000	/* vector candidates before filtering */

/* How each kind is read: its FROM, alias, FTS table and columns. */
struct kind_sql {
	const char	*from;
	const char	*a;		/* alias of the content table */
	const char	*project;	/* project column */
	const char	*fts;
	const char	*cols;
};

static const struct kind_sql ksql[KIND_COUNT] = {
	[KIND_OBS] = { "observations o", "o", "o.project", "observations_fts",
	    "o.id, o.created_at_epoch, o.project, o.sdk_session_id, o.type, "
	    "o.title, o.subtitle, o.narrative, o.text, o.facts, o.concepts, "
	    "o.files_read, o.files_modified, o.prompt_number" },
	[KIND_SUM] = { "session_summaries s", "s", "s.project",
	    "session_summaries_fts",
	    "s.id, s.created_at_epoch, s.project, s.sdk_session_id, "
	    "s.request, s.investigated, s.learned, s.completed, s.next_steps, "
	    "s.notes, s.files_read, s.files_edited, s.prompt_number" },
	[KIND_PROMPT] = { "user_prompts p LEFT JOIN sdk_sessions ss ON "
	    "ss.claude_session_id = p.claude_session_id", "p", "ss.project",
	    "user_prompts_fts",
	    "p.id, p.created_at_epoch, ss.project, p.claude_session_id, "
	    "p.prompt_text, p.prompt_number" },
};

/* ---- the store ---------------------------------------------------------- */

int search_open(struct search_ctx *sc, char *err, size_t errlen)
{
	if (sc->db == NULL &&
	    memdb_open(sc->db_path, 1, &sc->db, err, errlen) < 0)
		return -1;
	if (sc->rank == NULL &&
	    rank_open(sc->data_dir, &sc->rank, err, errlen) < 0)
		return -1;
	return 0;
}

void search_close(struct search_ctx *sc)
{
	rank_close(sc->rank);
	sc->rank = NULL;
	memdb_close(sc->db);
	sc->db = NULL;
}

/* ---- rows --------------------------------------------------------------- */

static void row_free(struct row *r)
{
	free(r->project); free(r->session); free(r->type); free(r->title);
	free(r->subtitle); free(r->narrative); free(r->text); free(r->facts);
	free(r->concepts); free(r->files_read); free(r->files_modified);
	free(r->request); free(r->investigated); free(r->learned);
	free(r->completed); free(r->next_steps); free(r->notes);
	free(r->files_edited); free(r->prompt_text); free(r->status);
}

void rowset_free(struct rowset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		row_free(&rs->v[i]);
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static struct row *rowset_new(struct rowset *rs)
{
	struct row *v;
	size_t cap;

	if (rs->n == rs->cap) {
		cap = rs->cap ? rs->cap * 2 : 16;
		if ((v = realloc(rs->v, cap * sizeof(*v))) == NULL)
			return NULL;
		rs->v = v;
		rs->cap = cap;
	}
	memset(&rs->v[rs->n], 0, sizeof(rs->v[0]));
	return &rs->v[rs->n++];
}

static char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

static void row_fill(struct row *r, int kind, sqlite3_stmt *st)
{
	r->kind = kind;
	r->id = sqlite3_column_int64(st, 0);
	r->epoch = sqlite3_column_int64(st, 1);
	r->project = col(st, 2);
	r->session = col(st, 3);
	switch (kind) {
	case KIND_OBS:
		r->type = col(st, 4); r->title = col(st, 5);
		r->subtitle = col(st, 6); r->narrative = col(st, 7);
		r->text = col(st, 8); r->facts = col(st, 9);
		r->concepts = col(st, 10); r->files_read = col(st, 11);
		r->files_modified = col(st, 12);
		r->prompt_number = sqlite3_column_int64(st, 13);
		break;
	case KIND_SUM:
		r->request = col(st, 4); r->investigated = col(st, 5);
		r->learned = col(st, 6); r->completed = col(st, 7);
		r->next_steps = col(st, 8); r->notes = col(st, 9);
		r->files_read = col(st, 10); r->files_edited = col(st, 11);
		r->prompt_number = sqlite3_column_int64(st, 12);
		break;
	default:
		r->prompt_text = col(st, 4);
		r->prompt_number = sqlite3_column_int64(st, 5);
		break;
	}
}

/* ---- statements with bound parameters ----------------------------------- */

#define MAX_BINDS 128

struct sq {
	struct sbuf	 sql;
	int		 n;
	struct {
		const char	*s;	/* NULL: integer */
		int64_t		 i;
		int		 like;	/* bind as %s% */
	} b[MAX_BINDS];
	int		 overflow;
};

static void sq_str(struct sq *q, const char *s, int like)
{
	if (q->n == MAX_BINDS) {
		q->overflow = 1;
		return;
	}
	q->b[q->n].s = s;
	q->b[q->n].like = like;
	q->n++;
	sbuf_add(&q->sql, "?");
}

static void sq_int(struct sq *q, int64_t i)
{
	if (q->n == MAX_BINDS) {
		q->overflow = 1;
		return;
	}
	q->b[q->n].s = NULL;
	q->b[q->n].i = i;
	q->n++;
	sbuf_add(&q->sql, "?");
}

static int sq_prepare(sqlite3 *db, struct sq *q, sqlite3_stmt **st,
    char *err, size_t errlen)
{
	int i;

	*st = NULL;
	if (q->overflow || q->sql.oom) {
		snprintf(err, errlen, "query too large");
		return -1;
	}
	if (sqlite3_prepare_v2(db, q->sql.s, -1, st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(db));
		return -1;
	}
	for (i = 0; i < q->n; i++) {
		if (q->b[i].s == NULL)
			sqlite3_bind_int64(*st, i + 1, q->b[i].i);
		else if (q->b[i].like) {
			char *l = sqlite3_mprintf("%%%s%%", q->b[i].s);

			sqlite3_bind_text(*st, i + 1, l, -1, sqlite3_free);
		} else
			sqlite3_bind_text(*st, i + 1, q->b[i].s, -1,
			    SQLITE_STATIC);
	}
	return 0;
}

void filters_from_args(struct filters *f, const struct targs *a)
{
	memset(f, 0, sizeof(*f));
	f->project = a->project;
	f->start = a->start;
	f->end = a->end;
	f->types = &a->types;
	f->concepts = &a->concepts;
	f->files = &a->files;
}

static int has(const struct strlist *l)
{
	return l && l->n > 0;
}

#define JSON_ARR(c) "(CASE WHEN json_valid(" c ") THEN " c " ELSE '[]' END)"

static void where_concepts(struct sq *q, const struct strlist *l)
{
	int i;

	sbuf_add(&q->sql, "EXISTS (SELECT 1 FROM json_each(" JSON_ARR(
	    "o.concepts") ") WHERE value IN (");
	for (i = 0; i < l->n; i++) {
		sbuf_add(&q->sql, i ? ", " : "");
		sq_str(q, l->v[i], 0);
	}
	sbuf_add(&q->sql, "))");
}

static void where_types(struct sq *q, const struct strlist *l)
{
	int i;

	sbuf_add(&q->sql, "o.type IN (");
	for (i = 0; i < l->n; i++) {
		sbuf_add(&q->sql, i ? ", " : "");
		sq_str(q, l->v[i], 0);
	}
	sbuf_add(&q->sql, ")");
}

static void where_files(struct sq *q, int kind, const struct strlist *l)
{
	int i;

	sbuf_add(&q->sql, " AND (");
	for (i = 0; i < l->n; i++) {
		sbuf_add(&q->sql, i ? " OR " : "");
		if (kind == KIND_OBS) {
			sbuf_add(&q->sql, "EXISTS (SELECT 1 FROM json_each("
			    JSON_ARR("o.files_read") ") WHERE value LIKE ");
			sq_str(q, l->v[i], 1);
			sbuf_add(&q->sql, ") OR EXISTS (SELECT 1 FROM json_each("
			    JSON_ARR("o.files_modified") ") WHERE value LIKE ");
			sq_str(q, l->v[i], 1);
			sbuf_add(&q->sql, ")");
		} else {
			sbuf_add(&q->sql, "s.files_read LIKE ");
			sq_str(q, l->v[i], 1);
			sbuf_add(&q->sql, " OR s.files_edited LIKE ");
			sq_str(q, l->v[i], 1);
		}
	}
	sbuf_add(&q->sql, ")");
}

/* " AND ..." for every filter that applies to this kind. */
static void where(struct sq *q, int kind, const struct filters *f)
{
	const struct kind_sql *k = &ksql[kind];

	if (f->project) {
		sbuf_printf(&q->sql, " AND %s = ", k->project);
		sq_str(q, f->project, 0);
	}
	if (f->start != DATE_UNSET) {
		sbuf_printf(&q->sql, " AND %s.created_at_epoch >= ", k->a);
		sq_int(q, f->start);
	}
	if (f->end != DATE_UNSET) {
		sbuf_printf(&q->sql, " AND %s.created_at_epoch <= ", k->a);
		sq_int(q, f->end);
	}
	if (kind == KIND_OBS && f->type_or_concept &&
	    (has(f->types) || has(f->concepts))) {
		sbuf_add(&q->sql, " AND (");
		if (has(f->types))
			where_types(q, f->types);
		if (has(f->types) && has(f->concepts))
			sbuf_add(&q->sql, " OR ");
		if (has(f->concepts))
			where_concepts(q, f->concepts);
		sbuf_add(&q->sql, ")");
	} else if (kind == KIND_OBS) {
		if (has(f->types)) {
			sbuf_add(&q->sql, " AND ");
			where_types(q, f->types);
		}
		if (has(f->concepts)) {
			sbuf_add(&q->sql, " AND ");
			where_concepts(q, f->concepts);
		}
	}
	if (has(f->files) && kind != KIND_PROMPT)
		where_files(q, kind, f->files);
}

/* ---- reading ------------------------------------------------------------ */

static int read_rows(sqlite3 *db, sqlite3_stmt *st, int kind,
    struct rowset *out, char *err, size_t errlen)
{
	struct row *r;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = rowset_new(out)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		row_fill(r, kind, st);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* (id, epoch) pairs of a statement, in its order. */
static int read_ranked(sqlite3 *db, sqlite3_stmt *st, struct ranked **out,
    size_t *n, char *err, size_t errlen)
{
	struct ranked *v = NULL, *t;
	size_t m = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (m == cap) {
			cap = cap ? cap * 2 : 64;
			if ((t = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			v = t;
		}
		v[m].id = sqlite3_column_int64(st, 0);
		v[m].epoch = sqlite3_column_int64(st, 1);
		v[m].score = 0;
		m++;
	}
	if (rc != SQLITE_DONE) {
		free(v);
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(db));
		return -1;
	}
	*out = v;
	*n = m;
	return 0;
}

static void ids_json(struct sbuf *b, const struct ranked *v, size_t n)
{
	size_t i;

	sbuf_add(b, "[");
	for (i = 0; i < n; i++)
		sbuf_printf(b, "%s%lld", i ? "," : "", (long long)v[i].id);
	sbuf_add(b, "]");
}

/* Rows of ids, appended to out in the order of ids. */
static int hydrate(struct search_ctx *sc, int kind, const struct ranked *ids,
    size_t n, struct rowset *out, char *err, size_t errlen)
{
	const struct kind_sql *k = &ksql[kind];
	struct rowset tmp = { 0 };
	struct sbuf js;
	struct sq q;
	sqlite3_stmt *st = NULL;
	size_t i, j;
	int ret = -1;

	if (n == 0)
		return 0;
	memset(&q, 0, sizeof(q));
	sbuf_init(&js);
	ids_json(&js, ids, n);
	sbuf_printf(&q.sql, "SELECT %s FROM %s WHERE %s.id IN (SELECT value "
	    "FROM json_each(", k->cols, k->from, k->a);
	sq_str(&q, js.s ? js.s : "[]", 0);
	sbuf_add(&q.sql, "))");
	if (sq_prepare(sc->db, &q, &st, err, errlen) < 0 ||
	    read_rows(sc->db, st, kind, &tmp, err, errlen) < 0)
		goto out;
	for (i = 0; i < n; i++)
		for (j = 0; j < tmp.n; j++) {
			struct row *r;

			if (tmp.v[j].id != ids[i].id || tmp.v[j].kind < 0)
				continue;
			if ((r = rowset_new(out)) == NULL) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			*r = tmp.v[j];
			r->score = ids[i].score;
			memset(&tmp.v[j], 0, sizeof(tmp.v[j]));
			tmp.v[j].kind = -1;	/* moved */
			break;
		}
	ret = 0;
out:
	sqlite3_finalize(st);
	rowset_free(&tmp);
	sbuf_free(&js);
	sbuf_free(&q.sql);
	return ret;
}

/* ---- filter-only -------------------------------------------------------- */

static int rows_plain(struct search_ctx *sc, int kind,
    const struct filters *f, int order, int offset, int limit,
    struct rowset *out, char *err, size_t errlen)
{
	const struct kind_sql *k = &ksql[kind];
	const char *dir = order == ORDER_DATE_ASC ? "ASC" : "DESC";
	sqlite3_stmt *st = NULL;
	struct sq q;
	int ret;

	memset(&q, 0, sizeof(q));
	sbuf_printf(&q.sql, "SELECT %s FROM %s WHERE 1", k->cols, k->from);
	where(&q, kind, f);
	sbuf_printf(&q.sql, " ORDER BY %s.created_at_epoch %s, %s.id %s "
	    "LIMIT ", k->a, dir, k->a, dir);
	sq_int(&q, limit);
	sbuf_add(&q.sql, " OFFSET ");
	sq_int(&q, offset);
	ret = sq_prepare(sc->db, &q, &st, err, errlen) < 0 ? -1 :
	    read_rows(sc->db, st, kind, out, err, errlen);
	sqlite3_finalize(st);
	sbuf_free(&q.sql);
	return ret;
}

/* ---- ranked ------------------------------------------------------------- */

static int fts_candidates(struct search_ctx *sc, int kind, const char *expr,
    const struct filters *f, size_t max, struct ranked **out, size_t *n,
    char *err, size_t errlen)
{
	const struct kind_sql *k = &ksql[kind];
	sqlite3_stmt *st = NULL;
	struct sq q;
	int ret;

	memset(&q, 0, sizeof(q));
	sbuf_printf(&q.sql, "SELECT %s.id, %s.created_at_epoch FROM %s, %s "
	    "WHERE %s.id = %s.rowid AND %s MATCH ", k->a, k->a, k->fts,
	    k->from, k->a, k->fts, k->fts);
	sq_str(&q, expr, 0);
	where(&q, kind, f);
	sbuf_printf(&q.sql, " ORDER BY bm25(%s), %s.id DESC LIMIT ", k->fts,
	    k->a);
	sq_int(&q, (int64_t)max);
	ret = sq_prepare(sc->db, &q, &st, err, errlen) < 0 ? -1 :
	    read_ranked(sc->db, st, out, n, err, errlen);
	sqlite3_finalize(st);
	sbuf_free(&q.sql);
	return ret;
}

static int cmp_ranked_id(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The vector neighbours of q that pass the filters, best first. */
static int vector_candidates(struct search_ctx *sc, int kind, const char *qs,
    const struct filters *f, size_t max, struct ranked **out, size_t *n,
    char *err, size_t errlen)
{
	const struct kind_sql *k = &ksql[kind];
	struct ranked *near = NULL, *pass = NULL;
	size_t nn, np, i, m = 0;
	sqlite3_stmt *st = NULL;
	struct sbuf js;
	struct sq q;
	int ret = -1;

	*out = NULL;
	*n = 0;
	if (rank_refresh(sc->rank, sc->db, err, errlen) < 0)
		return -1;
	if (rank_nearest(sc->rank, kind, qs, NEAREST_MAX, &near, &nn) < 0) {
		snprintf(err, errlen, "vector search: out of memory");
		return -1;
	}
	if (nn == 0) {
		free(near);
		return 0;
	}
	memset(&q, 0, sizeof(q));
	sbuf_init(&js);
	ids_json(&js, near, nn);
	sbuf_printf(&q.sql, "SELECT %s.id, %s.created_at_epoch FROM %s WHERE "
	    "%s.id IN (SELECT value FROM json_each(", k->a, k->a, k->from, k->a);
	sq_str(&q, js.s ? js.s : "[]", 0);
	sbuf_add(&q.sql, "))");
	where(&q, kind, f);
	if (sq_prepare(sc->db, &q, &st, err, errlen) < 0 ||
	    read_ranked(sc->db, st, &pass, &np, err, errlen) < 0)
		goto out;
	/* keep the vector order; only those that passed */
	if (np)
		qsort(pass, np, sizeof(*pass), cmp_ranked_id);
	for (i = 0; i < nn && m < max; i++)
		if (np && bsearch(&near[i], pass, np, sizeof(*pass),
		    cmp_ranked_id))
			near[m++] = near[i];
	*out = near;
	*n = m;
	near = NULL;
	ret = 0;
out:
	free(near);
	free(pass);
	sqlite3_finalize(st);
	sbuf_free(&js);
	sbuf_free(&q.sql);
	return ret;
}

static int cmp_date_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->epoch != y->epoch)
		return x->epoch > y->epoch ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

static int cmp_date_asc(const void *a, const void *b)
{
	return cmp_date_desc(b, a);
}

static int rows_ranked(struct search_ctx *sc, int kind, const char *qs,
    const struct filters *f, int order, int offset, int limit,
    struct rowset *out, char *err, size_t errlen)
{
	struct ranked *a = NULL, *b = NULL, *fused = NULL;
	size_t na = 0, nb = 0, nf = 0, max, from;
	char *expr;
	int ret = -1;

	max = (size_t)(offset + limit) * 2;
	max = max < FUSE_MIN ? FUSE_MIN : max > FUSE_MAX ? FUSE_MAX : max;
	if ((expr = rank_fts_expr(qs)) == NULL)
		return 0;	/* no word at all: nothing can match */
	if (fts_candidates(sc, kind, expr, f, max, &a, &na, err, errlen) < 0 ||
	    vector_candidates(sc, kind, qs, f, max, &b, &nb, err, errlen) < 0)
		goto out;
	if (rank_fuse(a, na, b, nb, &fused, &nf) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (nf > 1 && order == ORDER_DATE_DESC)
		qsort(fused, nf, sizeof(*fused), cmp_date_desc);
	else if (nf > 1 && order == ORDER_DATE_ASC)
		qsort(fused, nf, sizeof(*fused), cmp_date_asc);
	from = (size_t)offset < nf ? (size_t)offset : nf;
	ret = hydrate(sc, kind, nf ? fused + from : fused,
	    nf - from < (size_t)limit ? nf - from : (size_t)limit, out, err,
	    errlen);
out:
	free(expr);
	free(a);
	free(b);
	free(fused);
	return ret;
}

int query_rows(struct search_ctx *sc, int kind, const char *q,
    const struct filters *f, int order, int offset, int limit,
    struct rowset *out, char *err, size_t errlen)
{
	if (q == NULL || *q == '\0')
		return rows_plain(sc, kind, f, order, offset, limit, out, err,
		    errlen);
	return rows_ranked(sc, kind, q, f, order, offset, limit, out, err,
	    errlen);
}

int query_by_id(struct search_ctx *sc, int kind, int64_t id,
    struct rowset *out, char *err, size_t errlen)
{
	struct ranked r = { id, 0, 0 };

	return hydrate(sc, kind, &r, 1, out, err, errlen);
}

/* ---- timeline ----------------------------------------------------------- */

struct tl_item {
	struct ranked	r;
	int		kind;
};

static int tl_cmp(const void *a, const void *b)
{
	const struct tl_item *x = a, *y = b;

	if (x->r.epoch != y->r.epoch)
		return x->r.epoch < y->r.epoch ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->r.id < y->r.id ? -1 : x->r.id > y->r.id;
}

/* Up to lim items of one kind on one side of the anchor key. */
static int tl_side(struct search_ctx *sc, int kind, int after, int64_t ae,
    int ak, int64_t aid, int lim, const char *project, struct tl_item **v,
    size_t *nv, char *err, size_t errlen)
{
	const struct kind_sql *k = &ksql[kind];
	struct ranked *r = NULL;
	sqlite3_stmt *st = NULL;
	struct tl_item *t;
	size_t n = 0, i;
	struct sq q;
	int ret = -1;

	memset(&q, 0, sizeof(q));
	sbuf_printf(&q.sql, "SELECT %s.id, %s.created_at_epoch FROM %s WHERE ",
	    k->a, k->a, k->from);
	if (project) {
		sbuf_printf(&q.sql, "%s = ", k->project);
		sq_str(&q, project, 0);
		sbuf_add(&q.sql, " AND ");
	}
	/* (epoch, kind, id) < anchor, or >= anchor */
	sbuf_printf(&q.sql, "(%s.created_at_epoch %s ", k->a, after ? ">" : "<");
	sq_int(&q, ae);
	sbuf_printf(&q.sql, " OR (%s.created_at_epoch = ", k->a);
	sq_int(&q, ae);
	sbuf_printf(&q.sql, " AND (%d OR (%d AND %s.id %s ", after ? kind > ak :
	    kind < ak, kind == ak, k->a, after ? ">=" : "<");
	sq_int(&q, aid);
	sbuf_printf(&q.sql, ")))) ORDER BY %s.created_at_epoch %s, %s.id %s "
	    "LIMIT ", k->a, after ? "ASC" : "DESC", k->a, after ? "ASC" : "DESC");
	sq_int(&q, lim);
	if (sq_prepare(sc->db, &q, &st, err, errlen) < 0 ||
	    read_ranked(sc->db, st, &r, &n, err, errlen) < 0)
		goto out;
	if (n && (t = realloc(*v, (*nv + n) * sizeof(**v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	} else if (n)
		*v = t;
	for (i = 0; i < n; i++) {
		(*v)[*nv].r = r[i];
		(*v)[*nv].kind = kind;
		(*nv)++;
	}
	ret = 0;
out:
	free(r);
	sqlite3_finalize(st);
	sbuf_free(&q.sql);
	return ret;
}

static int tl_hydrate(struct search_ctx *sc, struct tl_item *v, size_t n,
    struct rowset *out, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hydrate(sc, v[i].kind, &v[i].r, 1, out, err, errlen) < 0)
			return -1;
	return 0;
}

int query_timeline(struct search_ctx *sc, int64_t epoch, int kind,
    int64_t id, int before, int after, const char *project,
    struct rowset *out, char *err, size_t errlen)
{
	struct tl_item *bv = NULL, *av = NULL;
	size_t nb = 0, na = 0, nbk, nak;
	int k, ret = -1, alim = after + (kind >= 0);

	for (k = 0; k < KIND_COUNT; k++)
		if ((before > 0 && tl_side(sc, k, 0, epoch, kind, id, before,
		    project, &bv, &nb, err, errlen) < 0) ||
		    (alim > 0 && tl_side(sc, k, 1, epoch, kind, id, alim,
		    project, &av, &na, err, errlen) < 0))
			goto out;
	if (nb)
		qsort(bv, nb, sizeof(*bv), tl_cmp);
	if (na)
		qsort(av, na, sizeof(*av), tl_cmp);
	nbk = nb < (size_t)before ? nb : (size_t)before;
	nak = na < (size_t)alim ? na : (size_t)alim;
	if (tl_hydrate(sc, nbk ? bv + (nb - nbk) : bv, nbk, out, err, errlen) < 0 ||
	    tl_hydrate(sc, av, nak, out, err, errlen) < 0)
		goto out;
	ret = 0;
out:
	free(bv);
	free(av);
	return ret;
}

/* ---- sessions ----------------------------------------------------------- */

int query_recent_sessions(struct search_ctx *sc, const char *project,
    int limit, struct rowset *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	struct row *r;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(sc->db, "SELECT id, started_at_epoch, project, "
	    "sdk_session_id, user_prompt, status FROM sdk_sessions WHERE "
	    "project = ? ORDER BY started_at_epoch DESC, id DESC LIMIT ?", -1,
	    &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(sc->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, project, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = rowset_new(out)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		r->kind = -1;
		r->id = sqlite3_column_int64(st, 0);
		r->epoch = sqlite3_column_int64(st, 1);
		r->project = col(st, 2);
		r->session = col(st, 3);
		r->request = col(st, 4);
		r->status = col(st, 5);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "query: %s", sqlite3_errmsg(sc->db));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static int session_rows(struct search_ctx *sc, int kind, const char *sql,
    const char *session, struct rowset *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	struct sq q;
	int ret;

	memset(&q, 0, sizeof(q));
	sbuf_printf(&q.sql, "SELECT %s FROM %s WHERE %s.sdk_session_id = ",
	    ksql[kind].cols, ksql[kind].from, ksql[kind].a);
	sq_str(&q, session, 0);
	sbuf_add(&q.sql, sql);
	ret = sq_prepare(sc->db, &q, &st, err, errlen) < 0 ? -1 :
	    read_rows(sc->db, st, kind, out, err, errlen);
	sqlite3_finalize(st);
	sbuf_free(&q.sql);
	return ret;
}

int query_session_summary(struct search_ctx *sc, const char *sdk_session,
    struct rowset *out, char *err, size_t errlen)
{
	return session_rows(sc, KIND_SUM, " ORDER BY s.created_at_epoch DESC, "
	    "s.id DESC LIMIT 1", sdk_session, out, err, errlen);
}

int query_session_observations(struct search_ctx *sc,
    const char *sdk_session, struct rowset *out, char *err, size_t errlen)
{
	return session_rows(sc, KIND_OBS, " ORDER BY o.created_at_epoch, o.id",
	    sdk_session, out, err, errlen);
}
