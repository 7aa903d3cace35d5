/*
 * cli_opts.c: the client's command line. `--opt value` and `--opt=value`
 * are the same; an option a command does not take is exit 2 with the
 * nearest one it does take; `start` flags become PM2 fields applied over
 * every app's own (struct config_options.overrides).
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

enum otype {
	O_FLAG,		/* no value */
	O_VALUE,	/* one value */
	O_OPTVALUE,	/* --timestamp [FMT] */
	O_LIST,		/* one value or more, up to the next option */
	O_OPTLIST,	/* --watch [PATH...] */
};

enum vkind { V_NONE, V_STR, V_PATH, V_INT, V_DUR, V_SIZE, V_TRUE, V_FALSE, V_LIST,
	V_INSTANCES, V_WATCH };

static const struct optdef {
	const char	*lng;
	char		 shrt;
	enum otype	 type;
	const char	*field;		/* start: the PM2 field it sets */
	enum vkind	 kind;
	const char	*arg;		/* for --help */
	const char	*help;
} defs[] = {
	{ "help", 'h', O_FLAG, NULL, V_NONE, NULL, "this help" },
	{ "json", 0, O_FLAG, NULL, V_NONE, NULL, "JSON output" },
	{ "only", 0, O_VALUE, NULL, V_NONE, "A,B", "only these apps of the file" },
	{ "env", 0, O_VALUE, NULL, V_NONE, "NAME", "merge env_NAME over env" },
	{ "update-env", 0, O_FLAG, NULL, V_NONE, NULL, "take this shell's environment" },
	{ "no-start", 0, O_FLAG, NULL, V_NONE, NULL, "do not start a daemon" },
	{ "lines", 0, O_VALUE, NULL, V_NONE, "N", "last N lines of each file (15)" },
	{ "follow", 'f', O_FLAG, NULL, V_NONE, NULL, "keep printing what is appended" },
	{ "raw", 0, O_FLAG, NULL, V_NONE, NULL, "no ID|NAME prefixes" },
	{ "out", 0, O_FLAG, NULL, V_NONE, NULL, "only the output logs" },
	{ "err", 0, O_FLAG, NULL, V_NONE, NULL, "only the error logs" },
	{ "timestamp", 0, O_OPTVALUE, NULL, V_NONE, "[FMT]",
	    "prefix each line with the time it is printed (default YYYY-MM-DD HH:mm:ss)" },
	{ "nostream", 0, O_FLAG, NULL, V_NONE, NULL, "print the last lines, do not follow" },
	{ "name", 'n', O_VALUE, "name", V_STR, "NAME", "the app's name" },
	{ "instances", 'i', O_VALUE, "instances", V_INSTANCES, "N|max", "copies to run" },
	{ "watch", 0, O_OPTLIST, "watch", V_WATCH, "[PATH...]",
	    "restart on a change (of the cwd, or of these paths)" },
	{ "ignore-watch", 0, O_LIST, "ignore_watch", V_LIST, "GLOB...",
	    "changes to ignore" },
	{ "max-memory-restart", 0, O_VALUE, "max_memory_restart", V_SIZE, "SIZE",
	    "restart past this RSS (300M)" },
	{ "cron", 0, O_VALUE, "cron_restart", V_STR, "EXPR", "restart at these times" },
	{ "cron-restart", 0, O_VALUE, "cron_restart", V_STR, "EXPR", "same as --cron" },
	{ "interpreter", 0, O_VALUE, "interpreter", V_STR, "PROG", "run the script with PROG" },
	{ "no-autorestart", 0, O_FLAG, "autorestart", V_FALSE, NULL,
	    "do not restart when it exits" },
	{ "output", 'o', O_VALUE, "out_file", V_PATH, "FILE", "output log file" },
	{ "error", 'e', O_VALUE, "error_file", V_PATH, "FILE", "error log file" },
	{ "log-date-format", 0, O_VALUE, "log_date_format", V_STR, "FMT",
	    "prefix log lines with the time" },
	{ "time", 0, O_FLAG, "log_date_format", V_NONE, NULL,
	    "prefix log lines with the time (YYYY-MM-DDTHH:mm:ss)" },
	{ "kill-timeout", 0, O_VALUE, "kill_timeout", V_DUR, "DUR",
	    "stop signal to SIGKILL (1600)" },
	{ "cwd", 0, O_VALUE, "cwd", V_PATH, "DIR", "working directory" },
	{ "wait-ready", 0, O_FLAG, "wait_ready", V_TRUE, NULL,
	    "online only after READY=1" },
	{ "listen-timeout", 0, O_VALUE, "listen_timeout", V_DUR, "DUR",
	    "how long to wait for READY=1 (3000)" },
	{ "max-restarts", 0, O_VALUE, "max_restarts", V_INT, "N",
	    "unstable restarts before errored (16)" },
	{ "restart-delay", 0, O_VALUE, "restart_delay", V_DUR, "DUR", "wait before a restart" },
	{ "exp-backoff-restart-delay", 0, O_VALUE, "exp_backoff_restart_delay", V_DUR, "DUR",
	    "doubling delay between unstable restarts" },
	{ "merge-logs", 0, O_FLAG, "merge_logs", V_TRUE, NULL,
	    "one log for every copy of a group" },
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

int cli_usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "csup %s: %s (try 'csup %s --help')\n", cmd, msg, cmd);
	return CSUP_EXIT_USAGE;
}

bool cli_is_file(const char *arg)
{
	static const char *const exts[] = { ".yaml", ".yml", ".json", ".json5", ".js",
		".cjs", ".mjs", NULL };
	size_t n = strlen(arg);

	for (int i = 0; exts[i]; i++) {
		size_t e = strlen(exts[i]);

		if (n > e && strcmp(arg + n - e, exts[i]) == 0)
			return true;
	}
	return false;
}

/* Does the command take --lng? (options: space separated long names) */
static bool takes(const struct cli_cmd *cmd, const char *lng)
{
	size_t n = strlen(lng);

	if (strcmp(lng, "help") == 0)
		return true;
	for (const char *p = cmd->options; p && (p = strstr(p, lng)) != NULL; p += n)
		if ((p == cmd->options || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[64], prev, tmp;

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev :
			    1 + (prev < row[j] ? (prev < row[j - 1] ? prev : row[j - 1]) :
			    (row[j] < row[j - 1] ? row[j] : row[j - 1]));
			prev = tmp;
		}
	}
	return row[lb];
}

static int unknown(const struct cli_cmd *cmd, const char *arg)
{
	char name[128];
	const char *best = NULL, *eq;
	int bd = 3, d;
	size_t n;

	while (*arg == '-')
		arg++;
	n = (eq = strchr(arg, '=')) ? (size_t)(eq - arg) : strlen(arg);
	snprintf(name, sizeof(name), "%.*s", (int)(n < 100 ? n : 100), arg);
	for (size_t i = 0; i < NDEFS; i++) {
		if (!takes(cmd, defs[i].lng))
			continue;
		d = distance(name, defs[i].lng);
		if (strncmp(defs[i].lng, name, strlen(name)) == 0 && name[0])
			d = d < 2 ? d : 2;	/* a prefix */
		if (d < bd) {
			bd = d;
			best = defs[i].lng;
		}
	}
	if (best)
		fprintf(stderr, "csup %s: unknown option '--%s', did you mean '--%s'? "
		    "(try 'csup %s --help')\n", cmd->name, name, best, cmd->name);
	else
		fprintf(stderr, "csup %s: unknown option '%s%s' (try 'csup %s --help')\n",
		    cmd->name, strlen(name) == 1 ? "-" : "--", name, cmd->name);
	return CSUP_EXIT_USAGE;
}

static const struct optdef *find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (strlen(defs[i].lng) == n && strncmp(defs[i].lng, name, n) == 0)
			return &defs[i];
	return NULL;
}

static const struct optdef *find_short(char c)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (defs[i].shrt == c)
			return &defs[i];
	return NULL;
}

static bool is_option(const char *a)
{
	return a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9');
}

/* Does FMT look like a time format (for `--timestamp FMT` without '=')? */
static bool looks_like_format(const char *s)
{
	return strchr(s, '%') || strstr(s, "YYYY") || strstr(s, "HH") || strstr(s, "mm");
}

static int bad_value(const char *cmd, const struct optdef *d, const char *v,
    const char *what)
{
	fprintf(stderr, "csup %s: --%s: '%s' is not %s (try 'csup %s --help')\n", cmd,
	    d->lng, v, what, cmd);
	return CSUP_EXIT_USAGE;
}

/* A start flag's value, checked here, as the PM2 field's value. */
static int override(const char *cmd, struct opts *o, const struct optdef *d,
    char **vals, int nvals)
{
	char path[PATH_MAX], cwd[PATH_MAX], *end;
	json_t *v = NULL;
	int64_t x;
	long l;

	switch (d->kind) {
	case V_STR:
		if (vals[0][0] == '\0')
			return bad_value(cmd, d, vals[0], "a value");
		v = json_string(vals[0]);
		break;
	case V_PATH:
		if (vals[0][0] == '\0')
			return bad_value(cmd, d, vals[0], "a path");
		if (vals[0][0] == '/' || strcmp(vals[0], "NULL") == 0 ||
		    getcwd(cwd, sizeof(cwd)) == NULL)
			v = json_string(vals[0]);
		else {
			if (snprintf(path, sizeof(path), "%s/%s", cwd, vals[0]) >=
			    (int)sizeof(path))
				return bad_value(cmd, d, vals[0], "a path short enough");
			v = json_string(path);
		}
		break;
	case V_INT:
		l = strtol(vals[0], &end, 10);
		if (*end || end == vals[0] || l < 0 || l > INT_MAX)
			return bad_value(cmd, d, vals[0], "a number");
		v = json_integer(l);
		break;
	case V_DUR:
		if (units_parse_duration(vals[0], &x) == -1)
			return bad_value(cmd, d, vals[0], "a duration (ms, or 500ms, 5s, 2m)");
		v = json_string(vals[0]);
		break;
	case V_SIZE:
		if (units_parse_size(vals[0], &x) == -1)
			return bad_value(cmd, d, vals[0], "a size (bytes, or 300M, 1G)");
		v = json_string(vals[0]);
		break;
	case V_TRUE:
	case V_FALSE:
		v = json_boolean(d->kind == V_TRUE);
		break;
	case V_INSTANCES:
		if (strcmp(vals[0], "max") == 0 || strcmp(vals[0], "-1") == 0)
			v = json_string("max");
		else {
			l = strtol(vals[0], &end, 10);
			if (*end || end == vals[0] || l < 0 || l > 4096)
				return bad_value(cmd, d, vals[0], "a number or 'max'");
			v = json_integer(l);
		}
		break;
	case V_WATCH:
		if (nvals == 0) {
			v = json_true();
			break;
		}
		/* fall through */
	case V_LIST:
		v = json_array();
		for (int i = 0; i < nvals; i++)
			json_array_append_new(v, json_string(vals[i]));
		break;
	case V_NONE:	/* --time */
		if (json_object_get(o->overrides, "log_date_format") == NULL)
			v = json_string("YYYY-MM-DDTHH:mm:ss");
		break;
	}
	if (v != NULL)
		json_object_set_new(o->overrides, d->field, v);
	return 0;
}

static int set_opt(const struct cli_cmd *cmd, struct opts *o, const struct optdef *d,
    char **vals, int nvals)
{
	const char *v = nvals > 0 ? vals[0] : NULL;
	char *end;

	if (d->field != NULL)
		return override(cmd->name, o, d, vals, nvals);
	if (strcmp(d->lng, "help") == 0)
		o->help = true;
	else if (strcmp(d->lng, "json") == 0)
		o->json = true;
	else if (strcmp(d->lng, "only") == 0)
		o->only = v;
	else if (strcmp(d->lng, "env") == 0)
		o->env_name = v;
	else if (strcmp(d->lng, "update-env") == 0)
		o->update_env = true;
	else if (strcmp(d->lng, "no-start") == 0)
		o->no_start = true;
	else if (strcmp(d->lng, "follow") == 0)
		o->follow = true;
	else if (strcmp(d->lng, "raw") == 0)
		o->raw = true;
	else if (strcmp(d->lng, "out") == 0)
		o->out = true;
	else if (strcmp(d->lng, "err") == 0)
		o->err = true;
	else if (strcmp(d->lng, "nostream") == 0)
		o->nostream = true;
	else if (strcmp(d->lng, "timestamp") == 0) {
		o->timestamp = true;
		o->timestamp_fmt = v;
	} else if (strcmp(d->lng, "lines") == 0) {
		o->lines = strtol(v, &end, 10);
		o->lines_set = true;
		if (*end || end == v || o->lines < 0)
			return bad_value(cmd->name, d, v, "a number");
	}
	return 0;
}

/* The values that follow option i; *next: the first argument not taken. */
static int take_values(const struct optdef *d, int argc, char **argv, int i,
    bool have_pos, const char *inline_val, char ***vals, int *nvals, int *next)
{
	int j = i + 1;

	*vals = argv + j;
	*nvals = 0;
	*next = j;
	if (inline_val != NULL) {
		*vals = (char **)&argv[i];	/* replaced by the caller */
		*nvals = 1;
		return 0;
	}
	switch (d->type) {
	case O_FLAG:
		return 0;
	case O_VALUE:
		if (j >= argc)
			return -1;
		*nvals = 1;
		*next = j + 1;
		return 0;
	case O_OPTVALUE:
		if (j < argc && !is_option(argv[j]) && looks_like_format(argv[j])) {
			*nvals = 1;
			*next = j + 1;
		}
		return 0;
	case O_LIST:
	case O_OPTLIST:
		/* A list before the script would swallow it: `start --watch app.js`. */
		if (d->type == O_OPTLIST && !have_pos)
			return 0;
		while (j < argc && !is_option(argv[j]) && strcmp(argv[j], "--") != 0)
			j++;
		*nvals = j - (i + 1);
		*next = j;
		return d->type == O_LIST && *nvals == 0 ? -1 : 0;
	}
	return 0;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct opts *o)
{
	const struct optdef *d;
	char *inline_val, **vals, *one[1];
	int nvals, next, rc;

	memset(o, 0, sizeof(*o));
	o->lines = 15;
	if ((o->pos = calloc((size_t)argc + 1, sizeof(*o->pos))) == NULL ||
	    (o->overrides = json_object()) == NULL) {
		cli_opts_free(o);
		return cli_usage_error(cmd->name, "out of memory");
	}
	for (int i = 1; i < argc; i = next) {
		const char *a = argv[i];

		next = i + 1;
		if (strcmp(a, "--") == 0) {
			o->rest = argv + i + 1;
			break;
		}
		if (!is_option(a)) {
			o->pos[o->npos++] = argv[i];
			continue;
		}
		inline_val = NULL;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');

			d = find_long(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			if (eq)
				inline_val = (char *)eq + 1;
		} else {
			d = a[2] == '\0' || a[2] == '=' ? find_short(a[1]) : NULL;
			if (d != NULL && a[2] == '=')
				inline_val = (char *)a + 3;
			if (strcmp(a, "-v") == 0 && strcmp(cmd->name, "version") == 0)
				continue;
		}
		if (d == NULL || !takes(cmd, d->lng)) {
			rc = unknown(cmd, a);
			goto fail;
		}
		if (inline_val && d->type == O_FLAG) {
			fprintf(stderr, "csup %s: --%s takes no value\n", cmd->name, d->lng);
			rc = CSUP_EXIT_USAGE;
			goto fail;
		}
		if (take_values(d, argc, argv, i, o->npos > 0, inline_val, &vals, &nvals,
		    &next) == -1) {
			fprintf(stderr, "csup %s: --%s needs %s (try 'csup %s --help')\n",
			    cmd->name, d->lng, d->arg ? d->arg : "a value", cmd->name);
			rc = CSUP_EXIT_USAGE;
			goto fail;
		}
		if (inline_val) {
			one[0] = inline_val;
			vals = one;
		}
		if ((rc = set_opt(cmd, o, d, vals, nvals)) != 0)
			goto fail;
	}
	if (o->help)
		return 0;
	if (json_object_size(o->overrides) > 0 && strcmp(cmd->name, "start") != 0 &&
	    strcmp(cmd->name, "startOrRestart") != 0 && strcmp(cmd->name, "startOrReload") != 0)
		json_object_clear(o->overrides);
	return 0;
fail:
	cli_opts_free(o);
	return rc;
}

void cli_opts_free(struct opts *o)
{
	free(o->pos);
	o->pos = NULL;
	json_decref(o->overrides);
	o->overrides = NULL;
}

void cli_help(const struct cli_cmd *cmd, FILE *f)
{
	const struct cli_cmd *real = cmd->alias_of ? cli_find(cmd->alias_of) : cmd;
	char left[96];

	fprintf(f, "usage: csup %s %s\n  %s\n", cmd->name, real->usage, real->summary);
	if (cmd->alias_of)
		fprintf(f, "  (an alias of 'csup %s')\n", cmd->alias_of);
	fprintf(f, "options:\n");
	for (size_t i = 0; i < NDEFS; i++) {
		if (!takes(real, defs[i].lng))
			continue;
		if (defs[i].shrt)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", defs[i].shrt, defs[i].lng,
			    defs[i].arg ? " " : "", defs[i].arg ? defs[i].arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", defs[i].lng,
			    defs[i].arg ? " " : "", defs[i].arg ? defs[i].arg : "");
		fprintf(f, "  %-36s %s\n", left, defs[i].help);
	}
	if (real->usage && strstr(real->usage, "TARGET"))
		fprintf(f, "TARGET: an app's name or id, 'all', an instances group, or an "
		    "ecosystem FILE (its apps); several may be given\n");
}
