/*
 * applog_drop.c: the count of log lines a logger could not write (a full
 * disk, /dev/full, an I/O error), kept in a small file the logger and the
 * daemon share: "$CSUP_HOME/logs/.NAME.dropped", one fixed-width record
 *   DROPPED REPORTED ERRNO\n
 * updated in place under flock(2). Written in place, the record needs no
 * new block, so it can still be counted on a full disk; kept in a file,
 * the count survives a daemon that is down when the lines are dropped:
 * the next daemon reports them (REPORTED says how many were already told).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applog.h"

#define REC_FMT		"%20llu %20llu %5d\n"
#define REC_LEN		49

struct drop_rec {
	unsigned long long	dropped, reported;
	int			err;
};

static int rec_read(int fd, struct drop_rec *r)
{
	char buf[REC_LEN + 1];
	ssize_t n;

	memset(r, 0, sizeof(*r));
	do
		n = pread(fd, buf, REC_LEN, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	buf[n] = '\0';
	if (n > 0 && sscanf(buf, "%llu %llu %d", &r->dropped, &r->reported, &r->err) != 3)
		memset(r, 0, sizeof(*r));
	return 0;
}

static int rec_write(int fd, const struct drop_rec *r)
{
	char buf[REC_LEN + 1];
	ssize_t n;

	snprintf(buf, sizeof(buf), REC_FMT, r->dropped, r->reported, r->err);
	do
		n = pwrite(fd, buf, REC_LEN, 0);
	while (n == -1 && errno == EINTR);
	return n == REC_LEN ? 0 : -1;
}

static int locked(int fd, int op)
{
	while (flock(fd, op) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

int applog_drop_open(const char *path)
{
	struct drop_rec r;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return -1;
	/* Written whole now, so later updates never need a new block. */
	if (locked(fd, LOCK_EX) == 0) {
		if (fstat(fd, &st) == 0 && st.st_size < REC_LEN &&
		    rec_read(fd, &r) == 0)
			(void)rec_write(fd, &r);
		(void)locked(fd, LOCK_UN);
	}
	return fd;
}

int applog_drop_add(int fd, unsigned long long lines, int err)
{
	struct drop_rec r;
	int rc = -1;

	if (fd == -1 || locked(fd, LOCK_EX) == -1)
		return -1;
	if (rec_read(fd, &r) == 0) {
		r.dropped += lines;
		r.err = err;
		rc = rec_write(fd, &r);
	}
	(void)locked(fd, LOCK_UN);
	return rc;
}

int applog_drop_take(const char *path, unsigned long long *lines, int *err)
{
	struct drop_rec r;
	int fd, rc = -1;

	*lines = 0;
	*err = 0;
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (locked(fd, LOCK_EX) == 0) {
		if ((rc = rec_read(fd, &r)) == 0 && r.dropped > r.reported) {
			*lines = r.dropped - r.reported;
			*err = r.err;
			r.reported = r.dropped;
			rc = rec_write(fd, &r);
		}
		(void)locked(fd, LOCK_UN);
	}
	close(fd);
	return rc;
}
