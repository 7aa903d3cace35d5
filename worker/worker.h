/*
 * worker.h: the map of mem-worker. One context (struct worker) created in
 * main() and passed explicitly; one thread; poll() over the HTTP daemon's
 * epoll fd, the signal self-pipe, the agents' stdout and nothing else.
 *
 * Errors: functions return 0 on success and -1 on failure and log once
 * where the failure is handled, unless they take an err buffer.
 */
#ifndef MEM_WORKER_H
#define MEM_WORKER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <sqlite3.h>

#define WORKER_BODY_MAX      (50L * 1024 * 1024)  /* as the original */
#define WORKER_LIST_MAX      100                  /* /api/... limit cap */
#define WORKER_SHUTDOWN_MS   3500                 /* the whole chain */

struct MHD_Daemon;
struct MHD_Connection;
struct MHD_Response;
struct http_req;

/* ---- store.c: every SQL statement, prepared once, bound parameters ---- */
struct store;

struct obs_input {                  /* an observation to store */
	const char *type, *title, *subtitle, *narrative, *text;
	json_t *facts, *concepts, *files_read, *files_modified; /* arrays */
	int prompt_number;
};

struct sum_input {                  /* a summary to store */
	const char *request, *investigated, *learned, *completed;
	const char *next_steps, *files_read, *files_edited, *notes;
	int prompt_number;
};

struct session_row {
	int64_t id;
	char *claude_session_id, *sdk_session_id, *project, *user_prompt;
	char *status;
	int prompt_counter;
};

struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *);
const char *store_path(const struct store *);
/* Get or create the session; with a non-empty prompt, count it and save it. */
int store_session_upsert(struct store *, const char *claude_id,
    const char *project, const char *prompt, int64_t *id, int *prompt_number);
/* 1 found, 0 not found, -1 error; fills row (free with store_row_free). */
int store_session_get(struct store *, int64_t id, struct session_row *);
void store_row_free(struct session_row *);
/* One write transaction around a batch of queued work (fewer commits). */
int store_tx_begin(struct store *);
int store_tx_commit(struct store *);
int store_session_set_port(struct store *, int64_t id, int port);
int store_session_finish(struct store *, int64_t id, const char *status);
int store_prompt_save(struct store *, const char *claude_id, int number,
    const char *text);
/* The new row's id; 0 when the session already has this observation
 * (same content_hash: with the 13 layer only); -1 on error. */
int64_t store_obs_insert(struct store *, const char *sdk_id,
    const char *project, const struct obs_input *);
/* The 13 layer is in place: observations carry content_hash. */
void store_set13(struct store *);
int64_t store_summary_insert(struct store *, const char *sdk_id,
    const char *project, const struct sum_input *);
/* The observations of a session (oldest first) as a JSON array of rows. */
json_t *store_obs_of_session(struct store *, const char *sdk_id);
enum store_list { LIST_OBSERVATIONS, LIST_SUMMARIES, LIST_PROMPTS };
/* {"items":[...],"hasMore":b,"offset":o,"limit":l} or NULL on error. */
json_t *store_list(struct store *, enum store_list, const char *project,
    int64_t offset, int64_t limit);
/* One row by id: 1 found (*out set), 0 not found, -1 error. */
int store_get_one(struct store *, enum store_list, int64_t id, json_t **out);
/* For /api/session/:id: the sdk_sessions row. */
int store_get_session_json(struct store *, int64_t id, json_t **out);
json_t *store_stats(struct store *);
/* The project catalog of a seed-era store, as 13's /api/projects shapes
 * it: {"projects","sources":["claude"],"projectsBySource":{"claude":..}}. */
json_t *store_projects(struct store *);
/* The session's latest user_prompts row (with project): 1, 0 none, -1. */
int store_prompt_latest(struct store *, const char *claude_id, json_t **out);

/* For store13.c: the connection, and every row of a statement as JSON. */
sqlite3 *store_db(struct store *);
json_t *store_rows_json(struct store *, sqlite3_stmt *);

/* ---- store13.c: the SQL of the claude-mem 13 routes ------------------- */
struct tool_use13 {
	const char *tool_use_id, *content_session_id, *memory_session_id;
	const char *project, *platform, *tool_name, *cwd, *agent_id, *agent_type;
	json_t *input, *response;       /* raw JSON values */
	int prompt_number;
};
int store13_ensure(struct store *, char *err, size_t errlen);
int store13_session_id(struct store *, const char *cid, int64_t *id);
int store13_session_meta(struct store *, int64_t id, const char *platform,
    const char *title);
int store13_last_prompt(struct store *, const char *cid, char **text,
    int64_t *epoch_ms);
int store13_prompt_count(struct store *, const char *cid);
int store13_prompt_link(struct store *, const char *cid, int64_t id);
/* The new row's id, 0 when (session, tool_use_id) was already stored. */
int64_t store13_tool_use(struct store *, const struct tool_use13 *);
json_t *store13_by_file(struct store *, json_t *paths, json_t *projects,
    int limit);
json_t *store13_obs_batch(struct store *, json_t *ids, int asc, int limit,
    const char *project);
json_t *store13_tool_uses_batch(struct store *, json_t *ids, int limit,
    const char *project, const char *cid);
json_t *store13_projects(struct store *);
/* pending_messages, 13's queue (type: "observation" or "summarize"). */
int64_t store13_pending_add(struct store *, int64_t session_db_id,
    const char *cid, const char *type, json_t *body);
int store13_pending_processing(struct store *, int64_t id);
int store13_pending_done(struct store *, int64_t id);
int store13_pending_answered(struct store *, int64_t session_db_id,
    const char *type);
json_t *store13_pending_load(struct store *);

/* ---- extract.c: the deterministic extractor and summary builder ------ */
struct tool_event {
	const char *tool_name;
	json_t *input;          /* parsed tool_input (object or other) */
	json_t *response;       /* parsed tool_response */
	const char *cwd;
	int prompt_number;
};
/* Fill obs from ev; strings point into *arena (free with json_decref). */
int extract_observation(const struct tool_event *, struct obs_input *obs,
    json_t **arena);
/* Build a summary from the session's observations (a JSON array of rows). */
int extract_summary(json_t *observations, const char *user_prompt,
    const char *last_user, const char *last_assistant, int prompt_number,
    struct sum_input *sum, json_t **arena);

/* ---- queue.c: per-session queued work, processed in the loop --------- */
enum qkind { Q_OBSERVATION, Q_SUMMARIZE };
struct qitem {
	struct qitem *next;
	enum qkind kind;
	json_t *body;           /* the request body as received */
	int64_t pending_id;     /* its pending_messages row; 0: none */
};

struct agent;
struct session {
	struct session *next;
	int64_t id;             /* sessionDbId */
	char *claude_id, *sdk_id, *project, *user_prompt;
	int64_t started_ms;
	struct qitem *head, **tail;
	size_t qlen;
	struct agent *agent;    /* NULL without CLAUDE_MEM_AGENT_CMD */
	int completing;         /* /complete asked: finish after the queue */
	int last_prompt;        /* prompt_number of the latest event */
	int private13;          /* its latest 13 prompt was all <private> */
};

struct worker;
struct session *session_find(struct worker *, int64_t id);
/* Load from the store and start (agent if configured); NULL if unknown. */
struct session *session_get_or_start(struct worker *, int64_t id, int *found);
/* Queue an event; with the 13 layer it is also a pending_messages row
 * (written in the caller's transaction if one is open) until it is done.
 * 0 queued, 1 already queued (same tool_use_id), -1 out of memory. */
int session_enqueue(struct worker *, struct session *, enum qkind,
    json_t *body);
/* Start-up, before serving: queue again what pending_messages holds. */
void queue_recover(struct worker *);
/* An agent answered with an observation or summary. */
void queue_agent_answered(struct worker *, struct session *, enum qkind);
/* SessionEnd: drain the queue, mark completed, end the agent or drop. */
void session_complete(struct worker *, struct session *);
/* Remove and free (agent stopped); the caller updated the store. */
void session_drop(struct worker *, struct session *);
/* Process up to max queued items over all sessions; returns items done. */
int queue_run(struct worker *, int max);
/* Process up to max items of one session. */
int queue_run_session(struct worker *, struct session *, int max);
size_t queue_total(struct worker *);
/* Store an observation/summary coming from an agent or the extractor. */
void queue_store_obs(struct worker *, struct session *, const struct obs_input *);
void queue_store_summary(struct worker *, struct session *,
    const struct sum_input *);

/* ---- agent.c: the optional CLAUDE_MEM_AGENT_CMD child per session ----- */
struct agent *agent_start(const char *cmd, struct session *);
/* Write one JSON line to the agent's stdin; -1 if it is gone. */
int agent_send(struct agent *, json_t *event);
int agent_stdout_fd(const struct agent *);
/* Read what is available; complete lines become observations/summaries. */
int agent_read(struct worker *, struct session *);
/* Reap if exited (WNOHANG); 1 when it is gone. */
int agent_reap(struct agent *);
/* Begin stopping: close stdin. */
void agent_close_stdin(struct agent *);
void agent_signal(struct agent *, int sig);
int agent_alive(const struct agent *);
/* Wait (blocking) for it, then free. */
void agent_free(struct agent *);
pid_t agent_pid(const struct agent *);

/* ---- mcp_client.c: mem-search --stdio as an MCP child ----------------- */
struct mcp;
/* A call's outcome: rc 0 and result (borrowed: incref to keep it); -1 and
 * err when the child is unavailable, died, timed out (restarted on the
 * next call) or the worker stops; -2 and err for a JSON-RPC error. */
typedef void (*mcp_done_fn)(void *ud, int rc, json_t *result,
    const char *err);
struct mcp *mcp_new(const char *argv0, int timeout_ms);
/* Start-up only (blocks up to the timeout): spawn and initialize if not
 * running; -1 with err when unavailable. */
int mcp_ensure(struct mcp *, char *err, size_t errlen);
/* Queue a tools/call (args not stolen); done is called from a later
 * mcp_process() or mcp_close(), or from this call if it fails at once.
 * Calls are served one at a time, in order. -1: out of memory. */
int mcp_call(struct mcp *, const char *tool, json_t *args, mcp_done_fn done,
    void *ud);
/* Forget the done callback of the calls made with ud. */
void mcp_cancel(struct mcp *, void *ud);
/* The fd to poll for input (-1 when nothing is in flight) and the time
 * left before the request in flight times out (-1: none). */
int mcp_fd(const struct mcp *);
int64_t mcp_timeout_ms(const struct mcp *);
/* Read answers, enforce the deadline, report calls, start the next. */
void mcp_process(struct mcp *);
/* Reap the child if it exited (WNOHANG); it restarts on the next call. */
void mcp_reap(struct mcp *);
const char *mcp_state(const struct mcp *);    /* "ready", "missing", ... */
pid_t mcp_pid(const struct mcp *);
/* Fail the queued calls, close stdin, wait, SIGTERM, SIGKILL at the
 * deadline; reaped. */
void mcp_close(struct mcp *, int64_t deadline_ms);
void mcp_free(struct mcp *);

/* ---- sse.c: GET /stream ------------------------------------------------ */
struct sse;
struct sse *sse_new(void);
int sse_open(struct worker *, struct MHD_Connection *);    /* MHD_Result */
/* Send {"type":type, key: payload} to every client (payload stolen);
 * with key NULL the fields of the object payload go to the top level. */
void sse_broadcast(struct sse *, const char *type, const char *key,
    json_t *payload);
/* Once a loop turn: processing_status {isProcessing, queueDepth} when the
 * queue depth changed since the last one. */
void sse_processing_changed(struct worker *);
/* new_prompt with the session's latest prompt row (and sessionDbId). */
void sse_new_prompt(struct worker *, const char *claude_id, int64_t session_id);
size_t sse_clients(const struct sse *);
/* End every stream (shutdown): their readers return end-of-stream. */
void sse_close_all(struct sse *);
void sse_free(struct sse *);

/* ---- viewer.c: GET / ---------------------------------------------------- */
const char *viewer_html(void);

/* ---- ui13.c: claude-mem 13's viewer page and files, its console ------- */
/* The plugin's ui directory, resolved (CLAUDE_MEM_UI_DIR, else the
 * installed plugin); NULL when none holds viewer.html. malloc'd. */
char *ui13_find_dir(void);
/* Serve viewer.html / the file of url from the ui directory: MHD_YES or
 * MHD_NO, -2 when there is none (no directory, no such file, outside). */
int ui13_viewer(struct worker *, struct MHD_Connection *);
int ui13_static(struct worker *, struct MHD_Connection *, const char *url);
int api_logs(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_logs_clear(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_explainer(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);

/* ---- logring.c: the last log lines, for GET /api/logs ------------------ */
#define LOGRING_LINES 2000
struct logring;
struct logring *logring_new(size_t max_lines);
void logring_free(struct logring *);
void logring_add(struct logring *, const char *line);      /* copied */
/* The last n lines joined by newlines (malloc'd); *returned: how many. */
char *logring_tail(const struct logring *, size_t n, size_t *returned);
size_t logring_count(const struct logring *);
void logring_clear(struct logring *);
/* A log line as claude-mem 13 writes it: "[Y-M-D h:m:s.ms] [LEVEL] [COMP  ]
 * msg"; level is log.c's ("info", "warn", ...). -1 on a format error. */
struct tm;
int logring_format(char *buf, size_t len, const struct tm *tm, int ms,
    const char *level, const char *msg);
/* log.h's tap: format with the current time and add to the ring ud. */
void logring_tap(void *ud, const char *level, const char *msg);

/* ---- http.c: the MHD daemon and the routes ----------------------------- */
int http_start(struct worker *, int listen_fd);
int http_epoll_fd(struct worker *);
void http_run(struct worker *);
int64_t http_timeout_ms(struct worker *);
unsigned http_connections(struct worker *);
void http_stop(struct worker *);
/* Queue a JSON reply (j stolen) / {"error": message}; MHD_YES or MHD_NO. */
int http_reply(struct MHD_Connection *, unsigned status, json_t *j);
int http_reply_error(struct MHD_Connection *, unsigned status,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A text reply (text copied). */
int http_reply_text(struct MHD_Connection *, unsigned status, const char *type,
    const char *text);
/* The request body as a JSON object (an empty body is {} when empty_ok);
 * NULL with err when it is not one. */
json_t *http_body_json(struct http_req *, int empty_ok, char *err,
    size_t errlen);
/* claude-mem 13's 400 {"error":"ValidationError","issues":[{path:[field],
 * message}]}; its body (empty is {}), NULL with that 400 (path []) sent. */
int http_invalid(struct MHD_Connection *, const char *field,
    const char *message);
json_t *http_body13(struct MHD_Connection *, struct http_req *, int *rc);
/* CORS: echo a loopback Origin (with Vary); nothing for any other. */
void http_add_cors(struct MHD_Connection *, struct MHD_Response *);
/* Queue r with CORS added, then destroy it (MHD holds its own reference). */
int http_queue(struct MHD_Connection *, unsigned status,
    struct MHD_Response *);
/* Listen socket for host:port; -1 with errno (EADDRINUSE for a busy port). */
int http_listen(const char *host, int port, char *err, size_t errlen);
/* A positive integer id; -1 if s is not one. */
int64_t http_parse_id(const char *s);
/* A route: MHD_YES or MHD_NO; rq is the request's body, id the ":id"
 * segment of the matched pattern. */
struct http_req;
typedef int (*http_route_fn)(struct worker *, struct MHD_Connection *,
    struct http_req *rq, const char *id);

/* ---- api_routes.c: the read-only /api/... routes (http_route_fn) -------- */
int api_observations(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_summaries(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_prompts(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_observation(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_session(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_prompt(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_stats(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);
int api_processing_status(struct worker *, struct MHD_Connection *,
    struct http_req *, const char *id);

/* ---- search_routes.c: /api/search... through the search child --------- */
/* The tool of a search route, or NULL. */
const char *search_tool_of(const char *url);
/* A search request, asynchronous: the first time (*call NULL) it queues
 * the MCP call and suspends the connection; when the call is done the
 * connection is resumed and the next invocation sends the answer. */
struct search_call;
int search_route(struct worker *, struct MHD_Connection *, const char *tool,
    struct search_call **call);
/* 1 when the client reads claude-mem 13's {content:[...]} shape. */
int search_wants_object(struct MHD_Connection *);
/* Free with the request (cancels the MCP call if still queued). */
void search_call_free(struct worker *, struct search_call *);

/* ---- corpus_routes.c: /api/corpus... (claude-mem 13's corpora) -------- */
struct pollfd;
struct corpus_call;
int corpus_route(struct worker *, struct MHD_Connection *, const char *method,
    const char *url, struct http_req *, int *handled);
/* The queries waiting for their corpus agent: the fds to poll (at most
 * max), the time to the nearest deadline (-1: none), move their bytes and
 * resume the finished ones; on shutdown kill them all (answered 503). */
int corpus_calls_pollfds(struct worker *, struct pollfd *, int max);
int64_t corpus_calls_timeout_ms(struct worker *);
void corpus_calls_pump(struct worker *);
int corpus_calls_abort(struct worker *);
/* Free with the request (its agent killed if still running). */
void corpus_call_free(struct worker *, struct corpus_call *);
/* http.c: the request's corpus call slot. */
struct corpus_call **http_req_corpus(struct http_req *);

/* ---- shutdown.c: the chain --------------------------------------------- */
void shutdown_chain(struct worker *);

/* ---- settings.c: <data dir>/settings.json, shared with claude-mem 13 --- */
json_t *settings_load(void);             /* {} when missing or bad */
/* The environment's value, else the file's (non-empty strings), else NULL. */
const char *settings_get(json_t *settings, const char *key);
int settings_default_port(void);         /* 37700 + uid % 100 */
int settings_path(char *buf, size_t len);
int settings_write_if_missing(const char *host, int port);

/* ---- api13.c: the routes of claude-mem 13 (http_route_fn) -------------- */
#define MEM13_VERSION "13.25.3"   /* the client version whose API we serve */
int api13_route(struct worker *, struct MHD_Connection *, const char *method,
    const char *url, struct http_req *, int *handled);
/* ---- search13.c: GET /api/search?format=json, 13's JSON answer ---------- */
int search13_json(struct worker *, struct MHD_Connection *);

/* Finish the sessions whose SessionEnd 13's hook left for replay. */
void api13_replay(struct worker *);
/* Put the 13 schema layer in place once; -1 (logged) on failure. */
int api13_ensure(struct worker *);
/* Update settings.json with the keys of obj (strings), atomically. */
int settings_update(json_t *obj, char *err, size_t errlen);

/* ---- context.c: the text of /api/context/inject ----------------------- */
/* Recent observations and the last summary of the projects (all when the
 * array is empty), as 13 injects it; ANSI colours with colors. malloc'd. */
char *context_text(struct worker *, json_t *projects, int colors, int full);
/* One line an observation row ("#ID date [type] title"); malloc'd. */
char *context_list(json_t *rows);
/* FTS match of the words of q over observations (newest first among the
 * best); a JSON array of rows. */
json_t *store13_match(struct store *, const char *q, const char *project,
    int limit);

/* ---- notify.c: sd_notify READY=1 --------------------------------------- */
int notify_ready(void);

/* ---- hook.c: `mem-worker hook EVENT` ----------------------------------- */
int hook_main(int argc, char **argv);

/* ---- util ---------------------------------------------------------------- */
int64_t now_ms(void);        /* CLOCK_MONOTONIC milliseconds */
int64_t wall_ms(void);       /* CLOCK_REALTIME milliseconds */

/* The context. */
struct worker {
	struct store *store;
	struct mcp *mcp;
	struct sse *sse;
	struct MHD_Daemon *httpd;
	struct session *sessions;
	struct corpus_call *corpus_calls;  /* queries waiting for an agent */
	char *host;
	int port;
	const char *agent_cmd;   /* CLAUDE_MEM_AGENT_CMD or NULL */
	json_t *settings;        /* settings.json as read at start */
	struct logring *logs;    /* recent log lines (/api/logs) */
	char *ui_dir;            /* claude-mem 13's ui directory, or NULL */
	size_t depth_sent;       /* queue depth of the last processing_status */
	int mem13;               /* the claude-mem 13 schema layer is in place */
	int64_t started_ms;      /* wall clock */
	int sigpipe[2];          /* self-pipe: signal handler -> loop */
	int stopping;
	uint64_t processed;      /* queue items done */
};

#endif
