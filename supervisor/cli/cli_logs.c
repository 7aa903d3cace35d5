/*
 * cli_logs.c: `csup logs`: the client reads the files itself (the daemon
 * only says where they are): the last N lines of each (out, then err),
 * then whatever is appended, across rotations and truncations.
 *
 * As PM2 users read them: on a terminal, each line is prefixed `ID|NAME | `
 * (out and err in different colours unless NO_COLOR is set) and the files
 * are followed; in a pipe, raw lines, followed only with --follow.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "applog.h"
#include "cli.h"
#include "paths.h"

#define FOLLOW_POLL_NS	(200 * 1000000L)
#define LINE_MAX_HELD	65536
#define TS_DEFAULT	"YYYY-MM-DD HH:mm:ss"

struct view {
	bool		 prefix, colour;
	const char	*ts_fmt;	/* NULL: no timestamps */
};

struct followed {
	const char	*path;
	char		 label[128];	/* "ID|NAME" */
	bool		 err;
	off_t		 off;
	ino_t		 ino;
	char		*held;		/* a partial last line, until its newline */
	size_t		 nheld;
};

static void put_line(const struct view *v, const struct followed *f, const char *s,
    size_t n)
{
	struct timespec ts;
	char tbuf[128];

	if (v->prefix) {
		if (v->colour)
			fputs(f->err ? "\033[31m" : "\033[32m", stdout);
		printf("%s | ", f->label);
		if (v->colour)
			fputs("\033[0m", stdout);
	}
	if (v->ts_fmt) {
		clock_gettime(CLOCK_REALTIME, &ts);
		if (applog_format_time(v->ts_fmt, &ts, tbuf, sizeof(tbuf)) > 0)
			printf("%s: ", tbuf);
	}
	fwrite(s, 1, n, stdout);
	putchar('\n');
}

/* Prints the complete lines of buf (after what was held); holds the rest. */
static void feed(const struct view *v, struct followed *f, const char *buf, size_t n)
{
	const char *p = buf, *nl;
	char *grown;

	if (!v->prefix && !v->ts_fmt) {	/* raw: bytes as they are */
		fwrite(buf, 1, n, stdout);
		return;
	}
	while ((nl = memchr(p, '\n', n - (size_t)(p - buf))) != NULL) {
		if (f->nheld > 0) {
			if ((grown = realloc(f->held, f->nheld + (size_t)(nl - p))) != NULL) {
				memcpy(grown + f->nheld, p, (size_t)(nl - p));
				f->held = grown;
				put_line(v, f, grown, f->nheld + (size_t)(nl - p));
			}
			f->nheld = 0;
		} else
			put_line(v, f, p, (size_t)(nl - p));
		p = nl + 1;
	}
	n -= (size_t)(p - buf);
	if (n == 0)
		return;
	if (f->nheld + n > LINE_MAX_HELD) {	/* a line without end: show it as it is */
		put_line(v, f, f->held ? f->held : "", f->nheld);
		f->nheld = 0;
	}
	if ((grown = realloc(f->held, f->nheld + n)) != NULL) {
		memcpy(grown + f->nheld, p, n);
		f->held = grown;
		f->nheld += n;
	}
}

/* The end of a tail: a last line without newline is shown all the same. */
static void flush_held(const struct view *v, struct followed *f)
{
	if (f->nheld > 0)
		put_line(v, f, f->held, f->nheld);
	f->nheld = 0;
}

static void copy_from(const struct view *v, struct followed *f, int fd, off_t off)
{
	char buf[65536];
	ssize_t n;

	if (lseek(fd, off, SEEK_SET) == -1)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n == -1 && errno == EINTR))
		if (n > 0)
			feed(v, f, buf, (size_t)n);
	fflush(stdout);
}

/* The offset where the last `lines` lines of fd begin. */
static off_t tail_offset(int fd, off_t size, long lines)
{
	char buf[8192];
	off_t pos = size, start = size;
	long seen = 0;
	ssize_t n;

	if (lines == 0)
		return size;
	while (pos > 0) {
		size_t chunk = pos < (off_t)sizeof(buf) ? (size_t)pos : sizeof(buf);

		pos -= (off_t)chunk;
		if ((n = pread(fd, buf, chunk, pos)) <= 0)
			return 0;
		for (ssize_t i = n - 1; i >= 0; i--) {
			/* A final newline ends the last line; it does not start one. */
			if (buf[i] != '\n' || pos + i == size - 1)
				continue;
			if (++seen == lines)
				return pos + i + 1;
		}
		start = pos;
	}
	return start;
}

static void print_tail(const struct view *v, struct followed *f, long lines)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	f->off = 0;
	if (fd == -1)
		return;
	if (fstat(fd, &st) == 0) {
		f->ino = st.st_ino;
		copy_from(v, f, fd, tail_offset(fd, st.st_size, lines));
		f->off = lseek(fd, 0, SEEK_CUR);
	}
	close(fd);
	flush_held(v, f);
	fflush(stdout);
}

static void follow_one(const struct view *v, struct followed *f)
{
	struct stat st;
	int fd;

	if (stat(f->path, &st) == -1)
		return;
	/* Rotated (a new file) or truncated: start again from its beginning. */
	if (st.st_ino != f->ino || st.st_size < f->off) {
		f->off = 0;
		f->ino = st.st_ino;
	}
	if (st.st_size == f->off || (fd = open(f->path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	copy_from(v, f, fd, f->off);
	f->off = lseek(fd, 0, SEEK_CUR);
	close(fd);
}

static bool seen_path(struct followed *fl, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fl[i].path, path) == 0)
			return true;
	return false;
}

int cli_logs(json_t *files, const struct opts *o)
{
	size_t n = json_array_size(files), i, k = 0;
	struct followed *fl = calloc(2 * n + 1, sizeof(*fl));
	struct timespec step = { 0, FOLLOW_POLL_NS };
	bool tty = isatty(STDOUT_FILENO) == 1;
	bool follow = o->follow || (tty && !o->nostream);
	struct view v = {
		.prefix = tty && !o->raw,
		.colour = tty && getenv("NO_COLOR") == NULL,
		.ts_fmt = o->timestamp ? (o->timestamp_fmt ? o->timestamp_fmt : TS_DEFAULT) :
		    NULL,
	};
	json_t *f;

	if (fl == NULL)
		return CSUP_EXIT_FAIL;
	if (o->nostream)
		follow = false;
	json_array_foreach(files, i, f) {
		for (int e = 0; e < 2; e++) {
			const char *path = json_string_value(json_object_get(f, e ? "err" : "out"));

			if (path == NULL || (e ? o->out && !o->err : o->err && !o->out) ||
			    seen_path(fl, k, path))	/* merged logs: one file */
				continue;
			fl[k].path = path;
			fl[k].err = e;
			snprintf(fl[k].label, sizeof(fl[k].label), "%d|%s",
			    (int)json_integer_value(json_object_get(f, "id")),
			    json_string_value(json_object_get(f, "name")));
			print_tail(&v, &fl[k], o->lines);
			k++;
		}
	}
	while (follow) {
		nanosleep(&step, NULL);
		for (i = 0; i < k; i++)
			follow_one(&v, &fl[i]);
		fflush(stdout);
	}
	for (i = 0; i < k; i++)
		free(fl[i].held);
	free(fl);
	return CSUP_EXIT_OK;
}
