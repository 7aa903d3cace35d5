/*
 * applog.c: the logger of one app generation, the program csup-logger
 * (`csup-logger NAME OUT ERR COMBINED DATEFMT MAXSIZE MAXFILES DROPFILE [MIRROR]`,
 * run by the daemon from its own directory), reading the app's stdout on fd 3
 * and stderr on fd 4. With MIRROR (`text` or `json`, in `csup run`) every
 * line also goes to fd 5 (out) or 6 (err), csup's own (applog_mirror.h). It runs in its own session, outside the app's tree,
 * and exits when both pipes reach EOF (every process of the generation
 * closed them), so it outlives a daemon killed with SIGKILL and no line
 * is lost. Files are opened O_APPEND and rotated by size. A write that
 * fails (ENOSPC, EIO, EFBIG, ...) drops those lines, never the app: they
 * are counted in DROPFILE (applog_drop.c) for the daemon to report.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "applog.h"
#include "applog_mirror.h"

#define PARTIAL_FLUSH_MS	500

/*
 * SIGTERM: the daemon, shutting down, ends a drain that has taken too long
 * (csup kill). What is still unwritten is counted as dropped, not written.
 * The one flag a signal handler may set.
 */
static volatile sig_atomic_t ending;

static void on_term(int sig)
{
	(void)sig;
	ending = 1;
}
#define LINE_MAX_BUF		65536
#define EXIT_USAGE		2	/* as csup's CSUP_EXIT_USAGE */

struct sink {
	const char	*path;
	int		 fd;
	int		 open_err;	/* errno of a failed open: its lines are dropped */
	int64_t		 size;
};

struct stream {
	int		 in;		/* pipe, -1 at EOF */
	struct sink	*file;
	struct mirror	 mirror;
	char		 buf[LINE_MAX_BUF];
	size_t		 len;
	bool		 mid_line;	/* the last write ended inside a line */
};

struct logger {
	const char	*datefmt;	/* NULL: bytes go through untouched */
	int64_t		 max_size;
	int		 max_files;
	struct sink	 out, err, combined;
	unsigned long long dropped;	/* lines */
	int		 drop_fd;	/* DROPFILE, or -1 */
};

static int sink_open(struct sink *s)
{
	struct stat st;

	/* /dev/null (PM2's 'NULL'): no file, and nothing to rotate away */
	if (s->path == NULL || *s->path == '\0' || strcmp(s->path, "/dev/null") == 0) {
		s->fd = -1;
		return 0;
	}
	s->fd = open(s->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (s->fd == -1) {
		s->open_err = errno;
		return -1;
	}
	s->open_err = 0;
	s->size = fstat(s->fd, &st) == 0 ? st.st_size : 0;
	return 0;
}

static void rotate(struct logger *l, struct sink *s)
{
	char from[PATH_MAX], to[PATH_MAX];

	for (int i = l->max_files - 1; i >= 1; i--) {
		snprintf(from, sizeof(from), "%s.%d", s->path, i);
		snprintf(to, sizeof(to), "%s.%d", s->path, i + 1);
		rename(from, to);
	}
	snprintf(to, sizeof(to), "%s.1", s->path);
	if (l->max_files > 0)
		rename(s->path, to);
	else
		unlink(s->path);
	close(s->fd);
	if (sink_open(s) == -1)
		fprintf(stderr, "csup logger: reopen %s: %s\n", s->path, strerror(errno));
}

/*
 * The lines of p[0..n) that could not be written: each newline counts, so
 * a date prefix or a line split across writes is never counted twice.
 */
static void drop(struct logger *l, const char *p, size_t n, int err)
{
	unsigned long long lines = 0;
	const char *nl;

	for (const char *q = p; (nl = memchr(q, '\n', n - (size_t)(q - p))); q = nl + 1)
		lines++;
	if (lines == 0)
		return;
	l->dropped += lines;
	(void)applog_drop_add(l->drop_fd, lines, err);
}

static void write_all(struct logger *l, struct sink *s, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		/* Checked before each write: a write cut short by SIGTERM returns
		 * the part it wrote, and the next would block again. */
		if (ending) {
			drop(l, p, n, EINTR);
			return;
		}
		w = write(s->fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			/* A full disk drops lines, never the app. */
			drop(l, p, n, w == 0 ? ENOSPC : errno);
			return;
		}
		s->size += w;
		p += w;
		n -= (size_t)w;
	}
}

/* How much of p fits before a rotation: whole lines only, when it can. */
static size_t fitting(const struct logger *l, const struct sink *s, const char *p, size_t n)
{
	size_t room;
	const char *nl;

	if (l->max_size <= 0 || s->size + (int64_t)n <= l->max_size)
		return n;
	room = s->size < l->max_size ? (size_t)(l->max_size - s->size) : 0;
	for (nl = NULL; room > 0; room--)
		if (p[room - 1] == '\n') {
			nl = p + room;
			break;
		}
	if (nl)
		return (size_t)(nl - p);
	if (s->size > 0)
		return 0;	/* rotate first */
	/* One line longer than the limit: it goes whole into a fresh file. */
	nl = memchr(p, '\n', n);
	return nl ? (size_t)(nl - p) + 1 : n;
}

static void sink_write(struct logger *l, struct sink *s, const char *p, size_t n)
{
	size_t k;

	if (s->fd == -1 && s->open_err != 0)
		drop(l, p, n, s->open_err);
	while (s->fd != -1 && n > 0) {
		if ((k = fitting(l, s, p, n)) == 0) {
			rotate(l, s);
			continue;
		}
		write_all(l, s, p, k);
		p += k;
		n -= k;
		if (n > 0)
			rotate(l, s);
	}
}

static void emit(struct logger *l, struct stream *st, const char *p, size_t n)
{
	sink_write(l, st->file, p, n);
	if (l->combined.fd != -1)
		sink_write(l, &l->combined, p, n);
}

/* One line (or its start) with its time prefix, in one write: a rotation never splits them */
static void emit_prefixed(struct logger *l, struct stream *st, const char *p, size_t n)
{
	char out[128 + LINE_MAX_BUF];
	struct timespec ts;
	size_t k;

	clock_gettime(CLOCK_REALTIME, &ts);
	k = applog_format_time(l->datefmt, &ts, out, 128 - 2);
	out[k++] = ':';
	out[k++] = ' ';
	memcpy(out + k, p, n);
	emit(l, st, out, k + n);
}

/* Writes whole lines with their prefix; keeps a partial line unless forced. */
static void drain_lines(struct logger *l, struct stream *st, bool force)
{
	size_t start = 0;
	char *nl;

	while (start < st->len) {
		nl = memchr(st->buf + start, '\n', st->len - start);
		if (nl == NULL && !force && st->len < sizeof(st->buf))
			break;
		size_t end = nl ? (size_t)(nl - st->buf) + 1 : st->len;
		if (st->mid_line)
			emit(l, st, st->buf + start, end - start);
		else
			emit_prefixed(l, st, st->buf + start, end - start);
		st->mid_line = nl == NULL;
		start = end;
	}
	memmove(st->buf, st->buf + start, st->len - start);
	st->len -= start;
}

static void on_readable(struct logger *l, struct stream *st)
{
	ssize_t n;

	n = read(st->in, st->buf + st->len, sizeof(st->buf) - st->len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (l->datefmt)
			drain_lines(l, st, true);
		mirror_flush(&st->mirror);
		close(st->in);
		st->in = -1;
		return;
	}
	if (l->datefmt == NULL) {
		emit(l, st, st->buf, (size_t)n);
		mirror_feed(&st->mirror, st->buf, (size_t)n);
		return;
	}
	mirror_feed(&st->mirror, st->buf + st->len, (size_t)n);
	st->len += (size_t)n;
	drain_lines(l, st, false);
}

/* Ended mid-drain: what is buffered or still in the pipe counts as dropped. */
static void drop_rest(struct logger *l, struct stream *st)
{
	char buf[65536];
	ssize_t n;

	if (st->len > 0)
		drop(l, st->buf, st->len, EINTR);
	st->len = 0;
	if (st->in == -1)
		return;
	(void)fcntl(st->in, F_SETFL, fcntl(st->in, F_GETFL) | O_NONBLOCK);
	while ((n = read(st->in, buf, sizeof(buf))) > 0)
		drop(l, buf, (size_t)n, EINTR);
	close(st->in);
	st->in = -1;
}

static void run(struct logger *l, struct stream *s)
{
	struct pollfd pfd[2];
	int r;

	while (s[0].in != -1 || s[1].in != -1) {
		if (ending) {
			drop_rest(l, &s[0]);
			drop_rest(l, &s[1]);
			break;
		}
		for (int i = 0; i < 2; i++) {
			pfd[i].fd = s[i].in;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		r = poll(pfd, 2, s[0].len || s[1].len || mirror_pending(&s[0].mirror) ||
		    mirror_pending(&s[1].mirror) ? PARTIAL_FLUSH_MS : -1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			break;
		for (int i = 0; i < 2; i++) {
			if (r == 0) {
				/* quiet: flush a partial line */
				if (s[i].len)
					drain_lines(l, &s[i], true);
				mirror_flush(&s[i].mirror);
			} else if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				on_readable(l, &s[i]);
		}
	}
}

int main(int argc, char **argv)
{
	struct logger l = { 0 };
	enum mirror_format mf = MIRROR_OFF;
	struct stream *s;
	int rc = 0;

	if ((argc != 9 && argc != 10) ||
	    (argc == 10 && mirror_parse_format(argv[9], &mf) == -1)) {
		fprintf(stderr, "usage: " APPLOG_PROGRAM " NAME OUT ERR COMBINED DATEFMT MAXSIZE"
		    " MAXFILES DROPFILE [text|json]\n");
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	/* No SA_RESTART: a write blocked on a slow file returns EINTR. */
	if (sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_term }, NULL) == -1)
		fprintf(stderr, "csup logger %s: sigaction: %s\n", argv[1], strerror(errno));
	l.out.path = argv[2];
	l.err.path = argv[3];
	l.combined.path = argv[4];
	l.datefmt = *argv[5] ? argv[5] : NULL;
	l.max_size = atoll(argv[6]);
	l.max_files = atoi(argv[7]);
	if ((l.drop_fd = applog_drop_open(argv[8])) == -1)
		fprintf(stderr, "csup logger %s: %s: %s\n", argv[1], argv[8], strerror(errno));
	if (sink_open(&l.out) == -1 || (strcmp(l.err.path, l.out.path) != 0 &&
	    sink_open(&l.err) == -1) || sink_open(&l.combined) == -1)
		fprintf(stderr, "csup logger %s: %s\n", argv[1], strerror(errno));
	if ((s = calloc(2, sizeof(*s))) == NULL)
		return 1;
	/*
	 * Field by field: a compound literal would write all of both buffers
	 * (128 KiB of zeros) and make every page of them the logger's own;
	 * calloc's fresh pages stay unbacked until a long line needs them.
	 */
	s[0].in = 3;
	s[0].file = &l.out;
	s[1].in = 4;
	s[1].file = strcmp(l.err.path, l.out.path) ? &l.err : &l.out;
	mirror_init(&s[0].mirror, mf, mf == MIRROR_OFF ? -1 : 5, argv[1], "out");
	mirror_init(&s[1].mirror, mf, mf == MIRROR_OFF ? -1 : 6, argv[1], "err");
	run(&l, s);
	if (ending)
		fprintf(stderr, "csup logger %s: ended by the daemon while draining: %llu"
		    " lines dropped\n", argv[1], l.dropped);
	else if (l.dropped)
		fprintf(stderr, "csup logger %s: %llu lines dropped\n", argv[1], l.dropped);
	if (l.drop_fd != -1)
		close(l.drop_fd);
	free(s);
	return rc;
}
