/*
 * config.c: the ecosystem file. The field table (config_fields.c) walked by
 * one generic loop for YAML and PM2's .json alike; aliases and camelCase
 * names map onto the table; PM2 fields csup ignores warn; a
 * near miss of a known name is an error with a suggestion.
 */
#include "config_node.h"
#include "config_fields.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* PM2 fields csup does not implement: a warning naming them. */
static const char *const pm2_only[] = {
	"exec_mode", "node_args", "interpreter_args", "vizion", "pid_file", "pid", "time",
	"namespace", "treekill", "increment_var", "source_map_support",
	"disable_source_map_support", "filter_env", "append_env_to_name", "post_update",
	"force", "watch_options", "disable_logs", "log_type", "kill_retry_time", "uid",
	"gid", "user", "username", "stop_exit_codes", "automation", "pmx", "trace",
	"disable_trace", "autostart", "shutdown_with_message", "node_version",
	"instance_id", "deep_monitoring", "io", "windows_hide", "version", "port",
	"container", "docker", "dist", "name_prefix", "install_url", "execute_command",
	"v8", "event_loop_inspector", "write",
};

static char *camel_to_snake(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s != '\0' && o + 2 < len; s++) {
		if (isupper((unsigned char)*s)) {
			if (o > 0)
				buf[o++] = '_';
			buf[o++] = (char)tolower((unsigned char)*s);
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

static char *snake_to_camel(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s != '\0' && o + 1 < len; s++) {
		if (*s == '_' && s[1] != '\0')
			buf[o++] = (char)toupper((unsigned char)*++s);
		else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

static bool near(const char *key, const char *cand, int *best)
{
	int d = edit_distance(key, cand);

	/* Short names need a closer match: 'foo' is not a typo of 'log'. */
	if (d > 2 || (d == 2 && (strlen(cand) <= 4 || strlen(key) <= 4)) || d >= *best)
		return false;
	*best = d;
	return true;
}

/* The word of a space-separated alias list nearest key, copied to out. */
static bool near_word(const char *key, const char *list, int *best, char *out,
    size_t len)
{
	char word[64];
	const char *p;
	bool hit = false;
	size_t n;

	for (p = list; p != NULL && *p != '\0'; p += n + (p[n] == ' ')) {
		n = strcspn(p, " ");
		if (n >= sizeof(word) || n >= len)
			continue;
		memcpy(word, p, n);
		word[n] = '\0';
		if (near(key, word, best)) {
			memcpy(out, word, n + 1);
			hit = true;
		}
	}
	return hit;
}

/* An unknown key: an error when it is a near miss, else a warning. */
static int unknown_field(struct cfg_ctx *ctx, const struct node *k, const char *snake)
{
	const char *cand = NULL;
	char camel[64];
	int best = 3;
	char word[64];
	size_t i;

	for (i = 0; i < config_nfields; i++) {
		if (config_fields[i].type != CF_ENV_BLOCK &&
		    near(snake, config_fields[i].name, &best))
			cand = config_fields[i].name;
		if (near_word(snake, config_fields[i].aliases, &best, word, sizeof(word)))
			cand = word;
	}
	for (i = 0; i < sizeof(pm2_only) / sizeof(pm2_only[0]); i++)
		if (near(snake, pm2_only[i], &best))
			cand = pm2_only[i];
	if (near(snake, "env_production", &best) && strncmp(snake, "env", 3) != 0)
		cand = "env_production";
	if (cand != NULL) {
		if (strcmp(snake, k->str) != 0)
			cand = snake_to_camel(cand, camel, sizeof(camel));
		return cfg_error(ctx, k->line, k->column,
		    "unknown field '%s', did you mean '%s'?", k->str, cand);
	}
	return cfg_warn(ctx, k->line, k->column, "unknown field '%s' (ignored)", k->str);
}

static int pm2_field(struct cfg_ctx *ctx, const struct node *k, const struct node *v,
    const char *snake)
{
	size_t i;

	for (i = 0; i < sizeof(pm2_only) / sizeof(pm2_only[0]); i++)
		if (strcmp(pm2_only[i], snake) == 0)
			break;
	if (i == sizeof(pm2_only) / sizeof(pm2_only[0]))
		return 1;
	if (strcmp(snake, "exec_mode") == 0 && v->kind == NODE_SCALAR) {
		if (strcmp(v->str, "fork") == 0 || strcmp(v->str, "fork_mode") == 0)
			return 0;
		if (strcmp(v->str, "cluster") == 0 || strcmp(v->str, "cluster_mode") == 0)
			return cfg_warn(ctx, k->line, k->column, "'%s: cluster' is node-specific: "
			    "csup forks the 'instances' copies instead", k->str);
	}
	return cfg_warn(ctx, k->line, k->column,
	    "PM2 field '%s' is not supported by csup (ignored)", k->str);
}

static int set_field(struct cfg_ctx *ctx, struct app_src *src, const struct config_field *f,
    const char *key, const struct node *v)
{
	char *a = (char *)&src->app + f->off;

	switch (f->type) {
	case CF_STR:	return field_string(ctx, key, v, (char **)a);
	case CF_PATH:	return field_path(ctx, key, v, (char **)a);
	case CF_LOG_PATH: return field_log_path(ctx, key, v, (char **)a);
	case CF_BOOL:	return field_bool(ctx, key, v, (bool *)a);
	case CF_INT:	return field_int(ctx, key, v, (int *)a);
	case CF_DURATION: return field_duration(ctx, key, v, (int64_t *)a);
	case CF_SIZE:	return field_size(ctx, key, v, (int64_t *)a);
	case CF_SIGNAL:	return field_signal(ctx, key, v, (int *)a);
	case CF_KILL_MODE: return field_kill_mode(ctx, key, v, (enum kill_mode *)a);
	case CF_ARGS:	return field_args(ctx, key, v, (char ***)a);
	case CF_LIST:	return field_strlist(ctx, key, v, (char ***)a);
	case CF_HEALTH:	return field_health(ctx, key, v, (struct health_config *)a);
	case CF_CRON:	return field_cron(ctx, key, v, &src->app.cron_restart, &src->app.cron);
	case CF_LIMITS:	return field_limits(ctx, key, v, (struct limits_config *)a);
	case CF_NICE:	return field_opt_int(ctx, key, v, -20, 19, (struct opt_int *)a);
	case CF_OOM_SCORE_ADJ:
		return field_opt_int(ctx, key, v, -1000, 1000, (struct opt_int *)a);
	case CF_INSTANCES: return field_instances(ctx, key, v, &src->instances);
	case CF_NAME:	src->name = v; return 0;
	case CF_SCRIPT:	src->script = v; return 0;
	case CF_WATCH:	src->watch = v; return 0;
	case CF_ENV_FILE: src->env_file = v; return 0;
	case CF_ENV:
		if (v->kind != NODE_MAP)
			return field_env(ctx, key, v, NULL);	/* the type error */
		src->env = v;
		return 0;
	case CF_ENV_BLOCK:
		return 0;
	}
	return 0;
}

/* env_NAME: checked always, kept when NAME is the --env asked for. */
static int env_block(struct cfg_ctx *ctx, struct app_src *src, const struct node *k,
    const struct node *v, const char *snake)
{
	char **scratch;
	int rc;

	if (v->kind != NODE_MAP)	/* PM2: env_variable: "TOTO" is no environment */
		return cfg_warn(ctx, k->line, k->column, "'%s' is not a mapping of variables "
		    "(ignored)", k->str);
	if ((scratch = strv_new()) == NULL)
		return cfg_error(ctx, k->line, k->column, "out of memory");
	rc = field_env(ctx, k->str, v, &scratch);
	strv_free(scratch);
	if (rc == 0 && ctx->opt != NULL && ctx->opt->env_name != NULL &&
	    strcmp(snake + 4, ctx->opt->env_name) == 0)
		src->env_sel = v;
	return rc;
}

static int app_pair(struct cfg_ctx *ctx, struct app_src *src, const struct node *seen[],
    const struct node *k, const struct node *v)
{
	const struct config_field *f;
	char snake[128];
	int fi, rc;

	if (strlen(k->str) >= sizeof(snake) / 2)
		return unknown_field(ctx, k, k->str);
	camel_to_snake(k->str, snake, sizeof(snake));
	if ((f = config_field_find(snake)) == NULL) {
		if (strncmp(snake, "env_", 4) == 0 && snake[4] != '\0')
			return v->type == SCALAR_NULL ? 0 : env_block(ctx, src, k, v, snake);
		if ((rc = pm2_field(ctx, k, v, snake)) != 1)
			return rc;
		return unknown_field(ctx, k, snake);
	}
	fi = (int)(f - config_fields);
	if (seen[fi] != NULL) {
		if (!ctx->json)
			return cfg_error(ctx, k->line, k->column, "'%s' sets '%s' again "
			    "(already set at line %d)", k->str, f->name, seen[fi]->line);
		if (cfg_warn(ctx, k->line, k->column, "'%s' sets '%s' again (line %d): the "
		    "last one wins", k->str, f->name, seen[fi]->line) == -1)
			return -1;
	}
	seen[fi] = k;
	if (v->kind == NODE_SCALAR && v->type == SCALAR_NULL &&
	    !(f->type == CF_LOG_PATH && strcmp(v->str, "NULL") == 0))
		return 0;	/* null: the default (PM2's 'NULL' log path is no log) */
	if (f->type == CF_LOG_PATH && v->type == SCALAR_BOOL && strcmp(f->name, "log_file") == 0) {
		/* PM2's `log_file: true` is its default combined log: no path to give */
		return !v->bval ? 0 : cfg_warn(ctx, k->line, k->column, "'%s: true' (PM2's "
		    "default combined log) is not supported: give a path (ignored)", k->str);
	}
	return set_field(ctx, src, f, k->str, v);
}

/* The command line's flags, over every app's own fields (config_override.c). */
static int apply_overrides(struct cfg_ctx *ctx, struct app_src *src)
{
	const struct node **seen;
	const char *key;
	struct node *k, *v;
	json_t *val;
	int rc = 0;

	if (ctx->opt == NULL || ctx->opt->overrides == NULL)
		return 0;
	if ((seen = calloc(config_nfields, sizeof(*seen))) == NULL)
		return cfg_error(ctx, 0, 0, "out of memory");
	json_object_foreach((json_t *)ctx->opt->overrides, key, val) {
		if ((k = node_scalar(ctx, key, strlen(key), SCALAR_STR, 0, 0)) == NULL ||
		    (v = config_override_node(ctx, val)) == NULL) {
			rc = cfg_error(ctx, 0, 0, "out of memory");
			break;
		}
		if ((rc = app_pair(ctx, src, seen, k, v)) == -1)
			break;
	}
	free(seen);
	return rc;
}

static int parse_app(struct cfg_ctx *ctx, const struct node *map, const char *dir,
    struct app_list *out)
{
	const struct node **seen = calloc(config_nfields, sizeof(*seen));
	struct app_src src = { .map = map, .instances = 1 };
	size_t i;
	int rc = -1;

	config_app_defaults(&src.app);
	src.instances = src.app.instances;
	src.app.line = map->line;
	src.app.column = map->column;
	if (seen == NULL) {
		cfg_error(ctx, map->line, map->column, "out of memory");
		goto out;
	}
	if (map->kind != NODE_MAP) {
		cfg_error(ctx, map->line, map->column, "an app must be a mapping of fields, "
		    "not %s", node_type_name(map));
		goto out;
	}
	for (i = 0; i + 1 < map->n; i += 2)
		if (app_pair(ctx, &src, seen, map->items[i], map->items[i + 1]) == -1)
			goto out;
	if (apply_overrides(ctx, &src) == -1)
		goto out;
	rc = config_resolve_app(ctx, &src, dir, out);
out:
	free(seen);
	config_app_free(&src.app);
	return rc;
}

/* The node holding the apps, in any of the layouts PM2 accepts. */
static int apps_node(struct cfg_ctx *ctx, const struct node *root, const struct node **list)
{
	const struct node *l = node_get(root, "apps");
	size_t i;

	*list = root;
	if (root->kind == NODE_SCALAR)
		return cfg_error(ctx, root->line, root->column,
		    "expected 'apps:' with a list of apps, not %s", node_type_name(root));
	if (l == NULL)
		l = node_get(root, "pm2");
	if (root->kind != NODE_MAP || l == NULL)
		return 0;	/* a top-level list, or a bare app */
	for (i = 0; i + 1 < root->n; i += 2) {
		const struct node *k = root->items[i];
		if (root->items[i + 1] != l && cfg_warn(ctx, k->line, k->column,
		    "top-level key '%s' ignored (csup reads only the apps)", k->str) == -1)
			return -1;
	}
	if (l->kind != NODE_SEQ && l->kind != NODE_MAP)
		return cfg_error(ctx, l->line, l->column,
		    "'apps' must be a list of apps, not %s", node_type_name(l));
	*list = l;
	return 0;
}

static int parse_root(struct cfg_ctx *ctx, const struct node *root, const char *dir,
    struct app_list *out)
{
	const struct node *list;
	size_t i;

	if (root == NULL)
		return cfg_error(ctx, 1, 1, "no apps in the file (expected 'apps:')");
	if (apps_node(ctx, root, &list) == -1)
		return -1;
	if (list->kind == NODE_MAP) {
		if (parse_app(ctx, list, dir, out) == -1)
			return -1;
	} else {
		if (list->n == 0)
			return cfg_error(ctx, list->line, list->column, "no apps in the file");
		for (i = 0; i < list->n; i++)
			if (parse_app(ctx, list->items[i], dir, out) == -1)
				return -1;
	}
	return 0;
}

static int read_file(struct cfg_ctx *ctx, const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 0, n;
	char *b = NULL, *nb;

	*len = 0;
	if (f == NULL)
		return cfg_error(ctx, 0, 0, "cannot open: %s", strerror(errno));
	for (;;) {
		if (cap - *len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(b, cap + 1)) == NULL) {
				free(b);
				fclose(f);
				return cfg_error(ctx, 0, 0, "out of memory");
			}
			b = nb;
		}
		n = fread(b + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(b);
		fclose(f);
		return cfg_error(ctx, 0, 0, "cannot read: %s", strerror(e));
	}
	fclose(f);
	b[*len] = '\0';
	*buf = b;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

/* The file's folder, absolute. */
static int file_dir(struct cfg_ctx *ctx, const char *path, char *dir, size_t len)
{
	char *copy = strdup(path);
	char *real;

	if (copy == NULL)
		return cfg_error(ctx, 0, 0, "out of memory");
	real = realpath(dirname(copy), NULL);
	free(copy);
	if (real == NULL)
		return cfg_error(ctx, 0, 0, "cannot resolve its folder: %s", strerror(errno));
	snprintf(dir, len, "%s", real);
	free(real);
	return 0;
}

static bool is_js(const char *path)
{
	return ends_with(path, ".js") || ends_with(path, ".cjs") || ends_with(path, ".mjs");
}

/* Positions in the JSON node handed back, moved to the JavaScript source. */
static void remap_js(struct cfg_ctx *ctx, const char *src, const char *json,
    struct app_list *out, int rc)
{
	size_t i;

	if (rc == -1 && ctx->err->line > 0)
		config_js_remap(src, json, &ctx->err->line, &ctx->err->column);
	for (i = 0; i < out->nwarnings; i++)
		config_js_remap(src, json, &out->warnings[i].line, &out->warnings[i].column);
}

static int warning_cmp(const void *a, const void *b)
{
	const struct config_warning *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x < y ? -1 : x > y;
}

static bool before(int l1, int c1, int l2, int c2)
{
	return l1 < l2 || (l1 == l2 && c1 < c2);
}

/*
 * Warnings in file order; under --strict the first problem in the file,
 * warning or error, is the error.
 */
static int finish(struct cfg_ctx *ctx, struct app_list *out, int rc)
{
	struct config_warning *w = out->warnings;
	char msg[sizeof(ctx->err->msg)];

	/* qsort is not stable: equal positions keep their order through the index */
	if (out->nwarnings > 1)
		qsort(w, out->nwarnings, sizeof(*w), warning_cmp);
	if (!ctx->opt->strict || out->nwarnings == 0)
		return rc;
	if (rc == -1 && !before(w->line, w->column, ctx->err->line, ctx->err->column))
		return rc;
	snprintf(msg, sizeof(msg), "%s (--strict)", w->msg);
	return cfg_error(ctx, w->line, w->column, "%s", msg);
}

int config_load(const char *path, const struct config_options *opt,
    struct app_list *out, struct config_error *err)
{
	static const struct config_options none = { 0 };
	struct cfg_ctx ctx = { .path = path, .opt = opt ? opt : &none, .list = out,
	    .err = err };
	struct node *root = NULL;
	char dir[PATH_MAX], *buf = NULL, *js = NULL;
	size_t len;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (read_file(&ctx, path, &buf, &len) == -1 ||
	    file_dir(&ctx, path, dir, sizeof(dir)) == -1)
		goto out;
	if (is_js(path)) {
		if (config_js_eval(&ctx, path, dir, &js, &len) == -1)
			goto out;
		ctx.json = true;
		ctx.js_src = buf;
		ctx.js_json = js;
		if (config_json5_parse(&ctx, js, len, &root) == 0)
			rc = parse_root(&ctx, root, dir, out);
		remap_js(&ctx, buf, js, out, rc);
		goto out;
	}
	ctx.json = ends_with(path, ".json") || ends_with(path, ".json5");
	if ((ctx.json ? config_json5_parse : config_yaml_parse)(&ctx, buf, len, &root) == -1)
		goto out;
	rc = parse_root(&ctx, root, dir, out);
out:
	rc = finish(&ctx, out, rc);
	node_free_all(&ctx);
	free(buf);
	free(js);
	if (rc == -1)
		config_app_list_free(out);
	return rc;
}
