/*
 * main.c: mem-worker, the claude-mem worker service.
 *   mem-worker                 serve (environment below)
 *   mem-worker hook EVENT      Claude Code hook client (hook.c)
 * Environment:
 *   CLAUDE_MEM_WORKER_HOST (127.0.0.1), CLAUDE_MEM_WORKER_PORT (37700 +
 *   uid % 100, claude-mem 13's default; both also read from settings.json),
 *   CLAUDE_MEM_DATA_DIR (~/.claude-mem), CLAUDE_MEM_AGENT_CMD (unset: the
 *   built-in extractor), CLAUDE_MEM_SEARCH_BIN (mem-search beside us),
 *   CLAUDE_MEM_SEARCH_TIMEOUT_MS (5000), NOTIFY_SOCKET,
 *   CLAUDE_MEM_CORPUS_AGENT_CMD (unset: the built-in retrieval answer),
 *   CLAUDE_MEM_CORPUS_AGENT_TIMEOUT_MS (60000),
 *   MEM_WORKER_TEST_SKIP_CLEANUP=1 (TEST ONLY: exit on SIGTERM without the
 *   shutdown chain, leaving children behind for a supervisor to sweep).
 * main() reads as the start-up checklist; the loop is poll() over the
 * signal self-pipe, MHD's epoll fd, the search child's stdout (while a
 * call is in flight) and the agents' stdout.
 */
#include "worker.h"
#include "log.h"
#include "memdb.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POLL_MAX      256
#define QUEUE_BATCH   16

static int sig_fd = -1;        /* write end of the self-pipe */

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(sig_fd, &c, 1) < 0) {
		/* pipe full: a wake-up is already pending */
	}
	errno = saved;
}

static int setup_signals(struct worker *w)
{
	struct sigaction sa;

	if (pipe2(w->sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sig_fd = w->sigpipe[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGCHLD, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

static int env_int(const char *name, int def, int min, int max)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		fatalx("%s=%s: expected an integer in %d..%d", name, s, min, max);
	return (int)v;
}

/* The environment, else settings.json, else 37700 + uid % 100. */
static int settings_port(json_t *settings)
{
	const char *s = settings_get(settings, "CLAUDE_MEM_WORKER_PORT");
	char *end;
	long v;

	if (s == NULL)
		return settings_default_port();
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		fatalx("CLAUDE_MEM_WORKER_PORT=%s: expected an integer in 1..65535",
		    s);
	return (int)v;
}

static void reap_children(struct worker *w)
{
	struct session *s;

	for (s = w->sessions; s != NULL; s = s->next)
		if (s->agent != NULL && agent_pid(s->agent) > 0 &&
		    agent_reap(s->agent))
			log_warnx("session %lld: agent exited", (long long)s->id);
	mcp_reap(w->mcp);
}

/* 1 when a stop signal arrived. */
static int read_signals(struct worker *w)
{
	char buf[64];
	ssize_t n, i;
	int stop = 0;

	while ((n = read(w->sigpipe[0], buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++) {
			if (buf[i] == SIGCHLD)
				reap_children(w);
			else if (buf[i] == SIGTERM || buf[i] == SIGINT) {
				log_info("signal %d received", buf[i]);
				stop = 1;
			}
		}
	return stop;
}

/* Sessions whose agent finished after /complete are dropped. */
static void finish_sessions(struct worker *w)
{
	struct session *s, *next;

	for (s = w->sessions; s != NULL; s = next) {
		next = s->next;
		if (s->completing && s->agent != NULL &&
		    agent_stdout_fd(s->agent) < 0 && s->qlen == 0)
			session_drop(w, s);
	}
}

static int build_pollfds(struct worker *w, struct pollfd *p,
    struct session **owner)
{
	struct session *s;
	int n = 0, k, i;

	p[n].fd = w->sigpipe[0];
	p[n++].events = POLLIN;
	p[n].fd = http_epoll_fd(w);
	p[n++].events = POLLIN;
	if (mcp_fd(w->mcp) >= 0) {     /* a search call in flight */
		owner[n] = NULL;
		p[n].fd = mcp_fd(w->mcp);
		p[n++].events = POLLIN;
	}
	k = corpus_calls_pollfds(w, p + n, POLL_MAX / 2 - n);
	for (i = n; i < n + k; i++)
		owner[i] = NULL;       /* corpus agents: pumped every turn */
	n += k;
	for (s = w->sessions; s != NULL && n < POLL_MAX; s = s->next)
		if (s->agent != NULL && agent_stdout_fd(s->agent) >= 0) {
			owner[n] = s;
			p[n].fd = agent_stdout_fd(s->agent);
			p[n++].events = POLLIN;
		}
	return n;
}

/* The poll timeout: MHD's, the search call's deadline, at most 1 s, 0
 * with queued work. */
static int poll_timeout(struct worker *w)
{
	int64_t t = http_timeout_ms(w), m = mcp_timeout_ms(w->mcp);
	int64_t k = corpus_calls_timeout_ms(w);

	if (queue_total(w) > 0)
		return 0;
	if (t < 0 || t > 1000)
		t = 1000;
	if (k >= 0 && k < t)
		t = k;
	return (int)(m >= 0 && m < t ? m : t);
}

/* A request handled by http_run() may have dropped the session: compare
 * pointers only, never dereference a possibly freed one. */
static int still_listed(struct worker *w, const struct session *p)
{
	struct session *s;

	for (s = w->sessions; s != NULL; s = s->next)
		if (s == p)
			return 1;
	return 0;
}

static void serve(struct worker *w)
{
	struct pollfd p[POLL_MAX];
	struct session *owner[POLL_MAX];
	int64_t replay_at = 0;
	int n, i;

	for (;;) {
		n = build_pollfds(w, p, owner);
		if (poll(p, (nfds_t)n, poll_timeout(w)) < 0 && errno != EINTR)
			fatal("poll");
		if (read_signals(w))
			return;
		mcp_process(w->mcp);     /* may resume search requests */
		corpus_calls_pump(w);    /* may resume corpus queries */
		http_run(w);
		sse_processing_changed(w);      /* work was queued */
		for (i = 2; i < n; i++)
			if (p[i].revents != 0 && owner[i] != NULL &&
			    still_listed(w, owner[i]))
				agent_read(w, owner[i]);
		if (queue_total(w) > 0) {
			int tx = store_tx_begin(w->store) == 0;

			queue_run(w, QUEUE_BATCH);
			if (tx)
				store_tx_commit(w->store);
		}
		finish_sessions(w);
		sse_processing_changed(w);      /* work was done */
		if (now_ms() >= replay_at) {
			api13_replay(w);
			replay_at = now_ms() + 1000;
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: mem-worker [hook session-start|prompt|tool-use|"
	    "stop|session-end]\n");
}

int main(int argc, char **argv)
{
	struct worker w;
	char dir[4096], path[4096], err[512];
	int fd;

	if (argc >= 2 && strcmp(argv[1], "hook") == 0)
		return hook_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("mem-worker %s\n", CSUP_VERSION);
		return 0;
	}
	if (argc >= 2) {
		usage();
		return 2;
	}
	log_init("mem-worker", STDERR_FILENO, getenv("CLAUDE_MEM_DEBUG") != NULL);
	memset(&w, 0, sizeof(w));
	if ((w.logs = logring_new(LOGRING_LINES)) == NULL)
		fatalx("out of memory");
	log_set_tap(logring_tap, w.logs);
	w.started_ms = wall_ms();
	w.settings = settings_load();
	w.host = (char *)settings_get(w.settings, "CLAUDE_MEM_WORKER_HOST");
	if (w.host == NULL || strcmp(w.host, "localhost") == 0)
		w.host = (char *)"127.0.0.1";
	w.port = settings_port(w.settings);
	w.agent_cmd = getenv("CLAUDE_MEM_AGENT_CMD");
	if (w.agent_cmd != NULL && *w.agent_cmd == '\0')
		w.agent_cmd = NULL;

	if (setup_signals(&w) < 0)
		fatal("signals");
	if (memdb_data_dir(dir, sizeof(dir)) < 0 ||
	    memdb_path(dir, path, sizeof(path)) < 0)
		fatalx("cannot form the data directory (set CLAUDE_MEM_DATA_DIR)");
	/* Listen before anything slow so a busy port fails fast and clearly. */
	if ((fd = http_listen(w.host, w.port, err, sizeof(err))) < 0) {
		fprintf(stderr, "mem-worker: %s\n", err);
		json_decref(w.settings);	/* w.host may point into it: not used after */
		log_set_tap(NULL, NULL);
		logring_free(w.logs);
		return 1;
	}
	if ((w.store = store_open(path, err, sizeof(err))) == NULL)
		fatalx("database %s", err);
	/* A store a 13 client has used gets the layer's newer steps now, so
	 * every observation from here on carries its content_hash. */
	if (memdb_has13_any(store_db(w.store)) == 1)
		api13_ensure(&w);
	/* Before serving: what a previous run left queued (kill -9, power
	 * loss) is processed first. */
	queue_recover(&w);
	settings_write_if_missing(w.host, w.port);
	if ((w.sse = sse_new()) == NULL ||
	    (w.mcp = mcp_new(argv[0], env_int("CLAUDE_MEM_SEARCH_TIMEOUT_MS",
	    5000, 100, 600000))) == NULL)
		fatalx("out of memory");
	if (mcp_ensure(w.mcp, err, sizeof(err)) < 0)
		log_warnx("%s (search routes answer 503 until it works)", err);
	if ((w.ui_dir = ui13_find_dir()) != NULL)
		log_info("viewer: claude-mem 13's UI from %s", w.ui_dir);
	if (http_start(&w, fd) < 0)
		fatalx("cannot start the HTTP server");
	log_info("listening on %s:%d, database %s, pid %d", w.host, w.port, path,
	    (int)getpid());
	notify_ready();

	serve(&w);

	if (getenv("MEM_WORKER_TEST_SKIP_CLEANUP") != NULL &&
	    strcmp(getenv("MEM_WORKER_TEST_SKIP_CLEANUP"), "1") == 0) {
		log_warnx("MEM_WORKER_TEST_SKIP_CLEANUP=1: exiting WITHOUT the "
		    "shutdown chain (test only)");
		_exit(0);
	}
	shutdown_chain(&w);
	mcp_free(w.mcp);
	sse_free(w.sse);
	json_decref(w.settings);
	free(w.ui_dir);
	log_set_tap(NULL, NULL);
	logring_free(w.logs);
	close(w.sigpipe[0]);
	close(w.sigpipe[1]);
	return 0;
}
