/*
 * smart_ctags.c: universal-ctags as a child for the code tools. Its stdout
 * is a pipe read here under a deadline; stdin and stderr are /dev/null. A
 * run that outlives the deadline or writes too much is killed (SIGKILL)
 * and reaped. Nothing else of the server forks, so waitpid on this one pid
 * is the only reaping there is.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smart.h"

extern char **environ;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* Start ctags on paths with its stdout on a pipe; *fd the read end. */
static int spawn(char *const *paths, size_t n, pid_t *pid, int *fd,
    char *err, size_t errlen)
{
	static char *const head[] = { SMART_CTAGS, "--options=NONE",
	    "--output-format=json", "--fields=+neKSZlf", "--sort=no",
	    "-f", "-" };
	size_t nh = sizeof(head) / sizeof(head[0]), i;
	posix_spawn_file_actions_t fa;
	char **argv = calloc(nh + n + 1, sizeof(*argv));
	int p[2] = { -1, -1 }, rc = -1, e;

	if (argv == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < nh; i++)
		argv[i] = head[i];
	for (i = 0; i < n; i++)
		argv[nh + i] = paths[i];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(argv);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	e = posix_spawnp(pid, SMART_CTAGS, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e == ENOENT)
		snprintf(err, errlen, "the code tools need universal-ctags: "
		    "program \"%s\" not found on PATH (install the "
		    "universal-ctags package)", SMART_CTAGS);
	else if (e != 0)
		snprintf(err, errlen, "cannot run %s: %s", SMART_CTAGS,
		    strerror(e));
	else {
		*fd = p[0];
		p[0] = -1;
		rc = 0;
	}
	if (p[0] >= 0)
		close(p[0]);
	close(p[1]);
	free(argv);
	return rc;
}

int smart_ctags_timeout_ms(void)
{
	const char *s = getenv(SMART_CTAGS_TIMEOUT_ENV);
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return SMART_CTAGS_TIMEOUT_MS;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 100 || v > 3600000)
		return SMART_CTAGS_TIMEOUT_MS;
	return (int)v;
}

/* Read fd to EOF into *out, until the deadline or the size bound. */
static int slurp(int fd, struct sbuf *out, char *err, size_t errlen)
{
	int bound = smart_ctags_timeout_ms();
	long long deadline = now_ms() + bound, left;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[65536];
	ssize_t r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0) {
			if (bound % 1000 == 0)
				snprintf(err, errlen, "%s took longer than %d s",
				    SMART_CTAGS, bound / 1000);
			else
				snprintf(err, errlen, "%s took longer than %d ms",
				    SMART_CTAGS, bound);
			return -1;
		}
		switch (poll(&pfd, 1, (int)left)) {
		case -1:
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		case 0:
			continue;	/* the deadline, checked above */
		}
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			return out->oom ? (snprintf(err, errlen,
			    "out of memory"), -1) : 0;
		if (out->len + (size_t)r > SMART_CTAGS_MAX_OUT) {
			snprintf(err, errlen, "%s wrote more than %u MiB",
			    SMART_CTAGS, SMART_CTAGS_MAX_OUT >> 20);
			return -1;
		}
		sbuf_addn(out, buf, (size_t)r);
	}
}

/* The "tag" objects of ctags' JSON lines. */
static json_t *parse(char *s)
{
	json_t *a = json_array(), *o;
	char *nl;

	while (a != NULL && s != NULL && *s != '\0') {
		nl = strchr(s, '\n');
		if (nl != NULL)
			*nl = '\0';
		o = json_loads(s, 0, NULL);
		if (json_is_object(o) && json_is_string(json_object_get(o,
		    "name")) && strcmp(json_string_value(json_object_get(o,
		    "_type")) ? json_string_value(json_object_get(o,
		    "_type")) : "", "tag") == 0)
			json_array_append_new(a, o);
		else
			json_decref(o);
		s = nl ? nl + 1 : NULL;
	}
	return a;
}

int smart_ctags(char *const *paths, size_t n, json_t **tags, char *err,
    size_t errlen)
{
	struct sbuf out;
	pid_t pid;
	int fd, st, rc;

	*tags = NULL;
	if (spawn(paths, n, &pid, &fd, err, errlen) < 0)
		return -1;
	sbuf_init(&out);
	rc = slurp(fd, &out, err, errlen);
	close(fd);
	if (rc < 0)
		kill(pid, SIGKILL);
	st = reap(pid);
	if (rc == 0 && (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
		snprintf(err, errlen, "%s failed (%s %d): universal-ctags "
		    "with JSON output is needed", SMART_CTAGS,
		    st >= 0 && WIFSIGNALED(st) ? "signal" : "exit status",
		    st < 0 ? -1 : WIFSIGNALED(st) ? WTERMSIG(st) :
		    WEXITSTATUS(st));
		rc = -1;
	}
	if (rc == 0) {
		sbuf_add(&out, "");
		*tags = parse(out.s);
		if (*tags == NULL) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	sbuf_free(&out);
	return rc;
}
