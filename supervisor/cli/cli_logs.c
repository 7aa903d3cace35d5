/*
 * cli_logs.c: `csup logs`: the client reads the files itself (the daemon
 * only says where they are): the last N lines of each (out, then err),
 * then, with --follow, whatever is appended, across rotations.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "paths.h"

#define FOLLOW_POLL_NS	(200 * 1000000L)

static void copy_from(int fd, off_t off)
{
	char buf[65536];
	ssize_t n;

	if (lseek(fd, off, SEEK_SET) == -1)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n == -1 && errno == EINTR))
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
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

static void print_tail(const char *path, long lines, off_t *end)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*end = 0;
	if (fd == -1)
		return;
	if (fstat(fd, &st) == 0) {
		copy_from(fd, tail_offset(fd, st.st_size, lines));
		*end = lseek(fd, 0, SEEK_CUR);
	}
	close(fd);
}

struct followed {
	const char	*path;
	off_t		 off;
	ino_t		 ino;
};

static void follow_one(struct followed *f)
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
	copy_from(fd, f->off);
	f->off = lseek(fd, 0, SEEK_CUR);
	close(fd);
}

int cli_logs(json_t *files, long lines, bool follow)
{
	size_t n = json_array_size(files), i;
	struct followed *fl = calloc(2 * n + 1, sizeof(*fl));
	struct timespec step = { 0, FOLLOW_POLL_NS };
	struct stat st;
	json_t *f;

	if (fl == NULL)
		return CSUP_EXIT_FAIL;
	json_array_foreach(files, i, f) {
		fl[2 * i].path = json_string_value(json_object_get(f, "out"));
		fl[2 * i + 1].path = json_string_value(json_object_get(f, "err"));
	}
	for (i = 0; i < 2 * n; i++) {
		if (i > 0 && strcmp(fl[i].path, fl[i - 1].path) == 0)
			continue;	/* merged logs: one file */
		print_tail(fl[i].path, lines, &fl[i].off);
		if (stat(fl[i].path, &st) == 0)
			fl[i].ino = st.st_ino;
	}
	while (follow) {
		nanosleep(&step, NULL);
		for (i = 0; i < 2 * n; i++)
			if (i == 0 || strcmp(fl[i].path, fl[i - 1].path) != 0)
				follow_one(&fl[i]);
	}
	free(fl);
	return CSUP_EXIT_OK;
}
