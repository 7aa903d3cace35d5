/*
 * notify.c: the sd_notify protocol, enough of it for READY=1: one datagram
 * to the AF_UNIX socket named by $NOTIFY_SOCKET ('@' = abstract name).
 * Works under systemd and under csup's wait_ready.
 */
#include "worker.h"
#include "log.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* 0 sent (or nothing to do: no NOTIFY_SOCKET), -1 on failure (logged). */
int notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	static const char msg[] = "READY=1";
	struct sockaddr_un sa;
	socklen_t salen;
	size_t plen;
	ssize_t n;
	int fd;

	if (path == NULL || *path == '\0')
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sa.sun_path)) {
		log_warnx("NOTIFY_SOCKET=%s: not a socket path", path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, plen);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
	    (path[0] == '@' ? 0 : 1));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		log_warn("notify socket");
		return -1;
	}
	do
		n = sendto(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL,
		    (struct sockaddr *)&sa, salen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		log_warn("notify %s", path);
	close(fd);
	return n < 0 ? -1 : 0;
}
