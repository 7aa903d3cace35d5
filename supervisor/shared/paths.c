/* paths.c: where a home keeps its files, and the id that names it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

uint64_t paths_fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int paths_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* out := dir/name, kept under PATH_MAX like every path the kernel takes. */
static int join(char **out, const char *dir, const char *name)
{
	if (strlen(dir) + 1 + strlen(name) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return asprintf(out, "%s/%s", dir, name) == -1 ? (*out = NULL, -1) : 0;
}

void paths_free(struct paths *p)
{
	free(p->home);
	free(p->sock);
	free(p->db);
	free(p->log);
	free(p->pid);
	free(p->logs);
	memset(p, 0, sizeof(*p));
}

int paths_init(struct paths *p, bool create)
{
	const char *home = getenv("CSUP_HOME");
	const char *user = getenv("HOME");
	char raw[PATH_MAX];
	int e;

	memset(p, 0, sizeof(*p));
	if (home && *home)
		snprintf(raw, sizeof(raw), "%s", home);
	else if (snprintf(raw, sizeof(raw), "%s/.csup", user ? user : "/") >=
	    (int)sizeof(raw)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (create) {
		if (paths_mkdir_p(raw, 0700) == -1)
			return -1;
	}
	/* The id must not depend on how the path was spelled. */
	if ((p->home = realpath(raw, NULL)) == NULL && (p->home = strdup(raw)) == NULL)
		return -1;
	snprintf(p->id, sizeof(p->id), "%016llx",
	    (unsigned long long)paths_fnv1a(p->home));
	if (join(&p->sock, p->home, "csup.sock") == -1 ||
	    join(&p->db, p->home, "csup.db") == -1 ||
	    join(&p->log, p->home, "csup.log") == -1 ||
	    join(&p->pid, p->home, "csup.pid") == -1 ||
	    join(&p->logs, p->home, "logs") == -1 ||
	    (create && mkdir(p->logs, 0700) == -1 && errno != EEXIST)) {
		e = errno;
		paths_free(p);
		errno = e;
		return -1;
	}
	return 0;
}

void paths_app_logs(const struct paths *p, const struct app_config *c,
    char *out, char *err, size_t len)
{
	/* merge_logs: the copies of a group share the group's files (PM2). */
	const char *base = c->merge_logs && c->group ? c->group : c->name;

	if (c->out_file)
		snprintf(out, len, "%s", c->out_file);
	else
		snprintf(out, len, "%s/%s-out.log", p->logs, base);
	if (c->error_file)
		snprintf(err, len, "%s", c->error_file);
	else
		snprintf(err, len, "%s/%s-err.log", p->logs, base);
}

int paths_check_home(const struct paths *p, char *err, size_t len)
{
	struct stat st;

	if (stat(p->home, &st) == -1) {
		snprintf(err, len, "the home %s: %s", p->home, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, len, "the home %s is not a directory", p->home);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, len, "the home %s belongs to another user (uid %d); refused",
		    p->home, (int)st.st_uid);
		return -1;
	}
	/* Whoever can write it can replace the socket, the state or the logs. */
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, len, "the home %s is %s-writable (mode %04o); refused: "
		    "chmod 700 it", p->home, st.st_mode & S_IWOTH ? "world" : "group",
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if (access(p->home, W_OK | X_OK) == -1) {
		snprintf(err, len, "the home %s is not writable: %s", p->home,
		    strerror(errno));
		return -1;
	}
	return 0;
}

void paths_app_dropfile(const struct paths *p, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/.%s.dropped", p->logs, name);
}
