/* netlocal.c: loopback tests for addresses, Host headers and Origins. */
#include "netlocal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

bool net_addr_is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	return ss->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

bool net_host_is_loopback(const char *h, size_t len)
{
	static const char *const names[] = { "localhost", "127.0.0.1", "[::1]", NULL };
	size_t n, i;
	int k;

	for (k = 0; names[k]; k++) {
		n = strlen(names[k]);
		if (len < n || strncasecmp(h, names[k], n) != 0)
			continue;
		if (len == n)
			return true;
		if (h[n] != ':' || len == n + 1)
			return false;
		for (i = n + 1; i < len; i++)
			if (!isdigit((unsigned char)h[i]))
				return false;
		return true;
	}
	return false;
}

bool net_origin_is_loopback(const char *o)
{
	if (strncasecmp(o, "http://", 7) == 0)
		o += 7;
	else if (strncasecmp(o, "https://", 8) == 0)
		o += 8;
	else
		return false;
	return net_host_is_loopback(o, strlen(o));
}
