/*
 * config_fields.c: the table of ecosystem fields. Order is the order of
 * `csup check` and of the stored JSON form.
 */
#include "config_fields.h"

#include <string.h>

#include "config.h"

#define OFF(f) offsetof(struct app_config, f)

const struct config_field config_fields[] = {
	{ "name", NULL, CF_NAME, OFF(name), NULL,
	  "unique app name; default: the script's base name without extension" },
	{ "script", "exec cmd command", CF_SCRIPT, OFF(script), NULL,
	  "program or command line to run (required)" },
	{ "interpreter", "exec_interpreter", CF_STR, OFF(interpreter), NULL,
	  "program that runs the script (none: run it directly)" },
	{ "args", NULL, CF_ARGS, OFF(args), NULL,
	  "arguments: a list, or a string split like a shell" },
	{ "cwd", NULL, CF_PATH, OFF(cwd), NULL,
	  "working directory; default: the ecosystem file's folder" },
	{ "env", NULL, CF_ENV, OFF(env), NULL,
	  "environment variables, merged over the client's" },
	{ "env_NAME", NULL, CF_ENV_BLOCK, 0, NULL,
	  "with --env NAME, merged over env" },
	{ "env_file", NULL, CF_ENV_FILE, OFF(env_file), NULL,
	  "dotenv file or list of them, merged under env" },
	{ "autorestart", NULL, CF_BOOL, OFF(autorestart), "true",
	  "restart when the app exits unexpectedly" },
	{ "max_restarts", NULL, CF_INT, OFF(max_restarts), "16",
	  "unstable restarts in a row before errored" },
	{ "min_uptime", NULL, CF_DURATION, OFF(min_uptime_ms), "1000",
	  "a shorter run is unstable" },
	{ "restart_delay", NULL, CF_DURATION, OFF(restart_delay_ms), "0",
	  "time before a restart" },
	{ "exp_backoff_restart_delay", NULL, CF_DURATION,
	  OFF(exp_backoff_restart_delay_ms), "0",
	  "first delay after an unstable run, doubling up to 15 s (0: off)" },
	{ "kill_timeout", NULL, CF_DURATION, OFF(kill_timeout_ms), "1600",
	  "time between the stop signal and SIGKILL to everything left" },
	{ "kill_signal", NULL, CF_SIGNAL, OFF(kill_signal), "SIGINT",
	  "first signal of a stop" },
	{ "kill_mode", NULL, CF_KILL_MODE, OFF(kill_mode), "group",
	  "group: stop signal to the whole subtree; main: to the main process" },
	{ "watch", NULL, CF_WATCH, OFF(watch), "false",
	  "true (the cwd) or paths whose changes restart the app" },
	{ "ignore_watch", NULL, CF_LIST, OFF(ignore_watch), "node_modules, .git, .*, *.log",
	  "globs not watched, added to the defaults" },
	{ "watch_delay", NULL, CF_DURATION, OFF(watch_delay_ms), "500",
	  "quiet time after the last change before the restart" },
	{ "max_memory_restart", NULL, CF_SIZE, OFF(max_memory_restart), NULL,
	  "restart when the subtree's RSS passes this" },
	{ "max_processes", NULL, CF_INT, OFF(max_processes), NULL,
	  "restart (a leak) when the subtree holds more processes" },
	{ "out_file", "out output out_log", CF_LOG_PATH, OFF(out_file), NULL,
	  "standard output log; default $CSUP_HOME/logs/NAME-out.log" },
	{ "error_file", "error err err_file err_log", CF_LOG_PATH, OFF(error_file), NULL,
	  "standard error log; default $CSUP_HOME/logs/NAME-err.log" },
	{ "log_file", "log", CF_LOG_PATH, OFF(log_file), NULL,
	  "combined log of both streams" },
	{ "merge_logs", "combine_logs", CF_BOOL, OFF(merge_logs), "false",
	  "the copies of an instances group share one set of log files" },
	{ "log_max_size", NULL, CF_SIZE, OFF(log_max_size), "50M",
	  "rotate a log file past this size (0: never)" },
	{ "log_max_files", NULL, CF_INT, OFF(log_max_files), "5",
	  "rotated log files kept" },
	{ "log_date_format", NULL, CF_STR, OFF(log_date_format), NULL,
	  "prefix each log line with the time in this format" },
	{ "wait_ready", NULL, CF_BOOL, OFF(wait_ready), "false",
	  "online only after READY=1 on $NOTIFY_SOCKET" },
	{ "listen_timeout", NULL, CF_DURATION, OFF(listen_timeout_ms), "3000",
	  "time to wait for readiness" },
	{ "alert", NULL, CF_STR, OFF(alert), NULL,
	  "command run when the app needs a person's attention" },
	{ "health", NULL, CF_HEALTH, OFF(health), NULL,
	  "{url or tcp, interval, timeout, retries}: restart after failed checks" },
	{ "instances", NULL, CF_INSTANCES, OFF(instances), "1",
	  "copies NAME-0 ... NAME-(N-1); max or 0: one a CPU" },
	{ "instance_var", NULL, CF_STR, OFF(instance_var), "NODE_APP_INSTANCE",
	  "variable that holds each copy's index" },
	{ "cron_restart", "cron", CF_CRON, OFF(cron_restart), NULL,
	  "cron expression (5 fields, or 6 with seconds first): restart then" },
	{ "limits", NULL, CF_LIMITS, OFF(limits), NULL,
	  "{memory, memory_high, cpu, pids, nofile, core}: caps the kernel enforces" },
	{ "nice", NULL, CF_NICE, OFF(nice), NULL,
	  "scheduling priority of the app's processes, -20 to 19" },
	{ "oom_score_adj", NULL, CF_OOM_SCORE_ADJ, OFF(oom_score_adj), NULL,
	  "how willingly the OOM killer picks the app, -1000 to 1000" },
};
const size_t config_nfields = sizeof(config_fields) / sizeof(config_fields[0]);

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = list; p != NULL && *p != '\0'; p += strcspn(p, " "), p += *p == ' ') {
		if (strncmp(p, w, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

const struct config_field *config_field_named(const char *name)
{
	size_t i;

	for (i = 0; i < config_nfields; i++)
		if (strcmp(config_fields[i].name, name) == 0)
			return &config_fields[i];
	return NULL;
}

const struct config_field *config_field_find(const char *name)
{
	const struct config_field *f = config_field_named(name);
	size_t i;

	if (f != NULL)
		return f->type == CF_ENV_BLOCK ? NULL : f;
	for (i = 0; i < config_nfields; i++)
		if (has_word(config_fields[i].aliases, name))
			return &config_fields[i];
	return NULL;
}

const char *config_field_type_name(enum cfield_type t)
{
	static const char *const names[] = {
		[CF_NAME] = "string", [CF_SCRIPT] = "string", [CF_STR] = "string",
		[CF_PATH] = "path", [CF_LOG_PATH] = "path", [CF_BOOL] = "boolean",
		[CF_INT] = "number", [CF_DURATION] = "duration", [CF_SIZE] = "size",
		[CF_SIGNAL] = "signal", [CF_KILL_MODE] = "group|main", [CF_ARGS] = "list",
		[CF_LIST] = "list", [CF_ENV] = "map", [CF_ENV_BLOCK] = "map",
		[CF_ENV_FILE] = "path list", [CF_WATCH] = "boolean or paths",
		[CF_HEALTH] = "map", [CF_INSTANCES] = "number", [CF_CRON] = "cron",
		[CF_LIMITS] = "map", [CF_NICE] = "number", [CF_OOM_SCORE_ADJ] = "number",
	};

	return names[t];
}
