/*
 * cli.c: the client commands and what they print. Every command but
 * kill, ping --no-start and version starts the daemon when none answers.
 * Exit codes: 0 done, 1 the action failed, 2 bad usage or a bad file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "paths.h"
#include "units.h"

extern char **environ;

struct opts {
	const char	*only;		/* --only A,B */
	const char	*env_name;	/* --env NAME */
	const char	*name;		/* --name N */
	bool		 json;
	bool		 follow;
	bool		 update_env;
	bool		 no_start;
	long		 lines;
	int		 npos;
	char		*pos[4];	/* positional arguments */
	char	       **rest;		/* after "--" */
};


static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "csup %s: %s (try 'csup --help')\n", cmd, msg);
	return CSUP_EXIT_USAGE;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->lines = 15;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (strcmp(a, "--") == 0) {
			o->rest = argv + i + 1;
			return 0;
		} else if (strcmp(a, "--json") == 0)
			o->json = true;
		else if (strcmp(a, "--follow") == 0 || strcmp(a, "-f") == 0)
			o->follow = true;
		else if (strcmp(a, "--update-env") == 0)
			o->update_env = true;
		else if (strcmp(a, "--no-start") == 0)
			o->no_start = true;
		else if (strcmp(a, "--only") == 0 && more)
			o->only = argv[++i];
		else if (strcmp(a, "--env") == 0 && more)
			o->env_name = argv[++i];
		else if (strcmp(a, "--name") == 0 && more)
			o->name = argv[++i];
		else if (strcmp(a, "--lines") == 0 && more) {
			char *end;

			o->lines = strtol(argv[++i], &end, 10);
			if (*end || o->lines < 0)
				return usage_error(argv[0], "--lines takes a number");
		} else if (a[0] == '-' && a[1])
			return usage_error(argv[0], "unknown or incomplete option");
		else if (o->npos < 4)
			o->pos[o->npos++] = argv[i];
		else
			return usage_error(argv[0], "too many arguments");
	}
	return 0;
}

static json_t *env_json(void)
{
	json_t *arr = json_array();

	for (char **e = environ; e && *e; e++)
		json_array_append_new(arr, json_string(*e));
	return arr;
}

/* Prints what happened to each app; returns the exit code. */
static int results(json_t *reply)
{
	int rc = CSUP_EXIT_OK;
	const char *name, *res, *err;
	size_t i;
	json_t *it;

	if (reply == NULL)
		return CSUP_EXIT_FAIL;
	if (!json_is_true(json_object_get(reply, "ok")) && json_object_get(reply, "error")) {
		fprintf(stderr, "csup: %s\n", json_string_value(json_object_get(reply, "error")));
		return CSUP_EXIT_FAIL;
	}
	json_array_foreach(json_object_get(reply, "results"), i, it) {
		name = json_string_value(json_object_get(it, "name"));
		res = json_string_value(json_object_get(it, "result"));
		err = json_string_value(json_object_get(it, "error"));
		if (res && strcmp(res, "failed") == 0) {
			if (err && strstr(err, name))
				fprintf(stderr, "csup: %s\n", err);
			else
				fprintf(stderr, "csup: app '%s' failed: %s\n", name, err ? err : "?");
			rc = CSUP_EXIT_FAIL;
		} else if (res && strcmp(res, "already") == 0)
			printf("csup: app '%s' already online, left alone\n", name);
	}
	return rc;
}

static int act_and_show(json_t *req)
{
	json_t *reply = client_request(true, req);
	int rc = results(reply);

	if (reply && json_object_get(reply, "apps"))
		cli_table(json_object_get(reply, "apps"));
	json_decref(reply);
	return rc;
}

static bool only_has(const char *only, const char *name, const char *group)
{
	char buf[1024], *tok, *save = NULL;

	if (only == NULL)
		return true;
	snprintf(buf, sizeof(buf), "%s", only);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, name) == 0 || (group && strcmp(tok, group) == 0))
			return true;
	return false;
}

/* The file's apps as JSON, or NULL after printing FILE:LINE:COLUMN: message. */
static json_t *load_file(const char *file, const struct opts *o, bool strict_only)
{
	struct config_options copt = { .env_name = o->env_name };
	struct config_error err;
	struct app_list list;
	json_t *arr;

	memset(&err, 0, sizeof(err));
	if (config_load(file, &copt, &list, &err) == -1) {
		config_error_print(file, &err);
		return NULL;
	}
	for (size_t i = 0; i < list.nwarnings; i++)
		fprintf(stderr, "%s:%d:%d: warning: %s\n", file, list.warnings[i].line,
		    list.warnings[i].column, list.warnings[i].msg);
	arr = json_array();
	for (size_t i = 0; i < list.n; i++)
		if (only_has(o->only, list.apps[i].name, list.apps[i].group))
			json_array_append_new(arr, config_app_to_json(&list.apps[i]));
	config_app_list_free(&list);
	if (strict_only && o->only && json_array_size(arr) == 0) {
		fprintf(stderr, "csup: no app of %s matches --only %s\n", file, o->only);
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static bool is_file_arg(const char *arg, const struct opts *o)
{
	static const char *const exts[] = { ".yaml", ".yml", ".json", ".json5",
		".config.js", ".config.cjs", ".config.mjs", NULL };
	size_t n = strlen(arg);

	if (o->name)
		return false;
	for (int i = 0; exts[i]; i++) {
		size_t e = strlen(exts[i]);

		if (n > e && strcmp(arg + n - e, exts[i]) == 0)
			return true;
	}
	return false;
}

/* `start CMD --name N -- ARGS`: resolved exactly as a one-app file would be. */
static json_t *command_app(const char *cmd, const struct opts *o)
{
	char tmp[] = "/tmp/csup-start-XXXXXX.json", cwd[PATH_MAX];
	json_t *app, *args = json_array(), *file, *arr = NULL;
	struct opts fo = *o;
	int fd;

	if (o->name && !config_name_valid(o->name)) {
		fprintf(stderr, "csup start: invalid name '%s'\n", o->name);
		json_decref(args);
		return NULL;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL || (fd = mkstemps(tmp, 5)) == -1) {
		fprintf(stderr, "csup start: %s\n", strerror(errno));
		json_decref(args);
		return NULL;
	}
	close(fd);
	for (char **r = o->rest; r && *r; r++)
		json_array_append_new(args, json_string(*r));
	app = json_pack("{s:s,s:o,s:s}", "script", cmd, "args", args, "cwd", cwd);
	if (o->name)
		json_object_set_new(app, "name", json_string(o->name));
	file = json_pack("{s:[o]}", "apps", app);
	if (json_dump_file(file, tmp, 0) == 0) {
		fo.only = NULL;
		arr = load_file(tmp, &fo, false);
	}
	unlink(tmp);
	json_decref(file);
	return arr;
}

static int c_start(int argc, char **argv, const struct opts *o)
{
	char real[PATH_MAX];
	json_t *apps, *req;
	bool file;

	if (o->npos != 1)
		return usage_error("start", "start FILE [--only A,B] [--env NAME] | "
		    "start CMD --name N [-- ARGS]");
	file = is_file_arg(o->pos[0], o);
	apps = file ? load_file(o->pos[0], o, true) : command_app(o->pos[0], o);
	if (apps == NULL)
		return CSUP_EXIT_USAGE;
	req = json_pack("{s:s,s:o,s:o}", "cmd", "start", "apps", apps, "env", env_json());
	if (file && realpath(o->pos[0], real))
		json_object_set_new(req, "source", json_string(real));
	if (!file && !o->name && !o->rest)
		json_object_set_new(req, "target", json_string(o->pos[0]));
	return act_and_show(req);
}

static int c_reload(int argc, char **argv, const struct opts *o)
{
	char real[PATH_MAX];
	json_t *apps;

	if (o->npos != 1)
		return usage_error("reload", "reload FILE [--env NAME]");
	if ((apps = load_file(o->pos[0], o, true)) == NULL)
		return CSUP_EXIT_USAGE;
	if (realpath(o->pos[0], real) == NULL) {
		json_decref(apps);
		return usage_error("reload", strerror(errno));
	}
	return act_and_show(json_pack("{s:s,s:o,s:o,s:s}", "cmd", "reload", "apps", apps,
	    "env", env_json(), "source", real));
}

static int c_target(int argc, char **argv, const struct opts *o)
{
	json_t *req;

	if (o->npos != 1)
		return usage_error(argv[0], "a NAME or 'all' is needed");
	req = json_pack("{s:s,s:s}", "cmd", argv[0], "target", o->pos[0]);
	if (o->update_env)
		json_object_set_new(req, "env", env_json());
	return act_and_show(req);
}

static int c_resurrect(int argc, char **argv, const struct opts *o)
{
	return act_and_show(json_pack("{s:s}", "cmd", "resurrect"));
}

static int c_status(int argc, char **argv, const struct opts *o)
{
	json_t *reply = client_request(true, json_pack("{s:s}", "cmd", "status"));
	int rc = results(reply);

	if (rc == 0 && o->json) {
		json_dumpf(json_object_get(reply, "apps"), stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (rc == 0)
		cli_table(json_object_get(reply, "apps"));
	json_decref(reply);
	return rc;
}

static int c_describe(int argc, char **argv, const struct opts *o)
{
	json_t *reply;
	int rc;

	if (o->npos != 1)
		return usage_error("describe", "describe NAME [--json]");
	reply = client_request(true, json_pack("{s:s,s:s}", "cmd", "describe", "name",
	    o->pos[0]));
	if ((rc = results(reply)) == 0 && o->json) {
		json_dumpf(json_object_get(reply, "app"), stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (rc == 0)
		cli_describe(json_object_get(reply, "app"));
	json_decref(reply);
	return rc;
}

static int c_logs(int argc, char **argv, const struct opts *o)
{
	json_t *req = json_pack("{s:s}", "cmd", "logs"), *reply;
	int rc;

	if (o->npos > 1)
		return usage_error("logs", "logs [NAME] [--lines N] [--follow]");
	if (o->npos == 1)
		json_object_set_new(req, "name", json_string(o->pos[0]));
	reply = client_request(true, req);
	if ((rc = results(reply)) == 0)
		rc = cli_logs(json_object_get(reply, "files"), o->lines, o->follow);
	json_decref(reply);
	return rc;
}

static int c_ping(int argc, char **argv, const struct opts *o)
{
	json_t *reply = client_request(!o->no_start, json_pack("{s:s}", "cmd", "ping"));
	int rc = results(reply);

	if (rc == 0)
		printf("%d\n", (int)json_integer_value(json_object_get(reply, "pid")));
	json_decref(reply);
	return rc;
}

static int c_version(int argc, char **argv, const struct opts *o)
{
	struct paths p;
	json_t *reply = NULL;
	int fd;

	printf("csup client %s\n", CSUP_VERSION);
	if (paths_init(&p, false) == 0 && (fd = client_connect(&p, false)) >= 0) {
		reply = client_call(fd, json_pack("{s:s}", "cmd", "version"));
		close(fd);
	}
	if (reply && json_is_true(json_object_get(reply, "ok")))
		printf("csup daemon %s (pid %d)\n",
		    json_string_value(json_object_get(reply, "version")),
		    (int)json_integer_value(json_object_get(reply, "pid")));
	else
		printf("csup daemon not running\n");
	json_decref(reply);
	return CSUP_EXIT_OK;
}

/*
 * monit: the dashboard is its own program beside this one (csup-monit), so
 * that curses is not linked into the client; the daemon is started here.
 */
static int c_monit(int argc, char **argv, const struct opts *o)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - sizeof("/csup-monit"));
	json_t *reply;

	if (o->npos > 0)
		return usage_error("monit", "monit takes no argument");
	if (n == -1 || (slash = memrchr(exe, '/', (size_t)n)) == NULL) {
		fprintf(stderr, "csup: cannot find csup-monit: %s\n", strerror(errno));
		return CSUP_EXIT_FAIL;
	}
	strcpy(slash, "/csup-monit");
	if ((reply = client_request(true, json_pack("{s:s}", "cmd", "ping"))) == NULL)
		return CSUP_EXIT_FAIL;
	json_decref(reply);
	execv(exe, (char *[]){ "csup-monit", NULL });
	fprintf(stderr, "csup: cannot run %s: %s\n", exe, strerror(errno));
	return CSUP_EXIT_FAIL;
}

static int c_kill(int argc, char **argv, const struct opts *o)
{
	return cli_kill();
}

static const struct {
	const char	*name;
	int		(*fn)(int, char **, const struct opts *);
} cmds[] = {
	{ "start", c_start }, { "reload", c_reload }, { "stop", c_target },
	{ "restart", c_target }, { "delete", c_target }, { "resurrect", c_resurrect },
	{ "status", c_status }, { "list", c_status }, { "ls", c_status },
	{ "describe", c_describe }, { "logs", c_logs }, { "ping", c_ping },
	{ "version", c_version }, { "kill", c_kill }, { "monit", c_monit },
};

int cli_main(int argc, char **argv)
{
	struct opts o;
	int rc;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name) != 0)
			continue;
		if ((rc = parse_opts(argc, argv, &o)) != 0)
			return rc;
		if (strcmp(argv[0], "delete") == 0 || strcmp(argv[0], "stop") == 0 ||
		    strcmp(argv[0], "restart") == 0)
			argv[0] = (char *)cmds[i].name;
		return cmds[i].fn(argc, argv, &o);
	}
	fprintf(stderr, "csup: unknown command '%s' (try 'csup --help')\n", argv[0]);
	return CSUP_EXIT_USAGE;
}
