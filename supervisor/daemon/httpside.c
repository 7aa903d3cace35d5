/*
 * httpside.c: csupd's side of the HTTP API (httpside.h). The port is the
 * daemon's: bound here, so a busy one is known at once and stays bound
 * while csup-http restarts (connections wait in its backlog meanwhile).
 * csup-http's questions (httpq.h) come over a socketpair served by a ctl
 * that listens nowhere: each is answered at once, from the loop, with
 * the same JSON as `status --json` and `describe --json`; a reply the
 * helper does not read waits in ctl's buffer, never in the loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "ctl.h"
#include "daemon.h"
#include "httpaddr.h"
#include "httpq.h"
#include "httpside.h"
#include "log.h"
#include "readyz.h"
#include "sidecar.h"
#include "store.h"

/* A predecessor's csup-http, killed with it, may hold the port a moment longer. */
#define BUSY_RETRIES	10
#define BUSY_STEP_MS	50

struct httpside {
	struct daemon	*d;
	struct sidecar	 sc;		/* csup-http */
	struct ctl	 link;		/* the daemon's end of the socketpair */
	int		 listen_fd;
	int		 child_fd;	/* csup-http's end, until it has started */
};

/*
 * One app's describe object; for an instances group's name, the array of
 * its copies' objects (as `csup describe GROUP --json`); for an id, that
 * app's (a name is never all digits, so a name always wins); NULL: no such
 * app.
 */
static json_t *answer_app(struct daemon *d, const char *name)
{
	struct app *a = app_find(d, name);
	json_t *arr;

	if (a != NULL)
		return cmd_app_json(a, true);
	if ((arr = json_array()) == NULL)
		return NULL;
	TAILQ_FOREACH(a, &d->apps, entry)
		if (a->cfg.group != NULL && strcmp(a->cfg.group, name) == 0)
			json_array_append_new(arr, cmd_app_json(a, true));
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		a = cmd_app_by_id(d, name);
		return a ? cmd_app_json(a, true) : NULL;
	}
	return arr;
}

/* The samples of an app given by name, else by id. */
static json_t *answer_samples(struct daemon *d, const char *name, int64_t since)
{
	struct app *a = app_find(d, name);

	if (a == NULL)
		a = cmd_app_by_id(d, name);
	return a ? store_samples(d->store, a->cfg.name, since) : NULL;
}

/* The answer to one question; NULL for none (sent as null). */
static json_t *answer(struct daemon *d, const json_t *msg)
{
	const char *q = json_string_value(json_object_get(msg, "q"));
	const char *name = json_string_value(json_object_get(msg, "name"));
	json_int_t since = json_integer_value(json_object_get(msg, "since"));

	if (q == NULL)
		return NULL;
	if (strcmp(q, HTTPQ_APPS) == 0)
		return cmd_status_array(d);
	if (strcmp(q, HTTPQ_APP) == 0 && name != NULL)
		return answer_app(d, name);
	if (strcmp(q, HTTPQ_SAMPLES) == 0 && name != NULL)
		return answer_samples(d, name, since > 0 ? (int64_t)since : 0);
	if (strcmp(q, HTTPQ_COUNTERS) == 0)
		return metrics_counters_json(&d->counters);
	if (strcmp(q, HTTPQ_READY) == 0)
		return readyz_report(d);
	if (strcmp(q, HTTPQ_PING) == 0)
		return json_true();
	return NULL;
}

static void link_frame_cb(void *ctx, struct ctl_conn *c, json_t *msg)
{
	struct httpside *hs = ctx;
	json_t *id = json_object_get(msg, "id");
	json_t *v = answer(hs->d, msg);

	ctl_reply(c, json_pack("{s:O,s:o}", "id", id ? id : json_null(),
	    "v", v ? v : json_null()));
}

static const struct ctl_ops link_ops = { link_frame_cb, NULL };

/* Before each start of csup-http: a new socketpair; the listening socket is fd 3. */
static int side_fds(void *arg, int *fds)
{
	struct httpside *hs = arg;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	ctl_close(&hs->link);		/* a previous helper's, if any */
	if (ctl_adopt(&hs->link, sv[0]) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	hs->child_fd = sv[1];
	fds[HTTPQ_LISTEN_FD - 3] = hs->listen_fd;
	fds[HTTPQ_DAEMON_FD - 3] = sv[1];
	return 2;
}

static void side_started(void *arg, pid_t pid)
{
	struct httpside *hs = arg;

	close(hs->child_fd);
	hs->child_fd = -1;
	if (pid == -1)
		ctl_close(&hs->link);
}

static void side_exited(void *arg, int status)
{
	ctl_close(&((struct httpside *)arg)->link);
}

static const struct sidecar_ops side_ops = { side_fds, side_started, side_exited };

static int listen_retry(const struct sockaddr_storage *ss, socklen_t len, int *port)
{
	struct timespec step = { 0, BUSY_STEP_MS * 1000000L };
	int fd;

	for (int i = 0; (fd = http_listen(ss, len, port)) == -1 && errno == EADDRINUSE &&
	    i < BUSY_RETRIES; i++)
		nanosleep(&step, NULL);
	return fd;
}

void httpside_start(struct daemon *d)
{
	const char *spec = getenv("CSUP_HTTP");
	const char *shown = spec != NULL && *spec != '\0' ? spec : HTTP_DEFAULT_ADDR;
	struct sockaddr_storage ss;
	struct httpside *hs;
	socklen_t len;
	int r, fd, port;

	if ((r = http_parse_addr(spec, &ss, &len)) == 1)
		return;		/* off: no port, no csup-http */
	if (r == -1 || (fd = listen_retry(&ss, len, &port)) == -1) {
		log_warn("HTTP on %s: not served", shown);
		return;
	}
	if ((hs = calloc(1, sizeof(*hs))) == NULL) {
		log_warn("HTTP on %s: not served", shown);
		close(fd);
		return;
	}
	hs->d = d;
	hs->listen_fd = fd;
	hs->child_fd = -1;
	ctl_init(&hs->link);
	ctl_attach(&hs->link, d->loop, &link_ops, hs);
	if (sidecar_init(&hs->sc, &d->sidecars, d->loop, d->exe, HTTP_PROGRAM, NULL,
	    &side_ops, hs) == -1) {
		log_warn("HTTP on %s: not served", shown);
		close(fd);
		free(hs);
		return;
	}
	d->http = hs;
	log_info("HTTP on port %d", port);
	(void)sidecar_start(&hs->sc);	/* a failure is logged, and retried */
}

void httpside_stop(struct daemon *d)
{
	struct httpside *hs = d->http;

	if (hs == NULL)
		return;
	sidecar_end(&hs->sc, &d->sidecars);
	ctl_close(&hs->link);
	close(hs->listen_fd);
	free(hs);
	d->http = NULL;
}
