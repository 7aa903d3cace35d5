/*
 * ctl.c: the control socket. Non-blocking throughout: a client's request
 * is read frame by frame (length checked before the body), dispatched,
 * and answered either at once or later through a waiter, so a stop that
 * waits out a kill_timeout never delays another client. A malformed or
 * oversized frame closes that client only.
 *
 * Limits: a frame must be complete within the idle timeout
 * ($CSUP_CTL_IDLE_MS, default 30 s) of the daemon starting to wait for it;
 * a client being answered is not timed (it has sent its whole request).
 * At most CTL_MAX_CONNS clients at once, and no more than half the soft
 * fd limit (the rest is for apps, pipes and the store): further clients
 * are closed at accept, so the daemon never runs out of fds to them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "proto.h"
#include "reload.h"

#define CTL_MAX_CONNS	1024	/* or half the fd limit, if lower */
#define CTL_IDLE_MS	30000

struct conn {
	TAILQ_ENTRY(conn)	 entry;
	struct daemon		*d;
	int			 fd;
	ev_io			 rio, wio;
	ev_timer		 idle;		/* runs while a frame is awaited */
	struct proto_reader	 rd;
	char			*out;
	size_t			 outlen, outoff;
	bool			 busy;		/* a request is being answered */
	bool			 kill_reply;	/* answer when the daemon exits */
	struct waiter		*waiter;
};

struct waiter {
	TAILQ_ENTRY(waiter)	 entry;
	struct daemon		*d;
	struct conn		*conn;
	json_t			*items;		/* [{name, op, g0, result, error}] */
	bool			 armed;
};

static void conn_close(struct conn *c)
{
	struct daemon *d = c->d;

	if (c->waiter)
		c->waiter->conn = NULL;
	ev_io_stop(d->loop, &c->rio);
	ev_io_stop(d->loop, &c->wio);
	ev_timer_stop(d->loop, &c->idle);
	close(c->fd);
	proto_reader_reset(&c->rd);
	free(c->out);
	TAILQ_REMOVE(&d->conns, c, entry);
	free(c);
}

static int conn_write(struct conn *c)
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
static void conn_await(struct conn *c)
{
	c->busy = false;
	ev_io_start(c->d->loop, &c->rio);
	ev_timer_again(c->d->loop, &c->idle);
}

static void conn_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct conn *c = CONTAINER_OF(w, struct conn, idle);

	log_warnx("control client closed: no complete request within %.0f ms",
	    c->idle.repeat * 1000);
	conn_close(c);
}

static void conn_wio_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = CONTAINER_OF(w, struct conn, wio);
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

void ctl_reply(struct conn *c, json_t *reply)
{
	size_t len;
	char *buf;
	int rc;

	c->waiter = NULL;
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
		ev_io_start(c->d->loop, &c->wio);
		return;
	}
	conn_await(c);
}

void ctl_flush_sync(struct conn *c)
{
	int fl = fcntl(c->fd, F_GETFL);

	if (fl != -1)
		fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
	if (c->out)
		conn_write(c);
}

void ctl_mark_kill(struct conn *c)
{
	c->kill_reply = true;
}

void ctl_kill_replies(struct daemon *d)
{
	struct conn *c, *next;
	json_t *r;

	for (c = TAILQ_FIRST(&d->conns); c; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!c->kill_reply)
			continue;
		c->kill_reply = false;
		r = json_pack("{s:b,s:i}", "ok", 1, "pid", (int)getpid());
		free(c->out);
		c->outoff = 0;
		c->out = proto_encode(r, &c->outlen);
		json_decref(r);
		/* The daemon exits next: write it all now, blocking. */
		if (c->out)
			ctl_flush_sync(c);
	}
}

static size_t need(const struct proto_reader *r)
{
	return r->hdr_got < 4 ? 4 - r->hdr_got : r->body_len - r->body_got;
}

static void conn_rio_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn *c = CONTAINER_OF(w, struct conn, rio);
	char buf[65536], err[256];
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
	c->busy = true;
	cmd_dispatch(c->d, c, msg);
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
	const char *s = getenv("CSUP_CTL_IDLE_MS");
	char *end;
	long ms;

	if (s == NULL || *s == '\0')
		return CTL_IDLE_MS / 1000.0;
	errno = 0;
	ms = strtol(s, &end, 10);
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

static size_t conn_count(const struct daemon *d)
{
	const struct conn *c;
	size_t n = 0;

	TAILQ_FOREACH(c, &d->conns, entry)
		n++;
	return n;
}

static void listen_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	/* Private to this file: one warning a saturation, not one a client. */
	static bool full_logged;
	struct daemon *d = CONTAINER_OF(w, struct daemon, listen_io);
	ev_tstamp idle = idle_timeout();
	size_t n = conn_count(d), max = conn_max();
	struct conn *c;
	uid_t uid = (uid_t)-1;
	int fd;

	if (n < max)
		full_logged = false;
	while ((fd = accept4(d->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (n >= max) {
			if (!full_logged)
				log_warnx("%zu control clients connected: "
				    "closing further ones", max);
			full_logged = true;
			close(fd);
			continue;
		}
		if (!peer_allowed(fd, &uid)) {
			refuse(fd, uid);
			close(fd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->d = d;
		c->fd = fd;
		ev_io_init(&c->rio, conn_rio_cb, fd, EV_READ);
		ev_io_init(&c->wio, conn_wio_cb, fd, EV_WRITE);
		ev_timer_init(&c->idle, conn_idle_cb, 0., idle);
		TAILQ_INSERT_TAIL(&d->conns, c, entry);
		n++;
		conn_await(c);
	}
	if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
		log_warn("accept");
}

int ctl_listen(struct daemon *d)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(d->paths.sock) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, d->paths.sock);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* We hold the lock: a socket file left here is a dead daemon's. */
	if (unlink(d->paths.sock) == -1 && errno != ENOENT)
		goto fail;
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (chmod(d->paths.sock, 0600) == -1 || listen(fd, SOMAXCONN) == -1)
		goto fail;
	d->listen_fd = fd;
	ev_io_init(&d->listen_io, listen_cb, fd, EV_READ);
	ev_io_start(d->loop, &d->listen_io);
	return 0;
fail:
	close(fd);
	return -1;
}

void ctl_close_all(struct daemon *d)
{
	struct waiter *w;

	if (d->listen_fd >= 0) {
		ev_io_stop(d->loop, &d->listen_io);
		close(d->listen_fd);
		d->listen_fd = -1;
		unlink(d->paths.sock);
	}
	while (!TAILQ_EMPTY(&d->conns))
		conn_close(TAILQ_FIRST(&d->conns));
	while ((w = TAILQ_FIRST(&d->waiters)) != NULL) {
		TAILQ_REMOVE(&d->waiters, w, entry);
		json_decref(w->items);
		free(w);
	}
}

struct waiter *waiter_new(struct daemon *d, struct conn *c)
{
	struct waiter *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->d = d;
	w->conn = c;
	w->items = json_array();
	c->waiter = w;
	return w;
}

void waiter_add(struct waiter *w, const char *name, const char *op,
    const char *result, const char *error)
{
	struct app *a;
	json_t *it;

	if (w == NULL)
		return;		/* nobody waits: `csup run` starting its apps */
	a = app_find(w->d, name);
	it = json_pack("{s:s,s:s,s:i}", "name", name, "op", op, "g0", a ? a->gen_count : 0);

	if (result)
		json_object_set_new(it, "result", json_string(result));
	if (error)
		json_object_set_new(it, "error", json_string(error));
	json_array_append_new(w->items, it);
}

/* Sets result/error on a pending item when its condition holds. */
static void check_item(struct daemon *d, json_t *it)
{
	const char *op = json_string_value(json_object_get(it, "op"));
	struct app *a = app_find(d, json_string_value(json_object_get(it, "name")));
	int g0 = (int)json_integer_value(json_object_get(it, "g0"));
	const char *res = NULL, *err = NULL;

	if (strcmp(op, "reload") == 0) {	/* reload.c says */
		res = reload_result(d, json_string_value(json_object_get(it, "name")), g0,
		    &err);
	} else if (strcmp(op, "start") == 0) {
		if (a == NULL)
			res = "failed", err = "deleted meanwhile";
		else if (a->online_gen > g0)
			res = "online";
		else if (a->fail_gen > g0)
			res = "failed", err = a->fail_msg;
		else if (a->lc.state == ST_ERRORED || (a->lc.state == ST_STOPPED && !a->lc.want_up))
			res = "failed", err = "stopped before it came online";
	} else if (strcmp(op, "stop") == 0) {
		if (a == NULL || (!a->live && a->lc.state != ST_STOPPING))
			res = "stopped";
	} else if (a == NULL)
		res = "deleted";
	if (res)
		json_object_set_new(it, "result", json_string(res));
	if (err)
		json_object_set_new(it, "error", json_string(err));
}

static bool waiter_done(struct waiter *w, bool *ok)
{
	size_t i;
	json_t *it;
	const char *r;
	bool done = true;

	*ok = true;
	json_array_foreach(w->items, i, it) {
		if (!json_object_get(it, "result"))
			check_item(w->d, it);
		if ((r = json_string_value(json_object_get(it, "result"))) == NULL)
			done = false;
		else if (strcmp(r, "failed") == 0 || strcmp(r, "not found") == 0)
			*ok = false;
	}
	return done;
}

void waiter_arm(struct waiter *w)
{
	w->armed = true;
	TAILQ_INSERT_TAIL(&w->d->waiters, w, entry);
	daemon_mark(w->d);
}

void waiters_poke(struct daemon *d)
{
	struct waiter *w, *next;
	bool ok;

	reload_poke(d);
	for (w = TAILQ_FIRST(&d->waiters); w; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (w->conn != NULL && !waiter_done(w, &ok))
			continue;
		TAILQ_REMOVE(&d->waiters, w, entry);
		if (w->conn)
			ctl_reply(w->conn, json_pack("{s:b,s:O,s:o}", "ok", ok,
			    "results", w->items, "apps", cmd_status_array(d)));
		json_decref(w->items);
		free(w);
	}
	reload_gc(d);
}
