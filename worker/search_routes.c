/*
 * search_routes.c: the /api/search... routes of the original. The query
 * string becomes the arguments of the matching search tool, called through
 * the MCP client; the answer is the tool result's content array.
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

int search_route(struct worker *w, struct MHD_Connection *c, const char *tool)
{
	json_t *args = json_object(), *res = NULL, *content;
	char err[512];
	int rc;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, args);
	if ((rc = mcp_call_tool(w->mcp, tool, args, &res, err, sizeof(err))) < 0) {
		json_decref(args);
		log_warnx("%s: %s", tool, err);
		/* -2: the server is up but refused the call. */
		return http_reply_error(c, rc == -2 ? 500 : 503, "%s", err);
	}
	json_decref(args);
	content = json_object_get(res, "content");
	if (!json_is_array(content))
		rc = http_reply_error(c, 502, "search server: no content in result");
	else if (json_is_true(json_object_get(res, "isError"))) {
		const char *t = json_string_value(json_object_get(
		    json_array_get(content, 0), "text"));
		rc = http_reply_error(c, 500, "%s", t ? t : "search failed");
	} else
		rc = http_reply(c, 200, json_incref(content));
	json_decref(res);
	return rc;
}

