/*
 * mcp.c: JSON-RPC 2.0 and the MCP methods a tools-only server answers:
 * initialize (version negotiation), notifications/initialized, ping,
 * tools/list, tools/call. Pure: text in, text out; the transports (stdio.c,
 * httpd.c) own the IO.
 *
 * Protocol errors are JSON-RPC errors (-32700 parse, -32600 invalid
 * request, -32601 method not found, -32602 invalid params); a tool that
 * fails answers a result with isError: true (tools.c). Batches (JSON
 * arrays) were removed from MCP in 2025-06-18, so an array is an invalid
 * request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

#ifndef CSUP_VERSION
#define CSUP_VERSION "0.0.0"
#endif

/* Newest first: the first is ours, answered when the client's is unknown. */
static const char *const versions[] = { "2025-11-25", "2025-06-18", NULL };

void mcp_init(struct mcp_server *m, struct search_ctx *sc)
{
	memset(m, 0, sizeof(*m));
	m->sc = sc;
}

int mcp_version_supported(const char *v)
{
	int i;

	for (i = 0; v && versions[i]; i++)
		if (strcmp(v, versions[i]) == 0)
			return 1;
	return 0;
}

static json_t *reply_error(json_t *id, int code, const char *msg)
{
	return json_pack("{s:s,s:O,s:{s:i,s:s}}", "jsonrpc", "2.0", "id",
	    id ? id : json_null(), "error", "code", code, "message", msg);
}

static json_t *reply_result(json_t *id, json_t *result)
{
	if (result == NULL)
		return reply_error(id, MCP_INTERNAL_ERROR, "out of memory");
	return json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id,
	    "result", result);
}

static json_t *do_initialize(struct mcp_server *m, json_t *id,
    json_t *params)
{
	json_t *pv = params ? json_object_get(params, "protocolVersion") : NULL;
	const char *v;

	if (!json_is_string(pv))
		return reply_error(id, MCP_INVALID_PARAMS,
		    "Invalid params: protocolVersion (string) is required");
	v = json_string_value(pv);
	snprintf(m->version, sizeof(m->version), "%s",
	    mcp_version_supported(v) ? v : versions[0]);
	return reply_result(id, json_pack("{s:s,s:{s:{s:b}},s:{s:s,s:s}}",
	    "protocolVersion", m->version, "capabilities", "tools",
	    "listChanged", 0, "serverInfo", "name", SEARCH_SERVER_NAME,
	    "version", CSUP_VERSION));
}

static json_t *do_call(struct mcp_server *m, json_t *id, json_t *params)
{
	json_t *name = params ? json_object_get(params, "name") : NULL;
	json_t *args = params ? json_object_get(params, "arguments") : NULL;
	json_t *result = NULL;
	char msg[160];

	if (!json_is_string(name))
		return reply_error(id, MCP_INVALID_PARAMS,
		    "Invalid params: name (string) is required");
	if (args && !json_is_object(args) && !json_is_null(args))
		return reply_error(id, MCP_INVALID_PARAMS,
		    "Invalid params: arguments must be an object");
	if (tools_call(m->sc, json_string_value(name),
	    json_is_object(args) ? args : NULL, &result) < 0) {
		snprintf(msg, sizeof(msg), "Unknown tool: %.100s",
		    json_string_value(name));
		return reply_error(id, MCP_INVALID_PARAMS, msg);
	}
	return reply_result(id, result);
}

/*
 * tools/list in two pages (MCP pagination): the seed-era tools, with
 * nextCursor TOOLS13_CURSOR, then claude-mem 13's tools the seed-era set
 * lacks. A client that reads one page sees the seed-era server unchanged.
 */
#define TOOLS13_CURSOR "claude-mem-13"

static json_t *list_tools(json_t *id, json_t *params)
{
	json_t *cursor = json_object_get(params, "cursor"), *r, *list;

	if (cursor == NULL || json_is_null(cursor)) {
		r = tools_list();
		if (r != NULL)
			json_object_set_new(r, "nextCursor",
			    json_string(TOOLS13_CURSOR));
		return reply_result(id, r);
	}
	if (!json_is_string(cursor) ||
	    strcmp(json_string_value(cursor), TOOLS13_CURSOR) != 0)
		return reply_error(id, MCP_INVALID_PARAMS,
		    "Invalid params: unknown cursor");
	list = json_array();
	if (list == NULL || tools13_list(list) < 0) {
		json_decref(list);
		return reply_error(id, MCP_INTERNAL_ERROR, "out of memory");
	}
	return reply_result(id, json_pack("{s:o}", "tools", list));
}

static json_t *dispatch(struct mcp_server *m, const char *method, json_t *id,
    json_t *params)
{
	if (strcmp(method, "initialize") == 0)
		return do_initialize(m, id, params);
	if (strcmp(method, "ping") == 0)
		return reply_result(id, json_object());
	if (strcmp(method, "tools/list") == 0)
		return list_tools(id, params);
	if (strcmp(method, "tools/call") == 0)
		return do_call(m, id, params);
	return reply_error(id, MCP_METHOD_NOT_FOUND, "Method not found");
}

static void notification(struct mcp_server *m, const char *method)
{
	if (strcmp(method, "notifications/initialized") == 0)
		m->initialized = 1;
	/* others (cancelled, progress, ...): nothing to do for us */
}

/* A reply, or NULL for a notification or a response of the client. */
static json_t *handle(struct mcp_server *m, json_t *msg, int *is_request)
{
	json_t *id, *method, *params, *ver;

	*is_request = 0;
	if (!json_is_object(msg))
		return reply_error(NULL, MCP_INVALID_REQUEST, "Invalid Request");
	id = json_object_get(msg, "id");
	method = json_object_get(msg, "method");
	params = json_object_get(msg, "params");
	ver = json_object_get(msg, "jsonrpc");
	if (id && !json_is_string(id) && !json_is_integer(id))
		return reply_error(NULL, MCP_INVALID_REQUEST,
		    "Invalid Request: id must be a string or an integer");
	if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0"))
		return reply_error(id, MCP_INVALID_REQUEST,
		    "Invalid Request: jsonrpc must be \"2.0\"");
	if (method == NULL && id &&
	    (json_object_get(msg, "result") || json_object_get(msg, "error")))
		return NULL;	/* a response to a request we never send */
	if (!json_is_string(method))
		return reply_error(id, MCP_INVALID_REQUEST,
		    "Invalid Request: method must be a string");
	if (id == NULL) {
		notification(m, json_string_value(method));
		return NULL;
	}
	*is_request = 1;
	if (params && !json_is_object(params))
		return reply_error(id, MCP_INVALID_PARAMS,
		    "Invalid params: params must be an object");
	return dispatch(m, json_string_value(method), id, params);
}

char *mcp_handle_text(struct mcp_server *m, const char *buf, size_t len,
    int *is_request)
{
	json_error_t jerr;
	json_t *msg, *reply;
	char *out;

	*is_request = 0;
	if ((msg = json_loadb(buf, len, JSON_DECODE_ANY, &jerr)) == NULL) {
		*is_request = 1;
		reply = reply_error(NULL, MCP_PARSE_ERROR, "Parse error");
	} else if (json_is_array(msg)) {
		*is_request = 1;
		reply = reply_error(NULL, MCP_INVALID_REQUEST,
		    "Invalid Request: batches are not supported");
	} else
		reply = handle(m, msg, is_request);
	json_decref(msg);
	if (reply == NULL)
		return NULL;
	out = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	return out;
}
