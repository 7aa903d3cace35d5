/*
 * mcp_client.c: the search server as an MCP stdio child (`mem-search
 * --stdio`, found beside our own binary, or $CLAUDE_MEM_SEARCH_BIN).
 * Newline-delimited JSON-RPC 2.0: initialize + notifications/initialized
 * once, then one tools/call at a time, each bounded by a timeout. A child
 * that died or timed out is reaped at once and started again on the next
 * call. Calls are synchronous: the loop waits at most the timeout.
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

struct mcp {
	char bin[PATH_MAX];
	int timeout_ms;
	pid_t pid;               /* 0: not running */
	int in, out;             /* its stdin (we write), its stdout (we read) */
	char *buf;
	size_t len;
	json_int_t next_id;
	const char *state;       /* for /health */
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

	if (m->pid <= 0)
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

/* Next complete line from the child as JSON, or NULL with *gone / timeout. */
static json_t *next_msg(struct mcp *m, int64_t deadline, int *why)
{
	struct pollfd pfd;
	char chunk[65536], *nl, *nb;
	ssize_t n;
	json_t *j;

	for (;;) {
		while ((nl = memchr(m->buf ? m->buf : "", '\n', m->len)) != NULL) {
			*nl = '\0';
			j = json_loads(m->buf, 0, NULL);
			m->len -= (size_t)(nl - m->buf) + 1;
			memmove(m->buf, nl + 1, m->len);
			if (j != NULL)
				return j;
		}
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			*why = 1;
			return NULL;
		}
		pfd.fd = m->out;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
			*why = 2;
			return NULL;
		}
		n = read(m->out, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0 || m->len + (size_t)n > (size_t)MCP_LINE_MAX) {
			*why = 2;
			return NULL;
		}
		if ((nb = realloc(m->buf, m->len + (size_t)n)) == NULL) {
			*why = 2;
			return NULL;
		}
		m->buf = nb;
		memcpy(m->buf + m->len, chunk, (size_t)n);
		m->len += (size_t)n;
	}
}

/* Send a request and wait for the response with the same id. */
static int request(struct mcp *m, const char *method, json_t *params,
    json_t **result, char *err, size_t errlen)
{
	json_int_t id = m->next_id++;
	json_t *msg = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0",
	    "id", id, "method", method, "params", params);
	int64_t deadline = now_ms() + m->timeout_ms;
	int why = 0;
	json_t *r, *e;

	*result = NULL;
	if (msg == NULL || send_msg(m, msg) < 0) {
		json_decref(msg);
		snprintf(err, errlen, "search server: write failed");
		kill_and_reap(m, "exited");
		return -1;
	}
	json_decref(msg);
	while ((r = next_msg(m, deadline, &why)) != NULL) {
		json_t *rid = json_object_get(r, "id");

		if (json_is_integer(rid) && json_integer_value(rid) == id)
			break;
		json_decref(r);     /* a notification or a stale answer */
	}
	if (r == NULL) {
		snprintf(err, errlen, "search server %s",
		    why == 1 ? "timed out" : "exited");
		kill_and_reap(m, why == 1 ? "timeout" : "exited");
		return -1;
	}
	if ((e = json_object_get(r, "error")) != NULL) {
		const char *t = json_string_value(json_object_get(e, "message"));
		snprintf(err, errlen, "search server error: %s", t ? t : "?");
		json_decref(r);
		return -2;          /* the child is fine, the call was not */
	}
	*result = json_incref(json_object_get(r, "result"));
	json_decref(r);
	if (*result == NULL) {
		snprintf(err, errlen, "search server: response without a result");
		return -2;
	}
	return 0;
}

int mcp_ensure(struct mcp *m, char *err, size_t errlen)
{
	json_t *params, *res = NULL, *note;

	mcp_reap(m);
	if (m->pid > 0)
		return 0;
	if (spawn(m, err, errlen) < 0)
		return -1;
	params = json_pack("{s:s, s:{}, s:{s:s, s:s}}", "protocolVersion",
	    MCP_PROTOCOL, "capabilities", "clientInfo", "name",
	    "claude-mem-worker", "version", "1.0.0");
	if (request(m, "initialize", params, &res, err, errlen) != 0) {
		if (m->pid > 0)
			kill_and_reap(m, "failed");
		else
			m->state = "failed";
		json_decref(res);
		return -1;
	}
	json_decref(res);
	note = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method",
	    "notifications/initialized");
	send_msg(m, note);
	json_decref(note);
	m->state = "ready";
	log_info("search server pid %d ready (%s)", (int)m->pid, m->bin);
	return 0;
}

int mcp_call_tool(struct mcp *m, const char *tool, json_t *args,
    json_t **result, char *err, size_t errlen)
{
	json_t *params;

	*result = NULL;
	if (mcp_ensure(m, err, errlen) < 0)
		return -1;
	params = json_pack("{s:s, s:O}", "name", tool, "arguments", args);
	return request(m, "tools/call", params, result, err, errlen);
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

void mcp_close(struct mcp *m, int64_t deadline)
{
	int64_t now = now_ms(), grace = (deadline - now) / 2;

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
	if (m->pid > 0)
		kill_and_reap(m, "stopped");
	free(m->buf);
	free(m);
}
