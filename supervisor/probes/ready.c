/*
 * ready.c: receive sd_notify datagrams for one app generation (ready.h).
 */
#include "ready.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <ev.h>

#define NOTIFY_MAX	4096	/* systemd's limit for one datagram (PIPE_BUF) */
#define STATUS_MAX	512
#define FDS_MAX		253	/* SCM_MAX_FD */
#define RECVS_PER_WAKEUP 16

struct ready {
	struct ev_loop	*loop;
	ev_io		 io;
	ev_timer	 timer;
	int		 fd;
	char		*path;		/* bound file, or NULL for an abstract name */
	char		*notify_socket;	/* NOTIFY_SOCKET value */
	char		*status;
	double		 timeout;
	bool		 ready, timed_out;
	int		 busy;		/* inside a callback: free later */
	bool		 dead;
	uint64_t	 rejected;
	bool		(*belongs)(pid_t, void *);
	void		(*on_ready)(void *);
	void		(*on_timeout)(void *);
	void		(*on_status)(const char *, void *);
	void		*arg;
};

/* What one datagram asks for, applied once it is parsed. */
struct notify_msg {
	bool		 ready;
	const char	*status;	/* points into the datagram */
	size_t		 status_len;
};

static void parse_msg(char *buf, struct notify_msg *m)
{
	char *line, *next;

	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strcmp(line, "READY=1") == 0)
			m->ready = true;
		else if (strncmp(line, "STATUS=", 7) == 0) {
			m->status = line + 7;
			m->status_len = strlen(m->status);
		}
		/* BARRIER=1 needs nothing more: received fds are always closed. */
	}
}

static void close_fds(struct msghdr *mh)
{
	struct cmsghdr *c;
	size_t i, n;
	int fd;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

static bool sender_pid(struct msghdr *mh, pid_t *pid)
{
	struct cmsghdr *c;
	struct ucred uc;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(uc))) {
			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			*pid = uc.pid;
			return uc.pid > 0;
		}
	return false;
}

static void really_free(struct ready *r)
{
	ev_io_stop(r->loop, &r->io);
	ev_timer_stop(r->loop, &r->timer);
	if (r->fd != -1)
		close(r->fd);
	if (r->path != NULL)
		unlink(r->path);
	free(r->path);
	free(r->notify_socket);
	free(r->status);
	free(r);
}

/* Apply a message from a process of the generation; callbacks last. */
static void apply_msg(struct ready *r, const struct notify_msg *m)
{
	bool became_ready = false, new_status = false;
	char *s;

	if (m->status != NULL &&
	    (s = strndup(m->status, m->status_len < STATUS_MAX ? m->status_len : STATUS_MAX)) != NULL) {
		free(r->status);
		r->status = s;
		new_status = true;
	}
	if (m->ready && !r->ready && !r->timed_out) {
		r->ready = became_ready = true;
		ev_timer_stop(r->loop, &r->timer);
	}
	r->busy++;
	if (new_status && r->on_status != NULL)
		r->on_status(r->status, r->arg);
	if (became_ready && !r->dead)
		r->on_ready(r->arg);
	r->busy--;
}

/* 1 when a datagram was handled, 0 when none is left, -1 on error. */
static int recv_one(struct ready *r)
{
	char buf[NOTIFY_MAX + 1];
	union {
		struct cmsghdr	align;
		char		b[CMSG_SPACE(sizeof(struct ucred)) +
				  CMSG_SPACE(sizeof(int) * FDS_MAX)];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = NOTIFY_MAX };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	struct notify_msg m = { 0 };
	ssize_t n;
	pid_t pid;

	do
		n = recvmsg(r->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	close_fds(&mh);
	if (!sender_pid(&mh, &pid) || !r->belongs(pid, r->arg)) {
		r->rejected++;
		return 1;
	}
	if ((mh.msg_flags & MSG_TRUNC) || (size_t)n > NOTIFY_MAX)
		return 1;	/* too long for the protocol: ignored, as systemd does */
	buf[n] = '\0';
	parse_msg(buf, &m);
	apply_msg(r, &m);
	return 1;
}

static void io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct ready *r = io->data;
	int i;

	r->busy++;
	for (i = 0; i < RECVS_PER_WAKEUP && !r->dead; i++)
		if (recv_one(r) != 1)
			break;
	r->busy--;
	if (r->dead)
		really_free(r);
}

static void timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct ready *r = t->data;

	if (r->ready)
		return;
	r->timed_out = true;
	if (r->on_timeout != NULL)
		r->on_timeout(r->arg);	/* last: it may free r */
}

/* Bind to DIR/NAME.sock, or to an abstract name when the path is too long. */
static int bind_socket(struct ready *r, const struct ready_params *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	char *path;
	int n;

	if (asprintf(&path, "%s/%s.sock", p->dir, p->name) == -1)
		return -1;
	if (strlen(path) < sizeof(sa.sun_path)) {
		if (mkdir(p->dir, 0700) == -1 && errno != EEXIST)
			goto fail;
		if (unlink(path) == -1 && errno != ENOENT)
			goto fail;
		memcpy(sa.sun_path, path, strlen(path) + 1);
		if (bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
			goto fail;
		r->path = path;
		r->notify_socket = strdup(path);
		return r->notify_socket != NULL ? 0 : -1;
	}
	free(path);
	n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "csup-%ld-%llu-%s",
	    (long)getpid(), (unsigned long long)p->gen, p->name);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path) - 1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	if (bind(r->fd, (struct sockaddr *)&sa, len) == -1)
		return -1;
	return asprintf(&r->notify_socket, "@%s", sa.sun_path + 1) == -1 ? -1 : 0;
fail:
	free(path);
	return -1;
}

struct ready *ready_new(struct ev_loop *loop, const struct ready_params *p)
{
	struct ready *r;
	int one = 1, saved;

	if (p->belongs == NULL || p->on_ready == NULL || p->name == NULL || p->dir == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->loop = loop;
	r->fd = -1;
	r->belongs = p->belongs;
	r->on_ready = p->on_ready;
	r->on_timeout = p->on_timeout;
	r->on_status = p->on_status;
	r->arg = p->arg;
	r->timeout = p->timeout_ms > 0 ? (double)p->timeout_ms / 1000. : 0.;
	ev_init(&r->io, io_cb);
	ev_timer_init(&r->timer, timer_cb, r->timeout, 0.);
	r->io.data = r->timer.data = r;
	r->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->fd == -1)
		goto fail;
	/* Before bind: no datagram may arrive without credentials. */
	if (setsockopt(r->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == -1)
		goto fail;
	if (bind_socket(r, p) == -1)
		goto fail;
	ev_io_set(&r->io, r->fd, EV_READ);
	ev_io_start(loop, &r->io);
	return r;
fail:
	saved = errno;
	really_free(r);
	errno = saved;
	return NULL;
}

const char *ready_notify_socket(const struct ready *r)
{
	return r->notify_socket;
}

void ready_arm(struct ready *r)
{
	if (r->ready || r->timed_out || r->timeout <= 0.)
		return;
	ev_timer_stop(r->loop, &r->timer);
	ev_timer_set(&r->timer, r->timeout, 0.);
	ev_timer_start(r->loop, &r->timer);
}

bool ready_is_ready(const struct ready *r)
{
	return r->ready;
}

const char *ready_status(const struct ready *r)
{
	return r->status;
}

uint64_t ready_rejected(const struct ready *r)
{
	return r->rejected;
}

void ready_free(struct ready *r)
{
	if (r == NULL)
		return;
	if (r->busy > 0) {
		/* Called from our own callback: io_cb frees on the way out. */
		r->dead = true;
		ev_io_stop(r->loop, &r->io);
		ev_timer_stop(r->loop, &r->timer);
		return;
	}
	really_free(r);
}
