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
#include <sys/stat.h>

#include "cli.h"
#include "config_node.h"
#include "paths.h"

extern char **environ;

json_t *cli_env_json(void)
{
	json_t *arr = json_array();

	for (char **e = environ; e && *e; e++)
		json_array_append_new(arr, json_string(*e));
	return arr;
}

int cli_results(json_t *reply)
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
		} else if (res && strcmp(res, "skipped") == 0)
			fprintf(stderr, "csup: app '%s': %s\n", name, err ? err : "skipped");
		else if (res && strcmp(res, "already") == 0)
			printf("csup: app '%s' already online, left alone\n", name);
	}
	return rc;
}

int cli_act_and_show(json_t *req)
{
	json_t *reply = client_request(true, req);
	int rc = cli_results(reply);

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

/*
 * An error without a position comes from a command-line flag only when the
 * file itself was read; otherwise it is the file's ('FILE: cannot open').
 */
static bool flag_error(const char *file, const struct opts *o,
    const struct config_error *err)
{
	struct stat st;

	return err->line == 0 && json_object_size(o->overrides) > 0 &&
	    stat(file, &st) == 0 && S_ISREG(st.st_mode);
}

json_t *cli_load_file(const char *file, const struct opts *o, bool strict_only)
{
	struct config_options copt = { .env_name = o->env_name, .overrides = o->overrides };
	struct config_error err;
	struct app_list list;
	json_t *arr;

	memset(&err, 0, sizeof(err));
	if (config_load(file, &copt, &list, &err) == -1) {
		if (flag_error(file, o, &err))
			fprintf(stderr, "csup: %s\n", err.msg);
		else
			config_error_print(file, &err);
		return NULL;
	}
	for (size_t i = 0; i < list.nwarnings; i++)
		if (list.warnings[i].line > 0)
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

json_t *cli_targets(const struct opts *o, int from)
{
	json_t *targets = json_array(), *apps, *j;
	size_t i;

	for (int k = from; k < o->npos; k++) {
		if (!cli_is_file(o->pos[k])) {
			json_array_append_new(targets, json_string(o->pos[k]));
			continue;
		}
		if ((apps = cli_load_file(o->pos[k], o, true)) == NULL) {
			json_decref(targets);
			return NULL;
		}
		/* the daemon acts on those it knows and reports the others */
		json_array_foreach(apps, i, j)
			json_array_append_new(targets, json_pack("{s:O,s:s}", "name",
			    json_object_get(j, "name"), "file", o->pos[k]));
		json_decref(apps);
	}
	return targets;
}

json_t *cli_select(json_t *targets, bool full)
{
	json_t *reply = client_request(true, json_pack("{s:s,s:o,s:b}", "cmd", "select",
	    "targets", targets, "full", full)), *apps;

	if (cli_results(reply) != CSUP_EXIT_OK) {
		json_decref(reply);
		return NULL;
	}
	apps = json_incref(json_object_get(reply, "apps"));
	json_decref(reply);
	return apps;
}

/* `start CMD [-- ARGS]`: resolved exactly as a one-app file would be. */
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
	file = json_pack("{s:[o]}", "apps", app);
	if (json_dump_file(file, tmp, 0) == 0) {
		fo.only = NULL;
		arr = cli_load_file(tmp, &fo, false);
	} else
		fprintf(stderr, "csup start: %s: %s\n", tmp, strerror(errno));
	unlink(tmp);
	json_decref(file);
	return arr;
}

/* start (or, with or: startOrRestart/startOrReload) the apps of a file. */
static int start_file(const char *file, const struct opts *o, const char *or)
{
	char real[PATH_MAX];
	json_t *apps, *req;

	if ((apps = cli_load_file(file, o, true)) == NULL)
		return CSUP_EXIT_USAGE;
	req = json_pack("{s:s,s:o,s:o}", "cmd", "start", "apps", apps, "env", cli_env_json());
	if (realpath(file, real))
		json_object_set_new(req, "source", json_string(real));
	if (or)
		json_object_set_new(req, "or", json_string(or));
	return cli_act_and_show(req);
}

static int c_start(const char *cmd, const struct opts *o)
{
	json_t *apps, *req, *targets;
	bool plain = !o->name && !o->rest && json_object_size(o->overrides) == 0;

	if (o->npos < 1)
		return cli_usage_error(cmd, "a FILE, a command or a TARGET is needed");
	if (cli_is_file(o->pos[0])) {
		int rc = CSUP_EXIT_OK, r;

		for (int k = 0; k < o->npos; k++)
			if (!cli_is_file(o->pos[k]))
				return cli_usage_error(cmd, "give either FILEs or one command");
		for (int k = 0; k < o->npos; k++)
			if ((r = start_file(o->pos[k], o, NULL)) > rc)
				rc = r;
		return rc;
	}
	if (o->npos > 1) {
		/* `start api 3 web`: known apps only */
		if (!plain)
			return cli_usage_error(cmd, "one command at a time (ARGS go after --)");
		if ((targets = cli_targets(o, 0)) == NULL)
			return CSUP_EXIT_USAGE;
		return cli_act_and_show(json_pack("{s:s,s:o,s:o}", "cmd", "start", "targets",
		    targets, "env", cli_env_json()));
	}
	if ((apps = command_app(o->pos[0], o)) == NULL)
		return CSUP_EXIT_USAGE;
	req = json_pack("{s:s,s:o,s:o}", "cmd", "start", "apps", apps, "env", cli_env_json());
	if (plain)	/* `start NAME` of a known app starts it */
		json_object_set_new(req, "target", json_string(o->pos[0]));
	return cli_act_and_show(req);
}

static int c_reload(const char *cmd, const struct opts *o)
{
	char real[PATH_MAX];
	json_t *apps, *req, *targets;

	if (o->npos < 1)
		return cli_usage_error(cmd, "a FILE or a TARGET is needed");
	/* an app name never holds '/': such an argument is a FILE */
	if (o->npos == 1 && (cli_is_file(o->pos[0]) || strchr(o->pos[0], '/'))) {
		if ((apps = cli_load_file(o->pos[0], o, true)) == NULL)
			return CSUP_EXIT_USAGE;
		if (realpath(o->pos[0], real) == NULL) {
			json_decref(apps);
			return cli_usage_error(cmd, strerror(errno));
		}
		req = json_pack("{s:s,s:o,s:o,s:s,s:b}", "cmd", "reload", "apps", apps,
		    "env", cli_env_json(), "source", real, "only", o->only != NULL);
		return cli_act_and_show(req);
	}
	if (o->only)
		return cli_usage_error(cmd, "--only goes with one ecosystem FILE");
	if ((targets = cli_targets(o, 0)) == NULL)
		return CSUP_EXIT_USAGE;
	req = json_pack("{s:s,s:o}", "cmd", "reload", "targets", targets);
	if (o->update_env)
		json_object_set_new(req, "env", cli_env_json());
	return cli_act_and_show(req);
}

/* stop, restart, delete: of every target. */
static int c_target(const char *cmd, const struct opts *o)
{
	json_t *req, *targets;

	if (o->npos < 1)
		return cli_usage_error(cmd, "a TARGET (NAME, id, 'all' or FILE) is needed");
	if ((targets = cli_targets(o, 0)) == NULL)
		return CSUP_EXIT_USAGE;
	req = json_pack("{s:s,s:o}", "cmd", cmd, "targets", targets);
	if (o->update_env)
		json_object_set_new(req, "env", cli_env_json());
	return cli_act_and_show(req);
}

static int c_resurrect(const char *cmd, const struct opts *o)
{
	if (o->npos > 0)
		return cli_usage_error(cmd, "no argument expected");
	return cli_act_and_show(json_pack("{s:s}", "cmd", "resurrect"));
}

static int c_status(const char *cmd, const struct opts *o)
{
	json_t *reply, *req = json_pack("{s:s}", "cmd", "status"), *targets;
	int rc;

	if (o->npos > 0) {
		if ((targets = cli_targets(o, 0)) == NULL) {
			json_decref(req);
			return CSUP_EXIT_USAGE;
		}
		json_decref(req);
		req = json_pack("{s:s,s:o}", "cmd", "select", "targets", targets);
	}
	reply = client_request(true, req);
	if ((rc = cli_results(reply)) == 0 && o->json) {
		json_dumpf(json_object_get(reply, "apps"), stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (rc == 0)
		cli_table(json_object_get(reply, "apps"));
	json_decref(reply);
	return rc;
}

static int c_describe(const char *cmd, const struct opts *o)
{
	json_t *targets, *apps, *a;
	size_t i;

	if (o->npos < 1)
		return cli_usage_error(cmd, "a TARGET is needed");
	if ((targets = cli_targets(o, 0)) == NULL)
		return CSUP_EXIT_USAGE;
	if ((apps = cli_select(targets, true)) == NULL)
		return CSUP_EXIT_FAIL;
	if (json_array_size(apps) == 0) {
		fprintf(stderr, "csup: no app matches\n");
		json_decref(apps);
		return CSUP_EXIT_FAIL;
	}
	json_array_foreach(apps, i, a) {
		if (o->json && json_array_size(apps) == 1)
			json_dumpf(a, stdout, JSON_INDENT(2));
		else if (o->json) {
			json_dumpf(apps, stdout, JSON_INDENT(2));
			putchar('\n');
			break;
		} else {
			if (i > 0)
				putchar('\n');
			cli_describe(a);
		}
		if (o->json)
			putchar('\n');
	}
	json_decref(apps);
	return CSUP_EXIT_OK;
}

static int c_logs(const char *cmd, const struct opts *o)
{
	json_t *req = json_pack("{s:s}", "cmd", "logs"), *reply, *targets;
	int rc;

	if (o->npos > 0) {
		if ((targets = cli_targets(o, 0)) == NULL) {
			json_decref(req);
			return CSUP_EXIT_USAGE;
		}
		json_object_set_new(req, "targets", targets);
	}
	reply = client_request(true, req);
	if ((rc = cli_results(reply)) == 0)
		rc = cli_logs(json_object_get(reply, "files"), o);
	json_decref(reply);
	return rc;
}

static int c_ping(const char *cmd, const struct opts *o)
{
	json_t *reply = client_request(!o->no_start, json_pack("{s:s}", "cmd", "ping"));
	int rc = cli_results(reply);

	if (rc == 0)
		printf("%d\n", (int)json_integer_value(json_object_get(reply, "pid")));
	json_decref(reply);
	return rc;
}

static int c_version(const char *cmd, const struct opts *o)
{
	struct paths p;
	json_t *reply = NULL;
	int fd;

	printf("csup client %s\n", CSUP_VERSION);
	if (paths_init(&p, false) == 0) {
		if ((fd = client_connect(&p, false)) >= 0) {
			reply = client_call(fd, json_pack("{s:s}", "cmd", "version"));
			close(fd);
		}
		paths_free(&p);
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
static int c_monit(const char *cmd, const struct opts *o)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - sizeof("/csup-monit"));
	json_t *reply;

	if (o->npos > 0)
		return cli_usage_error("monit", "monit takes no argument");
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

static int c_kill(const char *cmd, const struct opts *o)
{
	return cli_kill();
}

#define START_OPTS "only env name instances watch ignore-watch max-memory-restart cron " \
	"cron-restart interpreter no-autorestart output error log-date-format time " \
	"kill-timeout cwd wait-ready listen-timeout max-restarts restart-delay " \
	"exp-backoff-restart-delay merge-logs"

static const struct cli_cmd cmds[] = {
	{ "start", NULL, c_start, "FILE... | CMD [flags] [-- ARGS] | TARGET...",
	    "start the apps of ecosystem files, one command as an app, or known apps; "
	    "flags apply to every app started and override the file", START_OPTS },
	{ "stop", NULL, c_target, "TARGET...",
	    "stop; returns when the whole subtree is gone", "only env" },
	{ "restart", NULL, c_target, "TARGET... [--update-env]",
	    "stop, then start; returns when the new generation is online",
	    "update-env only env" },
	{ "reload", NULL, c_reload,
	    "FILE [--only A,B] [--env NAME] | TARGET...",
	    "graceful reload: an instances group one copy at a time, each new copy "
	    "online before the old one is stopped; FILE: apply the changed file",
	    "only env update-env" },
	{ "delete", NULL, c_target, "TARGET...", "stop and forget", "only env" },
	{ "del", "delete", c_target, NULL, NULL, "only env" },
	{ "status", NULL, c_status, "[TARGET...] [--json]",
	    "one row an app: id, name, state, pid, uptime, restarts, procs, cpu, memory",
	    "json" },
	{ "list", "status", c_status, NULL, NULL, "json" },
	{ "ls", "status", c_status, NULL, NULL, "json" },
	{ "jlist", NULL, cli_jlist, "", "status --json on one line", "" },
	{ "prettylist", NULL, cli_jlist, "", "status --json, indented", "" },
	{ "describe", NULL, c_describe, "TARGET... [--json]",
	    "everything known of an app: config, generation, last exit, events", "json only" },
	{ "show", "describe", c_describe, NULL, NULL, "json only" },
	{ "logs", NULL, c_logs, "[TARGET...] [--lines N] [--follow|--nostream] [--raw] "
	    "[--out|--err] [--timestamp [FMT]]",
	    "the last lines of the app logs; on a terminal prefixed ID|NAME and followed",
	    "lines follow raw out err timestamp nostream only" },
	{ "flush", NULL, cli_flush, "[TARGET...]", "empty the log files", "only" },
	{ "reset", NULL, cli_reset, "TARGET...", "set restarts and unstable_restarts to 0",
	    "only" },
	{ "signal", NULL, cli_signal, "SIGNAL TARGET...",
	    "send a signal to the main process of each", "" },
	{ "sendSignal", "signal", cli_signal, NULL, NULL, "" },
	{ "scale", NULL, cli_scale, "NAME N|+K",
	    "grow or shrink an instances group to N copies (+K: K more)", "" },
	{ "pid", NULL, cli_pid, "TARGET...", "the main pid of each (0 when not running)", "only" },
	{ "env", NULL, cli_env, "TARGET", "the environment the app runs with", "" },
	{ "save", NULL, cli_save, "", "write the resurrect list now", "" },
	{ "resurrect", NULL, c_resurrect, "",
	    "start what ran when the daemon last stopped", "" },
	{ "startOrRestart", NULL, cli_start_or, "FILE",
	    "start the apps of FILE that do not run, restart those that do", START_OPTS },
	{ "startOrReload", NULL, cli_start_or, "FILE",
	    "start the apps of FILE that do not run, reload those that do", START_OPTS },
	{ "init", NULL, cli_init, "",
	    "write a commented ecosystem.yaml here (never overwrites)", "" },
	{ "ecosystem", "init", cli_init, NULL, NULL, "" },
	{ "kill", NULL, c_kill, "", "stop every app, then the daemon", "" },
	{ "monit", NULL, c_monit, "", "a full-screen terminal dashboard (q quits)", "" },
	{ "ping", NULL, c_ping, "[--no-start]", "print the daemon's pid", "no-start" },
	{ "version", NULL, c_version, "", "version of client and daemon", "" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

const struct cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

void cli_usage_all(FILE *f)
{
	for (size_t i = 0; i < NCMDS; i++) {
		if (cmds[i].alias_of)
			continue;
		fprintf(f, "  %-15s %s\n", cmds[i].name, cmds[i].summary);
	}
}

static int with_opts(const struct cli_cmd *cmd, int argc, char **argv)
{
	const struct cli_cmd *real = cmd->alias_of ? cli_find(cmd->alias_of) : cmd;
	struct cli_cmd as = *real;
	struct opts o;
	int rc;

	as.name = cmd->name;
	if ((rc = cli_parse(&as, argc, argv, &o)) != 0)
		return rc;
	if (o.help) {
		cli_help(cmd, stdout);
		cli_opts_free(&o);
		return CSUP_EXIT_OK;
	}
	rc = real->fn(real->name, &o);
	cli_opts_free(&o);
	return rc;
}

/* An unknown command, with the nearest one when it is within two letters. */
static int unknown_command(const char *name)
{
	const char *best = NULL;
	int bd = 3, d;

	for (size_t i = 0; i < NCMDS; i++) {
		d = edit_distance(name, cmds[i].name);
		if (d < bd) {
			bd = d;
			best = cmds[i].name;
		}
	}
	if (best)
		fprintf(stderr, "csup: unknown command '%s', did you mean '%s'? "
		    "(try 'csup --help')\n", name, best);
	else
		fprintf(stderr, "csup: unknown command '%s' (try 'csup --help')\n", name);
	return CSUP_EXIT_USAGE;
}

int cli_main(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_find(argv[0]);

	if (cmd == NULL)
		return unknown_command(argv[0]);
	return with_opts(cmd, argc, argv);
}
