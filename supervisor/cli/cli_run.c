/*
 * cli_run.c: `csup run FILE [--only A,B] [--env NAME] [--json]`, the
 * client's half. It reads FILE here, as `csup start` does (a bad FILE is
 * one line and exit 2 before anything starts), then becomes csupd in the
 * same process (exec: as PID 1 of a container csupd is PID 1 and the only
 * long-lived supervisor process) and hands it the resolved apps as JSON on
 * an inherited memfd: `csupd run --apps-fd=N`. csupd reads no ecosystem
 * file, so it links no YAML or JavaScript reader (daemon/run.c, the
 * daemon's half).
 *
 * The document: {"apps": [app...], "source": PATH, "json": BOOL}, each
 * app as config_app_to_json() writes it (what a `start` request carries),
 * source the file's realpath, as `start` stores it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "config_node.h"
#include "paths.h"

struct run_args {
	const char	*file;
	const char	*only;
	const char	*env_name;
	bool		 json;
};

static int usage(const char *msg)
{
	fprintf(stderr, "csup run: %s (usage: csup run FILE [--only A,B] [--env NAME]"
	    " [--json])\n", msg);
	return CSUP_EXIT_USAGE;
}

/* An unknown option, with the nearest of run's own when one is close. */
static int unknown_option(const char *arg)
{
	static const char *const opts[] = { "json", "only", "env", "help" };
	char name[64];
	const char *best = NULL, *p = arg, *eq;
	int bd = 3, d;

	while (*p == '-')
		p++;
	eq = strchr(p, '=');
	snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - p : 60), p);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		d = edit_distance(name, opts[i]);
		if (d < bd) {
			bd = d;
			best = opts[i];
		}
	}
	if (best && name[0])
		fprintf(stderr, "csup run: unknown option '%s', did you mean '--%s'? "
		    "(try 'csup run --help')\n", arg, best);
	else
		fprintf(stderr, "csup run: unknown option '%s' (try 'csup run --help')\n", arg);
	return CSUP_EXIT_USAGE;
}

static int parse_args(struct run_args *r, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		bool more = i + 1 < argc;

		if (strcmp(a, "--json") == 0)
			r->json = true;
		else if (strncmp(a, "--only=", 7) == 0 && eq[1])
			r->only = eq + 1;
		else if (strcmp(a, "--only") == 0 && more)
			r->only = argv[++i];
		else if (strncmp(a, "--env=", 6) == 0 && eq[1])
			r->env_name = eq + 1;
		else if (strcmp(a, "--env") == 0 && more)
			r->env_name = argv[++i];
		else if (strcmp(a, "--only") == 0 || strcmp(a, "--env") == 0)
			return usage("an option lacks its value");
		else if (a[0] == '-' && a[1])
			return unknown_option(a);
		else if (r->file == NULL)
			r->file = a;
		else
			return usage("one FILE only");
	}
	return r->file ? 0 : usage("FILE is missing");
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

static bool only_has(const char *only, const struct app_config *c)
{
	char buf[1024], *tok, *save = NULL;

	if (only == NULL)
		return true;
	snprintf(buf, sizeof(buf), "%s", only);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, c->name) == 0 || (c->group && strcmp(tok, c->group) == 0))
			return true;
	return false;
}

/* FILE's apps that --only names as JSON, or NULL with the exit code in *rc. */
static json_t *load(const struct run_args *r, int *rc)
{
	struct config_options copt = { .env_name = r->env_name };
	struct config_error err;
	struct app_list list = { 0 };
	json_t *apps = NULL, *j;

	*rc = CSUP_EXIT_USAGE;
	memset(&err, 0, sizeof(err));
	if (config_load(r->file, &copt, &list, &err) == -1) {
		fprintf(stderr, "%s:%d:%d: %s\n", r->file, err.line, err.column, err.msg);
		goto out;
	}
	for (size_t i = 0; i < list.nwarnings; i++)
		fprintf(stderr, "%s:%d:%d: warning: %s\n", r->file, list.warnings[i].line,
		    list.warnings[i].column, list.warnings[i].msg);
	if ((apps = json_array()) == NULL)
		goto oom;
	for (size_t i = 0; i < list.n; i++) {
		if (!only_has(r->only, &list.apps[i]))
			continue;
		if ((j = config_app_to_json(&list.apps[i])) == NULL ||
		    json_array_append_new(apps, j) == -1)
			goto oom;
	}
	if (json_array_size(apps) == 0) {
		fprintf(stderr, "csup run: no app of %s matches --only %s\n", r->file,
		    r->only ? r->only : "");
		json_decref(apps);
		apps = NULL;
	}
	goto out;
oom:
	fprintf(stderr, "csup run: out of memory\n");
	*rc = CSUP_EXIT_FAIL;
	json_decref(apps);
	apps = NULL;
out:
	config_app_list_free(&list);
	return apps;
}

/* Writes doc to a memfd that exec keeps open, rewound; -1 with errno. */
static int apps_fd(const json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);
	size_t len, off = 0;
	ssize_t n;
	int fd = -1, saved;

	if (text == NULL) {
		errno = ENOMEM;
		return -1;
	}
	len = strlen(text);
	/* Not MFD_CLOEXEC: csupd, this same process after exec, reads it. */
	if ((fd = memfd_create("csup-run-apps", 0)) == -1)
		goto fail;
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) == -1)
		goto fail;
	free(text);
	return fd;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	free(text);
	errno = saved;
	return -1;
}

int cli_run_main(int argc, char **argv)
{
	struct run_args r = { 0 };
	char arg[32], *real = NULL;
	json_t *apps, *doc;
	int rc, fd;

	if (wants_help(argc, argv)) {
		printf("usage: csup run FILE [--only A,B] [--env NAME] [--json]\n"
		    "  the daemon in the foreground with the apps of FILE (containers):\n"
		    "  each app's lines on stdout/stderr as 'NAME | TEXT' (--json: JSON lines);\n"
		    "  SIGTERM/SIGINT stop every app, a second one kills what is left;\n"
		    "  exits when every app has ended: 0, or 1 when one failed\n");
		return CSUP_EXIT_OK;
	}
	if ((rc = parse_args(&r, argc, argv)) != 0)
		return rc;
	if ((apps = load(&r, &rc)) == NULL)
		return rc;
	real = realpath(r.file, NULL);
	doc = json_pack("{s:o,s:s?,s:b}", "apps", apps, "source", real, "json", r.json);
	free(real);
	if (doc == NULL) {
		fprintf(stderr, "csup run: out of memory\n");
		return CSUP_EXIT_FAIL;
	}
	fd = apps_fd(doc);
	json_decref(doc);
	if (fd == -1) {
		fprintf(stderr, "csup run: cannot hand the apps to the daemon: %s\n",
		    strerror(errno));
		return CSUP_EXIT_FAIL;
	}
	snprintf(arg, sizeof(arg), "--apps-fd=%d", fd);
	client_daemon_exec((char *[]){ "run", arg, NULL });
	fprintf(stderr, "csup: cannot run the daemon (csupd): %s\n", strerror(errno));
	close(fd);
	return CSUP_EXIT_FAIL;
}
