/*
 * healthlink.h: csup-health for the daemon's health checks (healthlink.c):
 * the sidecar (sidecar.h) that runs it and the hub (health_hub.h) that
 * talks to it, made together on the first health check.
 *
 * csup-health runs from the first checker made to the last freed, gets a
 * new socketpair at each start, and is started again (with the sidecar's
 * backoff) after a crash; one that stops answering is killed and started
 * again. Checks in flight at such a moment count as nothing.
 */
#ifndef CSUP_HEALTHLINK_H
#define CSUP_HEALTHLINK_H

struct daemon;
struct health_hub;

/* How much longer than its timeout the daemon waits for a check's reply. */
#define HEALTHLINK_MARGIN_MS	2000

/* The hub for health_new(), made on first use; NULL with errno. */
struct health_hub *healthlink_hub(struct daemon *d);
/* At teardown, after the last checker is freed. */
void	 healthlink_free(struct daemon *d);

#endif
