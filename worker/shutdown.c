/*
 * shutdown.c: the chain run once on SIGTERM/SIGINT, in the original's
 * order, each step bounded and logged with its duration:
 *   1. abort sessions (agents: close stdin, SIGTERM, SIGKILL; reaped;
 *      corpus agents: SIGKILL to their process group, reaped, 503)
 *   2. close the MCP client (close stdin, wait, SIGTERM, SIGKILL; reaped)
 *   3. stop HTTP (end the streams, let in-flight requests finish)
 *   4. close the database (checkpoint the WAL)
 * It runs after the loop has ended, so a second signal can only write to
 * the self-pipe again: there is no second chain to start.
 */
#include "worker.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#define STEP1_MS 1200          /* agents */
#define STEP2_MS 1000          /* search child */
#define STEP3_MS 800           /* in-flight requests */

static void drain_signals(struct worker *w)
{
	char buf[64];
	ssize_t n;

	while ((n = read(w->sigpipe[0], buf, sizeof(buf))) > 0) {
		ssize_t i;

		for (i = 0; i < n; i++)
			if (buf[i] == SIGTERM || buf[i] == SIGINT)
				log_info("signal %d during shutdown: the chain "
				    "is already running", buf[i]);
	}
}

/* Reap agents until all are gone or the deadline passes; 1 if all gone. */
static int agents_wait(struct worker *w, int64_t deadline)
{
	struct session *s;
	int left;

	for (;;) {
		left = 0;
		for (s = w->sessions; s != NULL; s = s->next)
			if (s->agent != NULL && !agent_reap(s->agent))
				left++;
		if (left == 0 || now_ms() >= deadline)
			return left == 0;
		usleep(10 * 1000);
	}
}

static void agents_signal(struct worker *w, int sig)
{
	struct session *s;

	for (s = w->sessions; s != NULL; s = s->next)
		if (s->agent != NULL)
			agent_signal(s->agent, sig);
}

static int step_sessions(struct worker *w)
{
	int64_t start = now_ms();
	struct session *s;
	int n = corpus_calls_abort(w);  /* corpus agents: killed, reaped */
	int tx;

	for (s = w->sessions; s != NULL; s = s->next)
		if (s->agent != NULL) {
			agent_close_stdin(s->agent);
			n++;
		}
	if (n > 0 && !agents_wait(w, start + STEP1_MS / 3)) {
		agents_signal(w, SIGTERM);
		if (!agents_wait(w, start + STEP1_MS))
			agents_signal(w, SIGKILL);
	}
	/* What is still queued is stored by the built-in extractor (the
	 * agents are gone), then the sessions are dropped; agent_free reaps
	 * whatever SIGKILL just hit. */
	tx = store_tx_begin(w->store) == 0;
	queue_run(w, INT_MAX);
	if (tx)
		store_tx_commit(w->store);
	while (w->sessions != NULL)
		session_drop(w, w->sessions);
	return n;
}

static void step_http(struct worker *w)
{
	int64_t deadline = now_ms() + STEP3_MS;
	struct pollfd pfd;

	w->stopping = 1;           /* new requests: 503 */
	sse_close_all(w->sse);
	pfd.fd = http_epoll_fd(w);
	pfd.events = POLLIN;
	while (http_connections(w) > 0 && now_ms() < deadline) {
		http_run(w);
		if (http_connections(w) == 0)
			break;
		if (poll(&pfd, 1, 20) < 0 && errno != EINTR)
			break;
		drain_signals(w);
	}
	http_run(w);
	http_stop(w);
}

void shutdown_chain(struct worker *w)
{
	int64_t t0 = now_ms(), t;
	int n;

	log_info("shutdown: chain started");
	t = now_ms();
	n = step_sessions(w);
	log_info("shutdown 1/4 abort sessions: done in %lld ms (%d agent(s))",
	    (long long)(now_ms() - t), n);
	drain_signals(w);

	t = now_ms();
	mcp_close(w->mcp, t + STEP2_MS);
	log_info("shutdown 2/4 close MCP client: done in %lld ms",
	    (long long)(now_ms() - t));
	drain_signals(w);

	t = now_ms();
	step_http(w);
	log_info("shutdown 3/4 stop HTTP server: done in %lld ms",
	    (long long)(now_ms() - t));

	t = now_ms();
	store_close(w->store);
	w->store = NULL;
	log_info("shutdown 4/4 close database: done in %lld ms",
	    (long long)(now_ms() - t));
	log_info("shutdown: complete in %lld ms", (long long)(now_ms() - t0));
}
