/*
 * fuzz_worker_body: what mem-worker does with a request body, minus the
 * HTTP daemon. The routes in worker/http.c are static and take an
 * MHD_Connection, so this harness replays their body handling through the
 * public functions they call, on a real store (a per-process file under
 * /tmp, recreated every RESET_EVERY runs so it stays small):
 *
 *   byte 0 % 4   route
 *     0  POST /api/sessions/observations  body: {tool_name, tool_input, ...}
 *     1  POST /sessions/:id/summarize     body: {last_user_message, ...}
 *     2  POST /api/sessions/init          body: {claude_session_id, project, prompt}
 *     3  POST /sessions/:id/init          body: {userPrompt}
 *   the rest   the body
 *
 * As http.c: the body must parse as a JSON object (an empty one is {} where
 * the route allows it), an observation needs tool_name; then the item is
 * queued on a session and the queue runs (decode_field, the extractor, the
 * inserts with bound parameters), as the main loop would.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "log.h"
#include "worker.h"

#define RESET_EVERY 4000

static struct worker W;
static char dir[PATH_MAX], db[PATH_MAX + 32];
static unsigned long runs;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void remove_db(void)
{
	char p[PATH_MAX + 64];

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
}

static void open_store(void)
{
	char err[256];

	remove_db();
	if ((W.store = store_open(db, err, sizeof(err))) == NULL) {
		fprintf(stderr, "store_open: %s\n", err);
		abort();
	}
}

static void cleanup(void)
{
	while (W.sessions != NULL)
		session_drop(&W, W.sessions);
	store_close(W.store);
	sse_free(W.sse);
	remove_db();
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_worker_body", open("/dev/null", O_WRONLY | O_CLOEXEC), 0);
	const char *tmp = getenv("TMPDIR");

	/* run-fuzzer.sh points TMPDIR into the build tree: a crash leaves nothing in /tmp. */
	snprintf(dir, sizeof(dir), "%s/csup-fuzz-worker.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(db, sizeof(db), "%s/claude-mem.db", dir);
	memset(&W, 0, sizeof(W));
	W.port = 37777;
	if ((W.sse = sse_new()) == NULL)
		abort();
	open_store();
	atexit(cleanup);
	return 0;
}

/* http.c's body_object(). */
static json_t *body_object(const uint8_t *b, size_t len, int empty_ok)
{
	json_error_t e;
	json_t *j;

	if (len == 0 && empty_ok)
		return json_object();
	j = json_loadb((const char *)b, len, 0, &e);
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static struct session *new_session(const char *prompt)
{
	char cid[64];
	int64_t id;
	int number, found;
	struct session *s;

	snprintf(cid, sizeof(cid), "fuzz-%lu", runs);
	if (store_session_upsert(W.store, cid, "fuzz", prompt, &id, &number) < 0)
		abort();
	if ((s = session_get_or_start(&W, id, &found)) == NULL)
		abort();
	return s;
}

static void route_new_session(json_t *b)
{
	const char *cid = jstr(b, "claude_session_id"), *prompt = jstr(b, "prompt");
	int64_t id;
	int number;
	struct session_row row;

	if (cid == NULL || *cid == '\0')
		return;		/* 400 */
	if (store_session_upsert(W.store, cid, jstr(b, "project"), prompt, &id,
	    &number) < 0)
		return;		/* 500 */
	if (prompt != NULL && *prompt != '\0')
		sse_broadcast(W.sse, "new_prompt", "prompt", json_pack(
		    "{s:I, s:i, s:s}", "sessionDbId", (json_int_t)id,
		    "promptNumber", number, "prompt_text", prompt));
	/* What it stored reads back. */
	if (store_session_get(W.store, id, &row) != 1)
		abort();
	if (strcmp(row.claude_session_id, cid) != 0)
		abort();
	store_row_free(&row);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session *s;
	json_t *b, *rows;
	const char *p;
	int route;

	if (size < 1)
		return 0;
	if (++runs % RESET_EVERY == 0) {
		store_close(W.store);
		open_store();
	}
	route = data[0] % 4;
	if ((b = body_object(data + 1, size - 1, route == 1 || route == 3)) == NULL)
		return 0;	/* 400 Invalid JSON body */
	switch (route) {
	case 0:
		if (jstr(b, "tool_name") == NULL)
			break;	/* 400 tool_name is required */
		s = new_session("observe");
		session_enqueue(&W, s, Q_OBSERVATION, b);
		queue_run(&W, 16);
		if ((rows = store_obs_of_session(W.store, s->sdk_id)) == NULL)
			abort();
		json_decref(rows);
		session_drop(&W, s);
		break;
	case 1:
		s = new_session("summarize");
		/* One observation first, so the summary has something to read. */
		session_enqueue(&W, s, Q_OBSERVATION, b);
		session_enqueue(&W, s, Q_SUMMARIZE, b);
		queue_run(&W, 16);
		store_session_finish(W.store, s->id, "completed");
		session_drop(&W, s);
		break;
	case 2:
		route_new_session(b);
		break;
	case 3:
		s = new_session(NULL);
		if ((p = jstr(b, "userPrompt")) != NULL) {
			free(s->user_prompt);
			s->user_prompt = strdup(p);
		}
		session_enqueue(&W, s, Q_SUMMARIZE, b);
		queue_run(&W, 16);
		session_drop(&W, s);
		break;
	}
	json_decref(b);
	return 0;
}
