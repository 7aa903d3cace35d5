/*
 * httpd.c: MCP over Streamable HTTP (libmicrohttpd). POST /mcp carries one
 * JSON-RPC message; a request is answered with one JSON body
 * (application/json), a notification or response with 202 and no body.
 * This server offers no SSE stream: GET (and every other method) is 405,
 * which clients take as "no stream". It listens on the loopback unless
 * told otherwise, and refuses browser Origins other than localhost there
 * (DNS rebinding).
 *
 * One MHD thread runs every handler, so the search context is never used
 * by two at once; the caller's thread only waits for the stop signal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "netlocal.h"
#include "search.h"

#define BODY_MAX	(4u << 20)

struct httpd {
	struct mcp_server	*m;
	int			 loopback;
};

struct req {
	struct sbuf	body;
	int		too_big;
};

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status,
    const char *body, const char *ctype)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(body ? strlen(body) : 0,
	    (void *)(body ? body : ""), MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (ctype)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result respond_error(struct MHD_Connection *c,
    unsigned status, int code, const char *msg)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":null,"
	    "\"error\":{\"code\":%d,\"message\":\"%s\"}}", code, msg);
	return respond(c, status, body, "application/json");
}

/* Origin http(s)://localhost|127.0.0.1|[::1][:port] */
static int origin_local(const char *o)
{
	static const char *const hosts[] = { "localhost", "127.0.0.1",
	    "[::1]", NULL };
	const char *h = strstr(o, "://");
	size_t n;
	int i;

	if (h == NULL)
		return 0;
	h += 3;
	for (i = 0; hosts[i]; i++) {
		n = strlen(hosts[i]);
		if (strncmp(h, hosts[i], n) == 0 &&
		    (h[n] == '\0' || h[n] == ':' || h[n] == '/'))
			return 1;
	}
	return 0;
}

static enum MHD_Result post_done(struct httpd *h, struct MHD_Connection *c,
    struct req *rq)
{
	const char *origin, *pv;
	char *reply;
	int is_request;
	enum MHD_Result ret;

	if (rq->too_big)
		return respond_error(c, 413,
		    MCP_INVALID_REQUEST, "Request body too large");
	origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	if (origin && h->loopback && !origin_local(origin))
		return respond_error(c, MHD_HTTP_FORBIDDEN, MCP_INVALID_REQUEST,
		    "Forbidden origin");
	pv = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "MCP-Protocol-Version");
	if (pv && !mcp_version_supported(pv))
		return respond_error(c, MHD_HTTP_BAD_REQUEST,
		    MCP_INVALID_REQUEST, "Unsupported MCP-Protocol-Version");
	reply = mcp_handle_text(h->m, rq->body.s ? rq->body.s : "",
	    rq->body.len, &is_request);
	if (reply == NULL)
		return respond(c, is_request ? MHD_HTTP_INTERNAL_SERVER_ERROR :
		    MHD_HTTP_ACCEPTED, NULL, NULL);
	/* an error without an id: the message itself was bad */
	ret = respond(c, strstr(reply, "\"id\":null,\"error\"") ?
	    MHD_HTTP_BAD_REQUEST : MHD_HTTP_OK, reply, "application/json");
	free(reply);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
    const char *url, const char *method, const char *version,
    const char *upload, size_t *upload_size, void **con_cls)
{
	struct httpd *h = cls;
	struct req *rq = *con_cls;

	(void)version;
	if (strcmp(url, "/mcp") != 0)
		return respond(c, MHD_HTTP_NOT_FOUND, "Not Found\n",
		    "text/plain");
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "Method Not Allowed\n", "text/plain");
	if (rq == NULL) {	/* headers only, so far */
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		sbuf_init(&rq->body);
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (rq->body.len + *upload_size > BODY_MAX)
			rq->too_big = 1;
		else
			sbuf_addn(&rq->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return post_done(h, c, rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	(void)cls, (void)c, (void)toe;
	if (rq) {
		sbuf_free(&rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* "host:port", "[v6]:port" or ":port" (loopback) into an address. */
static int parse_hostport(const char *hp, struct sockaddr_storage *ss,
    int *loopback, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char host[256];
	const char *colon = strrchr(hp, ':'), *port;
	size_t hl;
	int rc;

	if (colon == NULL || colon[1] == '\0') {
		snprintf(err, errlen, "--http %s: expected HOST:PORT", hp);
		return -1;
	}
	port = colon + 1;
	hl = (size_t)(colon - hp);
	if (hl >= 2 && hp[0] == '[' && hp[hl - 1] == ']')
		hp++, hl -= 2;
	snprintf(host, sizeof(host), "%.*s", (int)hl, hl ? hp : "127.0.0.1");
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "--http %s: %s", hp, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*loopback = net_addr_is_loopback(ss);
	freeaddrinfo(res);
	return 0;
}

int httpd_serve(struct mcp_server *m, const char *hostport,
    const sigset_t *sigs, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	struct httpd h = { .m = m };
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
	uint16_t port;
	int sig;

	memset(&ss, 0, sizeof(ss));
	if (parse_hostport(hostport, &ss, &h.loopback, err, errlen) < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	port = ntohs(ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	d = MHD_start_daemon(flags, port, NULL, NULL, handler, &h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_END);
	if (d == NULL) {
		snprintf(err, errlen, "cannot listen on %s (port busy?)",
		    hostport);
		return -1;
	}
	while (sigwait(sigs, &sig) != 0)
		;
	MHD_stop_daemon(d);	/* finishes the request in flight */
	return 0;
}
