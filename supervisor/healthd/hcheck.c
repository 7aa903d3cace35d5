/*
 * hcheck.c: HTTP and TCP checks on curl's multi_socket interface, driven
 * by libev (hcheck.h). One multi handle for every check; each check its
 * own easy handle, found again through CURLOPT_PRIVATE.
 */
#include "hcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <ev.h>

struct hsock {
	ev_io			 io;
	struct hcheck_ctx	*c;
	struct hsock		*next;
};

struct check {
	struct check	*next;
	CURL		*easy;
	uint64_t	 id;
	bool		 tcp;
	long		 timeout_ms;
	char		 errbuf[CURL_ERROR_SIZE];
};

struct hcheck_ctx {
	struct ev_loop	*loop;
	CURLM		*multi;
	ev_timer	 curl_timer;	/* curl's own timeout */
	struct hsock	*socks;
	struct check	*checks;	/* in flight */
	unsigned	 running;
	hcheck_done_fn	 done;
	void		*arg;
};

/* Results: the texts the daemon shows in describe and its events. */

static void describe_error(struct check *k, CURLcode rc, char *buf, size_t len)
{
	long oserr = 0;

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(buf, len, "timeout after %ld ms", k->timeout_ms);
		return;
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(k->easy, CURLINFO_OS_ERRNO, &oserr);
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
		    k->errbuf[0] != '\0' ? k->errbuf : curl_easy_strerror(rc));
	}
}

static void result_of(struct check *k, CURLcode rc, struct hcheck_result *r)
{
	curl_off_t us = 0;
	long code = 0;

	memset(r, 0, sizeof(*r));
	curl_easy_getinfo(k->easy, CURLINFO_TOTAL_TIME_T, &us);
	r->latency_ms = (int64_t)(us / 1000);
	if (rc != CURLE_OK) {
		describe_error(k, rc, r->text, sizeof(r->text));
	} else if (k->tcp) {
		r->ok = true;
		snprintf(r->text, sizeof(r->text), "connected");
	} else {
		curl_easy_getinfo(k->easy, CURLINFO_RESPONSE_CODE, &code);
		r->ok = code >= 200 && code < 400;
		snprintf(r->text, sizeof(r->text), "HTTP %ld", code);
	}
}

static void check_drop(struct hcheck_ctx *c, struct check *k)
{
	struct check **pp;

	for (pp = &c->checks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	curl_multi_remove_handle(c->multi, k->easy);
	curl_easy_cleanup(k->easy);
	c->running--;
	free(k);
}

/* After curl worked: every finished check, one done() each. */
static void collect(struct hcheck_ctx *c)
{
	struct hcheck_result r;
	struct check *k;
	CURLMsg *msg;
	CURLcode rc;
	uint64_t id;
	int left;

	while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		rc = msg->data.result;
		k = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&k);
		if (k == NULL)
			continue;
		result_of(k, rc, &r);
		id = k->id;
		check_drop(c, k);	/* msg is no longer valid */
		c->done(id, &r, c->arg);
	}
}

/* curl -> libev. */

static void sock_io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct hsock *s = io->data;
	struct hcheck_ctx *c = s->c;	/* s may be freed by curl's callback below */
	int running, action = 0;

	(void)loop;
	if (revents & EV_READ)
		action |= CURL_CSELECT_IN;
	if (revents & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	curl_multi_socket_action(c->multi, io->fd, action, &running);
	collect(c);
}

static void sock_free(struct hcheck_ctx *c, struct hsock *s)
{
	struct hsock **pp;

	ev_io_stop(c->loop, &s->io);
	for (pp = &c->socks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	free(s);
}

static int sock_cb(CURL *e, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct hcheck_ctx *c = userp;
	struct hsock *s = sockp;
	int events = 0;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL)
			sock_free(c, s);
		curl_multi_assign(c->multi, fd, NULL);
		return 0;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		s->c = c;
		s->next = c->socks;
		c->socks = s;
		ev_init(&s->io, sock_io_cb);
		s->io.data = s;
		curl_multi_assign(c->multi, fd, s);
	}
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	ev_io_stop(c->loop, &s->io);
	ev_io_set(&s->io, fd, events);
	ev_io_start(c->loop, &s->io);
	return 0;
}

static void curl_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct hcheck_ctx *c = t->data;
	int running;

	(void)loop;
	(void)revents;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect(c);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct hcheck_ctx *c = userp;

	(void)multi;
	ev_timer_stop(c->loop, &c->curl_timer);
	if (timeout_ms >= 0) {
		/* 0 too goes through the loop: curl must not be re-entered from here. */
		ev_timer_set(&c->curl_timer, (double)timeout_ms / 1000., 0.);
		ev_timer_start(c->loop, &c->curl_timer);
	}
	return 0;
}

/* A check. */

static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	(void)arg;
	(void)purpose;
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static CURL *easy_new(struct check *k, const char *url)
{
	CURL *e;
	CURLcode rc = CURLE_OK;

	if ((e = curl_easy_init()) == NULL)
		return NULL;
	rc |= curl_easy_setopt(e, CURLOPT_URL, url);
	rc |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, k->timeout_ms);
	rc |= curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	rc |= curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	rc |= curl_easy_setopt(e, CURLOPT_USERAGENT, "csup-health/" CSUP_VERSION);
	rc |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	rc |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, k->errbuf);
	rc |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	rc |= curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)k);
	if (k->tcp)
		rc |= curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	if (rc != CURLE_OK) {
		curl_easy_cleanup(e);
		return NULL;
	}
	return e;
}

int hcheck_add(struct hcheck_ctx *c, uint64_t id, const char *url, const char *tcp,
    long timeout_ms)
{
	struct check *k;
	char *u = NULL;
	int rc = -1;

	if ((url == NULL) == (tcp == NULL) || timeout_ms <= 0) {
		errno = EINVAL;
		return -1;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return -1;
	k->id = id;
	k->tcp = tcp != NULL;
	k->timeout_ms = timeout_ms;
	if (tcp != NULL && asprintf(&u, "http://%s/", tcp) == -1) {
		u = NULL;
		goto out;
	}
	if ((k->easy = easy_new(k, u != NULL ? u : url)) == NULL ||
	    curl_multi_add_handle(c->multi, k->easy) != CURLM_OK) {
		errno = ENOMEM;
		goto out;
	}
	k->next = c->checks;
	c->checks = k;
	c->running++;
	rc = 0;
out:
	if (rc == -1) {
		if (k->easy != NULL)
			curl_easy_cleanup(k->easy);
		free(k);
	}
	free(u);
	return rc;
}

unsigned hcheck_running(const struct hcheck_ctx *c)
{
	return c->running;
}

struct hcheck_ctx *hcheck_new(struct ev_loop *loop, hcheck_done_fn done, void *arg)
{
	struct hcheck_ctx *c;
	CURLMcode rc = CURLM_OK;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->loop = loop;
	c->done = done;
	c->arg = arg;
	ev_timer_init(&c->curl_timer, curl_timer_cb, 0., 0.);
	c->curl_timer.data = c;
	if ((c->multi = curl_multi_init()) == NULL) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	rc |= curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	rc |= curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	rc |= curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	rc |= curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	if (rc != CURLM_OK) {
		hcheck_free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

void hcheck_free(struct hcheck_ctx *c)
{
	struct hsock *s;

	if (c == NULL)
		return;
	while (c->checks != NULL)
		check_drop(c, c->checks);
	ev_timer_stop(c->loop, &c->curl_timer);
	curl_multi_cleanup(c->multi);	/* may still call sock_cb: c is valid */
	while ((s = c->socks) != NULL)
		sock_free(c, s);
	free(c);
}
