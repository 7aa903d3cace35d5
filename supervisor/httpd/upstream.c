/*
 * upstream.c: csup-http asks csupd (upstream.h). Blocking with a deadline
 * (poll): csup-http has nothing else to do while a request waits for its
 * data, and the daemon answers from its loop at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "upstream.h"

void upstream_init(struct upstream *u, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	memset(u, 0, sizeof(*u));
	u->fd = fd;
	u->wait_ms = UPSTREAM_WAIT_MS;
	u->next_id = 1;
	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void upstream_free(struct upstream *u)
{
	proto_reader_reset(&u->rd);
}

/* Waits for ev on the fd until deadline (csup_mono_ms); 1 ready, 0 timed out, -1 error. */
static int wait_fd(struct upstream *u, short ev, int64_t deadline)
{
	struct pollfd p = { u->fd, ev, 0 };
	int64_t left;
	int r;

	for (;;) {
		if ((left = deadline - csup_mono_ms()) <= 0)
			return 0;
		r = poll(&p, 1, (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		return r == -1 ? -1 : r > 0;
	}
}

static int send_all(struct upstream *u, const char *buf, size_t len, int64_t deadline)
{
	ssize_t n;

	while (len > 0) {
		n = send(u->fd, buf, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			if (wait_fd(u, POLLOUT, deadline) != 1)
				return -1;
			continue;
		}
		if (n == -1) {
			u->closed = true;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One frame read, without waiting: 1 with *msg, 0 none complete yet, -1 closed or broken. */
static int read_frame(struct upstream *u, json_t **msg)
{
	char buf[4096], err[128];
	size_t want, used;
	ssize_t n;
	int rc;

	for (;;) {
		/* Exactly what the frame still needs: nothing of the next is eaten. */
		want = u->rd.hdr_got < 4 ? 4 - u->rd.hdr_got : u->rd.body_len - u->rd.body_got;
		if (want > sizeof(buf))
			want = sizeof(buf);
		n = read(u->fd, buf, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			u->closed = true;
			return -1;
		}
		rc = proto_feed(&u->rd, buf, (size_t)n, &used, msg, err, sizeof(err));
		if (rc == -1) {
			log_warnx("daemon link: %s", err);
			u->closed = true;
			return -1;
		}
		if (rc == 1)
			return 1;
	}
}

json_t *upstream_ask(struct upstream *u, const char *q, const char *name, int64_t since,
    bool *answered)
{
	int64_t deadline = csup_mono_ms() + u->wait_ms;
	json_int_t id = u->next_id++;
	json_t *req, *msg = NULL, *v = NULL;
	size_t len;
	char *buf;
	int rc;

	if (answered != NULL)
		*answered = false;
	if (u->closed || (req = json_pack("{s:I,s:s}", "id", id, "q", q)) == NULL)
		return NULL;
	if (name != NULL)
		json_object_set_new(req, "name", json_string(name));
	if (since >= 0)
		json_object_set_new(req, "since", json_integer(since));
	buf = proto_encode(req, &len);
	json_decref(req);
	if (buf == NULL)
		return NULL;
	rc = send_all(u, buf, len, deadline);
	free(buf);
	while (rc == 0) {
		if ((rc = read_frame(u, &msg)) == 0) {
			rc = wait_fd(u, POLLIN, deadline) == 1 ? 0 : -1;
			continue;
		}
		if (rc == 1) {
			if (json_integer_value(json_object_get(msg, "id")) == id) {
				v = json_incref(json_object_get(msg, "v"));
				json_decref(msg);
				if (answered != NULL)
					*answered = true;
				break;
			}
			json_decref(msg);	/* a late answer to an earlier question */
			msg = NULL;
			rc = 0;
		}
	}
	if (json_is_null(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

void upstream_drain(struct upstream *u)
{
	json_t *msg;

	while (read_frame(u, &msg) == 1)
		json_decref(msg);
}
