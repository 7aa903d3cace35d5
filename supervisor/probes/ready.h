/*
 * ready.h: the server side of sd_notify(3) for one app generation
 * (csup-ecosystem(5): `wait_ready`, `listen_timeout`).
 *
 * A datagram socket (AF_UNIX, SOCK_DGRAM, SO_PASSCRED) at DIR/NAME.sock, or,
 * when that path does not fit sun_path, the abstract name
 * "@csup-<daemon pid>-<gen>-NAME". Datagrams are newline-separated
 * KEY=VALUE lines:
 *   READY=1	on_ready, once (the listen timer stops)
 *   STATUS=x	kept for describe (ready_status), on_status if set
 *   BARRIER=1	honoured: every fd passed with SCM_RIGHTS is closed, which is
 *		what the sender waits for; fds are closed whatever the message
 *   others	ignored (MAINPID, WATCHDOG, STOPPING, ...)
 * A datagram counts only if belongs(pid from SCM_CREDENTIALS) says the
 * sender is a process of this generation.
 *
 * Error convention: ready_new() returns NULL with errno set.
 * Callbacks run from the loop and may call ready_free().
 */
#ifndef CSUP_READY_H
#define CSUP_READY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct ev_loop;
struct ready;

struct ready_params {
	const char	*dir;		/* created 0700 if missing, e.g. $CSUP_HOME/notify */
	const char	*name;		/* app name */
	uint64_t	 gen;		/* generation number: keeps abstract names unique */
	int64_t		 timeout_ms;	/* listen_timeout; <= 0: none */
	bool		(*belongs)(pid_t pid, void *arg);
	void		(*on_ready)(void *arg);
	void		(*on_timeout)(void *arg);		/* may be NULL if no timeout */
	void		(*on_status)(const char *text, void *arg);	/* may be NULL */
	void		*arg;
};

/*
 * At spawn, before fork(): create and bind the socket and start reading it.
 * Put "NOTIFY_SOCKET=" ready_notify_socket() in the child's environment.
 * The socket is close-on-exec: the child reaches it by name.
 */
struct ready *ready_new(struct ev_loop *loop, const struct ready_params *p);
const char *ready_notify_socket(const struct ready *r);

/* At exec success (the app enters launching): start the listen_timeout timer. */
void	 ready_arm(struct ready *r);

bool	 ready_is_ready(const struct ready *r);
/* Last STATUS= text, or NULL. */
const char *ready_status(const struct ready *r);
/* Datagrams dropped because their sender did not belong (for describe). */
uint64_t ready_rejected(const struct ready *r);

/*
 * At stop, or when the generation is replaced: close the socket, unlink its
 * path, stop the timer, free. NULL ok.
 */
void	 ready_free(struct ready *r);

#endif
