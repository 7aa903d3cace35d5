/*
 * httpside.h: the daemon's side of the HTTP API (httpside.c). csupd binds
 * $CSUP_HTTP's port itself, runs csup-http beside it (sidecar.h) with the
 * listening socket and one end of a socketpair, and answers csup-http's
 * questions (httpq.h) on its loop. csupd never maps libmicrohttpd.
 */
#ifndef CSUP_HTTPSIDE_H
#define CSUP_HTTPSIDE_H

struct daemon;

/*
 * Binds $CSUP_HTTP and starts csup-http. Logs "HTTP on port N", or "HTTP
 * on ADDR: not served" (bad address, busy port) and runs on without it;
 * nothing at all with CSUP_HTTP=off.
 */
void	 httpside_start(struct daemon *d);
/* Stops csup-http (bounded, reaped) and closes the port. */
void	 httpside_stop(struct daemon *d);

#endif
