/*
 * hcheck.h: the checks of csup-health (hcheck.c), on libcurl's multi_socket
 * interface driven by a libev loop: many checks in flight at once in one
 * multi handle, none blocking another (curl's asynchronous resolver, its
 * sockets as ev_io watchers, its timeout an ev_timer).
 *
 * `url`: an HTTP GET; a 2xx or 3xx answer within timeout_ms is a success
 * (redirects are not followed, proxies from the environment are not used).
 * `tcp` (HOST:PORT, [v6]:PORT): a TCP connect within timeout_ms is a
 * success (curl's CONNECT_ONLY, so no second connect path).
 *
 * Texts: "HTTP 200", "connected", "timeout after 2000 ms",
 * "connection refused", "cannot resolve host", "empty reply", ...
 *
 * Error convention: hcheck_new() NULL and hcheck_add() -1 with errno set.
 * done() runs from the loop, once a check, never from inside hcheck_add().
 */
#ifndef CSUP_HCHECK_H
#define CSUP_HCHECK_H

#include <stdbool.h>
#include <stdint.h>

struct ev_loop;
struct hcheck_ctx;

struct hcheck_result {
	bool	 ok;
	char	 text[160];
	int64_t	 latency_ms;
};

typedef void (*hcheck_done_fn)(uint64_t id, const struct hcheck_result *r, void *arg);

/* curl_global_init() first, once, from the one thread. */
struct hcheck_ctx *hcheck_new(struct ev_loop *loop, hcheck_done_fn done, void *arg);
/* Starts a check: exactly one of url and tcp; timeout_ms > 0. */
int	 hcheck_add(struct hcheck_ctx *c, uint64_t id, const char *url, const char *tcp,
	    long timeout_ms);
/* Checks in flight. */
unsigned hcheck_running(const struct hcheck_ctx *c);
/* Checks in flight are dropped without done(). NULL ok. */
void	 hcheck_free(struct hcheck_ctx *c);

#endif
