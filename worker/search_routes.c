/*
 * search_routes.c: the /api/search... routes of the original. The query
 * string becomes the arguments of the matching search tool, called through
 * the MCP client; the answer is the tool result's content array.
 * The call is asynchronous: the connection is suspended while it is in
 * flight, so the loop keeps serving other requests (MHD suspend/resume).
 */
#include "worker.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

static const struct {
	const char *path, *tool;
} search_routes[] = {
	{ "/api/search",               "search" },
	{ "/api/timeline",             "timeline" },
	{ "/api/decisions",            "decisions" },
	{ "/api/changes",              "changes" },
	{ "/api/how-it-works",         "how_it_works" },
	{ "/api/search/observations",  "search_observations" },
	{ "/api/search/sessions",      "search_sessions" },
	{ "/api/search/prompts",       "search_user_prompts" },
	{ "/api/search/by-concept",    "find_by_concept" },
	{ "/api/search/by-file",       "find_by_file" },
	{ "/api/search/by-type",       "find_by_type" },
	{ "/api/context/recent",       "get_recent_context" },
	{ "/api/context/timeline",     "get_context_timeline" },
	{ "/api/timeline/by-query",    "get_timeline_by_query" },
};

/* Integers stay integers, {..}/[..] that parse are JSON, the rest strings. */
static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind,
    const char *key, const char *value)
{
	json_t *args = cls, *v = NULL;
	char *end;
	long long n;

	if (key == NULL || *key == '\0')
		return MHD_YES;
	if (value == NULL)
		value = "";
	if (*value != '\0' && (*value == '-' || (*value >= '0' && *value <= '9'))) {
		errno = 0;
		n = strtoll(value, &end, 10);
		if (errno == 0 && *end == '\0')
			v = json_integer(n);
	}
	if (v == NULL && (*value == '{' || *value == '['))
		v = json_loads(value, 0, NULL);
	if (v == NULL && (strcmp(value, "true") == 0 || strcmp(value, "false") == 0))
		v = json_boolean(*value == 't');
	if (v == NULL)
		v = json_string(value);
	if (v != NULL)
		json_object_set_new(args, key, v);
	return MHD_YES;
}

const char *search_tool_of(const char *url)
{
	size_t i, n;

	for (i = 0; i < sizeof(search_routes) / sizeof(search_routes[0]); i++) {
		n = strlen(search_routes[i].path);
		if (strncmp(url, search_routes[i].path, n) == 0 &&
		    (url[n] == '\0' || (url[n] == '/' && url[n + 1] == '\0')))
			return search_routes[i].tool;
	}
	return NULL;
}

struct search_call {             /* one /api/search... request */
	struct MHD_Connection *conn;
	int suspended;           /* waiting for the MCP call */
	int done;                /* status and reply are set */
	unsigned status;
	json_t *reply;
	int object;              /* claude-mem 13's shape: the whole result */
};

/* The HTTP answer of an MCP outcome. */
static void outcome(struct search_call *sc, int rc, json_t *res,
    const char *err)
{
	json_t *content = json_object_get(res, "content");
	const char *t;

	if (rc < 0) {
		/* -2: the server is up but refused the call. */
		sc->status = rc == -2 ? 500 : 503;
		sc->reply = json_pack("{s:s}", "error", err ? err : "?");
	} else if (!json_is_array(content)) {
		sc->status = 502;
		sc->reply = json_pack("{s:s}", "error",
		    "search server: no content in result");
	} else if (sc->object) {
		/* 13's MCP server passes the answer on as the tool result, so
		 * a tool error is {content, isError:true} with status 200. */
		sc->status = 200;
		sc->reply = json_incref(res);
	} else if (json_is_true(json_object_get(res, "isError"))) {
		t = json_string_value(json_object_get(json_array_get(content, 0),
		    "text"));
		sc->status = 500;
		sc->reply = json_pack("{s:s}", "error", t ? t : "search failed");
	} else {
		sc->status = 200;
		sc->reply = json_incref(content);
	}
}

static void on_done(void *ud, int rc, json_t *res, const char *err)
{
	struct search_call *sc = ud;

	if (rc < 0)
		log_warnx("search: %s", err ? err : "?");
	outcome(sc, rc, res, err);
	sc->done = 1;
	if (sc->suspended) {
		sc->suspended = 0;
		MHD_resume_connection(sc->conn);
	}
}

static int send_outcome(struct MHD_Connection *c, struct search_call *sc)
{
	json_t *reply = sc->reply;

	sc->reply = NULL;
	return http_reply(c, sc->status, reply);
}

/* Queue the call; the connection waits (suspended) unless it is done. */
/*
 * Which shape a client gets. The seed-era routes answered the bare content
 * array; claude-mem 13 reads {content:[...]} (its MCP server hands the
 * answer to the MCP SDK as the tool result). Both clients send the same
 * query, so the shape follows what 13's callers are: fetch() clients
 * (its MCP server under node or bun, its viewer in a browser), which send
 * Sec-Fetch-Mode or Accept-Encoding, unlike a plain HTTP client (curl,
 * the seed-era tools). X-Claude-Mem-Api: 13 or seed decides explicitly.
 */
int search_wants_object(struct MHD_Connection *c)
{
	const char *api = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Claude-Mem-Api");

	if (api != NULL)
		return strcmp(api, "seed") != 0;
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Sec-Fetch-Mode") != NULL ||
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Accept-Encoding") != NULL;
}

static int search_start(struct worker *w, struct MHD_Connection *c,
    const char *tool, struct search_call **call)
{
	struct search_call *sc = calloc(1, sizeof(*sc));
	json_t *args = json_object();
	int rc = -1;

	if (sc != NULL && args != NULL) {
		sc->conn = c;
		sc->object = search_wants_object(c);
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg,
		    args);
		rc = mcp_call(w->mcp, tool, args, on_done, sc);
	}
	json_decref(args);
	if (rc < 0) {
		free(sc);
		return http_reply_error(c, 500, "Out of memory");
	}
	*call = sc;
	if (sc->done)               /* failed at once: no child to wait for */
		return send_outcome(c, sc);
	sc->suspended = 1;
	MHD_suspend_connection(c);
	return MHD_YES;
}

int search_route(struct worker *w, struct MHD_Connection *c, const char *tool,
    struct search_call **call)
{
	if (*call == NULL)
		return search_start(w, c, tool, call);
	if (!(*call)->done)
		return MHD_YES;     /* not reached: resumed only when done */
	return send_outcome(c, *call);
}

void search_call_free(struct worker *w, struct search_call *sc)
{
	if (sc == NULL)
		return;
	if (!sc->done)
		mcp_cancel(w->mcp, sc);
	json_decref(sc->reply);
	free(sc);
}
