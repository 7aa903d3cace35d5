/*
 * main.c: csup-http, the HTTP API and dashboard of csupd (docs/monitoring.md).
 * csupd starts it beside itself with the listening socket as fd 3 and its
 * end of a socketpair to the daemon as fd 4 (httpq.h); it is no command for
 * users. It serves until SIGTERM, or until the daemon closes fd 4; it dies
 * with the daemon (PR_SET_PDEATHSIG, set by csupd before exec).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ev.h>

#include "http.h"
#include "httpq.h"
#include "log.h"
#include "upstream.h"

struct httpd {
	struct ev_loop	*loop;
	struct upstream	 up;
	ev_io		 link_io;	/* fd 4 while no question waits: EOF or a late answer */
	ev_signal	 term;
};

/* After each question: a daemon gone means this helper is done. */
static json_t *checked(struct httpd *h, json_t *v)
{
	if (h->up.closed)
		ev_break(h->loop, EVBREAK_ALL);
	return v;
}

static json_t *cb_apps(void *arg)
{
	struct httpd *h = arg;

	return checked(h, upstream_ask(&h->up, HTTPQ_APPS, NULL, -1, NULL));
}

static json_t *cb_app(void *arg, const char *name)
{
	struct httpd *h = arg;

	return checked(h, upstream_ask(&h->up, HTTPQ_APP, name, -1, NULL));
}

static json_t *cb_samples(void *arg, const char *name, int64_t since)
{
	struct httpd *h = arg;

	return checked(h, upstream_ask(&h->up, HTTPQ_SAMPLES, name, since, NULL));
}

static void cb_counters(void *arg, struct metrics_counters *c)
{
	struct httpd *h = arg;
	json_t *v = checked(h, upstream_ask(&h->up, HTTPQ_COUNTERS, NULL, -1, NULL));

	metrics_counters_from_json(v, c);
	json_decref(v);
}

static json_t *cb_ready(void *arg)
{
	struct httpd *h = arg;

	return checked(h, upstream_ask(&h->up, HTTPQ_READY, NULL, -1, NULL));
}

static bool cb_alive(void *arg)
{
	struct httpd *h = arg;
	json_t *v = checked(h, upstream_ask(&h->up, HTTPQ_PING, NULL, -1, NULL));
	bool ok = json_is_true(v);

	json_decref(v);
	return ok;
}

static void link_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct httpd *h = (struct httpd *)((char *)w - offsetof(struct httpd, link_io));

	upstream_drain(&h->up);
	if (h->up.closed)
		ev_break(loop, EVBREAK_ALL);
}

static void term_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

/* fd is a listening socket (3) or a unix stream socket (4) as csupd gives them. */
static bool fd_is(int fd, int domain_unix)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int listening = 0;
	socklen_t ll = sizeof(listening);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return false;
	if (domain_unix)
		return ss.ss_family == AF_UNIX;
	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) == 0 && listening;
}

int main(int argc, char **argv)
{
	struct http_callbacks cb = { cb_apps, cb_app, cb_samples, cb_counters, NULL, cb_ready,
	    cb_alive };
	struct http_server *srv = NULL;
	struct httpd h;

	log_init(HTTP_PROGRAM, STDERR_FILENO, getenv("CSUP_DEBUG") != NULL);
	if (argc != 1 || !fd_is(HTTPQ_LISTEN_FD, 0) || !fd_is(HTTPQ_DAEMON_FD, 1)) {
		fprintf(stderr, "%s: csupd runs this program (the HTTP API); it takes no "
		    "arguments\n", HTTP_PROGRAM);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&h, 0, sizeof(h));
	cb.arg = &h;
	h.loop = ev_default_loop(EVFLAG_AUTO);
	upstream_init(&h.up, HTTPQ_DAEMON_FD);
	if (http_start_fd(h.loop, HTTPQ_LISTEN_FD, &cb, &srv) == -1) {
		log_warn("cannot serve HTTP");
		return 1;
	}
	ev_io_init(&h.link_io, link_cb, HTTPQ_DAEMON_FD, EV_READ);
	ev_io_start(h.loop, &h.link_io);
	ev_signal_init(&h.term, term_cb, SIGTERM);
	ev_signal_start(h.loop, &h.term);
	ev_run(h.loop, 0);
	http_stop(srv);
	ev_io_stop(h.loop, &h.link_io);
	ev_signal_stop(h.loop, &h.term);
	upstream_free(&h.up);
	close(HTTPQ_DAEMON_FD);
	ev_loop_destroy(h.loop);
	return 0;
}
