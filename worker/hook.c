/*
 * hook.c: `mem-worker hook EVENT`, the Claude Code hook client. It reads
 * the hook's JSON on stdin and calls the worker's routes through libcurl's
 * easy interface, so hooks never touch SQLite. A hook must never break
 * Claude Code: every failure is one line on stderr and exit status 0, and
 * every request is bounded (connect 1 s, whole request 5 s) so a down or
 * stuck worker costs at most a few seconds.
 */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#define HOOK_CONNECT_MS 1000
#define HOOK_TIMEOUT_MS 5000
#define HOOK_RESP_MAX   (8L * 1024 * 1024)

struct hook_ctx {
	CURL *curl;             /* one handle: calls reuse the connection */
	char base[320];         /* http://HOST:PORT */
	json_t *in;             /* the hook's stdin */
	const char *claude_id;
	char project[256];
};

struct body {                   /* a response body being received */
	char *p;
	size_t len;
};

static size_t on_data(char *data, size_t size, size_t n, void *ud)
{
	struct body *b = ud;
	size_t len = size * n;
	char *nb;

	/* Returning less than len makes libcurl abort the transfer. */
	if (b->len + len > (size_t)HOOK_RESP_MAX ||
	    (nb = realloc(b->p, b->len + len + 1)) == NULL)
		return 0;
	b->p = nb;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return len;
}

/* The options of one request on the (reset) handle; CURLE_OK or the
 * first error. */
static CURLcode setup(CURL *c, const char *url, const char *method,
    const char *payload, struct curl_slist *hdrs, struct body *b)
{
	CURLcode e = CURLE_OK;

#define SET(opt, val) do {				\
		if (e == CURLE_OK)				\
			e = curl_easy_setopt(c, opt, val);	\
	} while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http");
	SET(CURLOPT_PROXY, "");             /* never a proxy: the worker is local */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)HOOK_CONNECT_MS);
	SET(CURLOPT_TIMEOUT_MS, (long)HOOK_TIMEOUT_MS);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_WRITEFUNCTION, on_data);
	SET(CURLOPT_WRITEDATA, b);
	if (payload != NULL) {
		SET(CURLOPT_POSTFIELDS, payload);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(payload));
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		SET(CURLOPT_CUSTOMREQUEST, method);
#undef SET
	return e;
}

/* One request; *resp = the parsed JSON body (may be NULL). Returns the
 * HTTP status or -1 (the reason on stderr). */
static int http_call(struct hook_ctx *h, const char *method, const char *path,
    json_t *body, json_t **resp)
{
	char *payload = body ? json_dumps(body, JSON_COMPACT) : NULL;
	struct curl_slist *hdrs = NULL, *t;
	struct body b = { NULL, 0 };
	char url[2048];
	CURLcode e;
	long status = -1;

	*resp = NULL;
	if ((size_t)snprintf(url, sizeof(url), "%s%s", h->base, path) >=
	    sizeof(url) || (body != NULL && payload == NULL))
		goto out;
	/* "Expect:" (empty): no 100-continue round trip for big bodies. */
	hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (hdrs == NULL || (t = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto out;
	hdrs = t;
	curl_easy_reset(h->curl);
	if ((e = setup(h->curl, url, method, payload, hdrs, &b)) == CURLE_OK)
		e = curl_easy_perform(h->curl);
	if (e != CURLE_OK) {
		fprintf(stderr, "mem-worker hook: cannot reach the worker at "
		    "%s: %s\n", h->base, curl_easy_strerror(e));
		goto out;
	}
	if (curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK)
		status = -1;
	if (b.p != NULL)
		*resp = json_loadb(b.p, b.len, JSON_DECODE_ANY, NULL);
out:
	curl_slist_free_all(hdrs);
	free(payload);
	free(b.p);
	return (int)status;
}

static const char *in_str(struct hook_ctx *h, const char *k)
{
	json_t *v = json_object_get(h->in, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* POST /api/sessions; fills the session id and prompt number. */
static int session_of(struct hook_ctx *h, const char *prompt, json_int_t *id,
    json_int_t *number)
{
	json_t *req = json_pack("{s:s, s:s, s:s?}", "claude_session_id",
	    h->claude_id, "project", h->project, "prompt", prompt);
	json_t *resp = NULL;
	int st = http_call(h, "POST", "/api/sessions", req, &resp);

	json_decref(req);
	if (st != 200 || !json_is_integer(json_object_get(resp, "sessionDbId"))) {
		fprintf(stderr, "mem-worker hook: /api/sessions failed (%d)\n", st);
		json_decref(resp);
		return -1;
	}
	*id = json_integer_value(json_object_get(resp, "sessionDbId"));
	*number = json_integer_value(json_object_get(resp, "promptNumber"));
	json_decref(resp);
	return 0;
}

static int post(struct hook_ctx *h, json_int_t id, const char *what,
    json_t *body)
{
	char path[128];
	json_t *resp = NULL;
	int st;

	snprintf(path, sizeof(path), "/sessions/%lld/%s", (long long)id, what);
	st = http_call(h, "POST", path, body, &resp);
	json_decref(body);
	json_decref(resp);
	if (st != 200) {
		fprintf(stderr, "mem-worker hook: %s failed (%d)\n", path, st);
		return -1;
	}
	return 0;
}

/* SessionStart: print recent context (stdout goes to Claude's context). */
static int ev_session_start(struct hook_ctx *h)
{
	char path[1024], *proj;
	json_t *resp = NULL, *item;
	size_t i;
	int st;

	if ((proj = curl_easy_escape(h->curl, h->project, 0)) == NULL)
		return -1;
	snprintf(path, sizeof(path), "/api/context/recent?project=%s&limit=10",
	    proj);
	curl_free(proj);
	st = http_call(h, "GET", path, NULL, &resp);
	if (st == 200 && json_is_array(resp))
		json_array_foreach(resp, i, item) {
			json_t *t = json_object_get(item, "text");

			if (json_is_string(t))
				printf("%s\n", json_string_value(t));
		}
	json_decref(resp);
	return 0;
}

static int ev_prompt(struct hook_ctx *h)
{
	const char *prompt = in_str(h, "prompt");
	json_int_t id, n;

	if (session_of(h, prompt ? prompt : "", &id, &n) < 0)
		return -1;
	return post(h, id, "init", json_pack("{s:s, s:I, s:s}", "userPrompt",
	    prompt ? prompt : "", "promptNumber", n, "project", h->project));
}

static char *dump_field(json_t *v)
{
	if (v == NULL)
		return strdup("{}");
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static int ev_tool_use(struct hook_ctx *h)
{
	const char *tool = in_str(h, "tool_name");
	char *input, *output;
	json_int_t id, n;
	int rc;

	if (tool == NULL || session_of(h, NULL, &id, &n) < 0)
		return -1;
	input = dump_field(json_object_get(h->in, "tool_input"));
	output = dump_field(json_object_get(h->in, "tool_response"));
	rc = post(h, id, "observations", json_pack("{s:s, s:s?, s:s?, s:I, s:s?}",
	    "tool_name", tool, "tool_input", input, "tool_response", output,
	    "prompt_number", n, "cwd", in_str(h, "cwd")));
	free(input);
	free(output);
	return rc;
}

/* Text of a transcript message: a string, or the text items of an array. */
static void message_text(json_t *msg, char *out, size_t len)
{
	json_t *c = json_object_get(msg, "content"), *it;
	size_t i, n = 0;

	out[0] = '\0';
	if (json_is_string(c)) {
		snprintf(out, len, "%s", json_string_value(c));
		return;
	}
	json_array_foreach(c, i, it) {
		json_t *t = json_object_get(it, "text");

		if (json_is_string(t) && n < len)
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "\n" : "",
			    json_string_value(t));
	}
}

/* The last user and assistant messages of the JSONL transcript. */
static void last_messages(const char *path, char *user, char *assistant,
    size_t len)
{
	FILE *f = path ? fopen(path, "re") : NULL;
	char *line = NULL;
	size_t cap = 0;
	char tmp[4096];
	size_t room = len < sizeof(tmp) ? len : sizeof(tmp);	/* cut to fit both */

	user[0] = assistant[0] = '\0';
	if (f == NULL)
		return;
	while (getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		const char *type = json_string_value(json_object_get(j, "type"));

		if (type != NULL) {
			message_text(json_object_get(j, "message"), tmp, room);
			if (tmp[0] != '\0' && strcmp(type, "user") == 0)
				memcpy(user, tmp, strlen(tmp) + 1);
			else if (tmp[0] != '\0' && strcmp(type, "assistant") == 0)
				memcpy(assistant, tmp, strlen(tmp) + 1);
		}
		json_decref(j);
	}
	free(line);
	fclose(f);
}

static int ev_stop(struct hook_ctx *h)
{
	char user[2048], assistant[2048];
	json_int_t id, n;

	if (session_of(h, NULL, &id, &n) < 0)
		return -1;
	last_messages(in_str(h, "transcript_path"), user, assistant, sizeof(user));
	return post(h, id, "summarize", json_pack("{s:s, s:s, s:I}",
	    "last_user_message", user, "last_assistant_message", assistant,
	    "prompt_number", n));
}

static int ev_session_end(struct hook_ctx *h)
{
	json_int_t id, n;

	if (session_of(h, NULL, &id, &n) < 0)
		return -1;
	return post(h, id, "complete", json_object());
}

static const struct {
	const char *name;
	int (*fn)(struct hook_ctx *);
} events[] = {
	{ "session-start", ev_session_start },
	{ "prompt",        ev_prompt },
	{ "tool-use",      ev_tool_use },
	{ "stop",          ev_stop },
	{ "session-end",   ev_session_end },
};

/* http://HOST:PORT as the worker resolves them (environment, then
 * settings.json, then 37700 + uid % 100); a numeric IPv6 host in brackets. */
static void base_url(char *out, size_t len)
{
	json_t *settings = settings_load();
	const char *host = settings_get(settings, "CLAUDE_MEM_WORKER_HOST");
	const char *port = settings_get(settings, "CLAUDE_MEM_WORKER_PORT");
	char def[16];
	int v6;

	if (host == NULL || strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (port == NULL) {
		snprintf(def, sizeof(def), "%d", settings_default_port());
		port = def;
	}
	v6 = strchr(host, ':') != NULL && host[0] != '[';
	snprintf(out, len, "http://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "",
	    port);
	json_decref(settings);
}

/* Run event ev on the hook JSON read from stdin; failures on stderr. */
static void run_event(struct hook_ctx *h, size_t ev)
{
	json_error_t e;
	const char *cwd, *base;

	h->in = json_loadf(stdin, JSON_DISABLE_EOF_CHECK, &e);
	if (!json_is_object(h->in)) {
		fprintf(stderr, "mem-worker hook: bad JSON on stdin: %s\n", e.text);
		return;
	}
	h->claude_id = in_str(h, "session_id");
	cwd = in_str(h, "cwd");
	base = cwd ? strrchr(cwd, '/') : NULL;
	snprintf(h->project, sizeof(h->project), "%s",
	    base && base[1] ? base + 1 : cwd ? cwd : "unknown");
	if (h->claude_id == NULL && ev != 0)
		fprintf(stderr, "mem-worker hook: no session_id in the input\n");
	else if (events[ev].fn(h) == 0 && ev != 0)
		printf("{\"continue\":true,\"suppressOutput\":true}\n");
}

int hook_main(int argc, char **argv)
{
	struct hook_ctx h;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: mem-worker hook session-start|prompt|"
		    "tool-use|stop|session-end < hook.json\n");
		return 2;
	}
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (strcmp(argv[1], events[i].name) == 0)
			break;
	if (i == sizeof(events) / sizeof(events[0])) {
		fprintf(stderr, "mem-worker hook: unknown event %s\n", argv[1]);
		return 2;
	}
	memset(&h, 0, sizeof(h));
	base_url(h.base, sizeof(h.base));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (h.curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "mem-worker hook: cannot initialize libcurl\n");
		return 0;
	}
	run_event(&h, i);
	json_decref(h.in);
	curl_easy_cleanup(h.curl);
	curl_global_cleanup();
	return 0;
}
