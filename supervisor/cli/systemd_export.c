/*
 * systemd_export.c: `csup export systemd FILE [DIR]`: one NAME.service an
 * app, for fleets that run their services under systemd itself. What maps is
 * written as keys; what does not (watch, cron_restart, health, ...) is listed
 * in comments, so nothing is dropped silently.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "resolve.h"
#include "systemd.h"
#include "units.h"

/* ---- resolving the program ---------------------------------------------- */

/*
 * argv[0] as csup's own spawn resolves it (relative to cwd, else PATH), with
 * PATH from the app's env or else this client's, as `csup start` would send.
 * Unresolved, *why says why, and the command is kept as written (joined to
 * cwd when it has a slash; a bare name is looked up in systemd's own PATH).
 */
static char *resolve_argv0(const struct app_config *app, char *why, size_t whylen)
{
	const char *cmd = app->exec_argv[0], *client_path = getenv("PATH");
	char path[PATH_MAX], *pathvar = NULL;
	char *client_env[2] = { NULL, NULL };
	char **e;
	bool own = false;
	int rc;

	for (e = app->env; e && *e; e++)
		own = own || strncmp(*e, "PATH=", 5) == 0;
	if (!own && client_path && asprintf(&pathvar, "PATH=%s", client_path) != -1)
		client_env[0] = pathvar;
	why[0] = '\0';
	rc = spawn_resolve(app, own ? app->env : client_env, path, sizeof(path), why, whylen);
	free(pathvar);
	if (rc == 0)
		return sdunit_path_join("/", path);
	if (strchr(cmd, '/'))
		return sdunit_path_join(app->cwd, cmd);
	return strdup(cmd);
}

/* ---- one app's unit ---------------------------------------------------- */

static int put_exec_start(FILE *f, const struct app_config *app, char *errbuf, size_t errlen)
{
	char why[PATH_MAX + 128];
	const char *s;
	char *exe;
	size_t i;

	if (app->exec_argv == NULL || app->exec_argv[0] == NULL) {
		snprintf(errbuf, errlen, "app %s: no command to run", app->name);
		return -1;
	}
	exe = resolve_argv0(app, why, sizeof(why));
	if (exe == NULL) {
		snprintf(errbuf, errlen, "app %s: command path too long", app->name);
		return -1;
	}
	/* systemd refuses quotes, backslashes and controls in the program's path. */
	for (s = exe; *s; s++) {
		if ((unsigned char)*s < ' ' || *s == '"' || *s == '\'' || *s == '\\' ||
		    *s == '$' || *s == 127 || (s == exe && strchr("-@:+!", *s))) {
			snprintf(errbuf, errlen, "app %s: systemd cannot run a program "
			    "named '%s'", app->name, exe);
			free(exe);
			return -1;
		}
	}
	if (why[0] != '\0') {
		fputs("# not resolved on this machine: ", f);
		sdunit_put_text(f, why);
		fputc('\n', f);
	}
	fputs("ExecStart=", f);
	systemd_put_exec_word(f, exe);
	for (i = 1; app->exec_argv[i]; i++) {
		fputc(' ', f);
		systemd_put_exec_word(f, app->exec_argv[i]);
	}
	fputc('\n', f);
	free(exe);
	return 0;
}

static bool env_has(const struct app_config *app, const char *key)
{
	size_t n = strlen(key);
	char **e;

	for (e = app->env; e && *e; e++)
		if (strncmp(*e, key, n) == 0 && (*e)[n] == '=')
			return true;
	return false;
}

static void put_environment(FILE *f, const struct app_config *app)
{
	char **e;

	for (e = app->env; e && *e; e++) {
		if (systemd_env_ok(*e)) {
			fputs("Environment=", f);
			systemd_put_env(f, *e);
		} else {
			fputs("# not expressible as Environment=: ", f);
			sdunit_put_text(f, *e);
		}
		fputc('\n', f);
	}
	if (app->instances > 1 && app->instance_var && !env_has(app, app->instance_var)) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%s=%d", app->instance_var, app->instance);
		fputs("Environment=", f);
		if (systemd_put_env(f, buf) == -1)
			fputs("# (invalid instance_var)", f);
		fputc('\n', f);
	}
}

static int put_log(FILE *f, const char *key, const struct app_config *app,
    const char *file, char *errbuf, size_t errlen)
{
	char *p;
	int rc = 0;

	if (file == NULL)
		return 0;
	p = sdunit_path_join(app->cwd, file);
	fprintf(f, "%s=append:", key);
	if (p == NULL || systemd_put_path(f, p) == -1) {
		snprintf(errbuf, errlen, "app %s: log file '%s' cannot be written in a "
		    "systemd unit", app->name, file);
		rc = -1;
	}
	fputc('\n', f);
	free(p);
	return rc;
}

static void put_restart(FILE *f, const struct app_config *app)
{
	fprintf(f, "Restart=%s\n", app->autorestart ? "on-failure" : "no");
	fprintf(f, "RestartSec=%lldms\n", (long long)app->restart_delay_ms);
}

static void put_limits(FILE *f, const struct app_config *app)
{
	if (app->max_memory_restart > 0) {
		fputs("# max_memory_restart: csup restarts the app; systemd's limit OOM-kills "
		    "inside the unit, then Restart= applies\n", f);
		fprintf(f, "MemoryMax=%lld\n", (long long)app->max_memory_restart);
	}
	if (app->max_processes > 0) {
		fputs("# max_processes: csup restarts the app; systemd makes fork() fail "
		    "past the limit\n", f);
		fprintf(f, "TasksMax=%d\n", app->max_processes);
	}
}

static void put_kill(FILE *f, const struct app_config *app)
{
	if (app->kill_mode == KILL_MODE_MAIN) {
		/* csup's kill_mode main: the stop signal to the main process only. */
		fputs("# kill_mode: main -> mixed: the stop signal to the main process, "
		    "SIGKILL to what is left\n", f);
		fputs("KillMode=mixed\n", f);
	} else {
		fputs("KillMode=control-group\n", f);
	}
	fprintf(f, "KillSignal=%s\n", units_signal_name(app->kill_signal));
	/* 0 would mean "no timeout" to systemd; csup's 0 means SIGKILL at once. */
	fprintf(f, "TimeoutStopSec=%lldms\n",
	    (long long)(app->kill_timeout_ms > 0 ? app->kill_timeout_ms : 1));
}

static void put_list_comment(FILE *f, const char *label, char **list)
{
	fprintf(f, "#   %s:", label);
	for (; list && *list; list++) {
		fputc(' ', f);
		sdunit_put_text(f, *list);
	}
	fputc('\n', f);
}

static void put_text_comment(FILE *f, const char *label, const char *value)
{
	fprintf(f, "#   %s: ", label);
	sdunit_put_text(f, value);
	fputc('\n', f);
}

/* Fields systemd has no key for: listed, so nothing is silently dropped. */
static void put_unmapped(FILE *f, const struct app_config *app)
{
	char a[32];

	fputs("# csup fields with no systemd equivalent (not applied by this unit):\n", f);
	fprintf(f, "#   min_uptime: %lldms (used for StartLimitIntervalSec=)\n",
	    (long long)app->min_uptime_ms);
	if (app->exp_backoff_restart_delay_ms > 0)
		fprintf(f, "#   exp_backoff_restart_delay: %lldms\n",
		    (long long)app->exp_backoff_restart_delay_ms);
	if (app->watch) {
		put_list_comment(f, "watch", app->watch_paths);
		put_list_comment(f, "ignore_watch", app->ignore_watch);
		fprintf(f, "#   watch_delay: %lldms (a .path unit can restart this one)\n",
		    (long long)app->watch_delay_ms);
	}
	if (app->cron_restart)
		put_text_comment(f, "cron_restart (a .timer unit with OnCalendar= can restart "
		    "this one)", app->cron_restart);
	if (app->health.set) {
		fputs("#   health: ", f);
		sdunit_put_text(f, app->health.url ? app->health.url :
		    app->health.tcp ? app->health.tcp : "?");
		fprintf(f, " every %lldms, timeout %lldms, %d retries\n",
		    (long long)app->health.interval_ms, (long long)app->health.timeout_ms,
		    app->health.retries);
	}
	if (app->alert)
		put_text_comment(f, "alert", app->alert);
	if (app->log_file)
		put_text_comment(f, "log_file (combined log)", app->log_file);
	if (app->log_date_format)
		put_text_comment(f, "log_date_format", app->log_date_format);
	if ((app->out_file || app->error_file) && app->log_max_size > 0)
		fprintf(f, "#   log_max_size: %s, log_max_files: %d (use logrotate(8))\n",
		    units_format_size(app->log_max_size, a, sizeof(a)), app->log_max_files);
	if (!app->out_file && !app->error_file)
		fputs("#   logs: to the journal (csup writes $CSUP_HOME/logs/NAME-out.log "
		    "and NAME-err.log)\n", f);
	if (app->instances > 1)
		fprintf(f, "#   instances: %d (this unit runs copy %d)\n", app->instances,
		    app->instance);
}

int sdunit_write_app(FILE *f, const struct app_config *app, const char *file,
    bool user_unit, char *errbuf, size_t errlen)
{
	long long interval_ms;

	fprintf(f, "# %s.service: exported by `csup export systemd` from ", app->name);
	sdunit_put_text(f, file);
	fputs(".\n# systemd runs the app in place of the csup daemon (csupd). Export again\n"
	    "# after changing the ecosystem file; see csup(1), csup-ecosystem(5).\n", f);
	fputs("[Unit]\nDescription=", f);
	sdunit_put_text(f, app->name);
	fputs(" (csup app from ", f);
	sdunit_put_text(f, file);
	/* No Documentation=man:...: `systemd-analyze verify` fails where it is not installed. */
	fputs(")\n", f);
	if (!user_unit)
		fputs("After=network.target\n", f);
	/* csup: max_restarts unstable runs in a row (shorter than min_uptime), then errored. */
	interval_ms = (long long)(app->max_restarts + 1) *
	    (app->min_uptime_ms + app->restart_delay_ms);
	fprintf(f, "StartLimitIntervalSec=%lldms\n", interval_ms > 0 ? interval_ms : 1);
	fprintf(f, "StartLimitBurst=%d\n", app->max_restarts + 1);

	fputs("\n[Service]\n", f);
	if (app->wait_ready) {
		fputs("Type=notify\nNotifyAccess=all\n", f);
		fprintf(f, "TimeoutStartSec=%lldms\n", (long long)(app->listen_timeout_ms > 0 ?
		    app->listen_timeout_ms : 1));
	} else {
		fputs("Type=exec\n", f);
	}
	fputs("WorkingDirectory=", f);
	if (app->cwd == NULL || systemd_put_path(f, app->cwd) == -1) {
		snprintf(errbuf, errlen, "app %s: cwd '%s' cannot be written in a systemd "
		    "unit", app->name, app->cwd);
		return -1;
	}
	fputc('\n', f);
	if (put_exec_start(f, app, errbuf, errlen) == -1)
		return -1;
	put_environment(f, app);
	put_kill(f, app);
	put_restart(f, app);
	put_limits(f, app);
	if (put_log(f, "StandardOutput", app, app->out_file, errbuf, errlen) == -1 ||
	    put_log(f, "StandardError", app, app->error_file, errbuf, errlen) == -1)
		return -1;
	put_unmapped(f, app);
	fprintf(f, "\n[Install]\nWantedBy=%s\n", user_unit ? "default.target" :
	    "multi-user.target");
	return ferror(f) ? (snprintf(errbuf, errlen, "out of memory"), -1) : 0;
}

/* ---- csup export systemd FILE [DIR] -------------------------------------- */

struct export_args {
	const char	*file;
	const char	*dir;		/* NULL: stdout */
	const char	*env_name;
	const char	*only;		/* "A,B" or NULL */
	bool		 user_unit;
};

static void export_usage(FILE *f)
{
	fputs("usage: csup export systemd FILE [DIR] [--env NAME] [--only A,B] [--user]\n", f);
}

static int export_parse(int argc, char **argv, struct export_args *a)
{
	int i, npos = 0;

	memset(a, 0, sizeof(*a));
	if (argc < 2 || strcmp(argv[1], "systemd") != 0) {
		if (argc >= 2 && argv[1][0] != '-')
			fprintf(stderr, "csup export: unknown format '%s' (only 'systemd')\n",
			    argv[1]);
		else
			export_usage(stderr);
		return -1;
	}
	for (i = 2; i < argc; i++) {
		if ((strcmp(argv[i], "--env") == 0 || strcmp(argv[i], "--only") == 0) &&
		    i + 1 < argc) {
			*(argv[i][2] == 'e' ? &a->env_name : &a->only) = argv[i + 1];
			i++;
		} else if (strcmp(argv[i], "--user") == 0) {
			a->user_unit = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "csup export: unknown option '%s'\n", argv[i]);
			export_usage(stderr);
			return -1;
		} else if (npos == 0) {
			a->file = argv[i];
			npos++;
		} else if (npos == 1) {
			a->dir = argv[i];
			npos++;
		} else {
			export_usage(stderr);
			return -1;
		}
	}
	if (a->file == NULL) {
		export_usage(stderr);
		return -1;
	}
	return 0;
}

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p, *end;

	for (p = list; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		if ((size_t)(end - p) == n && strncmp(p, name, n) == 0)
			return true;
	}
	return false;
}

static bool selected(const struct export_args *a, const struct app_config *app)
{
	return a->only == NULL || in_list(a->only, app->name) ||
	    (app->group && in_list(a->only, app->group));
}

/* Every name of --only must be an app (or an instance group) of the file. */
static int check_only(const struct export_args *a, const struct app_list *l)
{
	const char *p, *end;
	char name[256];
	size_t i, n;

	for (p = a->only ? a->only : ""; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		n = (size_t)(end - p);
		if (n == 0 || n >= sizeof(name))
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		for (i = 0; i < l->n; i++)
			if (strcmp(l->apps[i].name, name) == 0 ||
			    (l->apps[i].group && strcmp(l->apps[i].group, name) == 0))
				break;
		if (i == l->n) {
			fprintf(stderr, "csup export: %s: no app named '%s'\n", a->file, name);
			return -1;
		}
	}
	return 0;
}

/* One unit: to stdout, or to DIR/NAME.service. Returns an exit code. */
static int export_one(const struct export_args *a, const struct app_config *app)
{
	char errbuf[PATH_MAX + 128], unit[300];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc, ok;

	f = open_memstream(&buf, &len);
	if (f == NULL) {
		fprintf(stderr, "csup export: %s\n", strerror(errno));
		return 1;
	}
	ok = sdunit_write_app(f, app, a->file, a->user_unit, errbuf, sizeof(errbuf));
	if (fclose(f) != 0 && ok == 0) {
		snprintf(errbuf, sizeof(errbuf), "%s", strerror(errno));
		ok = -1;
	}
	if (ok == -1) {
		fprintf(stderr, "csup export: %s\n", errbuf);
		free(buf);
		return 1;
	}
	snprintf(unit, sizeof(unit), "%s.service", app->name);
	if (a->dir == NULL) {
		rc = fwrite(buf, 1, len, stdout) == len && fputc('\n', stdout) != EOF ? 0 : 1;
	} else if (sdunit_write_file(a->dir, unit, buf, len, 0644) == -1) {
		fprintf(stderr, "csup export: %s/%s: %s\n", a->dir, unit, strerror(errno));
		rc = 1;
	} else {
		printf("%s/%s\n", a->dir, unit);
		rc = 0;
	}
	free(buf);
	return rc;
}

static void print_warnings(const char *file, const struct app_list *l)
{
	size_t i;

	for (i = 0; i < l->nwarnings; i++)
		fprintf(stderr, "%s:%d:%d: warning: %s\n", file, l->warnings[i].line,
		    l->warnings[i].column, l->warnings[i].msg);
}

int export_main(int argc, char **argv)
{
	struct config_options opt = { 0 };
	struct config_error err;
	struct export_args a;
	struct app_list list;
	size_t i;
	int rc = 0;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		export_usage(stdout);
		return 0;
	}
	if (export_parse(argc, argv, &a) == -1)
		return 2;
	opt.env_name = a.env_name;
	memset(&list, 0, sizeof(list));
	memset(&err, 0, sizeof(err));
	if (config_load(a.file, &opt, &list, &err) == -1) {
		config_error_print(a.file, &err);
		return 2;
	}
	print_warnings(a.file, &list);
	if (check_only(&a, &list) == -1) {
		rc = 2;
		goto out;
	}
	if (a.dir && sdunit_mkdir_p(a.dir, 0755) == -1) {
		fprintf(stderr, "csup export: %s: %s\n", a.dir, strerror(errno));
		rc = 1;
		goto out;
	}
	for (i = 0; i < list.n; i++)
		if (selected(&a, &list.apps[i]) && export_one(&a, &list.apps[i]) != 0)
			rc = 1;
	if (fflush(stdout) == EOF)
		rc = 1;
out:
	config_app_list_free(&list);
	return rc;
}
