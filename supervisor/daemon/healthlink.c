/*
 * healthlink.c: the daemon's csup-health (healthlink.h). The hub says when
 * the helper is wanted and when its link broke; the sidecar runs it and
 * says when it started and when it went; this file joins the two.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon.h"
#include "health_hub.h"
#include "healthlink.h"
#include "log.h"
#include "sidecar.h"

struct healthlink {
	struct sidecar		 sc;
	struct health_hub	*hub;
	int			 mine;		/* the daemon's end, until started() */
	int			 theirs;	/* the helper's end, until started() */
};

/* The sidecar's side. */

static int link_fds(void *arg, int *fds)
{
	struct healthlink *l = arg;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) == -1)
		return -1;
	l->mine = sv[0];
	l->theirs = fds[0] = sv[1];
	return 1;
}

static void link_started(void *arg, pid_t pid)
{
	struct healthlink *l = arg;

	close(l->theirs);
	if (pid > 0)
		health_hub_attach(l->hub, l->mine);
	else
		close(l->mine);
	l->mine = l->theirs = -1;
}

/* Gone, asked or not: its checks in flight are abandoned, not failed. */
static void link_exited(void *arg, int status)
{
	struct healthlink *l = arg;

	(void)status;
	health_hub_detach(l->hub);
}

static const struct sidecar_ops sidecar_ops = { link_fds, link_started, link_exited };

/* The hub's side. */

static void link_want(void *arg, bool on)
{
	struct healthlink *l = arg;

	if (on) {
		(void)sidecar_start(&l->sc);	/* or again after the backoff */
		return;
	}
	health_hub_detach(l->hub);
	sidecar_stop(&l->sc);
}

/* A helper that closed its end, garbled a frame or stopped answering. */
static void link_broken(void *arg, const char *why)
{
	struct healthlink *l = arg;

	if (l->sc.pid <= 0)
		return;
	log_warnx("%s (pid %d): %s: killed, to be started again", l->sc.name,
	    (int)l->sc.pid, why);
	if (kill(l->sc.pid, SIGKILL) == -1 && errno != ESRCH)
		log_warn("%s: kill %d", l->sc.name, (int)l->sc.pid);
}

static const struct health_hub_ops hub_ops = { link_want, link_broken };

struct health_hub *healthlink_hub(struct daemon *d)
{
	struct healthlink *l;

	if (d->health != NULL)
		return d->health->hub;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->mine = l->theirs = -1;
	if ((l->hub = health_hub_new(d->loop, HEALTHLINK_MARGIN_MS, &hub_ops, l)) == NULL) {
		free(l);
		return NULL;
	}
	if (sidecar_init(&l->sc, &d->sidecars, d->loop, d->exe, "csup-health", NULL,
	    &sidecar_ops, l) == -1) {
		health_hub_free(l->hub);
		free(l);
		return NULL;
	}
	d->health = l;
	return l->hub;
}

void healthlink_free(struct daemon *d)
{
	struct healthlink *l = d->health;

	if (l == NULL)
		return;
	if (l->sc.path != NULL)		/* not ended with the other sidecars yet */
		sidecar_end(&l->sc, &d->sidecars);
	health_hub_free(l->hub);
	free(l);
	d->health = NULL;
}
