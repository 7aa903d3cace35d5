/*
 * agent.c: the optional agent child of a session ($CLAUDE_MEM_AGENT_CMD run
 * by /bin/sh -c), as the original ran one `claude` per session. Events go
 * to its stdin as JSON lines; its stdout answers with JSON lines
 *   {"observation": {"type":..,"title":..,"facts":[..],..}}
 *   {"summary": {"request":..,"investigated":..,..}}
 * or with the original's XML blocks <observation>..</observation> and
 * <summary>..</summary>. The child stays in our process group; we reap it.
 */
#include "worker.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define AGENT_BUF_MAX (1024 * 1024)

struct agent {
	pid_t pid;           /* 0 once reaped */
	int in, out;         /* our ends: its stdin, its stdout */
	char *buf;
	size_t len;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

struct agent *agent_start(const char *cmd, struct session *s)
{
	struct agent *a = calloc(1, sizeof(*a));
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	char idbuf[32];

	if (a == NULL)
		return NULL;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		log_warn("agent pipe");
		goto fail;
	}
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)s->id);
	a->pid = fork();
	if (a->pid < 0) {
		log_warn("agent fork");
		goto fail;
	}
	if (a->pid == 0) {
		/* Child: same process group as the worker, on purpose. */
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(126);
		setenv("CLAUDE_MEM_SESSION_DB_ID", idbuf, 1);
		setenv("CLAUDE_MEM_PROJECT", s->project ? s->project : "", 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	a->in = in[1];
	a->out = out[0];
	if (fcntl(a->in, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(a->out, F_SETFL, O_NONBLOCK) < 0)
		log_warn("agent fcntl");
	log_info("session %lld: agent pid %d started", (long long)s->id,
	    (int)a->pid);
	return a;
fail:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	free(a);
	return NULL;
}

int agent_send(struct agent *a, json_t *event)
{
	char *line = json_dumps(event, JSON_COMPACT);
	size_t len, off = 0;
	ssize_t n;
	int rc = -1;

	if (line == NULL || a->in < 0)
		goto out;
	len = strlen(line);
	line[len++] = '\n';  /* json_dumps left room for the NUL */
	while (off < len) {
		n = write(a->in, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* EAGAIN: the agent is not reading; do not stall the
			 * loop for it. EPIPE: it is gone. */
			log_warn("agent %d: event not delivered", (int)a->pid);
			goto out;
		}
		off += (size_t)n;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

int agent_stdout_fd(const struct agent *a)
{
	return a->out;
}

/* Text between <tag> and </tag> inside [p, end), or NULL. */
static char *tag_text(const char *p, const char *end, const char *tag,
    const char **after)
{
	char open[64], close_[64];
	const char *b, *e;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close_, sizeof(close_), "</%s>", tag);
	b = memmem(p, (size_t)(end - p), open, strlen(open));
	if (b == NULL)
		return NULL;
	b += strlen(open);
	e = memmem(b, (size_t)(end - b), close_, strlen(close_));
	if (e == NULL)
		return NULL;
	if (after != NULL)
		*after = e + strlen(close_);
	while (b < e && (*b == ' ' || *b == '\n' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'))
		e--;
	return strndup(b, (size_t)(e - b));
}

/* <list><item>..</item>..</list> as a JSON array. */
static json_t *tag_list(const char *p, const char *end, const char *list,
    const char *item)
{
	json_t *a = json_array();
	char *inner = tag_text(p, end, list, NULL);
	const char *q, *qend, *after;
	char *v;

	if (inner == NULL)
		return a;
	q = inner;
	qend = inner + strlen(inner);
	while ((v = tag_text(q, qend, item, &after)) != NULL) {
		json_array_append_new(a, json_string(v));
		free(v);
		q = after;
	}
	free(inner);
	return a;
}

/* XML block -> the JSON object an agent could have sent instead. */
static json_t *xml_block(const char *p, const char *end, int summary)
{
	static const char *obs_keys[] = { "type", "title", "subtitle",
	    "narrative" };
	static const char *sum_keys[] = { "request", "investigated", "learned",
	    "completed", "next_steps", "notes" };
	const char **keys = summary ? sum_keys : obs_keys;
	size_t i, n = summary ? 6 : 4;
	json_t *o = json_object();

	for (i = 0; i < n; i++) {
		char *v = tag_text(p, end, keys[i], NULL);

		if (v != NULL)
			json_object_set_new(o, keys[i], json_string(v));
		free(v);
	}
	if (!summary) {
		json_object_set_new(o, "facts", tag_list(p, end, "facts", "fact"));
		json_object_set_new(o, "concepts",
		    tag_list(p, end, "concepts", "concept"));
		json_object_set_new(o, "files_read",
		    tag_list(p, end, "files_read", "file"));
		json_object_set_new(o, "files_modified",
		    tag_list(p, end, "files_modified", "file"));
	}
	return o;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *jarr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_array(v) ? v : NULL;
}

static const char *valid_type(const char *t)
{
	static const char *types[] = { "decision", "bugfix", "feature",
	    "refactor", "discovery", "change" };
	size_t i;

	for (i = 0; t != NULL && i < 6; i++)
		if (strcmp(t, types[i]) == 0)
			return types[i];
	return "discovery";
}

static void store_output(struct worker *w, struct session *s, json_t *obs,
    json_t *sum)
{
	if (obs != NULL) {
		struct obs_input o = {
			.type = valid_type(jstr(obs, "type")),
			.title = jstr(obs, "title"),
			.subtitle = jstr(obs, "subtitle"),
			.narrative = jstr(obs, "narrative"),
			.facts = jarr(obs, "facts"),
			.concepts = jarr(obs, "concepts"),
			.files_read = jarr(obs, "files_read"),
			.files_modified = jarr(obs, "files_modified"),
			.prompt_number = s->last_prompt,
		};
		queue_store_obs(w, s, &o);
		queue_agent_answered(w, s, Q_OBSERVATION);
	}
	if (sum != NULL) {
		struct sum_input m = {
			.request = jstr(sum, "request"),
			.investigated = jstr(sum, "investigated"),
			.learned = jstr(sum, "learned"),
			.completed = jstr(sum, "completed"),
			.next_steps = jstr(sum, "next_steps"),
			.notes = jstr(sum, "notes"),
			.prompt_number = s->last_prompt,
		};
		queue_store_summary(w, s, &m);
		queue_agent_answered(w, s, Q_SUMMARIZE);
	}
}

/* Consume one complete unit at the start of the buffer; 0 when none. */
static size_t parse_one(struct worker *w, struct session *s, char *p,
    size_t len)
{
	char *nl = memchr(p, '\n', len), *end = p + len;
	const char *after;
	char *x;
	json_t *j, *blk;

	for (x = p; x < end && (*x == ' ' || *x == '\t'); x++)
		;
	if (x < end && *x == '<') {
		int summary = len - (size_t)(x - p) >= 9 &&
		    strncmp(x, "<summary>", 9) == 0;
		char *inner = tag_text(x, end, summary ? "summary" : "observation",
		    &after);

		if (inner == NULL)
			return nl != NULL && memmem(x, (size_t)(end - x), "<",
			    1) == NULL ? (size_t)(nl - p) + 1 : 0;
		blk = xml_block(inner, inner + strlen(inner), summary);
		store_output(w, s, summary ? NULL : blk, summary ? blk : NULL);
		json_decref(blk);
		free(inner);
		return (size_t)(after - p);
	}
	if (nl == NULL)
		return 0;
	*nl = '\0';
	j = json_loads(p, 0, NULL);
	if (json_is_object(j))
		store_output(w, s, json_is_object(json_object_get(j, "observation")) ?
		    json_object_get(j, "observation") : NULL,
		    json_is_object(json_object_get(j, "summary")) ?
		    json_object_get(j, "summary") : NULL);
	json_decref(j);   /* other lines (logs, blank) are ignored */
	return (size_t)(nl - p) + 1;
}

int agent_read(struct worker *w, struct session *s)
{
	struct agent *a = s->agent;
	char chunk[8192];
	ssize_t n;
	size_t used;
	char *nb;

	for (;;) {
		n = read(a->out, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {           /* EOF or error: it closed its stdout */
			close_fd(&a->out);
			break;
		}
		if (a->len + (size_t)n > AGENT_BUF_MAX) {
			log_warnx("agent %d: output line too long, dropped",
			    (int)a->pid);
			a->len = 0;
		}
		if ((nb = realloc(a->buf, a->len + (size_t)n + 1)) == NULL)
			return -1;
		a->buf = nb;
		memcpy(a->buf + a->len, chunk, (size_t)n);
		a->len += (size_t)n;
		a->buf[a->len] = '\0';
	}
	while (a->len > 0 && (used = parse_one(w, s, a->buf, a->len)) > 0) {
		memmove(a->buf, a->buf + used, a->len - used);
		a->len -= used;
		a->buf[a->len] = '\0';
	}
	return 0;
}

int agent_reap(struct agent *a)
{
	int status;
	pid_t r;

	if (a->pid <= 0)
		return 1;
	do
		r = waitpid(a->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == a->pid || (r < 0 && errno == ECHILD)) {
		a->pid = 0;
		return 1;
	}
	return 0;
}

void agent_close_stdin(struct agent *a)
{
	close_fd(&a->in);
}

void agent_signal(struct agent *a, int sig)
{
	if (a->pid > 0 && kill(a->pid, sig) < 0 && errno != ESRCH)
		log_warn("kill agent %d", (int)a->pid);
}

int agent_alive(const struct agent *a)
{
	return a->pid > 0 && a->in >= 0;
}

pid_t agent_pid(const struct agent *a)
{
	return a->pid;
}

void agent_free(struct agent *a)
{
	int status;

	close_fd(&a->in);
	close_fd(&a->out);
	if (a->pid > 0) {
		/* Last resort: the chain normally reaped it already. */
		kill(a->pid, SIGKILL);
		while (waitpid(a->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	free(a->buf);
	free(a);
}
