/*
 * sse.c: GET /stream, server-sent events. Each message is one
 * "data: {json}\n\n" whose "type" names the event (new_observation,
 * new_summary, new_prompt, session_started, session_completed, ...), as
 * the original's viewer expected. On connect a client gets "connected"
 * (the seed-era hello), then claude-mem 13's "initial_load" (the project
 * catalog) and "processing_status" (isProcessing, queueDepth), as 13's
 * viewer reads them: fields at the top level. A client with nothing to read is
 * suspended (MHD_suspend_connection from its content reader) and resumed
 * by the next broadcast: no busy loop, no thread.
 */
#include "worker.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#define SSE_CLIENT_MAX_BUF (4 * 1024 * 1024)

struct sse_client {
	struct sse_client *next, **prevp;
	struct sse *hub;
	struct MHD_Connection *conn;
	char *buf;
	size_t len;
	int suspended;
	int closing;
};

struct sse {
	struct sse_client *clients;
	size_t n;
	int closing;
};

struct sse *sse_new(void)
{
	return calloc(1, sizeof(struct sse));
}

size_t sse_clients(const struct sse *h)
{
	return h->n;
}

static int append(struct sse_client *c, const char *data, size_t len)
{
	char *nb;

	if (c->len + len > SSE_CLIENT_MAX_BUF) {
		c->closing = 1;        /* too slow a reader: end its stream */
		return -1;
	}
	if ((nb = realloc(c->buf, c->len + len)) == NULL)
		return -1;
	c->buf = nb;
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	return 0;
}

static void wake(struct sse_client *c)
{
	if (c->suspended) {
		c->suspended = 0;
		MHD_resume_connection(c->conn);
	}
}

static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse_client *c = cls;
	size_t n;

	(void)pos;
	if (c->len > 0) {
		n = c->len < max ? c->len : max;
		memcpy(out, c->buf, n);
		memmove(c->buf, c->buf + n, c->len - n);
		c->len -= n;
		return (ssize_t)n;
	}
	if (c->closing || c->hub->closing)
		return MHD_CONTENT_READER_END_OF_STREAM;
	c->suspended = 1;
	MHD_suspend_connection(c->conn);
	return 0;
}

static void client_free(void *cls)
{
	struct sse_client *c = cls;

	*c->prevp = c->next;
	if (c->next != NULL)
		c->next->prevp = c->prevp;
	c->hub->n--;
	free(c->buf);
	free(c);
}

static char *event_text(const char *type, const char *key, json_t *payload,
    size_t *len)
{
	json_t *msg = json_pack("{s:s, s:I}", "type", type, "timestamp",
	    (json_int_t)wall_ms());
	char *body, *out = NULL;

	if (msg == NULL)
		return NULL;
	if (key != NULL && payload != NULL)
		json_object_set(msg, key, payload);
	else if (key == NULL && json_is_object(payload))
		json_object_update(msg, payload);
	body = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (body != NULL && asprintf(&out, "data: %s\n\n", body) < 0)
		out = NULL;
	free(body);
	*len = out ? strlen(out) : 0;
	return out;
}

static json_t *processing(struct worker *w)
{
	size_t depth = queue_total(w);

	return json_pack("{s:b, s:I}", "isProcessing", depth > 0, "queueDepth",
	    (json_int_t)depth);
}

/* 13's first events for a new client: the catalog, the queue state. */
static void greet(struct worker *w, struct sse_client *c)
{
	json_t *catalog = w->mem13 ? store13_projects(w->store) :
	    store_projects(w->store), *status = processing(w);
	size_t len;
	char *text;

	if (catalog != NULL &&
	    (text = event_text("initial_load", NULL, catalog, &len)) != NULL) {
		append(c, text, len);
		free(text);
	}
	if (status != NULL &&
	    (text = event_text("processing_status", NULL, status, &len)) != NULL) {
		append(c, text, len);
		free(text);
	}
	json_decref(catalog);
	json_decref(status);
}

void sse_processing_changed(struct worker *w)
{
	size_t depth = queue_total(w);

	if (depth == w->depth_sent)
		return;
	w->depth_sent = depth;
	if (sse_clients(w->sse) > 0)
		sse_broadcast(w->sse, "processing_status", NULL, processing(w));
}

void sse_new_prompt(struct worker *w, const char *claude_id,
    int64_t session_id)
{
	json_t *row = NULL;

	if (sse_clients(w->sse) == 0 ||
	    store_prompt_latest(w->store, claude_id, &row) != 1)
		return;
	json_object_set_new(row, "sessionDbId", json_integer(session_id));
	sse_broadcast(w->sse, "new_prompt", "prompt", row);
}

int sse_open(struct worker *w, struct MHD_Connection *conn)
{
	struct sse *h = w->sse;
	struct sse_client *c = calloc(1, sizeof(*c));
	struct MHD_Response *r;
	size_t len;
	char *hello;

	if (c == NULL || h->closing) {
		free(c);
		return MHD_NO;
	}
	c->hub = h;
	c->conn = conn;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024,
	    reader, c, client_free);
	if (r == NULL) {
		free(c);
		return MHD_NO;
	}
	c->next = h->clients;
	if (c->next != NULL)
		c->next->prevp = &c->next;
	c->prevp = &h->clients;
	h->clients = c;
	h->n++;
	hello = event_text("connected", NULL, NULL, &len);
	if (hello != NULL)
		append(c, hello, len);
	free(hello);
	greet(w, c);
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	return http_queue(conn, MHD_HTTP_OK, r);
}

void sse_broadcast(struct sse *h, const char *type, const char *key,
    json_t *payload)
{
	struct sse_client *c;
	size_t len;
	char *text = event_text(type, key, payload, &len);

	json_decref(payload);
	if (text == NULL)
		return;
	for (c = h->clients; c != NULL; c = c->next) {
		append(c, text, len);
		wake(c);
	}
	free(text);
}

void sse_close_all(struct sse *h)
{
	struct sse_client *c;

	h->closing = 1;
	for (c = h->clients; c != NULL; c = c->next) {
		c->closing = 1;
		wake(c);
	}
}

void sse_free(struct sse *h)
{
	free(h);
}
