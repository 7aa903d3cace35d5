/*
 * health.c: HTTP and TCP health checks on curl's multi_socket interface,
 * driven by libev (health.h). One multi handle a checker, at most one
 * transfer in it at a time.
 */
#include "health.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <ev.h>

struct health_sock {
	ev_io			 io;
	struct health		*h;
	struct health_sock	*next;
};

struct health {
	struct ev_loop		*loop;
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

int health_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void health_global_cleanup(void)
{
	curl_global_cleanup();
}

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
		curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &oserr);
		if (oserr == ECONNREFUSED)
			snprintf(buf, len, "connection refused");
		else
			snprintf(buf, len, "cannot connect: %s",
			    oserr != 0 ? strerror((int)oserr) : curl_easy_strerror(rc));
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
		    h->errbuf[0] != '\0' ? h->errbuf : curl_easy_strerror(rc));
	}
}

static void record(struct health *h, CURL *e, CURLcode rc)
{
	struct health_result *r = &h->last;
	curl_off_t us = 0;
	long code = 0;

	curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &us);
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
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
		r->ok = code >= 200 && code < 400;
		snprintf(r->text, sizeof(r->text), "HTTP %ld", code);
	}
	r->failures = r->ok ? 0 : r->failures + 1;
}

static void drop_easy(struct health *h)
{
	if (h->easy == NULL)
		return;
	curl_multi_remove_handle(h->multi, h->easy);
	curl_easy_cleanup(h->easy);
	h->easy = NULL;
}

/* After curl worked: collect a finished check; on_failure last. */
static void collect(struct health *h)
{
	CURLMsg *msg;
	int left;
	bool failed = false;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
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
	curl_multi_socket_action(h->multi, io->fd, action, &running);
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
		curl_multi_assign(h->multi, fd, NULL);
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
		curl_multi_assign(h->multi, fd, s);
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
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
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

	if ((e = curl_easy_init()) == NULL)
		return NULL;
	h->errbuf[0] = '\0';
	rc |= curl_easy_setopt(e, CURLOPT_URL, h->url);
	rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	rc |= curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	rc |= curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, "csup-health/" CSUP_VERSION);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	if (h->tcp)
		rc |= curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	if (rc != CURLE_OK) {
		curl_easy_cleanup(e);
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
	if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK) {
		curl_easy_cleanup(h->easy);
		h->easy = NULL;
	}
}

static int health_init_multi(struct health *h)
{
	CURLMcode rc = CURLM_OK;

	if ((h->multi = curl_multi_init()) == NULL)
		return -1;
	rc |= curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	rc |= curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	rc |= curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	rc |= curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return rc == CURLM_OK ? 0 : -1;
}

struct health *health_new(struct ev_loop *loop, const struct health_params *p)
{
	struct health *h;
	int r;

	if ((p->url == NULL) == (p->tcp == NULL) || p->interval_ms <= 0 ||
	    p->timeout_ms <= 0 || p->retries < 1 || p->on_failure == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->loop = loop;
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
		curl_multi_cleanup(h->multi);	/* may still call sock_cb: h is valid */
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
