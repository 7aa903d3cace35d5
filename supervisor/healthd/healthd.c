/*
 * healthd.c: csup-health, the program that runs csupd's health checks
 * (`csup-health`, run by csupd from its own directory while some app has
 * a health check). It reads requests on fd 3, one end of a socketpair the
 * daemon made, runs each as a check of its own (hcheck.c: libcurl's multi
 * interface, many in flight at once) and answers each with a reply
 * (healthproto.h), in the order they finish. EOF on fd 3 (the daemon is
 * gone, or needs no more checks) ends it; so does SIGTERM. libcurl and what
 * it pulls in (TLS, ...) live in this process, never in the daemon's.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <ev.h>

#include "hcheck.h"
#include "healthproto.h"
#include "log.h"
#include "proto.h"

#define HEALTHD_FD	3
#define MAX_RUNNING	4096		/* checks in flight: more are refused */
#define MAX_OUT		(16u << 20)	/* replies the daemon has not read */
#define EXIT_USAGE	2		/* as csup's CSUP_EXIT_USAGE */

struct healthd {
	struct ev_loop		*loop;
	struct hcheck_ctx	*checks;
	int			 fd;
	ev_io			 rd, wr;
	struct proto_reader	 reader;
	char			*out;
	size_t			 out_len, out_cap;
	int			 status;	/* exit status */
};

static void quit(struct healthd *h, int status)
{
	h->status = status;
	ev_break(h->loop, EVBREAK_ALL);
}

/* Replies: queued, written as the socket takes them; the loop never blocks. */

static void flush(struct healthd *h)
{
	ssize_t n;
	size_t off = 0;

	while (off < h->out_len) {
		n = write(h->fd, h->out + off, h->out_len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1) {
			if (errno != EPIPE)
				log_warn("write to the daemon");
			quit(h, errno == EPIPE ? 0 : 1);
			return;
		}
		off += (size_t)n;
	}
	memmove(h->out, h->out + off, h->out_len - off);
	h->out_len -= off;
	if (h->out_len > 0)
		ev_io_start(h->loop, &h->wr);
	else
		ev_io_stop(h->loop, &h->wr);
}

static void queue(struct healthd *h, const struct hproto_reply *r)
{
	json_t *o = hproto_reply_pack(r);
	size_t len = 0;
	char *buf = o != NULL ? proto_encode(o, &len) : NULL;
	char *grown;

	json_decref(o);
	if (buf == NULL) {
		log_warnx("cannot encode the reply to check %llu", (unsigned long long)r->id);
		return;
	}
	if (h->out_len + len > MAX_OUT) {
		log_warnx("the daemon reads no replies: exiting");
		free(buf);
		quit(h, 1);
		return;
	}
	if (h->out_len + len > h->out_cap) {
		if ((grown = realloc(h->out, h->out_len + len + 4096)) == NULL) {
			log_warnx("out of memory: reply to check %llu dropped",
			    (unsigned long long)r->id);
			free(buf);
			return;
		}
		h->out = grown;
		h->out_cap = h->out_len + len + 4096;
	}
	memcpy(h->out + h->out_len, buf, len);
	h->out_len += len;
	free(buf);
	flush(h);
}

static void on_done(uint64_t id, const struct hcheck_result *r, void *arg)
{
	struct hproto_reply rep = { .id = id, .ok = r->ok, .text = r->text,
		.latency_ms = r->latency_ms };

	queue(arg, &rep);
}

static void wr_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	flush(w->data);
}

/* Requests. */

static void refuse(struct healthd *h, uint64_t id, const char *why)
{
	struct hproto_reply rep = { .id = id, .ok = false, .text = why };

	queue(h, &rep);
}

static int request(json_t *msg, void *arg)
{
	struct healthd *h = arg;
	struct hproto_req q;
	json_int_t id;
	char err[200];

	if (hproto_req_unpack(msg, &q, err, sizeof(err)) == -1) {
		/* With an id the daemon hears why; without, only the log does. */
		id = json_integer_value(json_object_get(msg, "id"));
		if (json_is_integer(json_object_get(msg, "id")) && id >= 0)
			refuse(h, (uint64_t)id, err);
		else
			log_warnx("%s", err);
		return 0;
	}
	if (hcheck_running(h->checks) >= MAX_RUNNING) {
		refuse(h, q.id, "too many checks at once");
		return 0;
	}
	if (hcheck_add(h->checks, q.id, q.url, q.tcp, (long)q.timeout_ms) == -1) {
		snprintf(err, sizeof(err), "cannot check: %s", strerror(errno));
		refuse(h, q.id, err);
	}
	return 0;	/* even after a quit(): the whole read is fed */
}

static void rd_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct healthd *h = w->data;
	char buf[16384], err[200];
	ssize_t n;

	(void)loop;
	(void)revents;
	n = read(h->fd, buf, sizeof(buf));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n == -1)
			log_warn("read from the daemon");
		quit(h, n == 0 ? 0 : 1);	/* EOF: no more checks wanted */
		return;
	}
	if (proto_feed_each(&h->reader, buf, (size_t)n, request, h, err,
	    sizeof(err)) == -1) {
		/* The stream is out of step: a new helper starts clean. */
		log_warnx("from the daemon: %s", err);
		quit(h, 1);
	}
}

static int setup(struct healthd *h)
{
	int fl;

	if ((fl = fcntl(HEALTHD_FD, F_GETFL)) == -1)
		return -1;
	if (fcntl(HEALTHD_FD, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(HEALTHD_FD, F_SETFD, FD_CLOEXEC) == -1) {
		log_warn("fd %d", HEALTHD_FD);
		return -1;
	}
	h->fd = HEALTHD_FD;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("curl_global_init failed");
		return -1;
	}
	h->loop = ev_default_loop(EVFLAG_AUTO);
	if (h->loop == NULL || (h->checks = hcheck_new(h->loop, on_done, h)) == NULL) {
		log_warn("cannot set up the checks");
		return -1;
	}
	ev_io_init(&h->rd, rd_cb, h->fd, EV_READ);
	ev_io_init(&h->wr, wr_cb, h->fd, EV_WRITE);
	h->rd.data = h->wr.data = h;
	ev_io_start(h->loop, &h->rd);
	return 0;
}

int main(int argc, char **argv)
{
	struct healthd h = { .fd = -1 };

	(void)argv;
	log_init("csup-health", STDERR_FILENO, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc != 1 || fcntl(HEALTHD_FD, F_GETFD) == -1) {
		fprintf(stderr, "usage: csup-health (run by csupd: requests on fd %d)\n",
		    HEALTHD_FD);
		return EXIT_USAGE;
	}
	if (setup(&h) == -1)
		return 1;
	ev_run(h.loop, 0);
	ev_io_stop(h.loop, &h.rd);
	ev_io_stop(h.loop, &h.wr);
	hcheck_free(h.checks);
	proto_reader_reset(&h.reader);
	free(h.out);
	ev_loop_destroy(h.loop);
	curl_global_cleanup();
	return h.status;
}
