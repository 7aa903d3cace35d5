/*
 * guard_tree.h: real process trees for the unit tests of proc.c, cgroup.c
 * and kill.c. Each tree runs `/bin/sleep MARKER` processes (MARKER unique
 * to the test run) in the escape patterns of docs/guarantee.md; the test
 * process is a child subreaper, as the daemon is, and reaps everything.
 * Static functions only: included by one test file each.
 */
#ifndef GUARD_TREE_H
#define GUARD_TREE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "proc.h"

enum {
	T_PLAIN = 1 << 0,	/* a child */
	T_SETSID = 1 << 1,	/* a child in a session of its own */
	T_DOUBLE = 1 << 2,	/* a grandchild whose parent exited (reparented) */
	T_ENVI_SETSID = 1 << 3,	/* a child, own session, empty environment */
	T_IGNORE = 1 << 4,	/* a child ignoring SIGTERM and SIGINT */
	T_SETPGID = 1 << 5,	/* a child in a process group of its own */
	T_ESCAPE = 1 << 6,	/* double fork + setsid + empty env: the documented limit */
	T_FORKER = 1 << 7,	/* ignores TERM, forks 300 sleepers 1 ms apart */
	T_MAIN_IGNORE = 1 << 8,	/* the main process itself ignores TERM and INT */
};
#define T_ALL_CAUGHT (T_PLAIN | T_SETSID | T_DOUBLE | T_ENVI_SETSID | T_IGNORE | T_SETPGID)

struct tree {
	pid_t		main;
	uint64_t	main_start;
	char		marker[32];
	char		tag[96];
	int		expect;		/* marker processes once the tree has settled */
};

static int tree_serial __attribute__((unused));

static inline void tree_exec_sleep(const char *marker, const char *tag)
{
	char env[128];
	char *argv[] = { (char *)"sleep", (char *)marker, NULL };
	char *envp[] = { env, NULL };
	char *noenv[] = { NULL };

	snprintf(env, sizeof(env), "%s=%s", PROC_TAG_VAR, tag ? tag : "");
	execve("/bin/sleep", argv, tag ? envp : noenv);
	_exit(127);
}

static inline void tree_ignore_stop(void)
{
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
}

/*
 * Double fork: the middle process exits; the grandchild goes on only once
 * it has been reparented, so a counted tree never holds the middle one.
 */
static inline void tree_detach(void)
{
	pid_t middle = getpid();

	if (fork() != 0)
		_exit(0);
	while (getppid() == middle)
		usleep(200);
}

static inline void tree_child(const struct tree *t, unsigned kind)
{
	int i;

	if (fork() != 0)
		return;
	switch (kind) {
	case T_SETSID:		setsid(); break;
	case T_ENVI_SETSID:	setsid(); tree_exec_sleep(t->marker, NULL); break;
	case T_IGNORE:		tree_ignore_stop(); break;
	case T_SETPGID:		setpgid(0, 0); break;
	case T_DOUBLE:
		tree_detach();
		break;
	case T_ESCAPE:
		tree_detach();
		setsid();
		tree_exec_sleep(t->marker, NULL);
		break;
	case T_FORKER:
		tree_ignore_stop();
		for (i = 0; i < 300; i++) {
			if (fork() == 0)
				tree_exec_sleep(t->marker, t->tag);
			usleep(1000);
		}
		break;
	default:
		break;
	}
	tree_exec_sleep(t->marker, t->tag);
}

/* 1 when one of the NUL-separated arguments in buf[0..len) is marker. */
static inline int tree_has_arg(const char *buf, size_t len, const char *marker)
{
	size_t i = 0;

	while (i < len) {
		if (strcmp(buf + i, marker) == 0)
			return 1;
		i += strlen(buf + i) + 1;
	}
	return 0;
}

/* out := the live processes with MARKER among their arguments (zombies have none). */
static inline int tree_pids(const char *marker, struct proc_set *out)
{
	char path[64], buf[4096];
	struct proc_info pi;
	struct dirent *de;
	ssize_t r;
	int fd;
	DIR *d = opendir("/proc");

	if (d == NULL)
		return -1;
	proc_set_clear(out);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", atoi(de->d_name));
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue;
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		if (tree_has_arg(buf, (size_t)r, marker) &&
		    proc_read(atoi(de->d_name), &pi) == 0 && pi.state != 'Z')
			proc_set_add(out, pi.pid, pi.start_time);
	}
	closedir(d);
	return (int)out->n;
}

static inline int tree_count(const char *marker)
{
	struct proc_set s = { 0 };
	int n = tree_pids(marker, &s);

	proc_set_free(&s);
	return n;
}

/* Polls (5 ms steps) until tree_count(marker) >= n; 0, or -1 at the deadline. */
static inline int tree_wait_count(const char *marker, int n, int at_most_ms)
{
	int i;

	for (i = 0; i < at_most_ms; i += 5) {
		if (tree_count(marker) >= n)
			return 0;
		usleep(5000);
	}
	return -1;
}

static inline void tree_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * Starts a tree: its main process (own session, in the cgroup behind
 * cg_fd unless -1) starts one child of each kind in `kinds`, then `fanout`
 * children with `leaves` sleepers each, then becomes `sleep MARKER`.
 * Returns when the deterministic part of the tree runs; 0 or -1.
 */
static inline int tree_spawn(struct tree *t, unsigned kinds, int fanout, int leaves,
    int cg_fd)
{
	struct proc_info pi;
	unsigned k;
	int i, j;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	memset(t, 0, sizeof(*t));
	snprintf(t->marker, sizeof(t->marker), "7%06d%03d", (int)getpid() % 1000000,
	    ++tree_serial);
	/* The home part is this test process's own: parallel runs never see each other. */
	snprintf(t->tag, sizeof(t->tag), "testhome%d:app%d:1", (int)getpid(), tree_serial);
	t->expect = 1 + fanout * (1 + leaves);
	for (k = T_PLAIN; k <= T_ESCAPE; k <<= 1)
		if (kinds & k)
			t->expect++;
	if ((t->main = fork()) == -1)
		return -1;
	if (t->main == 0) {
		if (cg_fd != -1 && cgroup_enter(cg_fd) == -1)
			_exit(126);
		setsid();
		if (kinds & T_MAIN_IGNORE)
			tree_ignore_stop();
		for (k = T_PLAIN; k <= T_FORKER; k <<= 1)
			if (kinds & k)
				tree_child(t, k);
		for (i = 0; i < fanout; i++) {
			if (fork() != 0)
				continue;
			for (j = 0; j < leaves; j++)
				if (fork() == 0)
					tree_exec_sleep(t->marker, t->tag);
			tree_exec_sleep(t->marker, t->tag);
		}
		tree_exec_sleep(t->marker, t->tag);
	}
	if (tree_wait_count(t->marker, t->expect, 5000) == -1 ||
	    proc_read(t->main, &pi) == -1)
		return -1;
	t->main_start = pi.start_time;
	return 0;
}

/*
 * Runs `bash SCRIPT MARKER` as a generation's main process (own session,
 * tagged, in the cgroup behind cg_fd unless -1) and waits until `expect`
 * processes carry the marker. 0 or -1.
 */
static inline int tree_spawn_script(struct tree *t, const char *script, int expect,
    int cg_fd)
{
	struct proc_info pi;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	memset(t, 0, sizeof(*t));
	snprintf(t->marker, sizeof(t->marker), "7%06d%03d", (int)getpid() % 1000000,
	    ++tree_serial);
	snprintf(t->tag, sizeof(t->tag), "testhome%d:script%d:1", (int)getpid(), tree_serial);
	t->expect = expect;
	if ((t->main = fork()) == -1)
		return -1;
	if (t->main == 0) {
		char *argv[] = { (char *)"bash", (char *)script, t->marker, NULL };

		if (cg_fd != -1 && cgroup_enter(cg_fd) == -1)
			_exit(126);
		setsid();
		setenv(PROC_TAG_VAR, t->tag, 1);
		execv("/bin/bash", argv);
		_exit(127);
	}
	if (tree_wait_count(t->marker, expect, 10000) == -1 ||
	    proc_read(t->main, &pi) == -1)
		return -1;
	t->main_start = pi.start_time;
	return 0;
}

/* Ends whatever is left of the tree, by its marker. */
static inline void tree_cleanup(const struct tree *t)
{
	struct proc_set s = { 0 };
	size_t i;

	if (tree_pids(t->marker, &s) > 0)
		for (i = 0; i < s.n; i++)
			kill(s.v[i].pid, SIGKILL);
	proc_set_free(&s);
	tree_reap();
}

#endif
