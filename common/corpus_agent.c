/*
 * corpus_agent.c: the corpus agent, $CLAUDE_MEM_CORPUS_AGENT_CMD run by
 * /bin/sh -c in a process group of its own. Its stdin gets the system
 * prompt, the whole corpus and the question (then EOF); its stdout, up to
 * CORPUS_ANSWER_MAX bytes, is the answer. It is bounded: at its deadline
 * the whole group gets SIGKILL. Nothing here blocks: the caller polls the
 * two fds and calls corpus_run_pump (corpus_run_sync does that for a
 * caller that may wait).
 */
#include "corpus.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct corpus_run {
	pid_t pid;              /* group leader; 0 once reaped */
	int in, out;            /* our ends; -1 when closed */
	char *input;
	size_t in_len, in_off;
	char *buf;
	size_t len;
	int status;             /* wait status once reaped */
	int timed_out, too_big, failed;
	int64_t deadline;
	int timeout_ms;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *corpus_agent_cmd(void)
{
	const char *c = getenv(CORPUS_AGENT_ENV);

	return c != NULL && *c != '\0' ? c : NULL;
}

int corpus_agent_timeout_ms(void)
{
	const char *s = getenv(CORPUS_TIMEOUT_ENV);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return CORPUS_TIMEOUT_MS;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 100 || v > 3600000)
		return CORPUS_TIMEOUT_MS;
	return (int)v;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

struct corpus_run *corpus_run_start(const char *cmd, const char *input,
    json_t *corpus, int timeout_ms, char *err, size_t errlen)
{
	struct corpus_run *r = calloc(1, sizeof(*r));
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	const char *sid;

	if (r == NULL || (r->input = strdup(input)) == NULL) {
		snprintf(err, errlen, "corpus agent: out of memory");
		goto fail;
	}
	r->in = r->out = -1;
	r->in_len = strlen(input);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "corpus agent: pipe: %s", strerror(errno));
		goto fail;
	}
	sid = json_string_value(json_object_get(corpus, "session_id"));
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(err, errlen, "corpus agent: fork: %s", strerror(errno));
		r->pid = 0;
		goto fail;
	}
	if (r->pid == 0) {
		/* Its own group: a timeout or shutdown ends all it started. */
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(126);
		setenv("CLAUDE_MEM_CORPUS_NAME", json_string_value(
		    json_object_get(corpus, "name")) ?: "", 1);
		setenv("CLAUDE_MEM_CORPUS_SESSION_ID", sid ? sid : "", 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(r->pid, r->pid);        /* both sides: no race */
	close_fd(&in[0]);
	close_fd(&out[1]);
	r->in = in[1];
	r->out = out[0];
	if (fcntl(r->in, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(r->out, F_SETFL, O_NONBLOCK) < 0) {
		snprintf(err, errlen, "corpus agent: fcntl: %s", strerror(errno));
		corpus_run_free(r);
		return NULL;
	}
	r->deadline = mono_ms() + timeout_ms;
	r->timeout_ms = timeout_ms;
	return r;
fail:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	if (r != NULL)
		free(r->input);
	free(r);
	return NULL;
}

int corpus_run_in_fd(const struct corpus_run *r)
{
	return r->in;
}

int corpus_run_out_fd(const struct corpus_run *r)
{
	return r->out;
}

int64_t corpus_run_left_ms(const struct corpus_run *r)
{
	int64_t left = r->deadline - mono_ms();

	return left > 0 ? left : 0;
}

static void feed(struct corpus_run *r)
{
	ssize_t n;

	while (r->in >= 0 && r->in_off < r->in_len) {
		n = write(r->in, r->input + r->in_off, r->in_len - r->in_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {            /* EPIPE: it stopped reading */
			close_fd(&r->in);
			return;
		}
		r->in_off += (size_t)n;
	}
	close_fd(&r->in);               /* all written: EOF */
}

static void drain(struct corpus_run *r)
{
	char chunk[8192], *nb;
	ssize_t n;

	while (r->out >= 0) {
		n = read(r->out, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close_fd(&r->out);
			return;
		}
		if (r->len + (size_t)n > CORPUS_ANSWER_MAX) {
			r->too_big = 1;
			continue;       /* read on, keep the first part */
		}
		if ((nb = realloc(r->buf, r->len + (size_t)n + 1)) == NULL) {
			r->failed = 1;
			continue;
		}
		r->buf = nb;
		memcpy(r->buf + r->len, chunk, (size_t)n);
		r->len += (size_t)n;
		r->buf[r->len] = '\0';
	}
}

/* SIGKILL the group and reap the leader (blocking: it cannot linger). */
static void kill_reap(struct corpus_run *r)
{
	if (r->pid <= 0)
		return;
	if (kill(-r->pid, SIGKILL) < 0 && errno == ESRCH)
		kill(r->pid, SIGKILL);
	while (waitpid(r->pid, &r->status, 0) < 0 && errno == EINTR)
		;
	r->pid = 0;
}

int corpus_run_pump(struct corpus_run *r)
{
	pid_t p;

	feed(r);
	drain(r);
	if (r->pid > 0 && r->out < 0) {
		p = waitpid(r->pid, &r->status, WNOHANG);
		if (p == r->pid) {
			r->pid = 0;
			/* Anything it left behind in its group goes too. */
			kill(-p, SIGKILL);
		}
	}
	if (r->pid > 0 && mono_ms() >= r->deadline) {
		r->timed_out = 1;
		kill_reap(r);
	}
	if (r->pid == 0) {
		close_fd(&r->in);
		close_fd(&r->out);
		return 1;
	}
	return 0;
}

int corpus_run_result(struct corpus_run *r, char **answer, char *err,
    size_t errlen)
{
	size_t n = r->len;

	*answer = NULL;
	if (r->timed_out) {
		snprintf(err, errlen, "corpus agent: no answer within %lld ms "
		    "(%s); killed", (long long)r->timeout_ms, CORPUS_TIMEOUT_ENV);
		return -1;
	}
	if (r->failed) {
		snprintf(err, errlen, "corpus agent: out of memory");
		return -1;
	}
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
		if (WIFEXITED(r->status))
			snprintf(err, errlen, "corpus agent exited with status %d",
			    WEXITSTATUS(r->status));
		else
			snprintf(err, errlen, "corpus agent killed by signal %d",
			    WTERMSIG(r->status));
		return -1;
	}
	while (n > 0 && (r->buf[n - 1] == '\n' || r->buf[n - 1] == '\r' ||
	    r->buf[n - 1] == ' '))
		n--;
	*answer = strndup(r->buf ? r->buf : "", n);
	if (*answer == NULL) {
		snprintf(err, errlen, "corpus agent: out of memory");
		return -1;
	}
	return 0;
}

void corpus_run_free(struct corpus_run *r)
{
	if (r == NULL)
		return;
	kill_reap(r);
	close_fd(&r->in);
	close_fd(&r->out);
	free(r->input);
	free(r->buf);
	free(r);
}

int corpus_run_sync(const char *cmd, const char *input, json_t *corpus,
    int timeout_ms, char **answer, char *err, size_t errlen)
{
	struct corpus_run *r = corpus_run_start(cmd, input, corpus, timeout_ms,
	    err, errlen);
	struct pollfd p[2];
	int n, rc;

	*answer = NULL;
	if (r == NULL)
		return -1;
	while (!corpus_run_pump(r)) {
		n = 0;
		if (r->in >= 0) {
			p[n].fd = r->in;
			p[n++].events = POLLOUT;
		}
		if (r->out >= 0) {
			p[n].fd = r->out;
			p[n++].events = POLLIN;
		}
		/* Output closed but not exited yet: poll the clock only. */
		if (poll(p, (nfds_t)n, n ? (int)corpus_run_left_ms(r) :
		    (corpus_run_left_ms(r) < 10 ? (int)corpus_run_left_ms(r) :
		    10)) < 0 && errno != EINTR)
			break;
	}
	rc = corpus_run_result(r, answer, err, errlen);
	corpus_run_free(r);
	return rc;
}
