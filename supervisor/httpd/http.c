/* http.c: libmicrohttpd in external epoll mode, driven by the libev loop (csup-http). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "dashboard.h"
#include "http.h"
#include "httpaddr.h"
#include "netlocal.h"
#include "log.h"

#define HTTP_CONN_LIMIT		64
#define HTTP_CONN_TIMEOUT_S	10
#define HTTP_MISDIRECTED	421	/* RFC 9110 15.5.20 */

struct http_server {
	ev_io			 io;		/* on MHD's epoll fd */
	ev_timer		 timer;		/* MHD_get_timeout() */
	struct ev_loop		*loop;
	struct MHD_Daemon	*mhd;
	struct http_callbacks	 cb;
	int			 port;
	bool			 loopback;	/* bound to a loopback address */
};

/* ---- responses -------------------------------------------------------- */

static enum MHD_Result reply(struct http_server *srv, struct MHD_Connection *c,
    unsigned int status, const char *type, char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, mode);
	if (r == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Takes the reference to j. */
static enum MHD_Result reply_json(struct http_server *srv, struct MHD_Connection *c,
    unsigned int status, json_t *j)
{
	char *s;

	if (j == NULL)
		return MHD_NO;
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	if (s == NULL)
		return MHD_NO;
	return reply(srv, c, status, "application/json", s, strlen(s), MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result reply_error(struct http_server *srv, struct MHD_Connection *c,
    unsigned int status, const char *msg, const char *what)
{
	json_t *text = json_sprintf("%s%s%.200s", msg, what ? ": " : "", what ? what : "");

	return reply_json(srv, c, status, json_pack("{s:o}", "error", text));
}

/* ---- routes ----------------------------------------------------------- */

static int valid_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 255)
		return 0;
	for (i = 0; i < len; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '.' && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	return 1;
}

static enum MHD_Result route_metrics(struct http_server *srv, struct MHD_Connection *c)
{
	struct metrics_counters mc = { 0, 0 };
	json_t *apps;
	char *text;
	size_t len;

	if ((apps = srv->cb.apps(srv->cb.arg)) == NULL)
		return reply_error(srv, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no status", NULL);
	if (srv->cb.counters != NULL)
		srv->cb.counters(srv->cb.arg, &mc);
	text = metrics_render(apps, &mc, &len);
	json_decref(apps);
	if (text == NULL)
		return reply_error(srv, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "metrics", strerror(errno));
	return reply(srv, c, MHD_HTTP_OK, METRICS_CONTENT_TYPE, text, len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result route_samples(struct http_server *srv,
    struct MHD_Connection *c, const char *name)
{
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	long long v = 0;
	char *end;
	json_t *j;

	if (since != NULL) {
		errno = 0;
		v = strtoll(since, &end, 10);
		if (*since < '0' || *since > '9' || *end != '\0' || errno != 0)
			return reply_error(srv, c, MHD_HTTP_BAD_REQUEST, "bad since", since);
	}
	if ((j = srv->cb.samples(srv->cb.arg, name, (int64_t)v)) == NULL)
		return reply_error(srv, c, MHD_HTTP_NOT_FOUND, "no such app", name);
	return reply_json(srv, c, MHD_HTTP_OK, j);
}

/* /api/apps/NAME and /api/apps/NAME/samples; rest is after "/api/apps/". */
static enum MHD_Result route_app(struct http_server *srv, struct MHD_Connection *c,
    const char *rest)
{
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
	char name[256];
	json_t *j;

	if (!valid_name(rest, len))
		return reply_error(srv, c, MHD_HTTP_NOT_FOUND, "no such app", rest);
	memcpy(name, rest, len);
	name[len] = '\0';
	if (slash != NULL) {
		if (strcmp(slash, "/samples") != 0)
			return reply_error(srv, c, MHD_HTTP_NOT_FOUND, "no such path", slash);
		return route_samples(srv, c, name);
	}
	if ((j = srv->cb.app(srv->cb.arg, name)) == NULL)
		return reply_error(srv, c, MHD_HTTP_NOT_FOUND, "no such app", name);
	return reply_json(srv, c, MHD_HTTP_OK, j);
}

/* 200 {} when every app that should run is ready, else 503 naming them. */
static enum MHD_Result route_readyz(struct http_server *srv, struct MHD_Connection *c)
{
	json_t *j = srv->cb.ready ? srv->cb.ready(srv->cb.arg) : json_object();

	if (j == NULL)
		return reply_error(srv, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no readiness", NULL);
	return reply_json(srv, c, json_object_size(j) == 0 ? MHD_HTTP_OK :
	    MHD_HTTP_SERVICE_UNAVAILABLE, j);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
    const char *url, const char *method, const char *version,
    const char *upload, size_t *upload_size, void **req)
{
	struct http_server *srv = cls;
	const char *page, *host;
	size_t len;
	json_t *j;

	/* Answered at the first call: nothing here reads a request body. */
	if (srv->loopback) {
		host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_HOST);
		/* Anything else reaching a loopback listener came through a name that
		 * resolves here (DNS rebinding): it is misdirected. */
		if (host != NULL && !net_host_is_loopback(host, strlen(host)))
			return reply_error(srv, c, HTTP_MISDIRECTED, "misdirected request", host);
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_error(srv, c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", method);
	if (strcmp(url, "/") == 0) {
		page = dashboard_html(&len);
		return reply(srv, c, MHD_HTTP_OK, "text/html; charset=utf-8", (char *)page,
		    len, MHD_RESPMEM_PERSISTENT);
	}
	if (strcmp(url, "/healthz") == 0) {
		if (srv->cb.alive != NULL && !srv->cb.alive(srv->cb.arg))
			return reply_error(srv, c, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "the daemon does not answer", NULL);
		return reply(srv, c, MHD_HTTP_OK, "text/plain; charset=utf-8", (char *)"ok\n", 3,
		    MHD_RESPMEM_PERSISTENT);
	}
	if (strcmp(url, "/readyz") == 0)
		return route_readyz(srv, c);
	if (strcmp(url, "/metrics") == 0)
		return route_metrics(srv, c);
	if (strcmp(url, "/api/apps") == 0) {
		if ((j = srv->cb.apps(srv->cb.arg)) == NULL)
			return reply_error(srv, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no status", NULL);
		return reply_json(srv, c, MHD_HTTP_OK, j);
	}
	if (strncmp(url, "/api/apps/", 10) == 0)
		return route_app(srv, c, url + 10);
	return reply_error(srv, c, MHD_HTTP_NOT_FOUND, "no such path", url);
}

/* ---- the loop --------------------------------------------------------- */

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_warnx("http: %s", buf);
}

static void rearm(struct http_server *srv)
{
	MHD_UNSIGNED_LONG_LONG ms;

	ev_timer_stop(srv->loop, &srv->timer);
	if (MHD_get_timeout(srv->mhd, &ms) == MHD_YES) {
		ev_timer_set(&srv->timer, (ev_tstamp)ms / 1000.0, 0.);
		ev_timer_start(srv->loop, &srv->timer);
	}
}

static void on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct http_server *srv = (struct http_server *)w;	/* io is first */

	MHD_run(srv->mhd);
	rearm(srv);
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http_server *srv = (struct http_server *)((char *)w -
	    offsetof(struct http_server, timer));

	MHD_run(srv->mhd);
	rearm(srv);
}

static struct MHD_Daemon *mhd_start(struct http_server *srv, int fd)
{
	return MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, on_request, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,	/* first, or MHD complains */
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_CONN_TIMEOUT_S,
	    MHD_OPTION_END);
}

/* The bound address of fd: its port, and whether it is a loopback one. */
static int bound_to(int fd, int *port, bool *loopback)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	*loopback = net_addr_is_loopback(&ss);
	return 0;
}

int http_start_fd(struct ev_loop *loop, int fd, const struct http_callbacks *cb,
    struct http_server **out)
{
	const union MHD_DaemonInfo *info;
	struct http_server *srv = NULL;
	int saved;

	*out = NULL;
	if (cb == NULL || cb->apps == NULL || cb->app == NULL || cb->samples == NULL) {
		errno = EINVAL;
		goto fail;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		goto fail;
	srv->loop = loop;
	srv->cb = *cb;
	if (bound_to(fd, &srv->port, &srv->loopback) == -1)
		goto fail;
	errno = 0;
	if ((srv->mhd = mhd_start(srv, fd)) == NULL) {
		errno = errno ? errno : EIO;
		goto fail;
	}
	fd = -1;	/* MHD owns it now */
	info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (info == NULL) {
		errno = ENOTSUP;
		goto fail;
	}
	ev_io_init(&srv->io, on_io, info->epoll_fd, EV_READ);
	ev_io_start(loop, &srv->io);
	ev_init(&srv->timer, on_timer);
	rearm(srv);
	*out = srv;
	return 0;
fail:
	saved = errno;
	if (srv != NULL && srv->mhd != NULL)
		MHD_stop_daemon(srv->mhd);
	if (fd != -1)
		close(fd);
	free(srv);
	errno = saved;
	return -1;
}

int http_start(struct ev_loop *loop, const char *spec,
    const struct http_callbacks *cb, struct http_server **out)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, port, r;

	*out = NULL;
	if ((r = http_parse_addr(spec, &ss, &len)) != 0)
		return r == 1 ? 0 : -1;
	if (cb == NULL || cb->apps == NULL || cb->app == NULL || cb->samples == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = http_listen(&ss, len, &port)) == -1)
		return -1;
	return http_start_fd(loop, fd, cb, out);
}

void http_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	ev_io_stop(srv->loop, &srv->io);
	ev_timer_stop(srv->loop, &srv->timer);
	MHD_stop_daemon(srv->mhd);
	free(srv);
}

int http_port(const struct http_server *srv)
{
	return srv->port;
}
