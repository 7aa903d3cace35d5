/*
 * systemd_startup.c: `csup startup [--install] [--user|--system]`: the boot
 * unit of one user and CSUP_HOME.
 *
 * `csup resurrect` starts the daemon (csupd) in the background and returns once the
 * apps are back, so the unit is Type=oneshot with RemainAfterExit=yes: it is
 * active while the daemon and its apps live on in its cgroup. KillMode=process
 * leaves them to csup: ExecStop=csup kill stops every app (each with its own
 * kill_timeout), then the daemon. Delegate=yes lets csup make the per-app
 * cgroups under the unit's own.
 *
 * The unit name is csup.service (user) or csup-USER.service (system), with
 * "-HASH" of CSUP_HOME appended when it is not the default $HOME/.csup, so
 * each home gets its own unit.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "systemd.h"

struct startup {
	bool	 install;
	bool	 system;		/* else a user unit */
	char	 user[256];		/* login name */
	char	 home[PATH_MAX];	/* CSUP_HOME, absolute */
	bool	 default_home;
	char	 exe[PATH_MAX];		/* this csup binary */
	char	 unit[320];		/* csup[-USER][-HASH].service */
	char	 dir[PATH_MAX];		/* where --install writes it */
	const char *target;		/* WantedBy= */
};

static void startup_usage(FILE *f)
{
	fputs("usage: csup startup [--install] [--user|--system]\n", f);
}

static int startup_parse(int argc, char **argv, struct startup *s, int *mode)
{
	int i;

	*mode = 0;	/* -1 user, 1 system, 0 by uid */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--install") == 0) {
			s->install = true;
		} else if (strcmp(argv[i], "--user") == 0) {
			*mode = -1;
		} else if (strcmp(argv[i], "--system") == 0) {
			*mode = 1;
		} else {
			fprintf(stderr, "csup startup: unknown argument '%s'\n", argv[i]);
			startup_usage(stderr);
			return -1;
		}
	}
	return 0;
}

static uint32_t fnv1a32(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* path made absolute (against the cwd) and resolved when it exists. */
static int absolute(const char *path, char *out)
{
	char cwd[PATH_MAX], *j;

	if (realpath(path, out) != NULL)
		return 0;
	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	j = sdunit_path_join(path[0] == '/' ? "/" : cwd, path);
	if (j == NULL || strlen(j) >= PATH_MAX) {
		free(j);
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(out, j);
	free(j);
	return 0;
}

static int startup_who(struct startup *s)
{
	const char *env_home = getenv("HOME"), *csup_home = getenv("CSUP_HOME");
	char def[PATH_MAX + 8], defabs[PATH_MAX];
	struct passwd *pw;

	errno = 0;
	pw = getpwuid(getuid());
	if (pw == NULL) {
		fprintf(stderr, "csup startup: no passwd entry for uid %u\n", getuid());
		return -1;
	}
	snprintf(s->user, sizeof(s->user), "%s", pw->pw_name);
	if (env_home == NULL || *env_home == '\0')
		env_home = pw->pw_dir;
	snprintf(def, sizeof(def), "%s/.csup", env_home);
	if (absolute(def, defabs) == -1 ||
	    absolute(csup_home && *csup_home ? csup_home : def, s->home) == -1) {
		fprintf(stderr, "csup startup: CSUP_HOME: %s\n", strerror(errno));
		return -1;
	}
	s->default_home = strcmp(s->home, defabs) == 0;
	return 0;
}

/* A login name as a unit name part: what systemd-escape would keep, else \xHH. */
static void put_unit_part(char *out, size_t len, const char *s)
{
	size_t o = strlen(out);

	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' || (c == '.' && o > 0))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

static int startup_place(struct startup *s)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	size_t len;
	ssize_t n;
	int r;

	n = readlink("/proc/self/exe", s->exe, sizeof(s->exe) - 1);
	if (n == -1) {
		fprintf(stderr, "csup startup: /proc/self/exe: %s\n", strerror(errno));
		return -1;
	}
	s->exe[n] = '\0';
	snprintf(s->unit, sizeof(s->unit), "csup%s", s->system ? "-" : "");
	if (s->system)
		put_unit_part(s->unit, sizeof(s->unit), s->user);
	len = strlen(s->unit);
	if (s->default_home)
		r = snprintf(s->unit + len, sizeof(s->unit) - len, ".service");
	else
		r = snprintf(s->unit + len, sizeof(s->unit) - len, "-%08x.service",
		    fnv1a32(s->home));
	/* systemd's limit for a unit name is 255. */
	if (r < 0 || (size_t)r >= sizeof(s->unit) - len || strlen(s->unit) > 255) {
		fprintf(stderr, "csup startup: unit name too long for user %s\n", s->user);
		return -1;
	}
	s->target = s->system ? "multi-user.target" : "default.target";
	if (s->system)
		snprintf(s->dir, sizeof(s->dir), "/etc/systemd/system");
	else if (xdg && xdg[0] == '/')
		snprintf(s->dir, sizeof(s->dir), "%s/systemd/user", xdg);
	else
		snprintf(s->dir, sizeof(s->dir), "%s/.config/systemd/user",
		    home && *home ? home : "/");
	return 0;
}

static void put_env_line(FILE *f, const char *key, const char *value)
{
	char *kv;

	if (value == NULL || asprintf(&kv, "%s=%s", key, value) == -1)
		return;
	fputs("Environment=", f);
	if (systemd_put_env(f, kv) == -1)
		fputs("# (not expressible)", f);
	fputc('\n', f);
	free(kv);
}

/* The client environment the daemon and resurrected apps should see at boot. */
static void startup_environment(FILE *f, const struct startup *s)
{
	static const char *const pass[] = { "PATH", "CSUP_HTTP", "CSUP_CGROUPS",
	    "CSUP_SAMPLE_MS", NULL };
	size_t i;

	put_env_line(f, "CSUP_HOME", s->home);
	for (i = 0; pass[i]; i++)
		put_env_line(f, pass[i], getenv(pass[i]));
}

static void startup_write(FILE *f, const struct startup *s)
{
	fprintf(f, "# %s: generated by `csup startup` for user ", s->unit);
	sdunit_put_text(f, s->user);
	fputs(" and CSUP_HOME ", f);
	sdunit_put_text(f, s->home);
	fputs(".\n# At boot it runs `csup resurrect`, which starts the daemon (csupd, beside csup)\n"
	    "# and brings back the apps that were online; on stop, `csup kill` (every app,\n"
	    "# then the daemon); see csup(1) and csupd(8). Install it with\n"
	    "# `csup startup --install` (writes ", f);
	sdunit_put_text(f, s->dir);
	fprintf(f, "/%s).\n[Unit]\nDescription=csup process supervisor (", s->unit);
	sdunit_put_text(f, s->user);
	fputs(", ", f);
	sdunit_put_text(f, s->home);
	fputs(")\n", f);
	if (s->system)
		fputs("After=network-online.target\nWants=network-online.target\n", f);
	fputs("\n[Service]\nType=oneshot\nRemainAfterExit=yes\n", f);
	if (s->system) {
		fputs("User=", f);
		sdunit_put_text(f, s->user);
		fputc('\n', f);
	}
	startup_environment(f, s);
	fputs("ExecStart=", f);
	systemd_put_exec_word(f, s->exe);
	fputs(" resurrect\nExecStop=", f);
	systemd_put_exec_word(f, s->exe);
	fputs(" kill\n# The apps belong to csup: on stop systemd signals no process itself.\n"
	    "KillMode=process\nDelegate=yes\nTimeoutStartSec=5min\nTimeoutStopSec=5min\n", f);
	fprintf(f, "\n[Install]\nWantedBy=%s\n", s->target);
}

/* Exit status of `systemctl [--user] daemon-reload`, or -1. */
static int daemon_reload(bool system)
{
	pid_t pid, r;
	int status;

	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		if (system)
			execlp("systemctl", "systemctl", "daemon-reload", (char *)NULL);
		else
			execlp("systemctl", "systemctl", "--user", "daemon-reload", (char *)NULL);
		_exit(127);
	}
	while ((r = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
		;
	if (r == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* systemctl enable, for a unit whose only [Install] is WantedBy=TARGET. */
static int enable_link(const struct startup *s)
{
	char wants[PATH_MAX], link[PATH_MAX], tmp[PATH_MAX], target[PATH_MAX];

	if (snprintf(wants, sizeof(wants), "%s/%s.wants", s->dir, s->target) >=
	    (int)sizeof(wants) ||
	    snprintf(link, sizeof(link), "%s/%s", wants, s->unit) >= (int)sizeof(link) ||
	    snprintf(tmp, sizeof(tmp), "%s.new", link) >= (int)sizeof(tmp) ||
	    snprintf(target, sizeof(target), "%s/%s", s->dir, s->unit) >=
	    (int)sizeof(target)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (sdunit_mkdir_p(wants, 0755) == -1)
		return -1;
	if (unlink(tmp) == -1 && errno != ENOENT)
		return -1;
	if (symlink(target, tmp) == -1)
		return -1;
	if (rename(tmp, link) == -1) {
		int saved = errno;

		unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

static int startup_install(const struct startup *s, const char *buf, size_t len)
{
	struct stat st;
	int r;

	if (sdunit_mkdir_p(s->dir, 0755) == -1 ||
	    sdunit_write_file(s->dir, s->unit, buf, len, 0644) == -1 ||
	    enable_link(s) == -1) {
		fprintf(stderr, "csup startup: %s/%s: %s%s\n", s->dir, s->unit,
		    strerror(errno), errno == EACCES && s->system ?
		    " (a system unit needs root; or use --user)" : "");
		return 1;
	}
	printf("installed %s/%s, enabled for %s\n", s->dir, s->unit, s->target);
	/* Only a running systemd has anything to reload (sd_booted()). */
	if (stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode)) {
		r = daemon_reload(s->system);
		if (r != 0)
			fprintf(stderr, "csup startup: warning: `systemctl%s daemon-reload` "
			    "failed; run it before starting the unit\n",
			    s->system ? "" : " --user");
	} else {
		printf("systemd is not running here: the unit takes effect at the next "
		    "boot under systemd\n");
	}
	printf("start it now: systemctl%s start %s\n", s->system ? "" : " --user", s->unit);
	if (!s->system)
		printf("to start it at boot without a login: loginctl enable-linger %s\n",
		    s->user);
	return 0;
}

int startup_main(int argc, char **argv)
{
	struct startup s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int mode, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		startup_usage(stdout);
		return 0;
	}
	memset(&s, 0, sizeof(s));
	if (startup_parse(argc, argv, &s, &mode) == -1)
		return 2;
	s.system = mode > 0 || (mode == 0 && getuid() == 0);
	if (startup_who(&s) == -1 || startup_place(&s) == -1)
		return 1;
	f = open_memstream(&buf, &len);
	if (f == NULL) {
		fprintf(stderr, "csup startup: %s\n", strerror(errno));
		return 1;
	}
	startup_write(f, &s);
	if (fclose(f) != 0) {
		fprintf(stderr, "csup startup: %s\n", strerror(errno));
		free(buf);
		return 1;
	}
	if (s.install)
		rc = startup_install(&s, buf, len);
	else
		rc = fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
	free(buf);
	return rc;
}

/* `csup unstartup`: remove what `startup --install` put in place. */
int unstartup_main(int argc, char **argv)
{
	char link[PATH_MAX], unit[PATH_MAX];
	struct startup s;
	struct stat st;
	int mode, gone = 0;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs("usage: csup unstartup [--user|--system]\n"
		    "  remove the boot unit that `csup startup --install` installed\n", stdout);
		return 0;
	}
	memset(&s, 0, sizeof(s));
	if (startup_parse(argc, argv, &s, &mode) == -1 || s.install) {
		fputs("usage: csup unstartup [--user|--system]\n", stderr);
		return 2;
	}
	s.system = mode > 0 || (mode == 0 && getuid() == 0);
	if (startup_who(&s) == -1 || startup_place(&s) == -1)
		return 1;
	if (snprintf(link, sizeof(link), "%s/%s.wants/%s", s.dir, s.target, s.unit) >=
	    (int)sizeof(link) ||
	    snprintf(unit, sizeof(unit), "%s/%s", s.dir, s.unit) >= (int)sizeof(unit)) {
		fprintf(stderr, "csup unstartup: %s: path too long\n", s.dir);
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		const char *path = i == 0 ? link : unit;

		if (unlink(path) == 0)
			gone++;
		else if (errno != ENOENT) {
			fprintf(stderr, "csup unstartup: %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	if (gone == 0) {
		printf("no boot unit installed at %s\n", unit);
		return 0;
	}
	printf("removed %s\n", unit);
	if (stat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode) &&
	    daemon_reload(s.system) != 0)
		fprintf(stderr, "csup unstartup: warning: `systemctl%s daemon-reload` failed\n",
		    s.system ? "" : " --user");
	return 0;
}
