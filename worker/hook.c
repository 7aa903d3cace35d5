/*
 * hook.c: `mem-worker hook EVENT`, the Claude Code hook client. It reads
 * the hook's JSON on stdin and calls the worker's routes, so hooks never
 * touch SQLite. A hook must never break Claude Code: every failure is one
 * line on stderr and exit status 0.
 *
 * The HTTP client is a minimal HTTP/1.1 one (Connection: close, one
 * request a connection, loopback only) because workerlib does not link
 * libcurl; see the report.
 */
#include "worker.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define HOOK_TIMEOUT_S  5
#define HOOK_RESP_MAX   (8L * 1024 * 1024)

struct hook_ctx {
	const char *host;
	char port[16];
	json_t *in;             /* the hook's stdin */
	const char *claude_id;
	char project[256];
};

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv = { HOOK_TIMEOUT_S, 0 };
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One request; *resp = the parsed JSON body (may be NULL). Returns the
 * HTTP status or -1. */
static int http_call(struct hook_ctx *h, const char *method, const char *path,
    json_t *body, json_t **resp)
{
	char *payload = body ? json_dumps(body, JSON_COMPACT) : NULL;
	char *head = NULL, *buf = NULL, *nb, *p;
	size_t len = 0, plen = payload ? strlen(payload) : 0;
	ssize_t n;
	int fd, status = -1;

	*resp = NULL;
	if ((fd = connect_to(h->host, h->port)) < 0) {
		fprintf(stderr, "mem-worker hook: cannot reach the worker at "
		    "%s:%s\n", h->host, h->port);
		goto out;
	}
	if (asprintf(&head, "%s %s HTTP/1.1\r\nHost: %s:%s\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", method, path, h->host, h->port,
	    plen) < 0) {
		head = NULL;
		goto out;
	}
	if (write_all(fd, head, strlen(head)) < 0 ||
	    (plen > 0 && write_all(fd, payload, plen) < 0))
		goto out;
	for (;;) {
		if ((nb = realloc(buf, len + 65536 + 1)) == NULL)
			goto out;
		buf = nb;
		n = recv(fd, buf + len, 65536, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > (size_t)HOOK_RESP_MAX)
			goto out;
	}
	if (buf == NULL || len < 12 || sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		goto out;
	buf[len] = '\0';
	if ((p = strstr(buf, "\r\n\r\n")) != NULL)
		*resp = json_loads(p + 4, JSON_DECODE_ANY, NULL);
out:
	if (fd >= 0)
		close(fd);
	free(payload);
	free(head);
	free(buf);
	return status;
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

/* Percent-encode s for a query string. */
static void url_encode(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s != '\0' && n + 4 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			out[n++] = (char)c;
		else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
}

/* SessionStart: print recent context (stdout goes to Claude's context). */
static int ev_session_start(struct hook_ctx *h)
{
	char path[1024], proj[768];
	json_t *resp = NULL, *item;
	size_t i;
	int st;

	url_encode(h->project, proj, sizeof(proj));
	snprintf(path, sizeof(path), "/api/context/recent?project=%s&limit=10",
	    proj);
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

	user[0] = assistant[0] = '\0';
	if (f == NULL)
		return;
	while (getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		const char *type = json_string_value(json_object_get(j, "type"));

		if (type != NULL) {
			message_text(json_object_get(j, "message"), tmp, sizeof(tmp));
			if (tmp[0] != '\0' && strcmp(type, "user") == 0)
				snprintf(user, len, "%s", tmp);
			else if (tmp[0] != '\0' && strcmp(type, "assistant") == 0)
				snprintf(assistant, len, "%s", tmp);
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

int hook_main(int argc, char **argv)
{
	struct hook_ctx h;
	json_error_t e;
	const char *cwd, *base, *port;
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
	h.host = getenv("CLAUDE_MEM_WORKER_HOST");
	if (h.host == NULL || *h.host == '\0')
		h.host = "127.0.0.1";
	port = getenv("CLAUDE_MEM_WORKER_PORT");
	snprintf(h.port, sizeof(h.port), "%s", port && *port ? port : "37777");
	h.in = json_loadf(stdin, JSON_DISABLE_EOF_CHECK, &e);
	if (!json_is_object(h.in)) {
		fprintf(stderr, "mem-worker hook: bad JSON on stdin: %s\n", e.text);
		json_decref(h.in);
		return 0;
	}
	h.claude_id = in_str(&h, "session_id");
	cwd = in_str(&h, "cwd");
	base = cwd ? strrchr(cwd, '/') : NULL;
	snprintf(h.project, sizeof(h.project), "%s",
	    base && base[1] ? base + 1 : cwd ? cwd : "unknown");
	if (h.claude_id == NULL && i != 0)
		fprintf(stderr, "mem-worker hook: no session_id in the input\n");
	else if (events[i].fn(&h) == 0 && i != 0)
		printf("{\"continue\":true,\"suppressOutput\":true}\n");
	json_decref(h.in);
	return 0;
}
