/*
 * config_fields.h: the one table of ecosystem fields (name, aliases, type,
 * default, help line). The file walker (config.c, for YAML and PM2's .json
 * alike), the defaults (config_app.c), the JSON form the daemon stores
 * (config_json.c), `csup check` and the test that keeps csup-ecosystem(5)
 * in step all read it; a new field is one row here plus its member in
 * struct app_config.
 */
#ifndef CSUP_CONFIG_FIELDS_H
#define CSUP_CONFIG_FIELDS_H

#include <stddef.h>

enum cfield_type {
	CF_NAME,	/* string; default derived from the script */
	CF_SCRIPT,	/* string, required */
	CF_STR,		/* string */
	CF_PATH,	/* string; a leading ~/ is the home directory */
	CF_LOG_PATH,	/* path; NULL or /dev/null: no log file for that stream */
	CF_BOOL,	/* true or false only */
	CF_INT,		/* whole number or numeric string */
	CF_DURATION,	/* ms, or a string with ms/s/m/h */
	CF_SIZE,	/* bytes, or a string with K/M/G */
	CF_SIGNAL,	/* SIGTERM, TERM or 15 */
	CF_KILL_MODE,	/* group or main */
	CF_ARGS,	/* list, or a string split like a shell */
	CF_LIST,	/* string or list of strings */
	CF_ENV,		/* map of NAME: value */
	CF_ENV_BLOCK,	/* env_NAME: a map, taken with --env NAME */
	CF_ENV_FILE,	/* dotenv file or list of them */
	CF_WATCH,	/* true, false, a path or a list of paths */
	CF_HEALTH,	/* {url|tcp, interval, timeout, retries} */
	CF_INSTANCES,	/* N, max, 0 or -N */
	CF_CRON,	/* cron expression, 5 or 6 fields */
	CF_LIMITS,	/* {memory, memory_high, cpu, pids, nofile, core} */
	CF_NICE,	/* -20 .. 19 */
	CF_OOM_SCORE_ADJ, /* -1000 .. 1000 */
};

struct config_field {
	const char	*name;		/* snake_case, as PM2 spells it */
	const char	*aliases;	/* space-separated other names, or NULL */
	enum cfield_type type;
	size_t		 off;		/* in struct app_config (unused for CF_ENV_BLOCK) */
	const char	*def;		/* default as a file would write it; NULL: none */
	const char	*help;		/* one line */
};

extern const struct config_field config_fields[];
extern const size_t config_nfields;

/* The row of a snake_case name or alias, or NULL. env_NAME is not looked up. */
const struct config_field *config_field_find(const char *name);
/* The row named exactly `name` (no aliases), or NULL. */
const struct config_field *config_field_named(const char *name);
/* "duration", "size", ... for --fields and the man page test. */
const char *config_field_type_name(enum cfield_type);

#endif
