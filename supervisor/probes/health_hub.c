/*
 * health_hub.c: requests to csup-health and their replies (health_hub.h).
 */
#include "health_hub.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

#define HUB_MAX_OUT	(1u << 20)	/* requests the helper has not read */

TAILQ_HEAD(hub_req_head, hub_req);

struct health_hub {
	struct ev_loop			*loop;
	const struct health_hub_ops	*ops;
	void				*arg;
	double				 margin;	/* seconds */
	int				 fd;		/* -1: detached */
	ev_io				 rd, wr;
	struct proto_reader		 reader;
	struct hub_req_head		 pending;
	uint64_t			 next_id;
	unsigned			 refs;
	char				*out;
	size_t				 out_len, out_cap;
};

static void unlink_req(struct hub_req *rq)
{
	struct health_hub *hub = rq->hub;

	TAILQ_REMOVE(&hub->pending, rq, entry);
	ev_timer_stop(hub->loop, &rq->deadline);
	rq->id = 0;
}

void health_hub_detach(struct health_hub *hub)
{
	struct hub_req *rq;

	if (hub->fd == -1)
		return;
	ev_io_stop(hub->loop, &hub->rd);
	ev_io_stop(hub->loop, &hub->wr);
	close(hub->fd);
	hub->fd = -1;
	proto_reader_reset(&hub->reader);
	hub->out_len = 0;
	/* Each done() may free other checkers: take one at a time from the head. */
	while ((rq = TAILQ_FIRST(&hub->pending)) != NULL) {
		unlink_req(rq);
		rq->done(rq, NULL);
	}
}

static void broken(struct health_hub *hub, const char *why)
{
	health_hub_detach(hub);
	hub->ops->broken(hub->arg, why);
}

/* Out: queued and written as the socket takes it. */

static int flush(struct health_hub *hub)
{
	size_t off = 0;
	ssize_t n;

	while (off < hub->out_len) {
		n = write(hub->fd, hub->out + off, hub->out_len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1)
			return -1;
		off += (size_t)n;
	}
	memmove(hub->out, hub->out + off, hub->out_len - off);
	hub->out_len -= off;
	if (hub->out_len > 0)
		ev_io_start(hub->loop, &hub->wr);
	else
		ev_io_stop(hub->loop, &hub->wr);
	return 0;
}

static void wr_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct health_hub *hub = w->data;

	(void)loop;
	(void)revents;
	if (flush(hub) == -1)
		broken(hub, strerror(errno));
}

static int queue(struct health_hub *hub, const char *buf, size_t len)
{
	char *grown;

	if (hub->out_len + len > HUB_MAX_OUT) {
		errno = ENOBUFS;
		return -1;
	}
	if (hub->out_len + len > hub->out_cap) {
		if ((grown = realloc(hub->out, hub->out_len + len + 1024)) == NULL)
			return -1;
		hub->out = grown;
		hub->out_cap = hub->out_len + len + 1024;
	}
	memcpy(hub->out + hub->out_len, buf, len);
	hub->out_len += len;
	return 0;
}

/* In: replies to whoever is still waiting for them. */

/* Nonzero when a done() detached the hub: the rest of the read is not fed. */
static int reply(json_t *msg, void *arg)
{
	struct health_hub *hub = arg;
	struct hproto_reply r;
	struct hub_req *rq;
	char err[200];

	if (hproto_reply_unpack(msg, &r, err, sizeof(err)) == -1)
		return 0;	/* one reply lost: its request's deadline ends it */
	TAILQ_FOREACH(rq, &hub->pending, entry)
		if (rq->id == r.id)
			break;
	if (rq == NULL)
		return 0;	/* cancelled, or abandoned after its deadline */
	unlink_req(rq);
	rq->done(rq, &r);
	return hub->fd == -1;
}

static void rd_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct health_hub *hub = w->data;
	char buf[8192], err[200];
	ssize_t n;

	(void)loop;
	(void)revents;
	n = read(hub->fd, buf, sizeof(buf));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* Reset: it went with requests of ours unread. */
		broken(hub, n == 0 || errno == ECONNRESET ? "it closed its end" :
		    strerror(errno));
		return;
	}
	if (proto_feed_each(&hub->reader, buf, (size_t)n, reply, hub, err,
	    sizeof(err)) == -1)
		broken(hub, err);
}

static void deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct hub_req *rq = w->data;
	struct health_hub *hub = rq->hub;
	char why[96];

	(void)loop;
	(void)revents;
	snprintf(why, sizeof(why), "no answer to a check within %.0f ms",
	    w->repeat * 1000.);
	broken(hub, why);	/* rq too is abandoned: the helper is stuck */
}

int health_hub_send(struct health_hub *hub, struct hub_req *rq, const char *url,
    const char *tcp, int64_t timeout_ms)
{
	struct hproto_req q = { .url = url, .tcp = tcp, .timeout_ms = timeout_ms };
	json_t *o;
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;

	if (hub->fd == -1) {
		errno = ENOTCONN;
		return -1;
	}
	q.id = ++hub->next_id;
	if ((o = hproto_req_pack(&q)) == NULL || (buf = proto_encode(o, &len)) == NULL) {
		errno = ENOMEM;
		goto out;
	}
	if (queue(hub, buf, len) == -1) {
		if (errno == ENOBUFS)
			broken(hub, "it reads no requests");
		goto out;
	}
	rq->hub = hub;
	rq->id = q.id;
	TAILQ_INSERT_TAIL(&hub->pending, rq, entry);
	ev_timer_init(&rq->deadline, deadline_cb, 0., (double)(timeout_ms) / 1000. + hub->margin);
	rq->deadline.data = rq;
	ev_timer_again(hub->loop, &rq->deadline);
	rc = 0;
	if (flush(hub) == -1)
		broken(hub, strerror(errno));	/* rq abandoned: done(NULL) ran */
out:
	json_decref(o);
	free(buf);
	return rc;
}

void health_hub_cancel(struct hub_req *rq)
{
	if (rq->id != 0)
		unlink_req(rq);
}

void health_hub_attach(struct health_hub *hub, int fd)
{
	health_hub_detach(hub);
	hub->fd = fd;
	ev_io_set(&hub->rd, fd, EV_READ);
	ev_io_set(&hub->wr, fd, EV_WRITE);
	ev_io_start(hub->loop, &hub->rd);
}

bool health_hub_attached(const struct health_hub *hub)
{
	return hub->fd != -1;
}

void health_hub_ref(struct health_hub *hub)
{
	if (hub->refs++ == 0)
		hub->ops->want(hub->arg, true);
}

void health_hub_unref(struct health_hub *hub)
{
	if (hub->refs > 0 && --hub->refs == 0)
		hub->ops->want(hub->arg, false);
}

struct health_hub *health_hub_new(struct ev_loop *loop, int64_t margin_ms,
    const struct health_hub_ops *ops, void *arg)
{
	struct health_hub *hub;

	if (margin_ms < 0 || ops == NULL || ops->want == NULL || ops->broken == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((hub = calloc(1, sizeof(*hub))) == NULL)
		return NULL;
	hub->loop = loop;
	hub->ops = ops;
	hub->arg = arg;
	hub->margin = (double)margin_ms / 1000.;
	hub->fd = -1;
	TAILQ_INIT(&hub->pending);
	ev_init(&hub->rd, rd_cb);
	ev_init(&hub->wr, wr_cb);
	hub->rd.data = hub->wr.data = hub;
	return hub;
}

void health_hub_free(struct health_hub *hub)
{
	if (hub == NULL)
		return;
	health_hub_detach(hub);
	free(hub->out);
	free(hub);
}
