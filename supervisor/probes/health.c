/*
 * health.c: the periodic health checks of one app (health.h). Each check
 * is a request to csup-health through the hub (health_hub.h); this file
 * keeps the schedule, the count of failures and the last result.
 */
#include "health.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "health_hub.h"

struct health {
	struct ev_loop		*loop;
	struct health_hub	*hub;
	struct hub_req		 rq;		/* the check in flight, if rq.id != 0 */
	ev_timer		 tick;		/* every interval */
	char			*url;
	char			*tcp;
	int64_t			 timeout_ms;
	double			 interval;
	int			 retries;
	int			 busy;		/* inside our callbacks: free later */
	bool			 dead;
	struct health_result	 last;
	void			(*on_failure)(const char *, void *);
	void			*arg;
};

static void really_free(struct health *h);

/* Re-entrancy: on_failure may free h; free it on the way out. */
static void enter(struct health *h)
{
	h->busy++;
}

static void leave(struct health *h)
{
	if (--h->busy == 0 && h->dead)
		really_free(h);
}

static void record(struct health *h, const struct hproto_reply *rep)
{
	struct health_result *r = &h->last;

	r->known = true;
	r->ok = rep->ok;
	snprintf(r->text, sizeof(r->text), "%s", rep->text);
	r->latency_ms = rep->latency_ms;
	r->at = ev_now(h->loop);
	r->checks++;
	r->failures = r->ok ? 0 : r->failures + 1;
}

/* A reply, or NULL: csup-health went with the check, which counts as nothing. */
static void done(struct hub_req *rq, const struct hproto_reply *rep)
{
	struct health *h = (struct health *)((char *)rq - offsetof(struct health, rq));

	if (rep == NULL || h->dead)
		return;
	record(h, rep);
	if (h->last.failures < h->retries)
		return;
	enter(h);
	health_stop(h);
	h->on_failure(h->last.text, h->arg);
	leave(h);
}

static void tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct health *h = t->data;

	(void)loop;
	(void)revents;
	if (h->rq.id != 0)
		return;		/* the previous check is still running */
	/* No helper at the moment (restarting after a crash): no check, no count. */
	(void)health_hub_send(h->hub, &h->rq, h->url, h->tcp, h->timeout_ms);
}

struct health *health_new(struct ev_loop *loop, const struct health_params *p)
{
	struct health *h;

	if (p->hub == NULL || (p->url == NULL) == (p->tcp == NULL) || p->interval_ms <= 0 ||
	    p->timeout_ms <= 0 || p->retries < 1 || p->on_failure == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->loop = loop;
	h->hub = p->hub;
	h->timeout_ms = p->timeout_ms;
	h->interval = (double)p->interval_ms / 1000.;
	h->retries = p->retries;
	h->on_failure = p->on_failure;
	h->arg = p->arg;
	h->rq.done = done;
	ev_timer_init(&h->tick, tick_cb, h->interval, h->interval);
	h->tick.data = h;
	if ((p->url != NULL && (h->url = strdup(p->url)) == NULL) ||
	    (p->tcp != NULL && (h->tcp = strdup(p->tcp)) == NULL)) {
		free(h->url);
		free(h);
		errno = ENOMEM;
		return NULL;
	}
	health_hub_ref(h->hub);		/* the first checker starts csup-health */
	return h;
}

void health_start(struct health *h)
{
	health_stop(h);
	h->last.failures = 0;
	ev_timer_set(&h->tick, h->interval, h->interval);
	ev_timer_start(h->loop, &h->tick);
}

void health_stop(struct health *h)
{
	ev_timer_stop(h->loop, &h->tick);
	health_hub_cancel(&h->rq);
}

static void really_free(struct health *h)
{
	struct health_hub *hub = h->hub;

	health_stop(h);
	free(h->url);
	free(h->tcp);
	free(h);
	health_hub_unref(hub);		/* the last one ends csup-health */
}

void health_free(struct health *h)
{
	if (h == NULL)
		return;
	if (h->busy > 0) {
		health_stop(h);
		h->dead = true;
		return;
	}
	really_free(h);
}

const struct health_result *health_last(const struct health *h)
{
	return &h->last;
}
