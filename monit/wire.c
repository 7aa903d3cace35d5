/*
 * wire.c: requests to the daemon over the control socket, framed as every
 * client frames them (proto.c). Non-blocking, so that a restart that takes
 * seconds never freezes the screen: the caller polls w->fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"
#include "monit.h"

int64_t monit_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t monit_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int connect_sock(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	/* A local socket connects at once or not at all (no EINPROGRESS). */
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		close(fd);
		return -1;
	}
	return fd;
}

int wire_start(struct wire_call *w, const char *sock, json_t *req, int64_t timeout_ms)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->out = proto_encode(req, &w->out_len);
	json_decref(req);
	if (w->out == NULL)
		return -1;
	if ((w->reader = calloc(1, sizeof(struct proto_reader))) == NULL ||
	    (w->fd = connect_sock(sock)) == -1) {
		wire_close(w);
		return -1;
	}
	w->deadline_ms = timeout_ms > 0 ? monit_mono_ms() + timeout_ms : 0;
	return 0;
}

short wire_events(const struct wire_call *w)
{
	return w->out_off < w->out_len ? POLLOUT : POLLIN;
}

static int send_some(struct wire_call *w)
{
	ssize_t n;

	while (w->out_off < w->out_len) {
		n = send(w->fd, w->out + w->out_off, w->out_len - w->out_off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		w->out_off += (size_t)n;
	}
	return 1;
}

static int read_some(struct wire_call *w)
{
	char buf[8192], err[256];
	size_t used, off;
	ssize_t n;
	int rc;

	for (;;) {
		n = read(w->fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			errno = n == 0 ? ECONNRESET : errno;
			return -1;
		}
		for (off = 0; off < (size_t)n; off += used) {
			rc = proto_feed(w->reader, buf + off, (size_t)n - off, &used,
			    &w->reply, err, sizeof(err));
			if (rc == -1) {
				errno = EPROTO;
				return -1;
			}
			if (rc == 1)
				return 1;
		}
	}
}

int wire_step(struct wire_call *w)
{
	int rc;

	if (w->reply != NULL)
		return 1;
	if (w->deadline_ms && monit_mono_ms() >= w->deadline_ms) {
		errno = ETIMEDOUT;
		return -1;
	}
	if ((rc = send_some(w)) <= 0)
		return rc;
	return read_some(w);
}

void wire_close(struct wire_call *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->reader) {
		proto_reader_reset(w->reader);
		free(w->reader);
	}
	free(w->out);
	json_decref(w->reply);
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}

json_t *wire_query(const char *sock, json_t *req, int64_t timeout_ms, char *err, size_t len)
{
	struct wire_call w;
	struct pollfd pfd;
	json_t *reply = NULL;
	int rc;

	snprintf(err, len, "%s", "");
	if (wire_start(&w, sock, req, timeout_ms) == -1)
		return NULL;
	while ((rc = wire_step(&w)) == 0) {
		pfd = (struct pollfd){ .fd = w.fd, .events = wire_events(&w) };
		if (poll(&pfd, 1, 100) == -1 && errno != EINTR)
			break;
	}
	if (rc == 1 && json_is_true(json_object_get(w.reply, "ok"))) {
		reply = json_incref(w.reply);
	} else if (rc == 1) {
		snprintf(err, len, "%s", json_string_value(json_object_get(w.reply, "error")) ?:
		    "the daemon refused");
		errno = EINVAL;
	}
	rc = errno;
	wire_close(&w);
	errno = rc;
	return reply;
}
