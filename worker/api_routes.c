/*
 * api_routes.c: the read-only /api/... routes of the original: paged lists
 * of observations, summaries and prompts, one row by id, the stats and the
 * processing status. They only read the store and the worker's counters.
 */
#include "worker.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <microhttpd.h>

static const char *arg(struct MHD_Connection *c, const char *k)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

/* Query integer in [min, max] (clamped above), default def; -1 if bad. */
static int query_int(struct MHD_Connection *c, const char *k, int64_t def,
    int64_t max, int64_t *out)
{
	const char *s = arg(c, k);
	char *end;
	long long v;

	*out = def;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return -1;
	*out = v > max ? max : v;
	return 0;
}

static int list(struct worker *w, struct MHD_Connection *c,
    enum store_list which)
{
	int64_t offset, limit;
	json_t *j;

	if (query_int(c, "offset", 0, INT64_MAX / 2, &offset) < 0 ||
	    query_int(c, "limit", 20, WORKER_LIST_MAX, &limit) < 0)
		return http_reply_error(c, 400, "offset and limit must be "
		    "non-negative integers");
	if (limit == 0)
		limit = 20;
	j = store_list(w->store, which, arg(c, "project"), offset, limit);
	if (j == NULL)
		return http_reply_error(c, 500, "Store error");
	return http_reply(c, 200, j);
}

int api_observations(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return list(w, c, LIST_OBSERVATIONS);
}

int api_summaries(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return list(w, c, LIST_SUMMARIES);
}

int api_prompts(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return list(w, c, LIST_PROMPTS);
}

static int one(struct worker *w, struct MHD_Connection *c,
    const char *id, int which, const char *what)
{
	int64_t n = http_parse_id(id);
	json_t *j = NULL;
	int r;

	if (n < 0)
		return http_reply_error(c, 400, "Invalid %s id: %s", what, id);
	r = which < 0 ? store_get_session_json(w->store, n, &j) :
	    store_get_one(w->store, (enum store_list)which, n, &j);
	if (r < 0)
		return http_reply_error(c, 500, "Store error");
	if (r == 0)
		return http_reply_error(c, 404, "%c%s #%lld not found",
		    what[0] - 32, what + 1, (long long)n);
	return http_reply(c, 200, j);
}

int api_observation(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return one(w, c, id, LIST_OBSERVATIONS, "observation");
}

int api_session(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return one(w, c, id, -1, "session");
}

int api_prompt(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	return one(w, c, id, LIST_PROMPTS, "prompt");
}

int api_stats(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	struct session *s;
	struct stat st;
	json_t *db = store_stats(w->store);
	int n = 0;

	for (s = w->sessions; s != NULL; s = s->next)
		n++;
	if (db == NULL)
		return http_reply_error(c, 500, "Store error");
	json_object_set_new(db, "size", json_integer(
	    stat(store_path(w->store), &st) == 0 ? (json_int_t)st.st_size : 0));
	return http_reply(c, 200, json_pack("{s:{s:s, s:I, s:i, s:I, s:i, s:I,"
	    " s:I, s:s}, s:o}", "worker",
	    "version", CSUP_VERSION,
	    "uptime", (json_int_t)(wall_ms() - w->started_ms),
	    "activeSessions", n,
	    "sseClients", (json_int_t)sse_clients(w->sse),
	    "port", w->port,
	    "queueLength", (json_int_t)queue_total(w),
	    "processed", (json_int_t)w->processed,
	    "search", mcp_state(w->mcp),
	    "database", db));
}

int api_processing_status(struct worker *w, struct MHD_Connection *c,
    struct http_req *rq, const char *id)
{
	size_t q = queue_total(w);

	return http_reply(c, 200, json_pack("{s:b, s:I}", "isProcessing", q > 0,
	    "queueDepth", (json_int_t)q));
}

