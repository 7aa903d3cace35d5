/*
 * http.h: the read-only HTTP API and dashboard (docs/monitoring.md).
 *
 * libmicrohttpd runs inside the caller's libev loop, on the caller's thread:
 * MHD is started in external epoll mode (no thread of its own), one ev_io
 * watches MHD's epoll fd and one ev_timer follows MHD_get_timeout(); both
 * call MHD_run(). So every callback below runs on the loop, between two
 * other events, and may read daemon state freely. No route changes state.
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
 *   /healthz                   200 "ok" (liveness: the loop answers)
 *   /readyz                    ready(): 200 {} when it is empty (or no
 *                              ready callback), else 503 with it, an object
 *                              naming each app that is not ready and why
 * Anything else: 404 with {"error": "..."}. A callback that fails (apps()
 * returning NULL) gives 500.
 *
 * The address is $CSUP_HTTP's syntax: "off" (or "0") disables; "HOST:PORT",
 * "[V6]:PORT", ":PORT" or "PORT" (loopback 127.0.0.1); NULL or "" is the
 * default 127.0.0.1:9615. HOST is numeric, or "localhost". Port 0 binds a
 * free port (tests: http_port()).
 *
 * Error convention: 0, or -1 with errno (EINVAL: bad address; EADDRINUSE:
 * the port is busy; others from socket/bind/listen or MHD). The caller logs
 * it and runs on without HTTP.
 */
#ifndef CSUP_HTTP_H
#define CSUP_HTTP_H

#include <stdint.h>
#include <sys/socket.h>

#include <ev.h>
#include <jansson.h>

#include "metrics.h"

#define HTTP_DEFAULT_ADDR "127.0.0.1:9615"

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
};

struct http_server;

/* Parse spec into *ss; 1 when spec disables HTTP, 0 when parsed, -1 (EINVAL). */
int  http_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len);
/* *out is NULL (and 0 returned) when spec disables HTTP. cb is copied. */
int  http_start(struct ev_loop *loop, const char *spec,
	    const struct http_callbacks *cb, struct http_server **out);
/* Stops the watchers, closes every connection and the socket; NULL is fine. */
void http_stop(struct http_server *srv);
/* The bound port (useful after asking for port 0). */
int  http_port(const struct http_server *srv);

#endif
