/*
 * health_hub.h: the daemon's end of the link to csup-health (health_hub.c):
 * requests out, replies back to the checker that asked (healthproto.h's
 * messages in proto.h's frames), each request bounded on this side too.
 * The hub never starts or ends a process: its owner does, told through
 * the ops, and hands the hub one end of a socketpair per helper started.
 *
 * - want(arg, true) when the first checker is made (health_new), want(arg,
 *   false) when the last is freed: the owner starts the helper and calls
 *   health_hub_attach(), or detaches and ends it.
 * - broken(arg, why) when the link fails: EOF, a bad frame, a reply that
 *   does not come within the check's timeout plus the hub's margin, replies
 *   not read. The hub has detached already; the owner ends that helper and
 *   attaches a new one (with a backoff).
 *
 * A request in flight when the helper goes (detach, broken) is abandoned:
 * its done() gets NULL, and the checker counts nothing: an app is never
 * restarted because csup-health died or hung. The loop never blocks on
 * the link: writes are queued (bounded), reads take what is there.
 *
 * Callbacks run from the loop; done() and broken() may free checkers and
 * call health_hub_detach(), never health_hub_free().
 */
#ifndef CSUP_HEALTH_HUB_H
#define CSUP_HEALTH_HUB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <ev.h>

#include "healthproto.h"

struct health_hub;

struct health_hub_ops {
	void	(*want)(void *arg, bool on);
	void	(*broken)(void *arg, const char *why);
};

/* A request in flight, embedded in its checker. */
struct hub_req {
	TAILQ_ENTRY(hub_req)	 entry;
	uint64_t		 id;		/* 0: not in flight */
	ev_timer		 deadline;	/* timeout_ms + the hub's margin */
	struct health_hub	*hub;
	/* The reply, or NULL: abandoned (the helper went), count nothing. */
	void			(*done)(struct hub_req *rq, const struct hproto_reply *r);
};

/* margin_ms: how much longer than a check's timeout a reply may take. */
struct health_hub *health_hub_new(struct ev_loop *loop, int64_t margin_ms,
	    const struct health_hub_ops *ops, void *arg);
/* At teardown, after the last checker. NULL ok. */
void	 health_hub_free(struct health_hub *hub);

/* A checker exists / is gone: want() on the first and after the last. */
void	 health_hub_ref(struct health_hub *hub);
void	 health_hub_unref(struct health_hub *hub);

/* The helper started: fd is the daemon's end of its socketpair; the hub owns it. */
void	 health_hub_attach(struct health_hub *hub, int fd);
/* The helper went (or is being ended): requests in flight abandoned. Idempotent. */
void	 health_hub_detach(struct health_hub *hub);
bool	 health_hub_attached(const struct health_hub *hub);

/*
 * Sends one check; rq must not be in flight. -1 (ENOTCONN) while no helper
 * is attached: the caller skips this check, it counts as nothing.
 */
int	 health_hub_send(struct health_hub *hub, struct hub_req *rq, const char *url,
	    const char *tcp, int64_t timeout_ms);
/* rq's reply, should one come, is dropped. Not in flight: nothing. */
void	 health_hub_cancel(struct hub_req *rq);

#endif
