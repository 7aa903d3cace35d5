/*
 * stdio.c: MCP over stdio: one JSON-RPC message a line on stdin, one reply
 * a line on stdout. Ends on EOF, or when *stop is set by a signal: the
 * signals are blocked by main() and only let in while ppoll() waits, so
 * one arriving between two reads cannot be missed.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search.h"

#define LINE_MAX_BYTES	(64u << 20)	/* a longer line is a parse error */

struct inbuf {
	char	*s;
	size_t	 len, cap;
	int	 skipping;	/* dropping the rest of an overlong line */
};

static int write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int reply(int fd, char *r)
{
	int ret;

	if (r == NULL)
		return 0;
	ret = write_all(fd, r, strlen(r)) < 0 || write_all(fd, "\n", 1) < 0 ?
	    -1 : 0;
	free(r);
	return ret;
}

static int one_line(struct mcp_server *m, char *line, size_t n, int out_fd)
{
	int is_request;

	if (n > 0 && line[n - 1] == '\r')
		n--;
	while (n > 0 && (*line == ' ' || *line == '\t'))
		line++, n--;
	if (n == 0)
		return 0;
	return reply(out_fd, mcp_handle_text(m, line, n, &is_request));
}

/* Handle every complete line in the buffer; keep the rest. */
static int drain(struct mcp_server *m, struct inbuf *b, int out_fd)
{
	char *nl, *p = b->s;
	size_t left = b->len;

	while ((nl = memchr(p, '\n', left)) != NULL) {
		if (b->skipping)
			b->skipping = 0;
		else if (one_line(m, p, (size_t)(nl - p), out_fd) < 0)
			return -1;
		left -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	memmove(b->s, p, left);
	b->len = left;
	if (b->len >= LINE_MAX_BYTES) {
		b->len = 0;
		b->skipping = 1;
		return reply(out_fd, strdup("{\"jsonrpc\":\"2.0\",\"id\":null,"
		    "\"error\":{\"code\":-32700,\"message\":\"Parse error: "
		    "message too long\"}}"));
	}
	return 0;
}

static int fill(struct inbuf *b, int fd)
{
	ssize_t r;
	char *s;

	if (b->cap - b->len < 65536) {
		if ((s = realloc(b->s, b->cap + 65536)) == NULL)
			return -1;
		b->s = s;
		b->cap += 65536;
	}
	r = read(fd, b->s + b->len, b->cap - b->len);
	if (r > 0)
		b->len += (size_t)r;
	return (int)(r < 0 ? -1 : r > 0);
}

int stdio_serve(struct mcp_server *m, int in_fd, int out_fd,
    volatile sig_atomic_t *stop)
{
	struct inbuf b = { 0 };
	struct pollfd pfd = { .fd = in_fd, .events = POLLIN };
	sigset_t waitmask;
	int r, ret = -1;

	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	while (!*stop) {
		if (ppoll(&pfd, 1, NULL, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if ((r = fill(&b, in_fd)) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			goto out;
		}
		if (r == 0) {		/* EOF: a last line without newline */
			if (!b.skipping && one_line(m, b.s, b.len, out_fd) < 0)
				goto outpipe;
			break;
		}
		if (drain(m, &b, out_fd) < 0)
			goto outpipe;
	}
	ret = 0;
	goto out;
outpipe:
	/* the client went away: an end like EOF, anything else an error */
	ret = errno == EPIPE ? 0 : -1;
out:
	free(b.s);
	return ret;
}
