/*
 * api13.c: the routes claude-mem 13 (13.25.3) calls, keyed by Claude Code's
 * session id (contentSessionId) with raw JSON tool values, with the shapes
 * and status codes its hook client and MCP server read. The first of them
 * puts the 13 schema layer in place (memdb_ensure13).
 */
#include "worker.h"
#include "log.h"

#include "memdb.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#define DUPLICATE_MS    10000
#define BY_FILE_DEFAULT 15
#define BATCH_MAX       1000
#define TOOL_USES_MAX   200
#define SKIP_TOOLS_DEFAULT \
	"ListMcpResourcesTool,SlashCommand,Skill,TodoWrite,AskUserQuestion"

typedef int (*route13_fn)(struct worker *, struct MHD_Connection *,
    struct http_req *);

static const char *qarg(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) && *json_string_value(v) ? json_string_value(v)
	    : NULL;
}

/* claude, codex, cursor (13's normalisation), from body, query or header. */
static const char *platform(struct MHD_Connection *c, json_t *b)
{
	const char *p = b ? jstr(b, "platformSource") : NULL;

	if (p == NULL && b != NULL)
		p = jstr(b, "platform_source");
	if (p == NULL)
		p = qarg(c, "platformSource");
	if (p == NULL)
		p = qarg(c, "platform_source");
	if (p == NULL)
		p = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "x-platform-source");
	if (p == NULL)
		return "claude";
	if (strcasestr(p, "codex") != NULL || strcasestr(p, "transcript") != NULL)
		return "codex";
	if (strcasestr(p, "cursor") != NULL)
		return "cursor";
	return "claude";
}

/* Comma-separated list to a JSON array of trimmed non-empty items. */
static json_t *csv(const char *s)
{
	json_t *a = json_array();

	memdb_csv_append(a, s);
	return a;
}

static int in_csv(const char *list, const char *item)
{
	json_t *a = csv(list), *v;
	size_t i;
	int found = 0;

	json_array_foreach(a, i, v)
		if (strcmp(json_string_value(v), item) == 0)
			found = 1;
	json_decref(a);
	return found;
}

/* CLAUDE_MEM_EXCLUDED_PROJECTS: comma-separated globs on the cwd or name. */
static int excluded(struct worker *w, const char *cwd, const char *project)
{
	json_t *a = csv(settings_get(w->settings, "CLAUDE_MEM_EXCLUDED_PROJECTS"));
	json_t *v;
	size_t i;
	int hit = 0;

	json_array_foreach(a, i, v) {
		const char *g = json_string_value(v);

		if ((cwd && fnmatch(g, cwd, 0) == 0) ||
		    (project && fnmatch(g, project, 0) == 0))
			hit = 1;
	}
	json_decref(a);
	return hit;
}

/* The basename of a cwd (13's project when no git top level is known). */
static char *project_of(const char *cwd)
{
	const char *b;
	size_t n;

	if (cwd == NULL || *cwd == '\0')
		return strdup("");
	n = strlen(cwd);
	while (n > 1 && cwd[n - 1] == '/')
		n--;
	b = cwd + n;
	while (b > cwd && b[-1] != '/')
		b--;
	return strndup(b, (size_t)(cwd + n - b));
}

/* The prompt without <private> and <claude-mem-context> blocks, trimmed. */
static char *strip_private(const char *p)
{
	static const char *const tags[] = { "private", "claude-mem-context" };
	char *s = strdup(p), *a, *b, open[40], close[40];
	size_t i, n;

	if (s == NULL)
		return NULL;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		snprintf(open, sizeof(open), "<%s>", tags[i]);
		snprintf(close, sizeof(close), "</%s>", tags[i]);
		while ((a = strstr(s, open)) != NULL) {
			b = strstr(a, close);
			b = b ? b + strlen(close) : a + strlen(a);
			memmove(a, b, strlen(b) + 1);
		}
	}
	for (a = s; isspace((unsigned char)*a); a++)
		;
	n = strlen(a);
	while (n > 0 && isspace((unsigned char)a[n - 1]))
		n--;
	memmove(s, a, n);
	s[n] = '\0';
	return s;
}

/* The session row of cid, created (with project) when missing. */
static struct session *session13(struct worker *w, const char *cid,
    const char *project, const char *platform_src, int *rc,
    struct MHD_Connection *c)
{
	struct session *s;
	int64_t id;
	int number, found;

	if (store_session_upsert(w->store, cid, project, NULL, &id, &number) < 0 ||
	    store13_session_meta(w->store, id, platform_src, NULL) < 0 ||
	    (s = session_get_or_start(w, id, &found)) == NULL) {
		*rc = http_reply_error(c, 500, "Store error");
		return NULL;
	}
	return s;
}

/* ---- health ------------------------------------------------------------- */

static int r_health(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	const char *v = getenv("MEM_WORKER_CLIENT_VERSION");
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	json_t *j;

	exe[n > 0 ? n : 0] = '\0';
	j = json_pack("{s:s, s:I, s:i, s:s, s:b, s:b, s:i, s:s, s:s}",
	    "status", "ok",
	    "uptime", (json_int_t)((wall_ms() - w->started_ms) / 1000),
	    "pid", (int)getpid(), "workerPath", exe, "initialized", 1,
	    "mcpReady", strcmp(mcp_state(w->mcp), "ready") == 0,
	    "port", w->port, "platform", "linux",
	    "server", "mem-worker " CSUP_VERSION);
	/* Unset: the 13 client's own version; set empty: omitted, which
	 * every client version accepts. */
	if (v == NULL)
		v = MEM13_VERSION;
	if (j != NULL && *v != '\0')
		json_object_set_new(j, "version", json_string(v));
	return http_reply(c, 200, j);
}

static int r_readiness(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	if (w->store == NULL || !w->mem13)
		return http_reply(c, 503, json_pack("{s:s}", "status",
		    "initializing"));
	return http_reply(c, 200, json_pack("{s:s}", "status", "ready"));
}

/* ---- sessions ----------------------------------------------------------- */

static int r_init(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	int rc = MHD_NO, number, n, dup;
	json_t *b = http_body13(c, rq, &rc);
	const char *cid, *prompt, *src;
	char *clean = NULL, *last = NULL;
	struct session *s;
	int64_t id, last_ms = 0;

	if (b == NULL)
		return rc;
	if ((cid = jstr(b, "contentSessionId")) == NULL) {
		rc = http_invalid(c, "contentSessionId", "Required");
		goto out;
	}
	src = platform(c, b);
	prompt = jstr(b, "prompt") ? jstr(b, "prompt") : "[media prompt]";
	if ((clean = strip_private(prompt)) == NULL)
		goto oom;
	if ((s = session13(w, cid, jstr(b, "project"), src, &rc, c)) == NULL)
		goto out;
	id = s->id;
	if (jstr(b, "customTitle"))
		store13_session_meta(w->store, id, NULL, jstr(b, "customTitle"));
	n = store13_prompt_count(w->store, cid);
	dup = store13_last_prompt(w->store, cid, &last, &last_ms) == 1 &&
	    strcmp(last, clean) == 0 && wall_ms() - last_ms < DUPLICATE_MS;
	s->private13 = *clean == '\0';
	if (*clean == '\0' || dup) {
		rc = http_reply(c, 200, json_pack("{s:I, s:i, s:b, s:s, s:b, s:s}",
		    "sessionDbId", (json_int_t)id, "promptNumber",
		    n < 0 ? 1 : dup ? n : n + 1, "skipped", 1, "reason",
		    dup ? "duplicate" : "private", "contextInjected", 0,
		    "status", "skipped"));
		goto out;
	}
	if (store_session_upsert(w->store, cid, jstr(b, "project"), clean, &id,
	    &number) < 0) {
		rc = http_reply_error(c, 500, "Store error");
		goto out;
	}
	store13_prompt_link(w->store, cid, id);
	free(s->user_prompt);
	s->user_prompt = strdup(clean);
	sse_new_prompt(w, cid, id);
	rc = http_reply(c, 200, json_pack("{s:I, s:i, s:b, s:b, s:s}",
	    "sessionDbId", (json_int_t)id, "promptNumber", number, "skipped", 0,
	    "contextInjected", 0, "status", "initialized"));
	goto out;
oom:
	rc = http_reply_error(c, 500, "Out of memory");
out:
	free(clean);
	free(last);
	json_decref(b);
	return rc;
}

static int r_observation(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	int rc = MHD_NO;
	json_t *b = http_body13(c, rq, &rc), *ev;
	const char *cid, *tool, *cwd, *skip, *src;
	struct tool_use13 tu;
	struct session *s;
	char *project = NULL;
	int64_t known;
	int n, r, tx = 0;

	if (b == NULL)
		return rc;
	cid = jstr(b, "contentSessionId");
	tool = jstr(b, "tool_name");
	if (cid == NULL || tool == NULL) {
		rc = http_invalid(c, cid ? "tool_name" : "contentSessionId",
		    "Required");
		goto out;
	}
	cwd = jstr(b, "cwd");
	src = platform(c, b);
	skip = settings_get(w->settings, "CLAUDE_MEM_SKIP_TOOLS");
	if (in_csv(skip ? skip : SKIP_TOOLS_DEFAULT, tool)) {
		rc = http_reply(c, 200, json_pack("{s:s, s:s}", "status",
		    "skipped", "reason", "tool_excluded"));
		goto out;
	}
	if ((project = project_of(cwd)) == NULL)
		goto out;
	if (excluded(w, cwd, project)) {
		rc = http_reply(c, 200, json_pack("{s:s, s:s}", "status",
		    "skipped", "reason", "project_excluded"));
		goto out;
	}
	/* A new session takes the cwd's project; a known one keeps its own. */
	if ((s = session13(w, cid, store13_session_id(w->store, cid, &known) == 1 ?
	    NULL : project, src, &rc, c)) == NULL)
		goto out;
	if (s->private13) {
		rc = http_reply(c, 200, json_pack("{s:s, s:s}", "status",
		    "skipped", "reason", "private"));
		goto out;
	}
	n = store13_prompt_count(w->store, cid);
	memset(&tu, 0, sizeof(tu));
	tu.tool_use_id = jstr(b, "tool_use_id");
	tu.content_session_id = cid;
	tu.memory_session_id = s->sdk_id;
	tu.project = s->project && *s->project ? s->project : project;
	tu.platform = src;
	tu.tool_name = tool;
	tu.cwd = cwd;
	tu.agent_id = jstr(b, "agentId");
	tu.agent_type = jstr(b, "agentType");
	tu.input = json_object_get(b, "tool_input");
	tu.response = json_object_get(b, "tool_response");
	tu.prompt_number = n > 0 ? n : 1;
	/* The tool_uses row and the queued event's pending_messages row in
	 * one transaction: after a crash both are there or neither. */
	tx = store_tx_begin(w->store) == 0;
	if (store13_tool_use(w->store, &tu) == 0 && tu.tool_use_id != NULL) {
		/* the same tool use again (a retried hook): stored once */
		rc = http_reply(c, 200, json_pack("{s:s, s:s}", "status",
		    "skipped", "reason", "duplicate"));
		goto out;
	}
	ev = json_pack("{s:s, s:O?, s:O?, s:s?, s:i, s:s?, s:s?, s:s?}",
	    "tool_name", tool, "tool_input", json_object_get(b, "tool_input"),
	    "tool_response", json_object_get(b, "tool_response"), "cwd", cwd,
	    "prompt_number", tu.prompt_number, "tool_use_id", tu.tool_use_id,
	    "agent_id", tu.agent_id, "agent_type", tu.agent_type);
	if (ev == NULL)
		goto out;
	r = session_enqueue(w, s, Q_OBSERVATION, ev);
	json_decref(ev);
	if (tx && store_tx_commit(w->store) < 0)
		r = -1;
	tx = 0;
	if (r < 0)
		rc = http_reply_error(c, 500, "Store error");
	else if (r == 1)        /* the same tool_use_id is still queued */
		rc = http_reply(c, 200, json_pack("{s:s, s:s}", "status",
		    "skipped", "reason", "duplicate"));
	else
		rc = http_reply(c, 200, json_pack("{s:s}", "status", "queued"));
out:
	if (tx)
		store_tx_commit(w->store);
	free(project);
	json_decref(b);
	return rc;
}

static int r_summarize(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	int rc = MHD_NO, n;
	json_t *b = http_body13(c, rq, &rc), *ev;
	struct session *s;
	const char *cid;

	if (b == NULL)
		return rc;
	if ((cid = jstr(b, "contentSessionId")) == NULL) {
		rc = http_invalid(c, "contentSessionId", "Required");
		goto out;
	}
	if ((s = session13(w, cid, NULL, platform(c, b), &rc, c)) == NULL)
		goto out;
	n = store13_prompt_count(w->store, cid);
	ev = json_pack("{s:s?, s:i}", "last_assistant_message",
	    jstr(b, "last_assistant_message"), "prompt_number", n > 0 ? n : 1);
	if (ev == NULL)
		goto out;
	n = session_enqueue(w, s, Q_SUMMARIZE, ev);
	json_decref(ev);
	rc = n < 0 ? http_reply_error(c, 500, "Out of memory") :
	    http_reply(c, 200, json_pack("{s:s}", "status", "queued"));
out:
	json_decref(b);
	return rc;
}

static int r_session_end(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	int rc = MHD_NO, found, r;
	json_t *b = http_body13(c, rq, &rc);
	struct session *s = NULL;
	const char *cid;
	int64_t id;

	if (b == NULL)
		return rc;
	if ((cid = jstr(b, "contentSessionId")) == NULL) {
		rc = http_invalid(c, "contentSessionId", "Required");
		goto out;
	}
	r = store13_session_id(w->store, cid, &id);
	if (r < 0 || (r == 1 && (s = session_get_or_start(w, id, &found)) == NULL))
		rc = http_reply_error(c, 500, "Store error");
	else if (r == 0)
		rc = http_reply(c, 200, json_pack("{s:s}", "status",
		    "unknown_session"));
	else {
		session_complete(w, s);
		rc = http_reply(c, 200, json_pack("{s:s}", "status", "accepted"));
	}
out:
	json_decref(b);
	return rc;
}

/* ---- context ------------------------------------------------------------ */

/* projects=CSV (last = primary) or project=NAME. */
static json_t *projects_arg(struct MHD_Connection *c)
{
	const char *p = qarg(c, "projects");

	return csv(p && *p ? p : qarg(c, "project"));
}

static int r_inject(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	const char *colors = qarg(c, "colors"), *full = qarg(c, "full");
	json_t *projects = projects_arg(c);
	char *text = context_text(w, projects,
	    colors && strcmp(colors, "true") == 0,
	    full && strcmp(full, "true") == 0);
	int rc;

	json_decref(projects);
	if (text == NULL)
		return http_reply_error(c, 500, "Store error");
	rc = http_reply_text(c, 200, "text/plain; charset=utf-8", text);
	free(text);
	return rc;
}

static int r_semantic(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	int rc = MHD_NO;
	json_t *b = http_body13(c, rq, &rc), *hits;
	const char *q;
	char *text;
	json_t *lim;

	if (b == NULL)
		return rc;
	if ((q = jstr(b, "q")) == NULL) {
		rc = http_invalid(c, "q", "Required");
		goto out;
	}
	lim = json_object_get(b, "limit");
	hits = store13_match(w->store, q, jstr(b, "project"),
	    json_is_integer(lim) && json_integer_value(lim) > 0 &&
	    json_integer_value(lim) <= 100 ? (int)json_integer_value(lim) : 5);
	if (hits == NULL) {
		rc = http_reply_error(c, 500, "Store error");
		goto out;
	}
	text = context_list(hits);
	rc = http_reply(c, 200, json_pack("{s:s, s:I}", "context",
	    text ? text : "", "count", (json_int_t)json_array_size(hits)));
	free(text);
	json_decref(hits);
out:
	json_decref(b);
	return rc;
}

/* ---- observations by file, batches -------------------------------------- */

static enum MHD_Result add_path(void *cls, enum MHD_ValueKind kind,
    const char *key, const char *value)
{
	if (key != NULL && strcmp(key, "path") == 0 && value && *value)
		json_array_append_new(cls, json_string(value));
	return MHD_YES;
}

/* A query integer in 1..max, else def. */
static int qint(struct MHD_Connection *c, const char *k, int def, int max)
{
	const char *s = qarg(c, k);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1)
		return def;
	return v > max ? max : (int)v;
}

static int r_by_file(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	json_t *paths = json_array(), *projects = projects_arg(c), *obs;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_path, paths);
	if (json_array_size(paths) == 0) {
		json_decref(paths);
		json_decref(projects);
		return http_invalid(c, "path", "Required");
	}
	obs = store13_by_file(w->store, paths, projects,
	    qint(c, "limit", BY_FILE_DEFAULT, WORKER_LIST_MAX));
	json_decref(paths);
	json_decref(projects);
	if (obs == NULL)
		return http_reply_error(c, 500, "Store error");
	return http_reply(c, 200, json_pack("{s:o, s:I}", "observations", obs,
	    "count", (json_int_t)json_array_size(obs)));
}

/* ids as an array, a JSON array in a string, or CSV; items as given. */
static json_t *ids_of(json_t *v, int strings_ok)
{
	json_t *a = NULL, *out = json_array(), *x;
	const char *s;
	char *end;
	size_t i;
	long long n;

	if (json_is_array(v))
		a = json_incref(v);
	else if (json_is_string(v)) {
		s = json_string_value(v);
		a = json_loads(s, 0, NULL);
		if (!json_is_array(a)) {
			json_decref(a);
			a = csv(s);
		}
	} else
		a = json_array();
	json_array_foreach(a, i, x) {
		if (json_is_integer(x))
			json_array_append(out, x);
		else if (json_is_string(x)) {
			n = strtoll(json_string_value(x), &end, 10);
			if (*json_string_value(x) && *end == '\0')
				json_array_append_new(out, json_integer(n));
			else if (strings_ok)
				json_array_append(out, x);
		}
	}
	json_decref(a);
	return out;
}

static int body_limit(json_t *b, int def, int max)
{
	json_t *v = json_object_get(b, "limit");

	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return def;
	return json_integer_value(v) > max ? max : (int)json_integer_value(v);
}

static int r_obs_batch(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	int rc = MHD_NO;
	json_t *b = http_body13(c, rq, &rc), *ids, *rows;
	const char *order;

	if (b == NULL)
		return rc;
	order = jstr(b, "orderBy");
	if (order && strcmp(order, "date_asc") && strcmp(order, "date_desc")) {
		json_decref(b);
		return http_invalid(c, "orderBy",
		    "Expected date_desc or date_asc");
	}
	ids = ids_of(json_object_get(b, "ids"), 0);
	rows = json_array_size(ids) == 0 ? json_array() :
	    store13_obs_batch(w->store, ids, order && !strcmp(order, "date_asc"),
	    body_limit(b, BATCH_MAX, BATCH_MAX), jstr(b, "project"));
	json_decref(ids);
	json_decref(b);
	if (rows == NULL)
		return http_reply_error(c, 500, "Store error");
	return http_reply(c, 200, rows);
}

static int r_tool_uses_batch(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	int rc = MHD_NO;
	json_t *b = http_body13(c, rq, &rc), *ids, *rows;

	if (b == NULL)
		return rc;
	ids = ids_of(json_object_get(b, "ids"), 1);
	rows = json_array_size(ids) == 0 ? json_array() :
	    store13_tool_uses_batch(w->store, ids, body_limit(b, TOOL_USES_MAX,
	    TOOL_USES_MAX), jstr(b, "project"), jstr(b, "contentSessionId"));
	json_decref(ids);
	json_decref(b);
	if (rows == NULL)
		return http_reply_error(c, 500, "Store error");
	return http_reply(c, 200, rows);
}

/* ---- viewer support: projects, settings --------------------------------- */

static int r_projects(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	json_t *j = store13_projects(w->store);

	return j ? http_reply(c, 200, j) : http_reply_error(c, 500,
	    "Store error");
}

static int r_preview(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	return r_inject(w, c, rq);
}

static int r_settings_get(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	json_t *j = settings_load();
	char port[16];

	snprintf(port, sizeof(port), "%d", w->port);
	json_object_set_new(j, "CLAUDE_MEM_WORKER_PORT", json_string(port));
	json_object_set_new(j, "CLAUDE_MEM_WORKER_HOST", json_string(w->host));
	return http_reply(c, 200, j);
}

static int r_settings_post(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq)
{
	int rc = MHD_NO;
	json_t *b = http_body13(c, rq, &rc), *v;
	const char *k;
	char err[256];

	if (b == NULL)
		return rc;
	json_object_foreach(b, k, v)
		if (!json_is_string(v) || strncmp(k, "CLAUDE_", 7) != 0) {
			rc = http_invalid(c, k,
			    "Expected a string setting CLAUDE_*");
			goto out;
		}
	if (settings_update(b, err, sizeof(err)) < 0)
		rc = http_reply(c, 500, json_pack("{s:b, s:s}", "success", 0,
		    "error", err));
	else
		rc = http_reply(c, 200, json_pack("{s:b}", "success", 1));
out:
	json_decref(b);
	return rc;
}

/* ---- the table ---------------------------------------------------------- */

static const struct {
	const char *method, *path;
	route13_fn fn;
} routes13[] = {
	{ "GET",  "/api/health",              r_health },
	{ "GET",  "/api/readiness",           r_readiness },
	{ "POST", "/api/sessions/init",       r_init },
	{ "POST", "/api/sessions/observations", r_observation },
	{ "POST", "/api/sessions/summarize",  r_summarize },
	{ "POST", "/api/sessions/session-end", r_session_end },
	{ "GET",  "/api/context/inject",      r_inject },
	{ "GET",  "/api/context/preview",     r_preview },
	{ "POST", "/api/context/semantic",    r_semantic },
	{ "GET",  "/api/observations/by-file", r_by_file },
	{ "POST", "/api/observations/batch",  r_obs_batch },
	{ "POST", "/api/tool-uses/batch",     r_tool_uses_batch },
	{ "GET",  "/api/projects",            r_projects },
	{ "GET",  "/api/settings",            r_settings_get },
	{ "POST", "/api/settings",            r_settings_post },
};

int api13_ensure(struct worker *w)
{
	char err[512];

	if (w->mem13)
		return 0;
	if (store13_ensure(w->store, err, sizeof(err)) < 0) {
		log_warnx("%s", err);
		return -1;
	}
	log_info("claude-mem 13 schema layer in place");
	w->mem13 = 1;
	return 0;
}

int api13_route(struct worker *w, struct MHD_Connection *c, const char *method,
    const char *url, struct http_req *rq, int *handled)
{
	size_t i, n;
	const char *f;

	/* 13's format=json search is answered from the store; without it
	 * /api/search stays the search server's. */
	if (strcmp(method, "GET") == 0 && (strcmp(url, "/api/search") == 0 ||
	    strcmp(url, "/api/search/") == 0) && (f = qarg(c, "format")) != NULL &&
	    strcmp(f, "json") == 0) {
		*handled = 1;
		if (api13_ensure(w) < 0)
			return http_reply(c, 503, json_pack("{s:s, s:s}",
			    "status", "initializing", "error",
			    "the claude-mem 13 schema could not be applied"));
		return search13_json(w, c);
	}
	for (i = 0; i < sizeof(routes13) / sizeof(routes13[0]); i++) {
		n = strlen(routes13[i].path);
		if (strcmp(method, routes13[i].method) != 0 ||
		    strncmp(url, routes13[i].path, n) != 0 ||
		    (url[n] != '\0' && strcmp(url + n, "/") != 0))
			continue;
		*handled = 1;
		if (routes13[i].fn != r_health && api13_ensure(w) < 0)
			return http_reply(c, 503, json_pack("{s:s, s:s}",
			    "status", "initializing", "error",
			    "the claude-mem 13 schema could not be applied"));
		return routes13[i].fn(w, c, rq);
	}
	*handled = 0;
	return MHD_NO;
}

/*
 * SessionEnd replay: when the worker did not answer its readiness check
 * within 150 ms, 13's session-end hook leaves
 * <data dir>/state/session-end-replay/<sha256>.json
 * {contentSessionId, platformSource, requestedAtEpoch} for the worker to
 * finish the session later. Called from the loop about once a second.
 */
void api13_replay(struct worker *w)
{
	char dir[4096], path[4400];
	struct dirent *e;
	const char *cid;
	struct session *s;
	json_t *j;
	int64_t id;
	size_t n;
	DIR *d;
	int found;

	if (memdb_data_dir(dir, sizeof(dir) - 32) < 0)
		return;
	strcat(dir, "/state/session-end-replay");
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0 ||
		    api13_ensure(w) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		j = json_load_file(path, 0, NULL);
		cid = jstr(j, "contentSessionId");
		if (cid != NULL && store13_session_id(w->store, cid, &id) == 1 &&
		    (s = session_get_or_start(w, id, &found)) != NULL) {
			log_info("session %lld: SessionEnd replayed from %s",
			    (long long)id, e->d_name);
			session_complete(w, s);
		}
		json_decref(j);
		if (unlink(path) < 0)
			log_warnx("%s: cannot remove: %s", path, strerror(errno));
	}
	closedir(d);
}
