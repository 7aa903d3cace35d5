/* httpaddr.c: $CSUP_HTTP's address, and the socket listening on it (httpaddr.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "httpaddr.h"

static int parse_port(const char *s, int *port)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > 65535 || *s == '-' || *s == '+')
		return -1;
	*port = (int)v;
	return 0;
}

static int parse_host(const char *host, int port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (*host == '\0' || strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof(*in4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*in6);
		return 0;
	}
	return -1;
}

int http_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon;
	size_t hlen;
	int port;

	if (spec == NULL || *spec == '\0')
		spec = HTTP_DEFAULT_ADDR;
	if (strcmp(spec, "off") == 0 || strcmp(spec, "0") == 0)
		return 1;
	if (spec[0] == '[') {			/* [V6]:PORT */
		if ((colon = strstr(spec, "]:")) == NULL)
			goto bad;
		hlen = (size_t)(colon - spec - 1);
		spec++;
		colon++;
	} else if ((colon = strrchr(spec, ':')) == NULL) {
		colon = spec - 1;		/* PORT alone */
		hlen = 0;
	} else {
		hlen = (size_t)(colon - spec);
		if (memchr(spec, ':', hlen) != NULL)
			goto bad;		/* a bare v6 address needs brackets */
	}
	if (hlen >= sizeof(host) || parse_port(colon + 1, &port) == -1)
		goto bad;
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (parse_host(host, port, ss, len) == -1)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int http_listen(const struct sockaddr_storage *ss, socklen_t len, int *port)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	int fd, one = 1, saved;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (const struct sockaddr *)ss, len) == -1 ||
	    listen(fd, 64) == -1 ||
	    getsockname(fd, (struct sockaddr *)&bound, &blen) == -1)
		goto fail;
	*port = ntohs(bound.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&bound)->sin6_port :
	    ((struct sockaddr_in *)&bound)->sin_port);
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
