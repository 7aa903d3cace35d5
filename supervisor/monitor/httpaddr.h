/*
 * httpaddr.h: where the HTTP API listens ($CSUP_HTTP), and the listening
 * socket itself. csupd binds it (so a busy port is known at once, and the
 * port stays bound while csup-http restarts) and hands it to csup-http;
 * no HTTP library here.
 *
 * The address is $CSUP_HTTP's syntax: "off" (or "0") disables; "HOST:PORT",
 * "[V6]:PORT", ":PORT" or "PORT" (loopback 127.0.0.1); NULL or "" is the
 * default 127.0.0.1:9615. HOST is numeric, or "localhost". Port 0 binds a
 * free port.
 */
#ifndef CSUP_HTTPADDR_H
#define CSUP_HTTPADDR_H

#include <sys/socket.h>

#define HTTP_DEFAULT_ADDR "127.0.0.1:9615"

/* Parse spec into *ss; 1 when spec disables HTTP, 0 when parsed, -1 (EINVAL). */
int	 http_parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *len);
/*
 * A non-blocking, close-on-exec socket listening on ss, and its port in
 * *port (the one bound, after port 0); -1 with errno (EADDRINUSE: busy).
 */
int	 http_listen(const struct sockaddr_storage *ss, socklen_t len, int *port);

#endif
