/*
 * health.h: periodic health checks of one app (csup-ecosystem(5): `health`).
 *
 * `url`: an HTTP GET; a 2xx or 3xx answer within timeout_ms is a success
 * (redirects are not followed, proxies from the environment are not used).
 * `tcp` (HOST:PORT): a TCP connect within timeout_ms is a success.
 * The checks themselves run in csup-health (supervisor/healthd/), one
 * request each through the hub (health_hub.h): libcurl never enters the
 * daemon. Nothing here blocks the caller's libev loop.
 *
 * A check starts every interval_ms (none while one is still running).
 * After `retries` consecutive failures the checker stops itself and calls
 * on_failure with the last cause: "HTTP 500", "timeout after 2000 ms",
 * "connection refused", "cannot resolve host", ... A check that csup-health
 * did not finish (it crashed, hung, or was not running) counts as nothing:
 * neither a success nor a failure.
 *
 * Error convention: health_new() returns NULL with errno set.
 * on_failure runs from the loop and may call health_stop() or health_free().
 */
#ifndef CSUP_HEALTH_H
#define CSUP_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct health;
struct health_hub;

struct health_params {
	struct health_hub *hub;		/* csup-health's link; outlives the checker */
	const char	*url;		/* http(s)://..., or NULL */
	const char	*tcp;		/* HOST:PORT ([v6]:PORT), or NULL; one of the two */
	int64_t		 interval_ms;	/* > 0 */
	int64_t		 timeout_ms;	/* > 0 */
	int		 retries;	/* consecutive failures before on_failure; >= 1 */
	void		(*on_failure)(const char *why, void *arg);
	void		*arg;
};

struct health_result {
	bool	 known;		/* false until a check has finished */
	bool	 ok;
	char	 text[160];	/* "HTTP 200", "connected", "timeout after 2000 ms", ... */
	int64_t	 latency_ms;
	double	 at;		/* ev_now() when it finished */
	int	 failures;	/* consecutive failures so far */
	uint64_t checks;	/* checks finished since health_new */
};

/*
 * At spawn or at online: allocate (strings are copied). Checks do not run
 * yet. The hub's first checker asks for csup-health; its last, freed, ends it.
 */
struct health *health_new(struct ev_loop *loop, const struct health_params *p);

/* At online: reset the failure count; the first check runs interval_ms later. */
void	 health_start(struct health *h);
/* At stop/restart: no more checks; one in flight is abandoned (not counted). */
void	 health_stop(struct health *h);
/* At delete/teardown. NULL ok. */
void	 health_free(struct health *h);

/* For describe: the last finished check. */
const struct health_result *health_last(const struct health *h);

#endif
