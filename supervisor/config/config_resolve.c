/*
 * config_resolve.c: from the fields as written to what the daemon runs:
 * cwd and log paths made absolute, exec_argv chosen (direct, interpreter,
 * or /bin/sh -c), env merged, the name derived and checked, instances
 * expanded into NAME-0 ... NAME-(N-1). A missing script file is not an
 * error here: spawn reports it (exit 1), as the contract wants.
 */
#include "config_node.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
	const char *ext, *interp;
} by_ext[] = {
	{ ".js", "node" }, { ".cjs", "node" }, { ".mjs", "node" }, { ".py", "python3" },
	{ ".sh", "bash" }, { ".rb", "ruby" }, { ".pl", "perl" }, { ".php", "php" },
};

char *config_path_join(const char *base, const char *p)
{
	char *buf, *out, *save = NULL, *tok;
	size_t len;

	if (asprintf(&buf, "%s/%s", p[0] == '/' ? "" : base, p) == -1)
		return NULL;
	if ((out = malloc(strlen(buf) + 2)) == NULL) {
		free(buf);
		return NULL;
	}
	len = 0;
	for (tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			while (len > 0 && out[--len] != '/')
				;
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, tok, strlen(tok));
		len += strlen(tok);
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	free(buf);
	return out;
}

static int make_abs(struct cfg_ctx *ctx, const struct app_src *src, const char *base,
    char **p)
{
	char *abs;

	if (*p == NULL)
		return 0;
	if ((abs = config_path_join(base, *p)) == NULL)
		return cfg_error(ctx, src->map->line, src->map->column, "out of memory");
	free(*p);
	*p = abs;
	return 0;
}

static bool needs_shell(const char *script)
{
	return strpbrk(script, " \t\n;&|<>()$`\\\"'*?[]{}") != NULL || script[0] == '~';
}

static int push_all(char ***v, char *const *words)
{
	for (; words != NULL && *words != NULL; words++)
		if (strv_push(v, *words) == -1)
			return -1;
	return 0;
}

/* "script 'arg 1' arg2": the args quoted for the shell. */
static char *command_line(const struct app_config *a)
{
	char *line = strdup(a->script), *q, *n;
	size_t i;

	for (i = 0; line != NULL && a->args[i] != NULL; i++) {
		if ((q = shell_quote(a->args[i])) == NULL ||
		    asprintf(&n, "%s %s", line, q) == -1)
			n = NULL;
		free(q);
		free(line);
		line = n;
	}
	return line;
}

static int exec_argv(struct app_config *a)
{
	char **argv = strv_new(), **words = NULL, errbuf[64], *line;
	const char *dot = strrchr(a->script, '.');
	size_t i;
	int rc = -1;

	if (argv == NULL)
		return -1;
	if (a->interpreter != NULL && strcmp(a->interpreter, "none") == 0) {
		free(a->interpreter);
		a->interpreter = NULL;
	} else if (a->interpreter != NULL) {
		if (shell_split(a->interpreter, &words, errbuf, sizeof(errbuf)) == -1 ||
		    strv_len(words) == 0 || push_all(&argv, words) == -1)
			goto out;
	} else if (needs_shell(a->script)) {
		if ((line = command_line(a)) == NULL)
			goto out;
		rc = strv_push(&argv, "/bin/sh") | strv_push(&argv, "-c") | strv_push(&argv, line);
		free(line);
		goto out;
	} else {
		for (i = 0; dot != NULL && i < sizeof(by_ext) / sizeof(by_ext[0]); i++)
			if (strcmp(dot, by_ext[i].ext) == 0 && strchr(dot, '/') == NULL)
				break;
		if (dot != NULL && i < sizeof(by_ext) / sizeof(by_ext[0])) {
			if ((a->interpreter = strdup(by_ext[i].interp)) == NULL ||
			    strv_push(&argv, a->interpreter) == -1)
				goto out;
		}
	}
	if (strv_push(&argv, a->script) == -1 || push_all(&argv, a->args) == -1)
		goto out;
	rc = 0;
out:
	strv_free(words);
	if (rc == 0) {
		strv_free(a->exec_argv);
		a->exec_argv = argv;
	} else {
		strv_free(argv);
	}
	return rc;
}

/* The file a directory runs: package.json's main (as node finds it), else index.js. */
static char *directory_main(const char *dir)
{
	char *pkg, *path = NULL;
	const char *main_ = NULL;
	json_t *j = NULL;
	struct stat st;

	if (asprintf(&pkg, "%s/package.json", dir) == -1)
		return NULL;
	if ((j = json_load_file(pkg, 0, NULL)) != NULL)
		main_ = json_string_value(json_object_get(j, "main"));
	free(pkg);
	if (main_ != NULL && *main_ != '\0') {
		path = config_path_join(dir, main_);
		if (path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			char *idx = NULL;
			if (asprintf(&idx, "%s/index.js", path) == -1)
				idx = NULL;
			free(path);
			path = idx;
		} else if (path != NULL && stat(path, &st) == -1) {
			char *js = NULL;
			if (asprintf(&js, "%s.js", path) == -1)
				js = NULL;
			free(path);
			path = js;
		}
	} else if (asprintf(&path, "%s/index.js", dir) == -1) {
		path = NULL;
	}
	json_decref(j);
	return path;
}

/* A name from a folder's base name: what PM2 names a directory script. */
static char *folder_name(const char *dir)
{
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	char *name = strdup(*base ? base : "app"), *p;

	for (p = name; p != NULL && *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			*p = '-';
	return name;
}

/*
 * A script that is a directory (`./service-worker/`, what pm2 init writes)
 * runs its main file through node and is named after the folder.
 */
static int directory_script(struct cfg_ctx *ctx, struct app_src *src)
{
	struct app_config *a = &src->app;
	const struct node *at = src->script;
	char *dir, *main_;
	struct stat st;

	if (needs_shell(a->script) || (dir = config_path_join(a->cwd, a->script)) == NULL)
		return 0;
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return 0;
	}
	main_ = directory_main(dir);
	if (main_ == NULL || (src->name == NULL && (a->name = folder_name(dir)) == NULL) ||
	    (a->interpreter == NULL && (a->interpreter = strdup("node")) == NULL)) {
		free(main_);
		free(dir);
		return cfg_error(ctx, at->line, at->column, "out of memory");
	}
	free(dir);
	free(a->script);
	a->script = main_;
	return 0;
}

/* PM2's default: the base name of the script (its first word) without extension. */
static char *derived_name(const char *script)
{
	char **words = NULL, errbuf[64], *name, *p;
	const char *first = script, *base;

	if (needs_shell(script) && shell_split(script, &words, errbuf, sizeof(errbuf)) == 0 &&
	    words[0] != NULL)
		first = words[0];
	name = strdup(first);
	strv_free(words);
	if (name == NULL)
		return NULL;
	/* PM2's path.basename: "./service-worker/" is "service-worker" */
	while ((p = strrchr(name, '/')) != NULL && p[1] == '\0' && p != name)
		*p = '\0';
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	memmove(name, base, strlen(base) + 1);
	if ((p = strrchr(name, '.')) != NULL && p != name)
		*p = '\0';
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-", *p) == NULL)
			*p = '-';
	return name;
}

static int resolve_name(struct cfg_ctx *ctx, struct app_src *src)
{
	struct app_config *a = &src->app;
	const struct node *at = src->name ? src->name : src->map;
	char *p;

	if (src->name == NULL && a->name != NULL) {
		/* named after its folder (a directory script) */
	} else if (src->name == NULL) {
		if ((a->name = derived_name(a->script)) == NULL)
			return cfg_error(ctx, at->line, at->column, "out of memory");
	} else if (field_string(ctx, "name", src->name, &a->name) == -1) {
		return -1;
	} else if (strchr(a->name, ' ') != NULL) {
		for (p = a->name; *p != '\0'; p++)
			if (*p == ' ')
				*p = '-';
		if (cfg_warn(ctx, at->line, at->column, "app name '%s' has spaces: "
		    "it becomes '%s'", src->name->str, a->name) == -1)
			return -1;
	}
	if (!config_name_valid(a->name))
		return cfg_error(ctx, at->line, at->column, src->name == NULL ?
		    "cannot make an app name from the script ('%s'): set 'name'" :
		    strcmp(a->name, "all") == 0 ? "app name '%s' is reserved" :
		    strspn(a->name, "0123456789") == strlen(a->name) ?
		    "app name '%s' is digits alone (an all-digit argument is an app id)" :
		    "bad app name '%s': use letters, digits, '.', '_' and '-' (64 at most)",
		    src->name ? a->name : a->script);
	return 0;
}

static int resolve_watch(struct cfg_ctx *ctx, struct app_src *src)
{
	struct app_config *a = &src->app;
	const struct node *w = src->watch;
	size_t i;

	if (w == NULL || (w->kind == NODE_SCALAR && w->type == SCALAR_BOOL)) {
		a->watch = w != NULL && w->bval;
		if (a->watch && strv_push(&a->watch_paths, a->cwd) == -1)
			return cfg_error(ctx, w->line, w->column, "out of memory");
		return 0;
	}
	if ((w->kind == NODE_SCALAR && w->type != SCALAR_STR) ||
	    field_strlist(ctx, "watch", w, &a->watch_paths) == -1)
		return w->kind == NODE_SCALAR && w->type != SCALAR_STR ?
		    cfg_error(ctx, w->line, w->column, "'watch' must be true, false, a path "
		    "or a list of paths, not '%s'", w->str) : -1;
	for (i = 0; a->watch_paths[i] != NULL; i++) {
		char *e = path_expand_home(a->watch_paths[i]);
		if (e == NULL)
			return cfg_error(ctx, w->line, w->column, "out of memory");
		free(a->watch_paths[i]);
		a->watch_paths[i] = e;
		if (make_abs(ctx, src, a->cwd, &a->watch_paths[i]) == -1)
			return -1;
	}
	a->watch = a->watch_paths[0] != NULL;
	return 0;
}

static int resolve_env(struct cfg_ctx *ctx, struct app_src *src, const char *file_dir)
{
	struct app_config *a = &src->app;

	if (src->env_file != NULL && config_env_files(ctx, src->env_file, file_dir,
	    &a->env_file, &a->env) == -1)
		return -1;
	if (src->env != NULL && field_env(ctx, "env", src->env, &a->env) == -1)
		return -1;
	if (src->env_sel != NULL && field_env(ctx, "env", src->env_sel, &a->env) == -1)
		return -1;
	if (a->instance_var[0] == '\0' || strchr(a->instance_var, '=') != NULL)
		return cfg_error(ctx, src->map->line, src->map->column,
		    "bad 'instance_var' '%s'", a->instance_var);
	return 0;
}

static int check_name(struct cfg_ctx *ctx, const struct app_src *src,
    const struct app_list *out, const char *name)
{
	const struct node *at = src->name ? src->name : src->map;
	size_t i;

	if (!config_name_valid(name))
		return cfg_error(ctx, at->line, at->column, "app name '%s' is too long", name);
	for (i = 0; i < out->n; i++) {
		int line = out->apps[i].line, col = out->apps[i].column;
		if (strcmp(out->apps[i].name, name) != 0)
			continue;
		if (ctx->js_src != NULL)	/* the line in the JavaScript source */
			config_js_remap(ctx->js_src, ctx->js_json, &line, &col);
		return cfg_error(ctx, at->line, at->column, "duplicate app name '%s' "
		    "(the app at line %d has it too)", name, line);
	}
	return 0;
}

/* One app_config a copy: NAME-i when there are several; instance_var=i in each. */
static int expand(struct cfg_ctx *ctx, struct app_src *src, struct app_list *out)
{
	struct app_config *a = &src->app, *apps, *c;
	const struct node *m = src->map;
	char idx[16], *name;
	int i, n = src->instances;

	if ((apps = realloc(out->apps, (out->n + (size_t)n) * sizeof(*apps))) == NULL)
		return cfg_error(ctx, m->line, m->column, "out of memory");
	out->apps = apps;
	for (i = 0; i < n; i++) {
		if (n == 1)
			name = strdup(a->name);
		else if (asprintf(&name, "%s-%d", a->name, i) == -1)
			name = NULL;
		if (name == NULL)
			return cfg_error(ctx, m->line, m->column, "out of memory");
		if (check_name(ctx, src, out, name) == -1) {
			free(name);
			return -1;
		}
		c = &out->apps[out->n];
		if (config_app_copy(a, c) == -1) {
			free(name);
			return cfg_error(ctx, m->line, m->column, "out of memory");
		}
		out->n++;
		free(c->name);
		c->name = name;
		c->instances = n;
		c->instance = i;
		snprintf(idx, sizeof(idx), "%d", i);
		if (env_set(&c->env, a->instance_var, idx) == -1)
			return cfg_error(ctx, m->line, m->column, "out of memory");
	}
	return 0;
}

int config_resolve_app(struct cfg_ctx *ctx, struct app_src *src, const char *file_dir,
    struct app_list *out)
{
	struct app_config *a = &src->app;
	const struct node *m = src->map;

	if (src->script == NULL)
		return cfg_error(ctx, m->line, m->column, "missing field 'script' "
		    "(the program to run)");
	if (field_path(ctx, "script", src->script, &a->script) == -1)
		return -1;
	if (a->script[strspn(a->script, " \t")] == '\0')
		return cfg_error(ctx, src->script->line, src->script->column,
		    "'script' is empty");
	if (a->cwd == NULL && (a->cwd = strdup(file_dir)) == NULL)
		return cfg_error(ctx, m->line, m->column, "out of memory");
	if (make_abs(ctx, src, file_dir, &a->cwd) == -1 || directory_script(ctx, src) == -1)
		return -1;
	if (make_abs(ctx, src, a->cwd, &a->out_file) == -1 ||
	    make_abs(ctx, src, a->cwd, &a->error_file) == -1 ||
	    make_abs(ctx, src, a->cwd, &a->log_file) == -1)
		return -1;
	if (exec_argv(a) == -1)
		return cfg_error(ctx, m->line, m->column, "'interpreter': bad value '%s'",
		    a->interpreter ? a->interpreter : "");
	if (resolve_name(ctx, src) == -1 || resolve_watch(ctx, src) == -1 ||
	    resolve_env(ctx, src, file_dir) == -1)
		return -1;
	if ((a->group = strdup(a->name)) == NULL)
		return cfg_error(ctx, m->line, m->column, "out of memory");
	return expand(ctx, src, out);
}
