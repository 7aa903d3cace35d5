/*
 * ctl.h: a framed unix-socket server (the daemon's control socket). It
 * accepts clients of this user only, reads one frame at a time (proto.h),
 * hands each request to a callback and sends the reply it is given, now or
 * later. It knows nothing of what the requests mean.
 */
#ifndef CSUP_CTL_H
#define CSUP_CTL_H

#include <stdbool.h>
#include <sys/queue.h>
#include <sys/un.h>

#include <ev.h>
#include <jansson.h>

struct ctl_conn;

struct ctl_ops {
	/*
	 * A complete request (msg is borrowed). c reads nothing more until
	 * ctl_reply(c, ...) is called, now or from a later loop turn.
	 */
	void	(*on_frame)(void *ctx, struct ctl_conn *c, json_t *msg);
	/* c is closed and freed after this returns: forget it. */
	void	(*on_close)(void *ctx, struct ctl_conn *c);
};

TAILQ_HEAD(ctl_conn_head, ctl_conn);

/* The server's state; its owner embeds it and passes it to ctl_open(). */
struct ctl {
	struct ev_loop		*loop;
	const struct ctl_ops	*ops;
	void			*ctx;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int			 listen_fd;	/* -1: not listening */
	ev_io			 listen_io;
	struct ctl_conn_head	 conns;
	bool			 full_logged;	/* one warning a saturation */
};

/* Zeroes s; nothing to close yet. */
void	 ctl_init(struct ctl *s);
/*
 * Listens on path (mode 0600; a file left there is replaced: the caller
 * holds the lock that makes it a dead server's). 0, or -1 with errno.
 */
int	 ctl_open(struct ctl *s, struct ev_loop *loop, const char *path,
	    const struct ctl_ops *ops, void *ctx);
/* Without listening: a server of the connections given to ctl_adopt(). */
void	 ctl_attach(struct ctl *s, struct ev_loop *loop, const struct ctl_ops *ops,
	    void *ctx);
/*
 * fd, a connected socket (made non-blocking), becomes a client of s (after
 * ctl_open or ctl_attach), never timed out while idle; the peer's uid is
 * not checked: the caller made the socket. 0, or -1 with errno (fd
 * stays the caller's).
 */
int	 ctl_adopt(struct ctl *s, int fd);
/* Stops accepting and removes the socket file; clients stay connected. */
void	 ctl_unlisten(struct ctl *s);
/* ctl_unlisten(), then closes every client (on_close for each). */
void	 ctl_close(struct ctl *s);

/* Sends reply (stolen) to c; c then awaits its next request. */
void	 ctl_reply(struct ctl_conn *c, json_t *reply);
/*
 * The object answering c's current request (NULL: none); ctl_reply()
 * clears it. For on_close to find what waited for c.
 */
void	 ctl_set_pending(struct ctl_conn *c, void *pending);
void	*ctl_pending(const struct ctl_conn *c);
/* kill: this client gets its reply only from ctl_kill_replies(). */
void	 ctl_mark_kill(struct ctl_conn *c);
/* Sends reply (borrowed) to every marked client, blocking: the server exits next. */
void	 ctl_kill_replies(struct ctl *s, const json_t *reply);

#endif
