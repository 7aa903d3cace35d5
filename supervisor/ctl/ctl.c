/*
 * ctl.c: the control socket. Non-blocking throughout: a client's request
 * is read frame by frame (length checked before the body), handed to the
 * owner's on_frame, and answered whenever the owner calls ctl_reply(), at
 * once or later, so a stop that waits out a kill_timeout never delays
 * another client. A malformed or oversized frame closes that client only.
 *
 * Limits: a frame must be complete within the idle timeout
 * ($CSUP_CTL_IDLE_MS, default 30 s) of the server starting to wait for it;
 * a client being answered is not timed (it has sent its whole request).
 * At most CTL_MAX_CONNS clients at once, and no more than half the soft
 * fd limit (the rest is for apps, pipes and the store): further clients
 * are closed at accept, so the server never runs out of fds to them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "proto.h"

#define CTL_MAX_CONNS	1024	/* or half the fd limit, if lower */
#define CTL_IDLE_MS	30000

/* The struct that embeds a watcher, from the watcher's pointer. */
#define OWNER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	struct ctl		*s;
	int			 fd;
	ev_io			 rio, wio;
	ev_timer		 idle;		/* runs while a frame is awaited */
	struct proto_reader	 rd;
	char			*out;
	size_t			 outlen, outoff;
	bool			 kill_reply;	/* answer from ctl_kill_replies() */
	void			*pending;	/* the owner's, until the reply */
};

static void conn_close(struct ctl_conn *c)
{
	struct ctl *s = c->s;

	if (s->ops->on_close)
		s->ops->on_close(s->ctx, c);
	ev_io_stop(s->loop, &c->rio);
	ev_io_stop(s->loop, &c->wio);
	ev_timer_stop(s->loop, &c->idle);
	close(c->fd);
	proto_reader_reset(&c->rd);
	free(c->out);
	TAILQ_REMOVE(&s->conns, c, entry);
	free(c);
}

static int conn_write(struct ctl_conn *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n == -1)
			return -1;
		c->outoff += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	c->outlen = c->outoff = 0;
	return 1;
}

/* Waits for the next frame, timed. */
static void conn_await(struct ctl_conn *c)
{
	ev_io_start(c->s->loop, &c->rio);
	ev_timer_again(c->s->loop, &c->idle);
}

static void conn_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct ctl_conn *c = OWNER_OF(w, struct ctl_conn, idle);

	log_warnx("control client closed: no complete request within %.0f ms",
	    c->idle.repeat * 1000);
	conn_close(c);
}

static void conn_wio_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn *c = OWNER_OF(w, struct ctl_conn, wio);
	int rc = conn_write(c);

	if (rc == -1) {
		conn_close(c);
		return;
	}
	if (rc == 1) {
		ev_io_stop(loop, &c->wio);
		conn_await(c);
	}
}

void ctl_reply(struct ctl_conn *c, json_t *reply)
{
	size_t len;
	char *buf;
	int rc;

	c->pending = NULL;
	buf = proto_encode(reply, &len);
	json_decref(reply);
	if (buf == NULL) {
		log_warnx("cannot encode a reply");
		conn_close(c);
		return;
	}
	free(c->out);
	c->out = buf;
	c->outlen = len;
	c->outoff = 0;
	if ((rc = conn_write(c)) == -1) {
		conn_close(c);
		return;
	}
	if (rc == 0) {
		ev_io_start(c->s->loop, &c->wio);
		return;
	}
	conn_await(c);
}

void ctl_set_pending(struct ctl_conn *c, void *pending)
{
	c->pending = pending;
}

void *ctl_pending(const struct ctl_conn *c)
{
	return c->pending;
}

/* Writes what is queued for c, blocking. */
static void conn_flush_sync(struct ctl_conn *c)
{
	int fl = fcntl(c->fd, F_GETFL);

	if (fl != -1)
		fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
	if (c->out)
		conn_write(c);
}

void ctl_mark_kill(struct ctl_conn *c)
{
	c->kill_reply = true;
}

void ctl_kill_replies(struct ctl *s, const json_t *reply)
{
	struct ctl_conn *c, *next;

	for (c = TAILQ_FIRST(&s->conns); c; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->kill_reply)
			continue;
		c->kill_reply = false;
		free(c->out);
		c->outoff = 0;
		c->out = proto_encode(reply, &c->outlen);
		/* The server exits next: write it all now, blocking. */
		if (c->out)
			conn_flush_sync(c);
	}
}

static size_t need(const struct proto_reader *r)
{
	return r->hdr_got < 4 ? 4 - r->hdr_got : r->body_len - r->body_got;
}

static void conn_rio_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn *c = OWNER_OF(w, struct ctl_conn, rio);
	struct ctl *s = c->s;
	/*
	 * One page: proto_feed copies into the frame's own buffer anyway, and
	 * a larger one (it was 64 KiB) is written whole by a big `start`
	 * and stays resident in the daemon's stack.
	 */
	char buf[4096], err[256];
	size_t want, used;
	json_t *msg;
	ssize_t n;
	int rc;

	for (;;) {
		/* Exactly what the frame still needs: nothing of the next is eaten. */
		want = need(&c->rd) < sizeof(buf) ? need(&c->rd) : sizeof(buf);
		n = read(c->fd, buf, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		rc = proto_feed(&c->rd, buf, (size_t)n, &used, &msg, err, sizeof(err));
		if (rc == -1) {
			log_warnx("control client closed: %s", err);
			conn_close(c);
			return;
		}
		if (rc == 1)
			break;
	}
	ev_io_stop(loop, &c->rio);
	ev_timer_stop(loop, &c->idle);
	s->ops->on_frame(s->ctx, c, msg);
	json_decref(msg);
}

static int peer_allowed(int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return 0;
	*uid = cred.uid;
	return cred.uid == geteuid();
}

static void refuse(int fd, uid_t uid)
{
	char msg[160];
	json_t *r;
	size_t len;
	char *buf;

	snprintf(msg, sizeof(msg), "the socket belongs to another user (uid %d)",
	    (int)geteuid());
	r = json_pack("{s:b,s:s,s:b}", "ok", 0, "error", msg, "refused", 1);
	if ((buf = proto_encode(r, &len)) != NULL) {
		(void)!send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		free(buf);
	}
	json_decref(r);
	log_warnx("refused a client of uid %d", (int)uid);
}

static ev_tstamp idle_timeout(void)
{
	const char *e = getenv("CSUP_CTL_IDLE_MS");
	char *end;
	long ms;

	if (e == NULL || *e == '\0')
		return CTL_IDLE_MS / 1000.0;
	errno = 0;
	ms = strtol(e, &end, 10);
	if (errno || *end != '\0' || ms <= 0)
		return CTL_IDLE_MS / 1000.0;
	return ms / 1000.0;
}

static size_t conn_max(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur / 2 >= CTL_MAX_CONNS)
		return CTL_MAX_CONNS;
	return rl.rlim_cur / 2;
}

static size_t conn_count(const struct ctl *s)
{
	const struct ctl_conn *c;
	size_t n = 0;

	TAILQ_FOREACH(c, &s->conns, entry)
		n++;
	return n;
}

/* A new client on fd (non-blocking, close-on-exec); idle 0: never timed out. */
static struct ctl_conn *conn_new(struct ctl *s, int fd, ev_tstamp idle)
{
	struct ctl_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->s = s;
	c->fd = fd;
	ev_io_init(&c->rio, conn_rio_cb, fd, EV_READ);
	ev_io_init(&c->wio, conn_wio_cb, fd, EV_WRITE);
	ev_timer_init(&c->idle, conn_idle_cb, 0., idle);
	TAILQ_INSERT_TAIL(&s->conns, c, entry);
	conn_await(c);
	return c;
}

static void listen_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl *s = OWNER_OF(w, struct ctl, listen_io);
	ev_tstamp idle = idle_timeout();
	size_t n = conn_count(s), max = conn_max();
	struct ctl_conn *c;
	uid_t uid = (uid_t)-1;
	int fd;

	if (n < max)
		s->full_logged = false;
	while ((fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (n >= max) {
			if (!s->full_logged)
				log_warnx("%zu control clients connected: "
				    "closing further ones", max);
			s->full_logged = true;
			close(fd);
			continue;
		}
		if (!peer_allowed(fd, &uid)) {
			refuse(fd, uid);
			close(fd);
			continue;
		}
		if ((c = conn_new(s, fd, idle)) == NULL) {
			close(fd);
			continue;
		}
		n++;
	}
	if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
		log_warn("accept");
}

void ctl_init(struct ctl *s)
{
	memset(s, 0, sizeof(*s));
	s->listen_fd = -1;
	TAILQ_INIT(&s->conns);
}

int ctl_open(struct ctl *s, struct ev_loop *loop, const char *path,
    const struct ctl_ops *ops, void *ctx)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* The caller holds the lock: a socket file left here is a dead server's. */
	if (unlink(path) == -1 && errno != ENOENT)
		goto fail;
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (chmod(path, 0600) == -1 || listen(fd, SOMAXCONN) == -1)
		goto fail;
	s->loop = loop;
	s->ops = ops;
	s->ctx = ctx;
	strcpy(s->path, path);
	s->listen_fd = fd;
	ev_io_init(&s->listen_io, listen_cb, fd, EV_READ);
	ev_io_start(loop, &s->listen_io);
	return 0;
fail:
	close(fd);
	return -1;
}

void ctl_attach(struct ctl *s, struct ev_loop *loop, const struct ctl_ops *ops, void *ctx)
{
	s->loop = loop;
	s->ops = ops;
	s->ctx = ctx;
}

int ctl_adopt(struct ctl *s, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	return conn_new(s, fd, 0.) != NULL ? 0 : -1;
}

void ctl_unlisten(struct ctl *s)
{
	if (s->listen_fd < 0)
		return;
	ev_io_stop(s->loop, &s->listen_io);
	close(s->listen_fd);
	s->listen_fd = -1;
	unlink(s->path);
}

void ctl_close(struct ctl *s)
{
	ctl_unlisten(s);
	while (!TAILQ_EMPTY(&s->conns))
		conn_close(TAILQ_FIRST(&s->conns));
}
