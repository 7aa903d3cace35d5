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

void session_enqueue(struct session *s, enum qkind kind, json_t *body)
{
	struct qitem *q = calloc(1, sizeof(*q));

	if (q == NULL) {
		log_warnx("session %lld: out of memory, event dropped",
		    (long long)s->id);
		return;
	}
	q->kind = kind;
	q->body = json_incref(body);
	if (json_is_integer(json_object_get(body, "prompt_number")))
		s->last_prompt = (int)json_integer_value(json_object_get(body,
		    "prompt_number"));
	*s->tail = q;
	s->tail = &q->next;
	s->qlen++;
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
	 * closes its stdout (main loop). */
	queue_run_session(w, s, INT_MAX);
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

/* With an agent the event goes to it; it answers on its stdout later. */
static void process(struct worker *w, struct session *s, struct qitem *q)
{
	if (s->agent != NULL && agent_alive(s->agent)) {
		json_t *ev = json_deep_copy(q->body);

		json_object_set_new(ev, "type", json_string(q->kind ==
		    Q_OBSERVATION ? "observation" : "summarize"));
		json_object_set_new(ev, "sessionDbId", json_integer(s->id));
		json_object_set_new(ev, "project", json_string(s->project));
		if (agent_send(s->agent, ev) == 0) {
			json_decref(ev);
			return;
		}
		json_decref(ev);
		log_warnx("session %lld: agent gone; built-in extractor takes over",
		    (long long)s->id);
	}
	if (q->kind == Q_OBSERVATION)
		do_observation(w, s, q->body);
	else
		do_summarize(w, s, q->body);
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
		process(w, s, q);
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
