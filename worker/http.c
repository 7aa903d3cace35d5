/*
 * http.c: the libmicrohttpd daemon (external epoll mode, driven by the
 * worker's poll loop, one thread) and the routes of SERVICES.md with the
 * original's JSON shapes (the read-only /api/... ones are in
 * api_routes.c). Bodies are capped at WORKER_BODY_MAX; bad JSON or
 * a bad id is 400 {"error":..}; an unknown route 404. Bound to the
 * loopback, it refuses a foreign Origin (403: any web page could read the
 * memory store or post observations) and a Host that is not a loopback
 * name (421: DNS rebinding); a loopback Origin is echoed for CORS, never "*".
 */
#include "netlocal.h"
#include "worker.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

struct http_req {                /* per request */
	char *body;              /* the body so far */
	size_t len, cap;
	int too_big;
	struct search_call *search;     /* a suspended /api/search... */
	struct corpus_call *corpus;     /* a suspended corpus query */
};

/* The request state of a request whose raw path holds an encoded
 * separator (%2F, %5C) or NUL: MHD decodes the path before routing, so
 * "a%2F..%2Fb" would otherwise reach a route as "a/../b". Never written. */
static const char encoded_sep = 1;
#define ENCODED_SEP ((void *)&encoded_sep)

/* MHD_OPTION_URI_LOG_CALLBACK: the raw URI, before decoding. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	size_t n = strcspn(uri, "?"), i;

	(void)cls;
	(void)c;
	for (i = 0; i + 2 < n; i++)
		if (uri[i] == '%' &&
		    ((uri[i + 1] == '2' && (uri[i + 2] | 0x20) == 'f') ||
		    (uri[i + 1] == '5' && (uri[i + 2] | 0x20) == 'c') ||
		    (uri[i + 1] == '0' && uri[i + 2] == '0')))
			return ENCODED_SEP;
	return NULL;
}

struct corpus_call **http_req_corpus(struct http_req *rq)
{
	return &rq->corpus;
}

/* ---- origin and host checks -------------------------------------------- */

static int listening_on_loopback(struct worker *w)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(w->httpd,
	    MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (i == NULL || getsockname(i->listen_fd, (struct sockaddr *)&ss, &len) < 0)
		return 1;	/* unknown: the safe side */
	return net_addr_is_loopback(&ss);
}

/* 0, or the status that refuses this request (403 or 421). */
static unsigned refused(struct worker *w, struct MHD_Connection *c)
{
	const char *origin, *host;

	if (!listening_on_loopback(w))
		return 0;
	origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	if (origin != NULL && !net_origin_is_loopback(origin))
		return 403;
	host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (host != NULL && !net_host_is_loopback(host, strlen(host)))
		return 421;
	return 0;
}

/* A (loopback, or the request was refused) Origin is allowed back. */
void http_add_cors(struct MHD_Connection *c, struct MHD_Response *r)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");

	if (origin == NULL || !net_origin_is_loopback(origin))
		return;
	MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
	MHD_add_response_header(r, "Vary", "Origin");
}

/* ---- replies ------------------------------------------------------------ */

int http_queue(struct MHD_Connection *c, unsigned status,
    struct MHD_Response *r)
{
	enum MHD_Result rc;

	http_add_cors(c, r);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status,
    const char *type, char *text, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text), text, mode);
	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	return http_queue(c, status, r);
}

/* Send j (reference stolen). */
int http_reply(struct MHD_Connection *c, unsigned status, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(j);
	if (text == NULL)
		return reply_text(c, 500, "application/json",
		    (char *)"{\"error\":\"Internal error\"}", MHD_RESPMEM_PERSISTENT);
	return reply_text(c, status, "application/json", text,
	    MHD_RESPMEM_MUST_FREE);
}

int http_reply_error(struct MHD_Connection *c, unsigned status,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return http_reply(c, status, json_pack("{s:s}", "error", msg));
}

int http_reply_text(struct MHD_Connection *c, unsigned status,
    const char *type, const char *text)
{
	char *t = strdup(text);

	if (t == NULL)
		return MHD_NO;
	return reply_text(c, status, type, t, MHD_RESPMEM_MUST_FREE);
}

json_t *http_body_json(struct http_req *rq, int empty_ok, char *err,
    size_t errlen)
{
	json_error_t e;
	json_t *j;

	if (rq->len == 0 && empty_ok)
		return json_object();
	j = json_loadb(rq->body ? rq->body : "", rq->len, 0, &e);
	if (!json_is_object(j)) {
		snprintf(err, errlen, "Invalid JSON body: %s",
		    j ? "expected an object" : e.text);
		json_decref(j);
		return NULL;
	}
	return j;
}

int http_invalid(struct MHD_Connection *c, const char *field,
    const char *message)
{
	return http_reply(c, 400, json_pack("{s:s, s:[{s:[s], s:s}]}", "error",
	    "ValidationError", "issues", "path", field, "message", message));
}

json_t *http_body13(struct MHD_Connection *c, struct http_req *rq,
    int *rc)
{
	char err[200];
	json_t *b = http_body_json(rq, 1, err, sizeof(err));

	if (b == NULL)
		*rc = http_reply(c, 400, json_pack("{s:s, s:[{s:[], s:s}]}",
		    "error", "ValidationError", "issues", "path", "message", err));
	return b;
}

/* ---- request helpers ------------------------------------------------------ */

int64_t http_parse_id(const char *s)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return -1;
	return v;
}

/* The body as a JSON object; NULL (and a 400 sent) if it is not one.
 * An empty body is {} when empty_ok. */
static json_t *body_object(struct MHD_Connection *c, struct http_req *rq,
    int empty_ok, int *rc)
{
	json_error_t e;
	json_t *j;

	if (rq->len == 0 && empty_ok)
		return json_object();
	j = json_loadb(rq->body ? rq->body : "", rq->len, 0, &e);
	if (!json_is_object(j)) {
		json_decref(j);
		*rc = http_reply_error(c, 400, "Invalid JSON body: %s",
		    j ? "expected an object" : e.text);
		return NULL;
	}
	return j;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- sessions ------------------------------------------------------------ */

static struct session *need_session(struct worker *w, struct MHD_Connection *c,
    const char *id, int *rc)
{
	int64_t n = http_parse_id(id);
	struct session *s;
	int found;

	if (n < 0) {
		*rc = http_reply_error(c, 400, "Invalid session id: %s", id);
		return NULL;
	}
	s = session_get_or_start(w, n, &found);
	if (s == NULL)
		*rc = found < 0 ? http_reply_error(c, 500, "Store error") :
		    http_reply_error(c, 404, "Session %lld not found",
		    (long long)n);
	return s;
}

static int r_init(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	int rc = MHD_NO;
	json_t *b = body_object(c, rq, 1, &rc);
	struct session *s;
	const char *p;

	if (b == NULL)
		return rc;
	if ((s = need_session(w, c, id, &rc)) == NULL)
		goto out;
	if ((p = jstr(b, "userPrompt")) != NULL) {
		free(s->user_prompt);
		s->user_prompt = strdup(p);
	}
	sse_broadcast(w->sse, "session_started", "session", json_pack(
	    "{s:I, s:s, s:s?}", "sessionDbId", (json_int_t)s->id, "project",
	    s->project ? s->project : "", "userPrompt", s->user_prompt));
	rc = http_reply(c, 200, json_pack("{s:s, s:I, s:i}", "status",
	    "initialized", "sessionDbId", (json_int_t)s->id, "port", w->port));
out:
	json_decref(b);
	return rc;
}

static int enqueue(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id, enum qkind kind)
{
	int rc = MHD_NO;
	json_t *b = body_object(c, rq, kind == Q_SUMMARIZE, &rc);
	struct session *s;

	if (b == NULL)
		return rc;
	if (kind == Q_OBSERVATION && jstr(b, "tool_name") == NULL) {
		rc = http_reply_error(c, 400, "tool_name is required");
		goto out;
	}
	if ((s = need_session(w, c, id, &rc)) == NULL)
		goto out;
	session_enqueue(w, s, kind, b);
	rc = http_reply(c, 200, json_pack("{s:s}", "status", "queued"));
out:
	json_decref(b);
	return rc;
}

static int r_obs(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return enqueue(w, c, rq, id, Q_OBSERVATION);
}

static int r_summarize(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return enqueue(w, c, rq, id, Q_SUMMARIZE);
}

static int r_status(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	int64_t n = http_parse_id(id);
	struct session *s;

	if (n < 0)
		return http_reply_error(c, 400, "Invalid session id: %s", id);
	if ((s = session_find(w, n)) == NULL)
		return http_reply(c, 200, json_pack("{s:s}", "status",
		    "not_found"));
	return http_reply(c, 200, json_pack("{s:s, s:I, s:s, s:I, s:I}",
	    "status", "active", "sessionDbId", (json_int_t)s->id,
	    "project", s->project ? s->project : "",
	    "queueLength", (json_int_t)s->qlen,
	    "uptime", (json_int_t)(wall_ms() - s->started_ms)));
}

static int r_delete(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	int64_t n = http_parse_id(id);
	struct session *s;

	if (n < 0)
		return http_reply_error(c, 400, "Invalid session id: %s", id);
	if ((s = session_find(w, n)) != NULL)
		session_drop(w, s);
	return http_reply(c, 200, json_pack("{s:s}", "status", "deleted"));
}

static int r_complete(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	int rc = MHD_NO;
	struct session *s = need_session(w, c, id, &rc);

	if (s == NULL)
		return rc;
	session_complete(w, s);
	return http_reply(c, 200, json_pack("{s:b}", "success", 1));
}

static int r_new_session(struct worker *w,
    struct MHD_Connection *c, struct http_req *rq, const char *id)
{
	int rc = MHD_NO;
	json_t *b = body_object(c, rq, 0, &rc);
	const char *cid, *prompt;
	int64_t sid;
	int number;

	if (b == NULL)
		return rc;
	cid = jstr(b, "claude_session_id");
	prompt = jstr(b, "prompt");
	if (cid == NULL || *cid == '\0')
		rc = http_reply_error(c, 400, "claude_session_id is required");
	else if (store_session_upsert(w->store, cid, jstr(b, "project"), prompt,
	    &sid, &number) < 0)
		rc = http_reply_error(c, 500, "Store error");
	else {
		if (prompt != NULL && *prompt != '\0')
			sse_new_prompt(w, cid, sid);
		rc = http_reply(c, 200, json_pack("{s:I, s:i}", "sessionDbId",
		    (json_int_t)sid, "promptNumber", number));
	}
	json_decref(b);
	return rc;
}

static int r_processing(struct worker *w,
    struct MHD_Connection *c, struct http_req *rq, const char *id)
{
	int rc = MHD_NO;
	json_t *b = body_object(c, rq, 1, &rc);
	json_t *v;
	int on;

	if (b == NULL)
		return rc;
	v = json_object_get(b, "isProcessing");
	if (v != NULL && !json_is_boolean(v)) {
		json_decref(b);
		return http_reply_error(c, 400, "isProcessing must be a boolean");
	}
	on = v ? json_is_true(v) : queue_total(w) > 0;
	sse_broadcast(w->sse, "processing_status", NULL, json_pack("{s:b, s:I}",
	    "isProcessing", on, "queueDepth", (json_int_t)queue_total(w)));
	json_decref(b);
	return http_reply(c, 200, json_pack("{s:s, s:b}", "status", "ok",
	    "isProcessing", on));
}

static int r_health(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	pid_t pid = mcp_pid(w->mcp);

	if (w->store == NULL)
		return http_reply(c, 503, json_pack("{s:s, s:I}", "status",
		    "error", "timestamp", (json_int_t)wall_ms()));
	return http_reply(c, 200, json_pack("{s:s, s:I, s:s, s:o}", "status",
	    "ok", "timestamp", (json_int_t)wall_ms(), "search", mcp_state(w->mcp),
	    "searchPid", pid > 0 ? json_integer(pid) : json_null()));
}

static int r_viewer(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	int rc = ui13_viewer(w, c);

	if (rc != -2)
		return rc;
	return reply_text(c, 200, "text/html; charset=utf-8",
	    (char *)viewer_html(), MHD_RESPMEM_PERSISTENT);
}

static int r_stream(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return sse_open(w, c);
}

/* ---- the route table ------------------------------------------------------ */

static const struct route {
	const char *method;
	const char *pattern;    /* ":id" matches one path segment */
	http_route_fn fn;
} routes[] = {
	{ "GET",    "/health",                  r_health },
	{ "GET",    "/",                        r_viewer },
	{ "GET",    "/stream",                  r_stream },
	{ "POST",   "/api/sessions",            r_new_session },
	{ "POST",   "/sessions/:id/init",       r_init },
	{ "POST",   "/sessions/:id/observations", r_obs },
	{ "POST",   "/sessions/:id/summarize",  r_summarize },
	{ "GET",    "/sessions/:id/status",     r_status },
	{ "POST",   "/sessions/:id/complete",   r_complete },
	{ "DELETE", "/sessions/:id",            r_delete },
	{ "GET",    "/api/observations",        api_observations },
	{ "GET",    "/api/summaries",           api_summaries },
	{ "GET",    "/api/prompts",             api_prompts },
	{ "GET",    "/api/observation/:id",     api_observation },
	{ "GET",    "/api/session/:id",         api_session },
	{ "GET",    "/api/prompt/:id",          api_prompt },
	{ "GET",    "/api/stats",               api_stats },
	{ "GET",    "/api/processing-status",   api_processing_status },
	{ "POST",   "/api/processing",          r_processing },
	{ "GET",    "/api/logs",                api_logs },
	{ "POST",   "/api/logs/clear",          api_logs_clear },
	{ "GET",    "/api/onboarding/explainer", api_explainer },
};

/* Match url against pattern; the ":id" segment is copied to id. */
static int match(const char *pattern, const char *url, char *id, size_t idlen)
{
	const char *seg;
	size_t n;

	while (*pattern != '\0') {
		if (*pattern == ':') {
			seg = url;
			while (*url != '\0' && *url != '/')
				url++;
			n = (size_t)(url - seg);
			if (n == 0 || n >= idlen)
				return 0;
			memcpy(id, seg, n);
			id[n] = '\0';
			while (*pattern != '\0' && *pattern != '/')
				pattern++;
			continue;
		}
		if (*pattern++ != *url++)
			return 0;
	}
	return *url == '\0' || (url[0] == '/' && url[1] == '\0');
}

static int dispatch(struct worker *w, struct MHD_Connection *c,
    const char *method, const char *url, struct http_req *rq)
{
	const char *tool;
	char id[128];
	size_t i;

	int handled = 0, rc;

	rc = api13_route(w, c, method, url, rq, &handled);
	if (handled)
		return rc;
	rc = corpus_route(w, c, method, url, rq, &handled);
	if (handled)
		return rc;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(method, routes[i].method) == 0 &&
		    match(routes[i].pattern, url, id, sizeof(id)))
			return routes[i].fn(w, c, rq, id);
	if (strcmp(method, "GET") == 0 && (tool = search_tool_of(url)) != NULL)
		return search_route(w, c, tool, &rq->search);
	if (strcmp(method, "GET") == 0 && (rc = ui13_static(w, c, url)) != -2)
		return rc;
	if (strcmp(method, "OPTIONS") == 0)
		return reply_text(c, 204, "text/plain", (char *)"",
		    MHD_RESPMEM_PERSISTENT);
	return http_reply_error(c, 404, "Not found: %s %s", method, url);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
    const char *url, const char *method, const char *version,
    const char *upload, size_t *upload_size, void **con_cls)
{
	struct worker *w = cls;
	struct http_req *rq = *con_cls;
	unsigned status;
	char *nb;

	if (rq == NULL || rq == ENCODED_SEP) {
		int bad = rq == ENCODED_SEP;

		*con_cls = NULL;
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		*con_cls = rq;
		if (bad)
			return (enum MHD_Result)http_reply_error(c, 404,
			    "Not found: encoded separator in the path");
		/* Refused before any body is read. */
		if ((status = refused(w, c)) == 403)
			return (enum MHD_Result)http_reply_error(c, 403, "Forbidden origin");
		if (status == 421)
			return (enum MHD_Result)http_reply_error(c, 421, "Misdirected request");
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!rq->too_big && rq->len + *upload_size > (size_t)WORKER_BODY_MAX) {
			rq->too_big = 1;
			free(rq->body);
			rq->body = NULL;
			rq->len = rq->cap = 0;
		}
		if (!rq->too_big) {
			if (rq->len + *upload_size > rq->cap) {
				/* Geometric growth: a 50 MB body arrives in
				 * thousands of chunks. */
				size_t cap = rq->cap ? rq->cap : 4096;

				while (cap < rq->len + *upload_size)
					cap *= 2;
				if ((nb = realloc(rq->body, cap)) == NULL)
					return MHD_NO;
				rq->body = nb;
				rq->cap = cap;
			}
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->too_big)
		return (enum MHD_Result)http_reply_error(c, 413, "Request body larger "
		    "than %ld bytes", WORKER_BODY_MAX);
	if (w->stopping)
		return (enum MHD_Result)http_reply_error(c, 503, "Shutting down");
	return (enum MHD_Result)dispatch(w, c, method, url, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct worker *w = cls;
	struct http_req *rq = *con_cls;

	if (rq != NULL && rq != ENCODED_SEP) {
		search_call_free(w, rq->search);
		corpus_call_free(w, rq->corpus);
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warnx("http: %s", msg);
}

int http_listen(const char *host, int port, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char service[16];
	int fd = -1, one_ = 1, gai, saved;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%d", port);
	if ((gai = getaddrinfo(host, service, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(gai));
		errno = EINVAL;
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one_, sizeof(one_)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 128) < 0) {
		saved = errno;
		snprintf(err, errlen, "%s:%d: %s", host, port,
		    saved == EADDRINUSE ? "port already in use" : strerror(saved));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		errno = saved;
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

int http_start(struct worker *w, int listen_fd)
{
	w->httpd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, w,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, w,
	    MHD_OPTION_LISTEN_SOCKET, listen_fd,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, w,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	    MHD_OPTION_END);
	return w->httpd != NULL ? 0 : -1;
}

int http_epoll_fd(struct worker *w)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(w->httpd,
	    MHD_DAEMON_INFO_EPOLL_FD);

	return i ? i->epoll_fd : -1;
}

void http_run(struct worker *w)
{
	MHD_run(w->httpd);
}

int64_t http_timeout_ms(struct worker *w)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (MHD_get_timeout(w->httpd, &t) != MHD_YES)
		return -1;
	return t > INT_MAX ? INT_MAX : (int64_t)t;
}

unsigned http_connections(struct worker *w)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(w->httpd,
	    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

	return i ? i->num_connections : 0;
}

void http_stop(struct worker *w)
{
	if (w->httpd != NULL)
		MHD_stop_daemon(w->httpd);
	w->httpd = NULL;
}
