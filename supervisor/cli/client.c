/*
 * client.c: reach the daemon of this home, starting it when none answers.
 * Blocking IO: a client does one thing at a time. A home or socket of
 * another user is refused before anything is started there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "paths.h"
#include "proto.h"

#define START_WAIT_MS	15000

static int foreign(const struct paths *p)
{
	struct stat st;

	if (stat(p->home, &st) == 0 && st.st_uid != geteuid()) {
		fprintf(stderr, "csup: the socket %s belongs to another user (uid %d)\n",
		    p->sock, (int)st.st_uid);
		errno = EACCES;
		return 1;
	}
	if (stat(p->sock, &st) == 0 ? st.st_uid != geteuid() : errno == EACCES) {
		fprintf(stderr, "csup: the socket %s belongs to another user%s\n", p->sock,
		    errno == EACCES ? "" : " (not ours)");
		errno = EACCES;
		return 1;
	}
	return 0;
}

static int try_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	close(fd);
	return -1;
}

static int spawn_daemon(void)
{
	char *none[] = { NULL };
	pid_t pid;
	int status;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		client_daemon_exec(none);
		fprintf(stderr, "csup: cannot run the daemon (csupd): %s\n", strerror(errno));
		_exit(1);
	}
	/*
	 * csupd detaches (double fork) and its first process exits 0;
	 * before that it says on our stderr why it cannot start, and exits 1.
	 */
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		return -1;
	}
	return 0;
}

/* A home others could write is refused before we talk to anything in it. */
static int unsafe_home(const struct paths *p)
{
	char err[PATH_MAX + 128];

	if (access(p->home, F_OK) == -1 || paths_check_home(p, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "csup: %s\n", err);
	errno = EACCES;
	return 1;
}

int client_connect(const struct paths *p, bool autostart)
{
	struct timespec step = { 0, 10 * 1000000 };
	int fd, waited;

	if (foreign(p) || unsafe_home(p))
		return -1;
	if ((fd = try_connect(p->sock)) >= 0)
		return fd;
	if (!autostart)
		return -1;
	if (errno != ENOENT && errno != ECONNREFUSED) {
		fprintf(stderr, "csup: cannot connect to %s: %s\n", p->sock, strerror(errno));
		return -1;
	}
	if (spawn_daemon() == -1) {
		if (errno != ECHILD)	/* else the daemon said why */
			fprintf(stderr, "csup: cannot start the daemon: %s\n", strerror(errno));
		errno = EACCES;
		return -1;
	}
	for (waited = 0; waited < START_WAIT_MS; waited += 10) {
		if ((fd = try_connect(p->sock)) >= 0)
			return fd;
		nanosleep(&step, NULL);
	}
	fprintf(stderr, "csup: the daemon did not come up (see %s)\n", p->log);
	return -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

json_t *client_call(int fd, json_t *req)
{
	unsigned char hdr[4];
	char err[256], *buf;
	json_t *reply = NULL;
	uint32_t len;
	size_t n;

	buf = proto_encode(req, &n);
	json_decref(req);
	if (buf == NULL || write_all(fd, buf, n) == -1) {
		fprintf(stderr, "csup: cannot send the request: %s\n", strerror(errno));
		free(buf);
		return NULL;
	}
	free(buf);
	if (read_all(fd, hdr, 4) == -1 || proto_frame_len(hdr, &len) == -1 ||
	    (buf = malloc(len)) == NULL) {
		fprintf(stderr, "csup: the daemon closed the connection without a reply\n");
		return NULL;
	}
	if (read_all(fd, buf, len) == 0 &&
	    (reply = proto_decode(buf, len, err, sizeof(err))) == NULL)
		fprintf(stderr, "csup: bad reply from the daemon: %s\n", err);
	else if (reply == NULL)
		fprintf(stderr, "csup: the daemon closed the connection mid-reply\n");
	free(buf);
	return reply;
}

json_t *client_request(bool autostart, json_t *req)
{
	struct paths p;
	json_t *reply;
	int fd;

	if (paths_init(&p, false) == -1) {
		fprintf(stderr, "csup: bad CSUP_HOME: %s\n", strerror(errno));
		json_decref(req);
		return NULL;
	}
	if ((fd = client_connect(&p, autostart)) == -1) {
		if (!autostart && errno != EACCES)
			fprintf(stderr, "csup: no daemon answers at %s\n", p.sock);
		paths_free(&p);
		json_decref(req);
		return NULL;
	}
	paths_free(&p);
	reply = client_call(fd, req);
	close(fd);
	return reply;
}

static bool pid_gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return true;
	/* A zombie waiting for its reaper has exited too. */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return true;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	return p && (p = strrchr(buf, ')')) && (p[2] == 'Z' || p[2] == 'X');
}

int cli_kill(void)
{
	struct timespec step = { 0, 5 * 1000000 };
	struct paths p;
	json_t *reply;
	pid_t pid;
	char c;
	int fd, e;

	if (paths_init(&p, false) == -1)
		return CSUP_EXIT_FAIL;
	fd = client_connect(&p, false);
	e = errno;
	paths_free(&p);
	if (fd == -1)
		return e == EACCES ? CSUP_EXIT_FAIL : CSUP_EXIT_OK;	/* none: done */
	if ((reply = client_call(fd, json_pack("{s:s}", "cmd", "kill"))) == NULL) {
		close(fd);
		return CSUP_EXIT_FAIL;
	}
	pid = (pid_t)json_integer_value(json_object_get(reply, "pid"));
	if (!json_is_true(json_object_get(reply, "ok"))) {
		fprintf(stderr, "csup: %s\n", json_string_value(json_object_get(reply, "error")));
		json_decref(reply);
		close(fd);
		return CSUP_EXIT_FAIL;
	}
	json_decref(reply);
	/* EOF: the daemon closed everything on its way out. */
	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n > 0 || (n == -1 && errno == EINTR))
			continue;
		break;
	}
	close(fd);
	for (int i = 0; pid > 0 && i < 2000 && !pid_gone(pid); i++)
		nanosleep(&step, NULL);
	printf("csup: daemon %d stopped\n", (int)pid);
	return CSUP_EXIT_OK;
}
