/*
 * netlocal.h: is this address, Host header or Origin the loopback? Shared by
 * the three HTTP servers (csup's, mem-worker's, mem-search's), which on a
 * loopback listener refuse requests that name anything else (DNS rebinding,
 * foreign web pages).
 */
#ifndef CSUP_NETLOCAL_H
#define CSUP_NETLOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* 127.0.0.0/8 or ::1. */
bool net_addr_is_loopback(const struct sockaddr_storage *ss);
/* The first len bytes are localhost, 127.0.0.1 or [::1] (any case), then an optional :digits. */
bool net_host_is_loopback(const char *host, size_t len);
/* http(s)://HOST[:PORT] with a loopback HOST (an Origin has no path). */
bool net_origin_is_loopback(const char *origin);

#endif
