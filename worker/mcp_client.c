/*
 * mcp_client.c: the search server as an MCP stdio child (`mem-search
 * --stdio`, found beside our own binary, or $CLAUDE_MEM_SEARCH_BIN).
 * Newline-delimited JSON-RPC 2.0: initialize + notifications/initialized
 * once, then one tools/call at a time, each bounded by a timeout. A child
 * that died or timed out is reaped at once and started again on the next
 * call.
 *
 * Calls are asynchronous: mcp_call() queues one; the worker's loop polls
 * mcp_fd() until mcp_timeout_ms() and calls mcp_process(), which reads the
 * answers, enforces the deadline and reports each call to its done
 * callback, in order. Only start-up (mcp_ensure) waits, before serving.
 */
#include "worker.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MCP_PROTOCOL "2025-06-18"
#define MCP_LINE_MAX (64L * 1024 * 1024)

struct mcp_call {                /* a queued tools/call */
	struct mcp_call *next;
	json_t *params;          /* {"name":tool, "arguments":{...}} */
	mcp_done_fn done;        /* NULL once cancelled */
	void *ud;
};

struct mcp {
	char bin[PATH_MAX];
	int timeout_ms;
	pid_t pid;               /* 0: not running */
	int in, out;             /* its stdin (we write), its stdout (we read) */
	char *buf;
	size_t len;
	json_int_t next_id;
	const char *state;       /* for /health */
	json_int_t wait_id;      /* the request in flight, 0 if none */
	int64_t deadline;        /* of the request in flight */
	int initializing;        /* wait_id is the initialize request */
	struct mcp_call *head, **tail;  /* head: the call being served */
	char err[PATH_MAX + 256];       /* why the last start failed */
};

static void find_bin(char *out, size_t len)
{
	const char *env = getenv("CLAUDE_MEM_SEARCH_BIN");
	char self[PATH_MAX];
	ssize_t n;

	if (env != NULL && *env != '\0') {
		snprintf(out, len, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		snprintf(out, len, "mem-search");
		return;
	}
	self[n] = '\0';
	snprintf(out, len, "%s/mem-search", dirname(self));
}

struct mcp *mcp_new(const char *argv0, int timeout_ms)
{
	struct mcp *m = calloc(1, sizeof(*m));

	(void)argv0;
	if (m == NULL)
		return NULL;
	find_bin(m->bin, sizeof(m->bin));
	m->timeout_ms = timeout_ms;
	m->in = m->out = -1;
	m->next_id = 1;
	m->state = "stopped";
	m->tail = &m->head;
	return m;
}

const char *mcp_state(const struct mcp *m)
{
	return m->state;
}

pid_t mcp_pid(const struct mcp *m)
{
	return m->pid;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Forget the child after it was reaped. */
static void forget(struct mcp *m, const char *state)
{
	close_fd(&m->in);
	close_fd(&m->out);
	m->pid = 0;
	m->len = 0;
	m->state = state;
}

static void kill_and_reap(struct mcp *m, const char *state)
{
	int status;

	if (m->pid > 0) {
		kill(m->pid, SIGKILL);
		while (waitpid(m->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	forget(m, state);
}

void mcp_reap(struct mcp *m)
{
	int status;
	pid_t r;

	/* With a request in flight, EOF on its stdout tells (mcp_process). */
	if (m->pid <= 0 || m->wait_id != 0)
		return;
	do
		r = waitpid(m->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == m->pid || (r < 0 && errno == ECHILD)) {
		log_warnx("search server pid %d exited; restarted on the next "
		    "call", (int)m->pid);
		forget(m, "exited");
	}
}

static int spawn(struct mcp *m, char *err, size_t errlen)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };

	if (access(m->bin, X_OK) < 0) {
		snprintf(err, errlen, "search server %s: %s", m->bin,
		    strerror(errno));
		m->state = "missing";
		return -1;
	}
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		goto fail;
	if ((m->pid = fork()) < 0)
		goto fail;
	if (m->pid == 0) {
		/* Same process group as the worker: csup's sweep sees it. */
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(126);
		execl(m->bin, m->bin, "--stdio", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	m->in = in[1];
	m->out = out[0];
	if (fcntl(m->out, F_SETFL, O_NONBLOCK) < 0)
		log_warn("mcp fcntl");
	return 0;
fail:
	snprintf(err, errlen, "search server: %s", strerror(errno));
	m->pid = 0;
	if (in[0] >= 0) {
		close(in[0]);
		close(in[1]);
	}
	if (out[0] >= 0) {
		close(out[0]);
		close(out[1]);
	}
	m->state = "failed";
	return -1;
}

static int send_msg(struct mcp *m, json_t *msg)
{
	char *line = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;
	ssize_t n;
	int rc = -1;

	if (line == NULL)
		return -1;
	len = strlen(line);
	line[len++] = '\n';
	while (off < len) {
		n = write(m->in, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		off += (size_t)n;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

/* Send a request (params stolen); it is now the one in flight. */
static int send_request(struct mcp *m, const char *method, json_t *params)
{
	json_int_t id = m->next_id++;
	json_t *msg = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0",
	    "id", id, "method", method, "params", params);
	int rc = msg != NULL ? send_msg(m, msg) : -1;

	json_decref(msg);
	if (rc == 0) {
		m->wait_id = id;
		m->deadline = now_ms() + m->timeout_ms;
	}
	return rc;
}

/* Report the head call (if any) and drop it. */
static void finish_head(struct mcp *m, int rc, json_t *result, const char *err)
{
	struct mcp_call *c = m->head;

	if (c == NULL)
		return;
	if ((m->head = c->next) == NULL)
		m->tail = &m->head;
	if (c->done != NULL)
		c->done(c->ud, rc, result, err);
	json_decref(c->params);
	free(c);
}

/* The request in flight failed (child gone, timed out, write failed): kill
 * and reap the child; a failed initialize also fails the call waiting. */
static void fail_request(struct mcp *m, const char *state, const char *why)
{
	int init = m->initializing;

	snprintf(m->err, sizeof(m->err), "%s", why);
	m->wait_id = 0;
	m->initializing = 0;
	kill_and_reap(m, init ? "failed" : state);
	finish_head(m, -1, NULL, why);
}

/* Spawn the child and send initialize. */
static int start_child(struct mcp *m)
{
	json_t *params;

	if (spawn(m, m->err, sizeof(m->err)) < 0)
		return -1;
	params = json_pack("{s:s, s:{}, s:{s:s, s:s}}", "protocolVersion",
	    MCP_PROTOCOL, "capabilities", "clientInfo", "name",
	    "claude-mem-worker", "version", "1.0.0");
	if (send_request(m, "initialize", params) < 0) {
		snprintf(m->err, sizeof(m->err), "search server: write failed");
		kill_and_reap(m, "failed");
		return -1;
	}
	m->initializing = 1;
	return 0;
}

/* Start serving the head call if nothing is in flight. */
static void kick(struct mcp *m)
{
	json_t *params;

	while (m->wait_id == 0 && m->head != NULL) {
		if (m->pid <= 0) {
			if (start_child(m) < 0)
				finish_head(m, -1, NULL, m->err);
			continue;
		}
		params = json_incref(m->head->params);
		if (send_request(m, "tools/call", params) < 0)
			fail_request(m, "exited", "search server: write failed");
	}
}

static void on_initialized(struct mcp *m, json_t *r)
{
	json_t *note;

	if (json_object_get(r, "result") == NULL) {
		fail_request(m, "failed", "search server: initialize failed");
		return;
	}
	note = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method",
	    "notifications/initialized");
	if (note == NULL || send_msg(m, note) < 0) {
		json_decref(note);
		fail_request(m, "failed", "search server: write failed");
		return;
	}
	json_decref(note);
	m->state = "ready";
	log_info("search server pid %d ready (%s)", (int)m->pid, m->bin);
}

static void on_answer(struct mcp *m, json_t *r)
{
	json_t *e = json_object_get(r, "error"), *res;
	char err[512];

	if (e != NULL) {
		const char *t = json_string_value(json_object_get(e, "message"));

		snprintf(err, sizeof(err), "search server error: %s", t ? t : "?");
		finish_head(m, -2, NULL, err);   /* the child is fine */
	} else if ((res = json_object_get(r, "result")) == NULL)
		finish_head(m, -2, NULL, "search server: response without a result");
	else
		finish_head(m, 0, res, NULL);
}

/* A message from the child: the answer in flight, or ignored. */
static void on_message(struct mcp *m, json_t *r)
{
	json_t *rid = json_object_get(r, "id");

	if (m->wait_id == 0 || !json_is_integer(rid) ||
	    json_integer_value(rid) != m->wait_id)
		return;             /* a notification or a stale answer */
	m->wait_id = 0;
	if (m->initializing) {
		m->initializing = 0;
		on_initialized(m, r);
	} else
		on_answer(m, r);
}

/* Handle the complete lines in the buffer. */
static void take_lines(struct mcp *m)
{
	char *nl;
	json_t *j;

	while (m->len > 0 && (nl = memchr(m->buf, '\n', m->len)) != NULL) {
		*nl = '\0';
		j = json_loads(m->buf, 0, NULL);
		m->len -= (size_t)(nl - m->buf) + 1;
		memmove(m->buf, nl + 1, m->len);
		if (j != NULL)
			on_message(m, j);
		json_decref(j);
	}
}

/* Read what the child wrote; 0, or -1 when it is gone (EOF, error). */
static int read_available(struct mcp *m)
{
	char chunk[65536], *nb;
	ssize_t n;

	for (;;) {
		n = read(m->out, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0 || m->len + (size_t)n > (size_t)MCP_LINE_MAX)
			return -1;
		if ((nb = realloc(m->buf, m->len + (size_t)n)) == NULL)
			return -1;
		m->buf = nb;
		memcpy(m->buf + m->len, chunk, (size_t)n);
		m->len += (size_t)n;
	}
}

void mcp_process(struct mcp *m)
{
	int gone;

	if (m->wait_id == 0)
		return;
	gone = read_available(m) < 0;
	take_lines(m);
	if (m->wait_id != 0 && gone)
		fail_request(m, "exited", "search server exited");
	else if (m->wait_id != 0 && now_ms() >= m->deadline)
		fail_request(m, "timeout", "search server timed out");
	kick(m);
}

int mcp_fd(const struct mcp *m)
{
	return m->wait_id != 0 ? m->out : -1;
}

int64_t mcp_timeout_ms(const struct mcp *m)
{
	int64_t left;

	if (m->wait_id == 0)
		return -1;
	left = m->deadline - now_ms();
	return left > 0 ? left : 0;
}

int mcp_call(struct mcp *m, const char *tool, json_t *args, mcp_done_fn done,
    void *ud)
{
	struct mcp_call *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->params = json_pack("{s:s, s:O}", "name", tool,
	    "arguments", args)) == NULL) {
		free(c);
		return -1;
	}
	c->done = done;
	c->ud = ud;
	*m->tail = c;
	m->tail = &c->next;
	mcp_reap(m);
	kick(m);
	return 0;
}

void mcp_cancel(struct mcp *m, void *ud)
{
	struct mcp_call *c;

	for (c = m->head; c != NULL; c = c->next)
		if (c->ud == ud)
			c->done = NULL;
}

int mcp_ensure(struct mcp *m, char *err, size_t errlen)
{
	struct pollfd pfd;

	mcp_reap(m);
	if (m->pid <= 0 && start_child(m) < 0) {
		snprintf(err, errlen, "%s", m->err);
		return -1;
	}
	while (m->initializing && m->wait_id != 0) {
		pfd.fd = m->out;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)mcp_timeout_ms(m)) < 0 && errno != EINTR)
			break;
		mcp_process(m);
	}
	if (m->pid > 0 && !m->initializing)
		return 0;
	if (m->pid > 0)
		fail_request(m, "failed", "search server: poll failed");
	snprintf(err, errlen, "%s", m->err);
	return -1;
}

/* Wait for the child until deadline; 1 when reaped. */
static int wait_until(struct mcp *m, int64_t deadline)
{
	int status;
	pid_t r;

	for (;;) {
		do
			r = waitpid(m->pid, &status, WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r == m->pid || (r < 0 && errno == ECHILD))
			return 1;
		if (now_ms() >= deadline)
			return 0;
		usleep(10 * 1000);
	}
}

/* Fail every queued call: their requests get an answer before HTTP stops. */
static void fail_all(struct mcp *m, const char *why)
{
	m->wait_id = 0;
	m->initializing = 0;
	while (m->head != NULL)
		finish_head(m, -1, NULL, why);
}

void mcp_close(struct mcp *m, int64_t deadline)
{
	int64_t now = now_ms(), grace = (deadline - now) / 2;

	fail_all(m, "search server stopped: shutting down");
	if (m->pid <= 0) {
		forget(m, "stopped");
		return;
	}
	close_fd(&m->in);      /* EOF on its stdin: it should exit by itself */
	if (!wait_until(m, now + grace)) {
		log_info("search server pid %d: SIGTERM", (int)m->pid);
		kill(m->pid, SIGTERM);
		if (!wait_until(m, deadline)) {
			log_info("search server pid %d: SIGKILL", (int)m->pid);
			kill_and_reap(m, "stopped");
			return;
		}
	}
	forget(m, "stopped");
}

void mcp_free(struct mcp *m)
{
	if (m == NULL)
		return;
	fail_all(m, "search server stopped");
	if (m->pid > 0)
		kill_and_reap(m, "stopped");
	free(m->buf);
	free(m);
}
