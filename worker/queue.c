/*
 * queue.c: the active sessions and their queued work. Routes only enqueue;
 * the loop calls queue_run() between polls, so a request never waits for
 * extraction and /status can tell how much is pending (queueLength).
 */
#include "worker.h"
#include "log.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct session *session_find(struct worker *w, int64_t id)
{
	struct session *s;

	for (s = w->sessions; s != NULL; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

static void session_free(struct session *s)
{
	struct qitem *q, *next;

	for (q = s->head; q != NULL; q = next) {
		next = q->next;
		json_decref(q->body);
		free(q);
	}
	if (s->agent != NULL)
		agent_free(s->agent);
	free(s->claude_id);
	free(s->sdk_id);
	free(s->project);
	free(s->user_prompt);
	free(s);
}

struct session *session_get_or_start(struct worker *w, int64_t id, int *found)
{
	struct session_row row;
	struct session *s = session_find(w, id);
	int r;

	*found = 1;
	if (s != NULL)
		return s;
	r = store_session_get(w->store, id, &row);
	if (r != 1) {
		*found = r;     /* 0: unknown id, -1: store error */
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		store_row_free(&row);
		*found = -1;
		return NULL;
	}
	s->id = id;
	s->claude_id = row.claude_session_id;
	s->sdk_id = row.sdk_session_id;
	s->project = row.project;
	s->user_prompt = row.user_prompt;
	free(row.status);
	s->tail = &s->head;
	s->started_ms = wall_ms();
	if (w->agent_cmd != NULL && (s->agent = agent_start(w->agent_cmd, s)) == NULL)
		log_warnx("session %lld: agent not started; using the built-in "
		    "extractor", (long long)id);
	store_session_set_port(w->store, id, w->port);
	s->next = w->sessions;
	w->sessions = s;
	return s;
}

static const char *kind_name(enum qkind kind)
{
	return kind == Q_OBSERVATION ? "observation" : "summarize";
}

static struct qitem *push(struct session *s, enum qkind kind, json_t *body,
    int64_t pending_id)
{
	struct qitem *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->kind = kind;
	q->body = json_incref(body);
	q->pending_id = pending_id;
	if (json_is_integer(json_object_get(body, "prompt_number")))
		s->last_prompt = (int)json_integer_value(json_object_get(body,
		    "prompt_number"));
	*s->tail = q;
	s->tail = &q->next;
	s->qlen++;
	return q;
}

int session_enqueue(struct worker *w, struct session *s, enum qkind kind,
    json_t *body)
{
	int64_t pid = 0;

	if (w->mem13) {
		pid = store13_pending_add(w->store, s->id, s->claude_id,
		    kind_name(kind), body);
		if (pid == 0)
			return 1;
		if (pid < 0) {
			log_warnx("session %lld: event not persisted, queued in "
			    "memory only", (long long)s->id);
			pid = 0;
		}
	}
	if (push(s, kind, body, pid) == NULL) {
		/* a persisted row is queued again at the next start */
		log_warnx("session %lld: out of memory, event not queued",
		    (long long)s->id);
		return -1;
	}
	return 0;
}

/* A pending_messages row as the body its route had queued. */
static json_t *pending_body(json_t *row)
{
	static const char *const keys[] = { "tool_name", "tool_input",
	    "tool_response", "cwd", "last_user_message",
	    "last_assistant_message", "agent_id", "agent_type", "tool_use_id" };
	json_t *b = json_object(), *v, *d;
	size_t i;

	if (b == NULL)
		return NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = json_object_get(row, keys[i]);
		if (!json_is_string(v))
			continue;
		/* tool values were stored as JSON text: raw values again */
		d = i == 1 || i == 2 ? json_loads(json_string_value(v),
		    JSON_DECODE_ANY, NULL) : NULL;
		json_object_set_new(b, keys[i], d ? d : json_incref(v));
	}
	v = json_object_get(row, "prompt_number");
	if (json_is_integer(v))
		json_object_set(b, "prompt_number", v);
	return b;
}

void queue_recover(struct worker *w)
{
	json_t *rows, *r, *body;
	struct session *s;
	int64_t sid;
	size_t i, n = 0;
	int found;

	if (!w->mem13 || (rows = store13_pending_load(w->store)) == NULL)
		return;
	json_array_foreach(rows, i, r) {
		sid = json_integer_value(json_object_get(r, "session_db_id"));
		if ((s = session_get_or_start(w, sid, &found)) == NULL) {
			log_warnx("pending message %lld: session %lld %s; left "
			    "in place", (long long)json_integer_value(
			    json_object_get(r, "id")), (long long)sid,
			    found == 0 ? "unknown" : "not loaded");
			continue;
		}
		body = pending_body(r);
		if (body != NULL && push(s, strcmp(json_string_value(
		    json_object_get(r, "message_type")), "summarize") == 0 ?
		    Q_SUMMARIZE : Q_OBSERVATION, body,
		    json_integer_value(json_object_get(r, "id"))) != NULL)
			n++;
		json_decref(body);
	}
	json_decref(rows);
	if (n > 0)
		log_info("%zu queued event(s) left by the previous run queued "
		    "again", n);
}

void queue_agent_answered(struct worker *w, struct session *s,
    enum qkind kind)
{
	if (w->mem13)
		store13_pending_answered(w->store, s->id, kind_name(kind));
}

void session_drop(struct worker *w, struct session *s)
{
	struct session **pp;

	for (pp = &w->sessions; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	session_free(s);
}

void session_complete(struct worker *w, struct session *s)
{
	/* The queue is drained now so the summary of a Stop followed at once
	 * by SessionEnd is not lost. An agent keeps its session until it
	 * closes its stdout (main loop). One transaction: a summary and
	 * its pending row's removal land together. */
	int tx = store_tx_begin(w->store) == 0;

	queue_run_session(w, s, INT_MAX);
	if (tx)
		store_tx_commit(w->store);
	store_session_finish(w->store, s->id, "completed");
	sse_broadcast(w->sse, "session_completed", "session", json_pack(
	    "{s:I}", "sessionDbId", (json_int_t)s->id));
	if (s->agent != NULL && agent_alive(s->agent)) {
		s->completing = 1;
		agent_close_stdin(s->agent);
	} else
		session_drop(w, s);
}

size_t queue_total(struct worker *w)
{
	struct session *s;
	size_t n = 0;

	for (s = w->sessions; s != NULL; s = s->next)
		n += s->qlen;
	return n;
}

void queue_store_obs(struct worker *w, struct session *s,
    const struct obs_input *o)
{
	json_t *row = NULL;
	int64_t id = store_obs_insert(w->store, s->sdk_id, s->project, o);

	if (id < 0) {
		log_warnx("session %lld: observation not stored", (long long)s->id);
		return;
	}
	if (id == 0) {
		log_debug("session %lld: \"%s\" already stored (same content_hash)",
		    (long long)s->id, o->title ? o->title : "");
		return;
	}
	if (sse_clients(w->sse) > 0 &&
	    store_get_one(w->store, LIST_OBSERVATIONS, id, &row) == 1)
		sse_broadcast(w->sse, "new_observation", "observation", row);
}

void queue_store_summary(struct worker *w, struct session *s,
    const struct sum_input *m)
{
	json_t *row = NULL;
	int64_t id = store_summary_insert(w->store, s->sdk_id, s->project, m);

	if (id < 0) {
		log_warnx("session %lld: summary not stored", (long long)s->id);
		return;
	}
	if (sse_clients(w->sse) > 0 &&
	    store_get_one(w->store, LIST_SUMMARIES, id, &row) == 1)
		sse_broadcast(w->sse, "new_summary", "summary", row);
}

/* tool_input/tool_response arrive JSON-encoded; a plain string stays one. */
static json_t *decode_field(json_t *v)
{
	json_t *d;

	if (!json_is_string(v))
		return json_incref(v);
	d = json_loads(json_string_value(v), JSON_DECODE_ANY, NULL);
	return d != NULL ? d : json_incref(v);
}

static int body_int(json_t *body, const char *key)
{
	json_t *v = json_object_get(body, key);

	return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

static const char *body_str(json_t *body, const char *key)
{
	json_t *v = json_object_get(body, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void do_observation(struct worker *w, struct session *s, json_t *body)
{
	struct tool_event ev;
	struct obs_input o;
	json_t *arena = NULL;

	ev.tool_name = body_str(body, "tool_name");
	ev.input = decode_field(json_object_get(body, "tool_input"));
	ev.response = decode_field(json_object_get(body, "tool_response"));
	ev.cwd = body_str(body, "cwd");
	ev.prompt_number = body_int(body, "prompt_number");
	if (extract_observation(&ev, &o, &arena) == 0)
		queue_store_obs(w, s, &o);
	else
		log_warnx("session %lld: event without tool_name skipped",
		    (long long)s->id);
	json_decref(arena);
	json_decref(ev.input);
	json_decref(ev.response);
}

static void do_summarize(struct worker *w, struct session *s, json_t *body)
{
	struct sum_input m;
	json_t *rows = store_obs_of_session(w->store, s->sdk_id);
	json_t *arena = NULL;

	if (rows == NULL)
		return;
	if (extract_summary(rows, s->user_prompt,
	    body_str(body, "last_user_message"),
	    body_str(body, "last_assistant_message"),
	    body_int(body, "prompt_number"), &m, &arena) == 0)
		queue_store_summary(w, s, &m);
	json_decref(arena);
	json_decref(rows);
}

/* With an agent the event goes to it (1); it answers on its stdout later. */
static int process(struct worker *w, struct session *s, struct qitem *q)
{
	if (s->agent != NULL && agent_alive(s->agent)) {
		json_t *ev = json_deep_copy(q->body);

		json_object_set_new(ev, "type", json_string(q->kind ==
		    Q_OBSERVATION ? "observation" : "summarize"));
		json_object_set_new(ev, "sessionDbId", json_integer(s->id));
		json_object_set_new(ev, "project", json_string(s->project));
		if (agent_send(s->agent, ev) == 0) {
			json_decref(ev);
			return 1;
		}
		json_decref(ev);
		log_warnx("session %lld: agent gone; built-in extractor takes over",
		    (long long)s->id);
	}
	if (q->kind == Q_OBSERVATION)
		do_observation(w, s, q->body);
	else
		do_summarize(w, s, q->body);
	return 0;
}

int queue_run_session(struct worker *w, struct session *s, int max)
{
	struct qitem *q;
	int done = 0;

	while (done < max && (q = s->head) != NULL) {
		s->head = q->next;
		if (s->head == NULL)
			s->tail = &s->head;
		s->qlen--;
		/* In the loop's write transaction: the observation and the
		 * removal of its pending row are committed together. */
		if (process(w, s, q) == 1 && q->pending_id > 0)
			store13_pending_processing(w->store, q->pending_id);
		else if (q->pending_id > 0)
			store13_pending_done(w->store, q->pending_id);
		json_decref(q->body);
		free(q);
		done++;
		w->processed++;
	}
	return done;
}

int queue_run(struct worker *w, int max)
{
	struct session *s;
	int done = 0, progress = 1;

	/* Round robin, one item a session a pass, so one busy session does
	 * not starve the others. */
	while (done < max && progress) {
		progress = 0;
		for (s = w->sessions; s != NULL && done < max; s = s->next)
			if (queue_run_session(w, s, 1) == 1) {
				done++;
				progress = 1;
			}
	}
	return done;
}
