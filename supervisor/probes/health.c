/*
 * health.c: HTTP and TCP health checks on curl's multi_socket interface,
 * driven by libev (health.h). One multi handle a checker, at most one
 * transfer in it at a time. libcurl through the caller's health_lib table.
 */
#include "health.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ev.h>

#include "health_lib.h"

struct health_sock {
	ev_io			 io;
	struct health		*h;
	struct health_sock	*next;
};

struct health {
	struct ev_loop		*loop;
	const struct health_lib	*c;		/* libcurl, loaded by the caller */
	CURLM			*multi;
	CURL			*easy;		/* the check in flight, or NULL */
	ev_timer		 tick;		/* every interval */
	ev_timer		 curl_timer;	/* curl's own timeout */
	struct health_sock	*socks;
	char			*url;
	bool			 tcp;
	long			 timeout_ms;
	double			 interval;
	int			 retries;
	int			 busy;		/* inside our callbacks: free later */
	bool			 dead;
	struct health_result	 last;
	char			 errbuf[CURL_ERROR_SIZE];
	void			(*on_failure)(const char *, void *);
	void			*arg;
};

static void really_free(struct health *h);

/* Re-entrancy: a callback of ours may free h; free it on the way out. */
static void enter(struct health *h)
{
	h->busy++;
}

static void leave(struct health *h)
{
	if (--h->busy == 0 && h->dead)
		really_free(h);
}

/* Results. */

static void describe_error(struct health *h, CURL *e, CURLcode rc, char *buf, size_t len)
{
	long oserr = 0;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(buf, len, "timeout after %ld ms", h->timeout_ms);
		return;
	case CURLE_COULDNT_CONNECT:
		h->c->easy_getinfo(e, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNREFUSED)
			snprintf(buf, len, "connection refused");
		else
			snprintf(buf, len, "cannot connect: %s",
			    oserr != 0 ? strerror((int)oserr) : h->c->easy_strerror(rc));
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(buf, len, "cannot resolve host");
		return;
	case CURLE_GOT_NOTHING:
		snprintf(buf, len, "empty reply");
		return;
	default:
		/* errbuf can be longer than the result text: cut on purpose. */
		snprintf(buf, len, "%.*s", (int)len - 1,
		    h->errbuf[0] != '\0' ? h->errbuf : h->c->easy_strerror(rc));
	}
}

static void record(struct health *h, CURL *e, CURLcode rc)
{
	struct health_result *r = &h->last;
	curl_off_t us = 0;
	long code = 0;

	h->c->easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &us);
	r->known = true;
	r->latency_ms = (int64_t)(us / 1000);
	r->at = ev_now(h->loop);
	r->checks++;
	if (rc != CURLE_OK) {
		r->ok = false;
		describe_error(h, e, rc, r->text, sizeof(r->text));
	} else if (h->tcp) {
		r->ok = true;
		snprintf(r->text, sizeof(r->text), "connected");
	} else {
		h->c->easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
		r->ok = code >= 200 && code < 400;
		snprintf(r->text, sizeof(r->text), "HTTP %ld", code);
	}
	r->failures = r->ok ? 0 : r->failures + 1;
}

static void drop_easy(struct health *h)
{
	if (h->easy == NULL)
		return;
	h->c->multi_remove_handle(h->multi, h->easy);
	h->c->easy_cleanup(h->easy);
	h->easy = NULL;
}

/* After curl worked: collect a finished check; on_failure last. */
static void collect(struct health *h)
{
	CURLMsg *msg;
	int left;
	bool failed = false;

	while ((msg = h->c->multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE || msg->easy_handle != h->easy)
			continue;
		record(h, h->easy, msg->data.result);
		drop_easy(h);
		if (h->last.failures >= h->retries)
			failed = true;
		break;		/* the handle is gone: msg is no longer valid */
	}
	if (!failed)
		return;
	health_stop(h);
	h->on_failure(h->last.text, h->arg);
}

/* curl -> libev. */

static void sock_io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct health_sock *s = io->data;
	struct health *h = s->h;	/* s may be freed by curl's callback below */
	int running, action = 0;

	if (revents & EV_READ)
		action |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	enter(h);
	h->c->multi_socket_action(h->multi, io->fd, action, &running);
	collect(h);
	leave(h);
}

static void sock_free(struct health *h, struct health_sock *s)
{
	struct health_sock **pp;

	ev_io_stop(h->loop, &s->io);
	for (pp = &h->socks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	free(s);
}

static int sock_cb(CURL *e, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct health *h = userp;
	struct health_sock *s = sockp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL)
			sock_free(h, s);
		h->c->multi_assign(h->multi, fd, NULL);
		return 0;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		s->h = h;
		s->next = h->socks;
		h->socks = s;
		ev_init(&s->io, sock_io_cb);
		s->io.data = s;
		h->c->multi_assign(h->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	ev_io_stop(h->loop, &s->io);
	ev_io_set(&s->io, fd, events);
	ev_io_start(h->loop, &s->io);
	return 0;
}

static void curl_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct health *h = t->data;
	int running;

	enter(h);
	h->c->multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect(h);
	leave(h);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct health *h = userp;

	ev_timer_stop(h->loop, &h->curl_timer);
	if (timeout_ms >= 0) {
		/* 0 too goes through the loop: curl must not be re-entered from here. */
		ev_timer_set(&h->curl_timer, (double)timeout_ms / 1000., 0.);
		ev_timer_start(h->loop, &h->curl_timer);
	}
	return 0;
}

/* A check. */

static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	return size * n;
}

static CURL *easy_new(struct health *h)
{
	CURL *e;
	CURLcode rc = CURLE_OK;

	if ((e = h->c->easy_init()) == NULL)
		return NULL;
	h->errbuf[0] = '\0';
	rc |= h->c->easy_setopt(e, CURLOPT_URL, h->url);
	rc |= h->c->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= h->c->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	rc |= h->c->easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	rc |= h->c->easy_setopt(e, CURLOPT_NOPROXY, "*");
	rc |= h->c->easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	rc |= h->c->easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	rc |= h->c->easy_setopt(e, CURLOPT_USERAGENT, "csup-health/" CSUP_VERSION);
	rc |= h->c->easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	rc |= h->c->easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
	rc |= h->c->easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	if (h->tcp)
		rc |= h->c->easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	if (rc != CURLE_OK) {
		h->c->easy_cleanup(e);
		return NULL;
	}
	return e;
}

static void tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct health *h = t->data;

	if (h->easy != NULL)
		return;		/* the previous check is still running */
	if ((h->easy = easy_new(h)) == NULL)
		return;
	if (h->c->multi_add_handle(h->multi, h->easy) != CURLM_OK) {
		h->c->easy_cleanup(h->easy);
		h->easy = NULL;
	}
}

static int health_init_multi(struct health *h)
{
	CURLMcode rc = CURLM_OK;

	if ((h->multi = h->c->multi_init()) == NULL)
		return -1;
	rc |= h->c->multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	rc |= h->c->multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	rc |= h->c->multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	rc |= h->c->multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return rc == CURLM_OK ? 0 : -1;
}

struct health *health_new(struct ev_loop *loop, const struct health_params *p)
{
	struct health *h;
	int r;

	if (p->lib == NULL || (p->url == NULL) == (p->tcp == NULL) || p->interval_ms <= 0 ||
	    p->timeout_ms <= 0 || p->retries < 1 || p->on_failure == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->loop = loop;
	h->c = p->lib;
	h->tcp = p->tcp != NULL;
	h->timeout_ms = (long)p->timeout_ms;
	h->interval = (double)p->interval_ms / 1000.;
	h->retries = p->retries;
	h->on_failure = p->on_failure;
	h->arg = p->arg;
	ev_timer_init(&h->tick, tick_cb, h->interval, h->interval);
	ev_timer_init(&h->curl_timer, curl_timer_cb, 0., 0.);
	h->tick.data = h->curl_timer.data = h;
	if (h->tcp)
		r = asprintf(&h->url, "http://%s/", p->tcp);
	else
		r = (h->url = strdup(p->url)) == NULL ? -1 : 0;
	if (r == -1 || health_init_multi(h) == -1) {
		really_free(h);
		errno = ENOMEM;
		return NULL;
	}
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
	drop_easy(h);
	ev_timer_stop(h->loop, &h->curl_timer);
}

static void really_free(struct health *h)
{
	struct health_sock *s;

	health_stop(h);
	if (h->multi != NULL)
		h->c->multi_cleanup(h->multi);	/* may still call sock_cb: h is valid */
	while ((s = h->socks) != NULL)
		sock_free(h, s);
	free(h->url);
	free(h);
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
