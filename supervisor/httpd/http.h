/*
 * http.h: the read-only HTTP API and dashboard (docs/monitoring.md), as
 * csup-http serves them (main.c); the callbacks ask csupd (upstream.h).
 *
 * libmicrohttpd runs inside the caller's libev loop, on the caller's thread:
 * MHD is started in external epoll mode (no thread of its own), one ev_io
 * watches MHD's epoll fd and one ev_timer follows MHD_get_timeout(); both
 * call MHD_run(). So every callback below runs on the loop, one request at
 * a time; csup-http's wait for the daemon's answer is bounded (upstream.h).
 * No route changes state.
 *
 * Routes (GET, and HEAD: the same without the body; any other method 405
 * with "Allow: GET, HEAD"):
 *   /                          the dashboard (dashboard.h), text/html
 *   /metrics                   metrics_render() of apps() and counters()
 *   /api/apps                  apps()
 *   /api/apps/NAME             app(NAME), 404 when NULL
 *   /api/apps/NAME/samples     samples(NAME, since), 404 when NULL;
 *                              ?since=MS (Unix epoch ms, default 0), 400 when
 *                              not a non-negative integer
 *   /healthz                   200 "ok" when alive() (liveness: the daemon's
 *                              loop answers), else 503; no alive: always 200
 *   /readyz                    ready(): 200 {} when it is empty (or no
 *                              ready callback), else 503 with it, an object
 *                              naming each app that is not ready and why
 * Anything else: 404 with {"error": "..."}. A callback that fails (apps()
 * returning NULL) gives 500.
 *
 * The address is $CSUP_HTTP's syntax (httpaddr.h). Port 0 binds a free
 * port (tests: http_port()). A listener bound to a loopback address
 * answers 421 to a request whose Host names anything else.
 *
 * Error convention: 0, or -1 with errno (EINVAL: bad address; EADDRINUSE:
 * the port is busy; others from socket/bind/listen or MHD).
 */
#ifndef CSUP_HTTP_H
#define CSUP_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ev.h>
#include <jansson.h>

#include "httpaddr.h"
#include "metrics.h"

/* Each returns a new reference (the server decrefs it), or NULL. */
struct http_callbacks {
	json_t	*(*apps)(void *arg);			/* the `status --json` array */
	json_t	*(*app)(void *arg, const char *name);	/* `describe NAME --json`; NULL: no such app */
	/* [{"t": ms, "procs": n, "memory_bytes": n, "cpu_percent": x}, ...] with
	 * t >= since, oldest first; NULL: no such app. */
	json_t	*(*samples)(void *arg, const char *name, int64_t since_ms);
	void	 (*counters)(void *arg, struct metrics_counters *out);
	void	 *arg;
	/* {NAME: why} of the apps not ready, {} when all are; NULL: none asked. */
	json_t	*(*ready)(void *arg);
	/* The daemon answers (/healthz); NULL: always. */
	bool	 (*alive)(void *arg);
};

struct http_server;

/* Listens on spec itself; *out is NULL (and 0 returned) when spec disables HTTP. cb is copied. */
int  http_start(struct ev_loop *loop, const char *spec,
	    const struct http_callbacks *cb, struct http_server **out);
/* Serves fd, a listening TCP socket (the server's from now on, closed on failure too). */
int  http_start_fd(struct ev_loop *loop, int fd, const struct http_callbacks *cb,
	    struct http_server **out);
/* Stops the watchers, closes every connection and the socket; NULL is fine. */
void http_stop(struct http_server *srv);
/* The bound port (useful after asking for port 0). */
int  http_port(const struct http_server *srv);

#endif
