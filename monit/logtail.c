/*
 * logtail.c: the logs pane's data. Starts with the last lines of the app's
 * out and err files (out first, as `csup logs` prints them), then follows
 * both. A file that shrank or was replaced (rotation) is read from its
 * start again; a missing one is retried on every poll.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monit.h"

#define TAIL_BYTES	(64 * 1024)

static void push(struct logtail *t, const char *s, size_t n, bool err)
{
	size_t slot = (t->head + t->n) % MONIT_LOG_KEEP;
	char *copy = strndup(s, n);

	if (copy == NULL)
		return;
	if (t->n == MONIT_LOG_KEEP) {
		slot = t->head;
		free(t->line[slot]);
		t->head = (t->head + 1) % MONIT_LOG_KEEP;
	} else
		t->n++;
	t->line[slot] = copy;
	t->err[slot] = err;
	t->changed = true;
}

/* Splits buf into lines; an unfinished last line waits in f->part. */
static void take(struct logtail *t, struct logfile *f, const char *buf, size_t n, bool err)
{
	const char *p = buf, *end = buf + n, *nl;
	size_t k;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			k = (size_t)(end - p);
			if (f->npart + k >= sizeof(f->part)) {
				/* A very long line: show what we have, keep reading. */
				push(t, f->part, f->npart, err);
				f->npart = 0;
			}
			k = k < sizeof(f->part) - 1 ? k : sizeof(f->part) - 1;
			memcpy(f->part + f->npart, p, k);
			f->npart += k;
			return;
		}
		if (f->npart > 0) {
			k = (size_t)(nl - p);
			k = k < sizeof(f->part) - 1 - f->npart ? k : sizeof(f->part) - 1 - f->npart;
			memcpy(f->part + f->npart, p, k);
			push(t, f->part, f->npart + k, err);
			f->npart = 0;
		} else
			push(t, p, (size_t)(nl - p), err);
		p = nl + 1;
	}
}

static void reopen(struct logfile *f, bool from_end)
{
	struct stat st;

	if (f->fd >= 0)
		close(f->fd);
	f->npart = 0;
	f->off = 0;
	if ((f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return;
	if (fstat(f->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(f->fd);
		f->fd = -1;
		return;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	if (from_end && st.st_size > TAIL_BYTES)
		f->off = st.st_size - TAIL_BYTES;
}

static void read_new(struct logtail *t, struct logfile *f, bool err, bool skip_first)
{
	char buf[16384], *p;
	ssize_t n;

	while ((n = pread(f->fd, buf, sizeof(buf), f->off)) > 0 ||
	    (n == -1 && errno == EINTR)) {
		if (n == -1)
			continue;
		f->off += n;
		p = buf;
		if (skip_first) {	/* the first line of a tail is likely cut */
			if ((p = memchr(buf, '\n', (size_t)n)) == NULL)
				continue;
			p++;
			skip_first = false;
		}
		take(t, f, p, (size_t)(buf + n - p), err);
	}
}

static void free_lines(struct logtail *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->line[(t->head + i) % MONIT_LOG_KEEP]);
	t->n = t->head = 0;
}

/* The last `lines` of what f holds from its offset on, appended to t. */
static void tail_into(struct logtail *t, struct logfile *f, bool err, int lines)
{
	struct logtail tmp;
	const char *s;
	size_t k;
	bool e;

	memset(&tmp, 0, sizeof(tmp));
	read_new(&tmp, f, err, f->off > 0);
	k = tmp.n < (size_t)lines ? tmp.n : (size_t)lines;
	while (k-- > 0)
		if ((s = logtail_line(&tmp, k, &e)) != NULL)
			push(t, s, strlen(s), e);
	free_lines(&tmp);
}

void logtail_open(struct logtail *t, const char *out, const char *err, int lines)
{
	const char *path[2] = { out, err };
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < 2; i++) {
		struct logfile *f = &t->f[i];

		f->fd = -1;
		if (path[i] == NULL || path[i][0] == '\0' || strcmp(path[i], "/dev/null") == 0)
			continue;
		snprintf(f->path, sizeof(f->path), "%s", path[i]);
		reopen(f, true);
		if (f->fd < 0)
			continue;
		tail_into(t, f, i == 1, lines);
	}
	t->changed = true;
}

void logtail_poll(struct logtail *t)
{
	struct stat st;

	for (int i = 0; i < 2; i++) {
		struct logfile *f = &t->f[i];

		if (f->path[0] == '\0')
			continue;
		if (stat(f->path, &st) == 0 && (f->fd < 0 || st.st_ino != f->ino ||
		    st.st_dev != f->dev || st.st_size < f->off)) {
			if (f->fd >= 0)
				read_new(t, f, i == 1, false);	/* the rest of the old one */
			reopen(f, false);
		}
		if (f->fd >= 0)
			read_new(t, f, i == 1, false);
	}
}

const char *logtail_line(const struct logtail *t, size_t i, bool *is_err)
{
	size_t slot;

	if (i >= t->n)
		return NULL;
	slot = (t->head + t->n - 1 - i) % MONIT_LOG_KEEP;
	*is_err = t->err[slot];
	return t->line[slot];
}

void logtail_close(struct logtail *t)
{
	for (int i = 0; i < 2; i++)
		if (t->f[i].path[0] != '\0' && t->f[i].fd >= 0)
			close(t->f[i].fd);
	free_lines(t);
	memset(t, 0, sizeof(*t));
	t->f[0].fd = t->f[1].fd = -1;
}
