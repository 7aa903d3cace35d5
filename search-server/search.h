/*
 * search.h: the map of mem-search, the claude-mem search server (MCP).
 *
 * main.c    args, signals, the setup checklist
 * mcp.c     JSON-RPC 2.0 / MCP dispatch (pure: a message in, a reply out)
 * stdio.c   newline-delimited messages on stdin/stdout
 * httpd.c   Streamable HTTP: POST /mcp (libmicrohttpd)
 * tools.c   the 14 seed-era tools: what each one asks and how its answer reads
 * tools13.c claude-mem 13's tools the seed-era set lacks (its schemas)
 * smart*.c  13's code tools (smart_search/outline/unfold) over ctags;
 *           smart.h is their own map
 * corpus_tools.c  13's corpus tools over common/corpus.c
 * args.c    the parameter table: JSON Schema out, arguments in
 * query.c   SQL: filters, ranked candidates, rows (the only file with SQL
 *           on the claude-mem tables)
 * format.c  markdown rendering of rows (dates, entries, tables)
 * rank.c    hashed character-trigram vectors, nearest rows, reciprocal
 *           rank fusion with bm25
 * rankindex.c  the vectors' own SQLite file and in-memory postings
 * sbuf.c    a growable string
 *
 * Error convention: functions return 0 on success, -1 on failure; when an
 * (err, errlen) pair is given it receives one line saying why. Nothing here
 * prints: the caller that handles an error logs it once.
 */
#ifndef SEARCH_H
#define SEARCH_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#define SEARCH_SERVER_NAME    "claude-mem-search"
#define SEARCH_INDEX_FILE     "search-index.db"

/* ---- sbuf.c ------------------------------------------------------------ */

struct sbuf {
	char   *s;
	size_t  len, cap;
	int     oom;	/* sticky: an allocation failed */
};

void	 sbuf_init(struct sbuf *);
void	 sbuf_free(struct sbuf *);
void	 sbuf_add(struct sbuf *, const char *);
void	 sbuf_addn(struct sbuf *, const char *, size_t);
void	 sbuf_printf(struct sbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* The string, owned by the caller (NULL when an allocation failed). */
char	*sbuf_take(struct sbuf *);

/* ---- the search context (one, created in main) ------------------------- */

struct rank_index;

struct search_ctx {
	char			 data_dir[PATH_MAX];
	char			 db_path[PATH_MAX];
	char			 cwd[PATH_MAX];	/* default project, file paths */
	sqlite3			*db;		/* read-only; opened on demand */
	struct rank_index	*rank;		/* vectors; opened with db */
};

/* query.c: open the store and its vector index if not yet (read-only). */
int	 search_open(struct search_ctx *, char *err, size_t errlen);
void	 search_close(struct search_ctx *);

/* ---- kinds of rows ----------------------------------------------------- */

enum kind { KIND_OBS = 0, KIND_SUM = 1, KIND_PROMPT = 2, KIND_COUNT = 3 };

/* ---- args.c ------------------------------------------------------------ */

enum order  { ORDER_RELEVANCE, ORDER_DATE_DESC, ORDER_DATE_ASC };
enum format { FORMAT_INDEX, FORMAT_FULL };
enum tlmode { MODE_AUTO, MODE_INTERACTIVE };

#define DATE_UNSET INT64_MIN

struct strlist {
	char	**v;
	int	  n;
};

/* The arguments of any tool, after defaults and validation. */
struct targs {
	const char	*query;		/* NULL: filter-only */
	const char	*project;
	int64_t		 start, end;	/* ms since the epoch, or DATE_UNSET */
	int		 limit, offset;
	int		 before, after;	/* timeline window */
	int		 order;		/* enum order */
	int		 format;	/* enum format */
	int		 doctype;	/* search's "type": -1 all, or a kind */
	int		 mode;		/* enum tlmode */
	struct strlist	 types, concepts, files;
	json_t		*anchor;	/* borrowed from the call's arguments */
};

/* The parameters a tool takes: ids into the table in args.c. */
enum param_id {
	P_QUERY, P_QUERY_REQ, P_FORMAT, P_DOCTYPE, P_TYPE, P_OBS_TYPE,
	P_CONCEPTS, P_CONCEPT, P_FILES, P_FILEPATH, P_PROJECT, P_DATERANGE,
	P_DATESTART, P_DATEEND, P_LIMIT, P_OFFSET, P_ORDERBY, P_ANCHOR,
	P_ANCHOR_ID, P_BEFORE, P_AFTER, P_DEPTH_BEFORE, P_DEPTH_AFTER, P_MODE,
	P_COUNT
};

#define PF_REQUIRED 0x1

struct tool_param {
	int		 id;		/* enum param_id */
	int		 flags;		/* PF_* */
	const char	*def;		/* default, as JSON text (NULL: none) */
};

/* JSON Schema of a tool's parameters (new reference). */
json_t	*args_schema(const struct tool_param *, size_t n);
/*
 * Fill *a from the call's arguments (defaults first). -1 with a message
 * naming the bad argument. Unknown arguments are ignored.
 */
int	 args_parse(const struct tool_param *, size_t n, json_t *args,
	    struct targs *a, char *err, size_t errlen);
void	 args_free(struct targs *);
/* "2025-01-02", "2025-01-02T03:04:05Z", "...+02:00" -> ms. -1 if bad. */
int	 args_parse_iso(const char *, int64_t *ms);

/* ---- query.c ----------------------------------------------------------- */

/* A row of any kind, as the formatters need it. Strings may be NULL. */
struct row {
	int	 kind;
	int64_t	 id;
	int64_t	 epoch;
	double	 score;
	char	*project;
	char	*session;	/* sdk_session_id, or claude_session_id */
	/* observations */
	char	*type, *title, *subtitle, *narrative, *text, *facts, *concepts;
	char	*files_read, *files_modified;
	/* summaries (files_read shared) */
	char	*request, *investigated, *learned, *completed, *next_steps;
	char	*notes, *files_edited;
	/* prompts */
	char	*prompt_text;
	int64_t	 prompt_number;
	/* sessions (get_recent_context) */
	char	*status;
};

struct rowset {
	struct row	*v;
	size_t		 n, cap;
};

void	 rowset_free(struct rowset *);

/* The filters of a search, applied in SQL. */
struct filters {
	const char		*project;
	int64_t			 start, end;
	const struct strlist	*types;
	const struct strlist	*concepts;
	const struct strlist	*files;
	int			 type_or_concept; /* types OR concepts */
};

void	 filters_from_args(struct filters *, const struct targs *);

/*
 * Rows of one kind matching q (NULL: filter-only) and the filters, in the
 * given order, page [offset, offset+limit). Ranked search fuses FTS5 bm25
 * with the vector similarity (rank.c); scores land in row.score.
 */
int	 query_rows(struct search_ctx *, int kind, const char *q,
	    const struct filters *, int order, int offset, int limit,
	    struct rowset *out, char *err, size_t errlen);
/* One row by id; 0 with out->n == 0 when it does not exist. */
int	 query_by_id(struct search_ctx *, int kind, int64_t id,
	    struct rowset *out, char *err, size_t errlen);
/*
 * The timeline: up to `before` items of any kind strictly before the
 * anchor (epoch, kind, id) and up to `after` at or after it, oldest first.
 * kind -1: a bare timestamp anchor.
 */
int	 query_timeline(struct search_ctx *, int64_t epoch, int kind,
	    int64_t id, int before, int after, const char *project,
	    struct rowset *out, char *err, size_t errlen);
/* Latest sessions of a project, newest first (get_recent_context). */
int	 query_recent_sessions(struct search_ctx *, const char *project,
	    int limit, struct rowset *out, char *err, size_t errlen);
/* The newest summary / the observations of one sdk session. */
int	 query_session_summary(struct search_ctx *, const char *sdk_session,
	    struct rowset *out, char *err, size_t errlen);
int	 query_session_observations(struct search_ctx *,
	    const char *sdk_session, struct rowset *out, char *err,
	    size_t errlen);

/* ---- rank.c, rankindex.c ----------------------------------------------- */

#define RANK_RRF_K 60	/* the usual reciprocal rank fusion constant */

struct ranked {
	int64_t	id;
	int64_t	epoch;
	double	score;
};

/*
 * Open the vector index: <dir>/search-index.db when dir is writable, else
 * in memory. Vectors are (re)built lazily by rank_refresh.
 */
int	 rank_open(const char *dir, struct rank_index **out, char *err,
	    size_t errlen);
void	 rank_close(struct rank_index *);
/* Bring the index up to date with db: rows with a higher id than seen. */
int	 rank_refresh(struct rank_index *, sqlite3 *db, char *err,
	    size_t errlen);
/* Did the index land in a file (1) or in memory (0)? */
int	 rank_persistent(const struct rank_index *);
/*
 * The nearest rows of one kind to q by cosine of trigram vectors, best
 * first, at most max, with scores; *n set. Caller frees *out.
 */
int	 rank_nearest(struct rank_index *, int kind, const char *q,
	    size_t max, struct ranked **out, size_t *n);
/*
 * Reciprocal rank fusion of two best-first lists: each id scores
 * sum(1 / (RANK_RRF_K + rank)), rank from 1. Output best first (ties by
 * id); caller frees *out.
 */
int	 rank_fuse(const struct ranked *a, size_t na, const struct ranked *b,
	    size_t nb, struct ranked **out, size_t *n);
/*
 * The hashed trigram vector of a text: sorted (bucket, weight) pairs,
 * L2-normalised. Exposed for the unit tests. Caller frees both arrays.
 */
int	 rank_vector(const char *text, uint32_t **buckets, float **weights,
	    size_t *n);
/*
 * The words of q as an FTS5 expression that cannot be a syntax error:
 * "w1" OR "w2" ... ; NULL when q has no word. Caller frees.
 */
char	*rank_fts_expr(const char *q);

/* ---- format.c ---------------------------------------------------------- */

/* The original's Date#toLocaleString() (en-US): "1/2/2025, 3:04:05 PM". */
void	 fmt_datetime_long(int64_t ms, char *buf, size_t len);
/* toLocaleDateString(): "1/2/2025". */
void	 fmt_date_short(int64_t ms, char *buf, size_t len);
/* Timeline day heading "Jan 2, 2025", time "3:04 PM", "Jan 2, 3:04 PM". */
void	 fmt_day(int64_t ms, char *buf, size_t len);
void	 fmt_time(int64_t ms, char *buf, size_t len);
void	 fmt_daytime(int64_t ms, char *buf, size_t len);

void	 fmt_index_entry(struct sbuf *, const struct row *, int n);
void	 fmt_full_entry(struct sbuf *, const struct row *);
void	 fmt_search_tips(struct sbuf *);
/* The timeline body: day headings, file tables, sessions, prompts. */
void	 fmt_timeline(struct sbuf *, const struct rowset *, int anchor_kind,
	    int64_t anchor_id, const char *cwd);

/* ---- tools.c, timeline.c ----------------------------------------------- */

/*
 * A tool: 0 with the answer in the sbuf; -2 with a user's mistake told in
 * the sbuf (answered with isError); -1 with err set (a failure).
 */
typedef int tool_fn(struct search_ctx *, struct targs *, struct sbuf *,
    char *err, size_t errlen);

tool_fn	 tool_timeline, tool_context_timeline, tool_timeline_by_query,
	 tool_recent_context;

/* {"tools":[...]} for tools/list (new reference). */
json_t	*tools_list(void);
/* tools13.c: append 13's extra tools; call one (-1: not one of them). */
int	 tools13_list(json_t *list);
int	 tools13_call(struct search_ctx *, const char *name, json_t *args,
	    json_t **result);
/* A CallToolResult with one text item t (copied), "isError" when is_error. */
json_t	*tools13_text(const char *t, int is_error);
/* smart*.c: 13's code tools over universal-ctags (-1: not one of them). */
int	 smart_call(struct search_ctx *, const char *name, json_t *args,
	    json_t **result);
/* corpus_tools.c: 1 for a corpus tool; run one (a CallToolResult). */
int	 corpus_tool(const char *name);
json_t	*corpus_tool_call(struct search_ctx *, const char *name, json_t *args);
/*
 * Run a tool. Returns -1 when no tool has that name; otherwise 0 and
 * *result is a CallToolResult ({"content":[...]} with "isError": true when
 * the tool failed).
 */
int	 tools_call(struct search_ctx *, const char *name, json_t *args,
	    json_t **result);

/* ---- mcp.c ------------------------------------------------------------- */

#define MCP_PARSE_ERROR		-32700
#define MCP_INVALID_REQUEST	-32600
#define MCP_METHOD_NOT_FOUND	-32601
#define MCP_INVALID_PARAMS	-32602
#define MCP_INTERNAL_ERROR	-32603

struct mcp_server {
	struct search_ctx	*sc;
	char			 version[16];	/* negotiated protocol */
	int			 initialized;
};

void	 mcp_init(struct mcp_server *, struct search_ctx *);
/* Is this protocol revision one we speak? */
int	 mcp_version_supported(const char *);
/*
 * Handle one message (text). Returns the reply text (malloc'd, no newline)
 * or NULL when there is none (a notification, or a response). *is_request
 * says whether the message was a request (for HTTP's 202).
 */
char	*mcp_handle_text(struct mcp_server *, const char *buf, size_t len,
	    int *is_request);

/* ---- stdio.c ----------------------------------------------------------- */

/* Serve until EOF on in_fd or *stop. 0 on EOF/stop, -1 on an IO error. */
int	 stdio_serve(struct mcp_server *, int in_fd, int out_fd,
	    volatile sig_atomic_t *stop);

/* ---- httpd.c ----------------------------------------------------------- */

/*
 * Serve Streamable HTTP on host:port until *stop. The signals in `sigs`
 * must be blocked in the caller; they are waited for here.
 */
int	 httpd_serve(struct mcp_server *, const char *hostport,
	    const sigset_t *sigs, char *err, size_t errlen);

#endif
