/*
 * config.h: the ecosystem file, parsed and resolved (csup-ecosystem(5):
 * the fields, and how PM2's files load).
 *
 * Error convention: config_load() returns 0, or -1 with *err filled
 * (file as given, 1-based line and column, one-line message). Warnings never
 * fail a load; they are collected in the app_list.
 *
 * The resolved app is also the interchange form between the client (which
 * parses the file, so errors point into it) and the daemon (which stores
 * and runs it): config_app_to_json() and config_app_from_json() round-trip
 * every field, and config_app_equal() decides what `reload` restarts.
 */
#ifndef CSUP_CONFIG_H
#define CSUP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cron.h"

enum kill_mode {
	KILL_MODE_GROUP,	/* the stop signal to every process of the subtree */
	KILL_MODE_MAIN,		/* to the main process only; the rest at kill_timeout */
};

struct health_config {
	bool	 set;
	char	*url;		/* http://HOST:PORT/path, or NULL */
	char	*tcp;		/* HOST:PORT, or NULL */
	int64_t	 interval_ms;	/* default 10000 */
	int64_t	 timeout_ms;	/* default 2000 */
	int	 retries;	/* default 3 */
};

/*
 * `limits:` (docs/limits.md). Unset: 0 for memory, memory_high, cpu and
 * pids; -1 for nofile and core (where 0 means something).
 */
struct limits_config {
	int64_t	 memory;	/* bytes: hard cap of the subtree */
	int64_t	 memory_high;	/* bytes: throttling threshold */
	int	 cpu;		/* percent of one core */
	int	 pids;		/* processes and threads in the subtree */
	int64_t	 nofile;	/* RLIMIT_NOFILE of each process */
	int64_t	 core;		/* RLIMIT_CORE of each process, bytes */
	int	 line, column;	/* where the mapping starts (0: not from a file) */
};

/* A signed number that may be absent (nice, oom_score_adj). */
struct opt_int {
	bool	 set;
	int	 value;
};

/* Every string and array below is owned by the app_config. */
struct app_config {
	char	*name;		/* unique; [A-Za-z0-9._-]+ */
	char	*group;		/* name before instance expansion (== name when instances is 1) */
	char	*script;	/* as written in the file */
	char	*interpreter;	/* NULL: none (resolved: "none" -> NULL, .js -> "node", ...) */
	char   **args;		/* NULL-terminated */
	/*
	 * What spawn execs: NULL-terminated; argv[0] is still to be resolved
	 * (relative to cwd if that file exists, else looked up in PATH):
	 * {script, args...}, {interpreter, script, args...}, or
	 * {"/bin/sh", "-c", "script args..."} for a command line.
	 */
	char   **exec_argv;
	char	*cwd;		/* absolute */
	char   **env;		/* NULL-terminated "KEY=VALUE": env_file, env, then env_NAME over it */
	char   **env_file;	/* NULL-terminated, absolute: the dotenv files read into env */
	bool	 autorestart;			/* true */
	int	 max_restarts;			/* 16 */
	int64_t	 min_uptime_ms;			/* 1000 */
	int64_t	 restart_delay_ms;		/* 0 */
	int64_t	 exp_backoff_restart_delay_ms;	/* 0 = off */
	int64_t	 kill_timeout_ms;		/* 1600 */
	int	 kill_signal;			/* SIGINT */
	enum kill_mode kill_mode;		/* group */
	bool	 watch;				/* false */
	char   **watch_paths;	/* NULL-terminated, absolute; {cwd} for `watch: true` */
	char   **ignore_watch;	/* NULL-terminated; the defaults first, then the file's */
	int64_t	 watch_delay_ms;		/* 500 */
	int64_t	 max_memory_restart;		/* bytes, 0 = none */
	int	 max_processes;			/* 0 = none */
	char	*out_file;	/* absolute, or NULL: $CSUP_HOME/logs/NAME-out.log */
	char	*error_file;	/* absolute, or NULL: $CSUP_HOME/logs/NAME-err.log */
	char	*log_file;	/* combined log (PM2 `log`), absolute, or NULL */
	bool	 merge_logs;			/* false */
	int64_t	 log_max_size;			/* 50M; 0 = never rotate */
	int	 log_max_files;			/* 5 */
	char	*log_date_format;		/* NULL = no prefix */
	bool	 wait_ready;			/* false */
	int64_t	 listen_timeout_ms;		/* 3000 */
	char	*alert;				/* NULL = none */
	struct health_config health;
	int	 instances;	/* copies in the group (after `max` expansion) */
	int	 instance;	/* this copy's index, 0-based */
	char	*instance_var;			/* "NODE_APP_INSTANCE" */
	char	*cron_restart;			/* as written, or NULL */
	struct cron_expr cron;			/* parsed cron_restart */
	struct limits_config limits;		/* none */
	struct opt_int nice;			/* -20..19, unset: inherited */
	struct opt_int oom_score_adj;		/* -1000..1000, unset: inherited */
	int	 line, column;	/* where the app's mapping starts in the file */
};

struct config_warning {
	int	 line, column;
	char	*msg;		/* owned */
};

struct app_list {
	struct app_config	*apps;		/* owned array of n */
	size_t			 n;
	struct config_warning	*warnings;	/* owned array of nwarnings */
	size_t			 nwarnings;
};

struct config_error {
	int	line, column;
	char	msg[512];
};

struct config_options {
	const char	*env_name;	/* --env NAME, or NULL */
	bool		 strict;	/* every warning is an error */
	bool		 check;		/* `csup check`: a missing env_file is a warning */
	/*
	 * Command-line flags: PM2 field -> value (string, integer, boolean or a
	 * list of strings), applied to every app over what its file says.
	 * Errors in them are reported at line 0.
	 */
	const json_t	*overrides;
};

int  config_load(const char *path, const struct config_options *opt,
	    struct app_list *out, struct config_error *err);
void config_app_list_free(struct app_list *list);
/*
 * The one form of a file's error on stderr, for every command that loads
 * one: FILE:LINE:COLUMN: message, or FILE: message when the error has no
 * place (a file that cannot be opened or read).
 */
void config_error_print(const char *file, const struct config_error *err);

/* Fills every default; name is the only field left NULL. */
void config_app_defaults(struct app_config *app);
void config_app_free(struct app_config *app);
/* A deep copy into *dst: 0, or -1 (out of memory; *dst is then empty). */
int  config_app_copy(const struct app_config *src, struct app_config *dst);

/* The resolved fields as JSON (durations in ms, sizes in bytes, signals by name). */
json_t *config_app_to_json(const struct app_config *app);
/* 0, or -1 with a message in errbuf; *app is then freed. */
int  config_app_from_json(json_t *obj, struct app_config *app, char *errbuf, size_t errlen);
bool config_app_equal(const struct app_config *a, const struct app_config *b);

/* [A-Za-z0-9._-]{1,64}, not "." or "..", not "all". */
bool config_name_valid(const char *name);

#endif
