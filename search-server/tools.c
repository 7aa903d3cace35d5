/*
 * tools.c: the original's 14 tools - names, parameters and defaults (one
 * table, walked for tools/list and for tools/call), and the markdown each
 * one answers with. SQL lives in query.c, rendering of rows in format.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))


struct tool {
	const char		*name;
	const char		*desc;
	const struct tool_param	*params;
	size_t			 nparams;
	tool_fn			*run;
};

/* ---- shared pieces ------------------------------------------------------ */

static void join_list(const struct strlist *l, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < l->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
		    l->v[i]);
}

static int list_set(struct strlist *l, const char *const *v, int n)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->n = 0;
	if ((l->v = calloc((size_t)n, sizeof(*l->v))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((l->v[i] = strdup(v[i])) == NULL)
			return -1;
		l->n++;
	}
	return 0;
}

/* Entries of a rowset: numbered index entries, or full ones. */
static void entries(struct sbuf *b, const struct rowset *rs, size_t from,
    size_t to, int format)
{
	size_t i;

	for (i = from; i < to && i < rs->n; i++) {
		if (format == FORMAT_FULL) {
			sbuf_add(b, i > from ? "\n\n---\n\n" : "");
			fmt_full_entry(b, &rs->v[i]);
		} else {
			sbuf_add(b, i > from ? "\n\n" : "");
			fmt_index_entry(b, &rs->v[i], (int)(i - from + 1));
		}
	}
}

/* A ranked order is meaningless without a query: newest first then. */
static int order_of(const struct targs *a)
{
	if (a->order == ORDER_RELEVANCE && (a->query == NULL || !*a->query))
		return ORDER_DATE_DESC;
	return a->order;
}

/* "Found N <what>[ matching "q"]:" + entries (+ tips in index form). */
static void found(struct sbuf *b, const struct rowset *rs, const char *what,
    const char *q, const struct targs *a, int tips)
{
	if (a->format == FORMAT_INDEX) {
		sbuf_printf(b, "Found %zu %s", rs->n, what);
		if (q && *q)
			sbuf_printf(b, " matching \"%s\"", q);
		sbuf_add(b, ":\n\n");
	}
	entries(b, rs, 0, rs->n, a->format);
	if (tips && a->format == FORMAT_INDEX)
		fmt_search_tips(b);
}

static int obs_search(struct search_ctx *sc, struct targs *a,
    const struct filters *f, struct rowset *rs, char *err, size_t errlen)
{
	return query_rows(sc, KIND_OBS, a->query, f, order_of(a), a->offset,
	    a->limit, rs, err, errlen);
}

/* ---- search (unified) --------------------------------------------------- */

static int cmp_row_score(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->epoch != b->epoch)
		return a->epoch > b->epoch ? -1 : 1;
	return a->kind - b->kind;
}

static int cmp_row_desc(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->epoch != b->epoch)
		return a->epoch > b->epoch ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind - b->kind;
	return a->id > b->id ? -1 : a->id < b->id;
}

static int cmp_row_asc(const void *x, const void *y)
{
	return cmp_row_desc(y, x);
}

static void sort_rows(struct rowset *rs, int order)
{
	if (rs->n == 0)
		return;
	qsort(rs->v, rs->n, sizeof(*rs->v), order == ORDER_RELEVANCE ?
	    cmp_row_score : order == ORDER_DATE_ASC ? cmp_row_asc :
	    cmp_row_desc);
}

static int run_search(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	struct filters f, fo;
	size_t cnt[KIND_COUNT] = { 0 }, i, to;
	int k, ret = -1, order = order_of(a);

	filters_from_args(&fo, a);	/* obs_type/concepts/files: obs only */
	f = fo;
	f.types = f.concepts = f.files = NULL;
	for (k = 0; k < KIND_COUNT; k++)
		if ((a->doctype < 0 || a->doctype == k) &&
		    query_rows(sc, k, a->query, k == KIND_OBS ? &fo : &f, order,
		    0, a->offset + a->limit, &rs, err, errlen) < 0)
			goto out;
	sort_rows(&rs, order);
	to = (size_t)(a->offset + a->limit);
	for (i = (size_t)a->offset; i < to && i < rs.n; i++)
		cnt[rs.v[i].kind]++;
	if (cnt[0] + cnt[1] + cnt[2] == 0) {
		sbuf_printf(b, "No results found%s%s%s", a->query ?
		    " matching \"" : "", a->query ? a->query : "",
		    a->query ? "\"" : "");
		ret = 0;
		goto out;
	}
	sbuf_printf(b, "Found %zu result(s)", cnt[0] + cnt[1] + cnt[2]);
	if (a->query)
		sbuf_printf(b, " matching \"%s\"", a->query);
	sbuf_printf(b, " (%zu obs, %zu sessions, %zu prompts)\n\n", cnt[0],
	    cnt[1], cnt[2]);
	entries(b, &rs, (size_t)a->offset, to, a->format);
	if (a->format == FORMAT_INDEX)
		fmt_search_tips(b);
	ret = 0;
out:
	rowset_free(&rs);
	return ret;
}

/* ---- the typed shortcuts ------------------------------------------------ */

/*
 * The search under the type/concept lists just set in a, answered with the
 * found() block for noun or, with no row, the line none.
 */
static int run_listed(struct search_ctx *sc, struct targs *a, int type_or_concept,
    const char *none, const char *noun, struct sbuf *b, char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	struct filters f;
	int ret;

	filters_from_args(&f, a);
	f.type_or_concept = type_or_concept;
	if ((ret = obs_search(sc, a, &f, &rs, err, errlen)) == 0) {
		if (rs.n == 0)
			sbuf_add(b, none);
		else
			found(b, &rs, noun, a->query, a, 0);
	}
	rowset_free(&rs);
	return ret;
}

static int run_decisions(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	static const char *const dec[] = { "decision" };

	if (list_set(&a->types, dec, 1) < 0)
		return -1;
	return run_listed(sc, a, 0, "No decision observations found",
	    "decision(s)", b, err, errlen);
}

static int run_changes(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	static const char *const ty[] = { "change" };
	static const char *const co[] = { "change", "what-changed" };

	if (list_set(&a->types, ty, 1) < 0 || list_set(&a->concepts, co, 2) < 0)
		return -1;
	return run_listed(sc, a, 1, "No change-related observations found",
	    "change-related observation(s)", b, err, errlen);
}

static int run_how(struct search_ctx *sc, struct targs *a, struct sbuf *b,
    char *err, size_t errlen)
{
	static const char *const co[] = { "how-it-works" };

	if (list_set(&a->concepts, co, 1) < 0)
		return -1;
	return run_listed(sc, a, 0, "No \"how it works\" observations found",
	    "\"how it works\" observation(s)", b, err, errlen);
}

static int run_kind(struct search_ctx *sc, struct targs *a, struct sbuf *b,
    int kind, const char *what, char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	struct filters f;
	int ret;

	filters_from_args(&f, a);
	ret = query_rows(sc, kind, a->query, &f, order_of(a), a->offset,
	    a->limit, &rs, err, errlen);
	if (ret == 0 && rs.n == 0)
		sbuf_printf(b, "No %s found%s%s%s", what, a->query ?
		    " matching \"" : "", a->query ? a->query : "",
		    a->query ? "\"" : "");
	else if (ret == 0) {
		char w[64];

		snprintf(w, sizeof(w), "%.*s(s)", (int)strlen(what) - 1, what);
		found(b, &rs, w, a->query, a, 1);
	}
	rowset_free(&rs);
	return ret;
}

static int run_search_obs(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	return run_kind(sc, a, b, KIND_OBS, "observations", err, errlen);
}

static int run_search_sessions(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	return run_kind(sc, a, b, KIND_SUM, "sessions", err, errlen);
}

static int run_search_prompts(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	return run_kind(sc, a, b, KIND_PROMPT, "user prompts", err, errlen);
}

/* ---- find_by_* ---------------------------------------------------------- */

static int run_find_obs(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, const char *by, const struct strlist *l, char *err,
    size_t errlen)
{
	struct rowset rs = { 0 };
	struct filters f;
	char what[512], hdr[600];
	int ret;

	join_list(l, what, sizeof(what));
	filters_from_args(&f, a);
	ret = query_rows(sc, KIND_OBS, NULL, &f, order_of(a), a->offset,
	    a->limit, &rs, err, errlen);
	if (ret == 0 && rs.n == 0)
		sbuf_printf(b, "No observations found with %s \"%s\"", by,
		    what);
	else if (ret == 0) {
		snprintf(hdr, sizeof(hdr), "observation(s) with %s \"%s\"", by,
		    what);
		found(b, &rs, hdr, NULL, a, 1);
	}
	rowset_free(&rs);
	return ret;
}

static int run_by_concept(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	if (a->concepts.n == 0) {
		sbuf_add(b, "Invalid arguments: missing required argument: concepts");
		return -2;
	}
	return run_find_obs(sc, a, b, "concept", &a->concepts, err, errlen);
}

static int run_by_type(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	if (a->types.n == 0) {
		sbuf_add(b, "Invalid arguments: missing required argument: type");
		return -2;
	}
	return run_find_obs(sc, a, b, "type", &a->types, err, errlen);
}

static int run_by_file(struct search_ctx *sc, struct targs *a,
    struct sbuf *b, char *err, size_t errlen)
{
	struct rowset rs = { 0 };
	struct filters f;
	char what[512];
	size_t to;
	int ret = -1, order = order_of(a);

	if (a->files.n == 0) {
		sbuf_add(b, "Invalid arguments: missing required argument: files");
		return -2;
	}
	join_list(&a->files, what, sizeof(what));
	filters_from_args(&f, a);
	if (query_rows(sc, KIND_OBS, NULL, &f, order, 0, a->offset + a->limit,
	    &rs, err, errlen) < 0 ||
	    query_rows(sc, KIND_SUM, NULL, &f, order, 0, a->offset + a->limit,
	    &rs, err, errlen) < 0)
		goto out;
	sort_rows(&rs, order);
	to = (size_t)(a->offset + a->limit) < rs.n ?
	    (size_t)(a->offset + a->limit) : rs.n;
	if (to <= (size_t)a->offset)
		sbuf_printf(b, "No results found for file \"%s\"", what);
	else {
		if (a->format == FORMAT_INDEX)
			sbuf_printf(b, "Found %zu result(s) for file \"%s\":\n\n",
			    to - (size_t)a->offset, what);
		entries(b, &rs, (size_t)a->offset, to, a->format);
		if (a->format == FORMAT_INDEX)
			fmt_search_tips(b);
	}
	ret = 0;
out:
	rowset_free(&rs);
	return ret;
}

/* ---- the table ---------------------------------------------------------- */

#define COMMON_TAIL \
	{ P_PROJECT, 0, NULL }, { P_DATERANGE, 0, NULL }, \
	{ P_DATESTART, 0, NULL }, { P_DATEEND, 0, NULL }, \
	{ P_LIMIT, 0, "20" }, { P_OFFSET, 0, "0" }
#define FORMAT_P { P_FORMAT, 0, "\"index\"" }
#define ORDER_REL { P_ORDERBY, 0, "\"relevance\"" }
#define ORDER_DATE { P_ORDERBY, 0, "\"date_desc\"" }
#define WINDOW \
	{ P_BEFORE, 0, "10" }, { P_AFTER, 0, "10" }, \
	{ P_DEPTH_BEFORE, 0, NULL }, { P_DEPTH_AFTER, 0, NULL }

static const struct tool_param p_search[] = {
	{ P_QUERY, 0, NULL }, FORMAT_P, { P_DOCTYPE, 0, NULL },
	{ P_OBS_TYPE, 0, NULL }, { P_CONCEPTS, 0, NULL }, { P_FILES, 0, NULL },
	COMMON_TAIL, ORDER_REL,
};
static const struct tool_param p_timeline[] = {
	{ P_QUERY, 0, NULL }, { P_ANCHOR, 0, NULL }, { P_ANCHOR_ID, 0, NULL },
	WINDOW, FORMAT_P, { P_PROJECT, 0, NULL },
};
static const struct tool_param p_shortcut[] = {
	{ P_QUERY, 0, NULL }, FORMAT_P, COMMON_TAIL, ORDER_REL,
};
static const struct tool_param p_search_obs[] = {
	{ P_QUERY, 0, NULL }, FORMAT_P, { P_TYPE, 0, NULL },
	{ P_CONCEPTS, 0, NULL }, { P_FILES, 0, NULL }, COMMON_TAIL, ORDER_REL,
};
static const struct tool_param p_search_plain[] = {
	{ P_QUERY, 0, NULL }, FORMAT_P, COMMON_TAIL, ORDER_REL,
};
static const struct tool_param p_by_concept[] = {
	{ P_CONCEPTS, 0, NULL }, { P_CONCEPT, 0, NULL }, FORMAT_P,
	{ P_TYPE, 0, NULL }, { P_FILES, 0, NULL }, COMMON_TAIL, ORDER_DATE,
};
static const struct tool_param p_by_file[] = {
	{ P_FILES, 0, NULL }, { P_FILEPATH, 0, NULL }, FORMAT_P,
	{ P_TYPE, 0, NULL }, { P_CONCEPTS, 0, NULL }, COMMON_TAIL, ORDER_DATE,
};
static const struct tool_param p_by_type[] = {
	{ P_TYPE, PF_REQUIRED, NULL }, FORMAT_P, { P_CONCEPTS, 0, NULL },
	{ P_FILES, 0, NULL }, COMMON_TAIL, ORDER_DATE,
};
static const struct tool_param p_recent[] = {
	{ P_PROJECT, 0, NULL }, { P_LIMIT, 0, "3" }, FORMAT_P,
};
static const struct tool_param p_context_timeline[] = {
	{ P_ANCHOR, 0, NULL }, { P_ANCHOR_ID, 0, NULL }, WINDOW, FORMAT_P,
	{ P_PROJECT, 0, NULL },
};
static const struct tool_param p_timeline_query[] = {
	{ P_QUERY_REQ, PF_REQUIRED, NULL }, { P_MODE, 0, "\"auto\"" }, WINDOW,
	{ P_LIMIT, 0, "5" }, FORMAT_P, { P_TYPE, 0, NULL },
	{ P_CONCEPTS, 0, NULL }, { P_FILES, 0, NULL }, { P_PROJECT, 0, NULL },
	{ P_DATERANGE, 0, NULL }, { P_DATESTART, 0, NULL },
	{ P_DATEEND, 0, NULL },
};

#define T(name, desc, p, fn) { name, desc, p, N(p), fn }

static const struct tool tools[] = {
	T("search", "Unified search across all memory types (observations, "
	    "sessions, and user prompts): FTS5 bm25 fused with trigram vector "
	    "similarity, so misspellings still match. IMPORTANT: Always use "
	    "index format first (default) to get an overview with minimal "
	    "token usage, then use format: \"full\" only for specific items of "
	    "interest.", p_search, run_search),
	T("timeline", "Fetch the timeline of observations, sessions and prompts "
	    "around a point: an anchor (observation ID, \"S123\" session, or "
	    "ISO timestamp) or the best match of a query.", p_timeline,
	    tool_timeline),
	T("decisions", "Semantic shortcut for finding architectural, design, "
	    "and implementation decisions (decision-type observations).",
	    p_shortcut, run_decisions),
	T("changes", "Semantic shortcut for finding code changes, refactorings, "
	    "and modifications (change-type or change-tagged observations).",
	    p_shortcut, run_changes),
	T("how_it_works", "Semantic shortcut for understanding system "
	    "architecture, design patterns, and implementation details "
	    "(observations tagged how-it-works).", p_shortcut, run_how),
	T("search_observations", "Search observations (titles, narratives, "
	    "facts, concepts) by full-text and trigram similarity. Supports "
	    "filtering by type, concepts, files, project and date range.",
	    p_search_obs, run_search_obs),
	T("search_sessions", "Search session summaries (requests, completions, "
	    "learnings, notes) by full-text and trigram similarity.",
	    p_search_plain, run_search_sessions),
	T("search_user_prompts", "Search the user prompts by full-text and "
	    "trigram similarity.", p_search_plain, run_search_prompts),
	T("find_by_concept", "Find observations tagged with specific concepts "
	    "(any of the given tags).", p_by_concept, run_by_concept),
	T("find_by_file", "Find observations and sessions that reference "
	    "specific file paths (partial match).", p_by_file, run_by_file),
	T("find_by_type", "Find observations of specific types "
	    "(decision, bugfix, feature, refactor, discovery, change).",
	    p_by_type, run_by_type),
	T("get_recent_context", "Get recent session context for a project: the "
	    "latest sessions with their summaries or progress.", p_recent,
	    tool_recent_context),
	T("get_context_timeline", "Get the timeline around an anchor "
	    "(observation ID, \"S123\" session, or ISO timestamp): records "
	    "before and after it.", p_context_timeline, tool_context_timeline),
	T("get_timeline_by_query", "Combined search + timeline: finds the "
	    "observation best matching the query, then returns the timeline "
	    "around it (mode auto), or lists the top matches (interactive).",
	    p_timeline_query, tool_timeline_by_query),
};

json_t *tools_list(void)
{
	json_t *list, *t, *schema;
	size_t i;

	if ((list = json_array()) == NULL)
		return NULL;
	for (i = 0; i < N(tools); i++) {
		if ((schema = args_schema(tools[i].params,
		    tools[i].nparams)) == NULL)
			goto fail;
		t = json_pack("{s:s,s:s,s:o}", "name", tools[i].name,
		    "description", tools[i].desc, "inputSchema", schema);
		if (t == NULL || json_array_append_new(list, t) < 0)
			goto fail;
	}
	return json_pack("{s:o}", "tools", list);
fail:
	json_decref(list);
	return NULL;
}

/*
 * jansson refuses invalid UTF-8, and a row written by anything may hold
 * some: replace each byte that does not start a valid sequence with '?'.
 */
static void utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;
	int n, i;

	while (*p) {
		n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 && *p >= 0xc2 ? 2 :
		    (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 &&
		    *p <= 0xf4 ? 4 : 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		if (n == 0) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

static json_t *text_result(char *text, int is_error)
{
	json_t *r;

	utf8_scrub(text);
	r = json_pack("{s:[{s:s,s:s}]}", "content", "type", "text", "text",
	    text);

	if (r && is_error)
		json_object_set_new(r, "isError", json_true());
	return r;
}

int tools_call(struct search_ctx *sc, const char *name, json_t *args,
    json_t **result)
{
	const struct tool *t = NULL;
	struct targs a;
	struct sbuf b;
	char err[512] = "", msg[600];
	char *text;
	size_t i;
	int r;

	for (i = 0; i < N(tools) && t == NULL; i++)
		if (strcmp(tools[i].name, name) == 0)
			t = &tools[i];
	if (t == NULL)
		return tools13_call(sc, name, args, result);
	sbuf_init(&b);
	if (args_parse(t->params, t->nparams, args, &a, err, sizeof(err)) < 0) {
		sbuf_printf(&b, "Invalid arguments: %s", err);
		r = -2;
	} else if (search_open(sc, err, sizeof(err)) < 0)
		r = -1;
	else
		r = t->run(sc, &a, &b, err, sizeof(err));
	args_free(&a);
	if (r == -1) {	/* a failure: its message */
		snprintf(msg, sizeof(msg), "Search failed: %s", err);
		*result = text_result(msg, 1);
		sbuf_free(&b);
	} else {	/* -2: a user error told in b */
		text = sbuf_take(&b);
		for (i = text ? strlen(text) : 0; i > 0 && text[i - 1] == '\n';)
			text[--i] = '\0';
		if (text == NULL)
			*result = text_result(strcpy(msg, "out of memory"), 1);
		else
			*result = text_result(text, r == -2);
		free(text);
	}
	return 0;
}
